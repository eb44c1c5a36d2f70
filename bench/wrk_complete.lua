-- wrk -t1 -c64 -d10s -s bench/wrk_complete.lua http://127.0.0.1:8000/ : POST /api/complete
-- with the prompts of bench/api_load.py in rotation (wrk, from Debian, is a load generator in C).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local prompts = {"What is 3 plus 4?", "what's 7 - 9?", "Is 6 even or odd?", "Which number is larger, 2 or 8?", "What comes after 5?", "How much is 8 + 1?", "Is 3 odd?", "What comes before 7?"}
local i = 0
request = function()
  i = i + 1
  local body = '{"prompt": "' .. prompts[(i % #prompts) + 1] .. '"}'
  return wrk.format(nil, "/api/complete", nil, body)
end
