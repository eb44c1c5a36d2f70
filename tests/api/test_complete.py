"""The seed contract: POST /api/complete and /api/inspect, and every 4xx with its detail."""

from __future__ import annotations

import math
from pathlib import Path

import httpx
import pytest

from api import create_app
from engine.checkpoint import Checkpoint
from engine.service import Engine
from engine.settings import Settings
from tests.api.helpers import SEED_PROMPT, client_for


async def test_complete_answers_the_seed_prompt(client: httpx.AsyncClient) -> None:
    response = await client.post("/api/complete", json={"prompt": SEED_PROMPT})
    assert response.status_code == 200
    body = response.json()
    assert body["completion"].endswith("therefore the answer is 7.")
    assert body["answer"] == "7"
    assert body["finish_reason"] == "stop"
    assert body["model"] == "mini-reasoner"
    usage = body["usage"]
    assert usage["prompt_tokens"] == 6  # what is 3 plus 4 ?
    assert usage["completion_tokens"] > 0
    assert usage["total_tokens"] == usage["prompt_tokens"] + usage["completion_tokens"]
    assert set(body["timings"]) == {"queued_ms", "first_token_ms", "total_ms"}
    assert body["tokens_per_second"] > 0


@pytest.mark.parametrize(
    ("prompt", "answer"),
    [("What is 3 minus 7?", "-4"), ("Is 7 even or odd?", "odd"), ("What comes after 4?", "5")],
)
async def test_complete_answers_other_seed_families(
    client: httpx.AsyncClient, prompt: str, answer: str
) -> None:
    body = (await client.post("/api/complete", json={"prompt": prompt})).json()
    assert body["answer"] == answer


async def test_out_of_scope_prompt_is_declined(client: httpx.AsyncClient) -> None:
    body = (await client.post("/api/complete", json={"prompt": "who painted the mona lisa"})).json()
    assert body["completion"].startswith("sorry")
    assert body["answer"] is None


async def test_options_are_honoured(client: httpx.AsyncClient) -> None:
    short = await client.post("/api/complete", json={"prompt": SEED_PROMPT, "max_tokens": 3})
    assert short.json()["finish_reason"] == "length"
    assert short.json()["usage"]["completion_tokens"] == 3
    assert short.json()["answer"] is None
    sampled = {"prompt": SEED_PROMPT, "temperature": 1.5, "top_k": 5, "seed": 42}
    first = (await client.post("/api/complete", json=sampled)).json()["completion"]
    again = (await client.post("/api/complete", json=sampled)).json()["completion"]
    assert first == again  # same seed, same sample


async def test_a_tiny_temperature_decodes_greedily(client: httpx.AsyncClient) -> None:
    greedy = (await client.post("/api/complete", json={"prompt": SEED_PROMPT})).json()
    for temperature in (1e-300, 1e-9):
        body = {"prompt": SEED_PROMPT, "temperature": temperature, "top_k": 5, "seed": 1}
        response = await client.post("/api/complete", json=body)
        assert response.status_code == 200
        assert response.json()["completion"] == greedy["completion"]


async def test_json_without_content_type_is_accepted(client: httpx.AsyncClient) -> None:
    response = await client.post("/api/complete", content=b'{"prompt": "what is 3 plus 4?"}')
    assert response.status_code == 200
    assert response.json()["answer"] == "7"


AT_LEAST = "input should be greater than or equal to"
AT_MOST = "input should be less than or equal to"


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        ({"prompt": ""}, "prompt must not be empty"),
        ({"prompt": "   \n\t "}, "prompt must not be empty"),
        ({}, "prompt is required"),
        ({"prompt": None}, "prompt: input should be a valid string"),
        ({"prompt": 7}, "prompt: input should be a valid string"),
        ({"prompt": ["what is 3 plus 4?"]}, "prompt: input should be a valid string"),
        ({"prompt": "hi", "max_tokens": "5"}, "max_tokens: input should be a valid integer"),
        ({"prompt": "hi", "max_tokens": 2.5}, "max_tokens: input should be a valid integer"),
        ({"prompt": "hi", "temperature": True}, "temperature: input should be a valid number"),
        ({"prompt": "hi", "max_tokens": 0}, f"max_tokens: {AT_LEAST} 1"),
        ({"prompt": "hi", "max_tokens": 257}, f"max_tokens: {AT_MOST} 256"),
        ({"prompt": "hi", "temperature": -0.1}, f"temperature: {AT_LEAST} 0"),
        ({"prompt": "hi", "temperature": 2.5}, f"temperature: {AT_MOST} 2"),
        ({"prompt": "hi", "top_k": -1}, f"top_k: {AT_LEAST} 0"),
        ({"prompt": "hi", "top_k": 101}, f"top_k: {AT_MOST} 100"),
        ({"prompt": "hi", "seed": -1}, f"seed: {AT_LEAST} 0"),
        ({"prompt": "hi", "seed": 2**53}, f"seed: {AT_MOST} {2**53 - 1}"),
        (["what is 3 plus 4?"], "the request body must be a JSON object"),
        ("what is 3 plus 4?", "the request body must be a JSON object"),
    ],
)
async def test_invalid_requests_get_422_with_a_clear_detail(
    client: httpx.AsyncClient, body: object, detail: str
) -> None:
    for route in ("/api/complete", "/api/complete/stream", "/api/inspect"):
        response = await client.post(route, json=body)
        assert response.status_code == 422, route
        assert response.json()["detail"].startswith(detail), response.json()


async def test_malformed_json_gets_422(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/api/complete", content=b'{"prompt": "hi"', headers={"content-type": "application/json"}
    )
    assert response.status_code == 422
    assert response.json()["detail"].startswith("the request body is not valid JSON")


@pytest.mark.parametrize(
    ("raw", "detail"),
    [
        (b'{"prompt": "\\ud835 what is 3 plus 4?"}', "prompt: must be valid Unicode text"),
        (b'{"prompt": "\xff"}', "the request body is not valid JSON: 'utf-8' codec can't decode"),
    ],
)
async def test_text_that_is_not_unicode_gets_422(
    client: httpx.AsyncClient, raw: bytes, detail: str
) -> None:
    headers = {"content-type": "application/json"}
    for route in ("/api/complete", "/api/inspect"):
        response = await client.post(route, content=raw, headers=headers)
        assert response.status_code == 422
        assert response.json()["detail"].startswith(detail)


async def test_missing_body_gets_422(client: httpx.AsyncClient) -> None:
    response = await client.post("/api/complete")
    assert response.status_code == 422
    assert response.json() == {
        "detail": 'the request body is missing: send JSON, e.g. {"prompt": "What is 3 plus 4?"}'
    }


async def test_prompt_over_the_limit_gets_422(client: httpx.AsyncClient) -> None:
    response = await client.post("/api/complete", json={"prompt": "what is 3 plus 4? " * 30})
    assert response.status_code == 422
    assert response.json() == {"detail": "prompt is too long: 540 characters, the limit is 500"}


async def test_prompt_limit_follows_the_setting(
    small_checkpoint: Checkpoint, tmp_path: Path
) -> None:
    settings = Settings(cache_dir=tmp_path, max_prompt_chars=10, _env_file=None)
    engine = Engine.from_checkpoint(small_checkpoint, settings)
    async with client_for(create_app(engine, settings, web_ui=None)) as client:
        ok = await client.post("/api/complete", json={"prompt": "3 + 4"})
        too_long = await client.post("/api/complete", json={"prompt": SEED_PROMPT})
    await engine.close()
    assert ok.status_code == 200
    assert too_long.status_code == 422
    assert too_long.json()["detail"] == "prompt is too long: 17 characters, the limit is 10"


async def test_body_over_the_limit_gets_413(client: httpx.AsyncClient) -> None:
    big = {"prompt": "x" * 20_000}
    response = await client.post("/api/complete", json=big)
    assert response.status_code == 413
    assert response.json() == {
        "detail": f"request body is too large: {len(response.request.content)} bytes, "
        "the limit is 16384 bytes"
    }


async def test_chunked_body_over_the_limit_gets_413(client: httpx.AsyncClient) -> None:
    async def chunks():  # no Content-Length: counted as it arrives
        for _ in range(20):
            yield b"x" * 1024

    response = await client.post(
        "/api/complete", content=chunks(), headers={"content-type": "application/json"}
    )
    assert response.status_code == 413
    assert response.json() == {
        "detail": "request body is too large: more than that, the limit is 16384 bytes"
    }


async def test_inspect_returns_attention_and_confidences(client: httpx.AsyncClient) -> None:
    prompt = "What is 3 plus 4, zorblax?"  # a word the model has never seen
    response = await client.post("/api/inspect", json={"prompt": prompt})
    assert response.status_code == 200
    body = response.json()
    assert body["input_tokens"] == ["what", "is", "3", "plus", "4", ",", "zorblax", "?"]
    assert body["input_known"] == [True] * 6 + [False, True]
    assert len(body["attention"]) == len(body["output_tokens"]) == len(body["probs"])
    for row in body["attention"]:
        assert len(row) == len(body["input_tokens"])
        assert math.isclose(sum(row), 1.0, abs_tol=1e-3)
    assert all(0.0 < p <= 1.0 for p in body["probs"])
    plain = (await client.post("/api/complete", json={"prompt": prompt})).json()
    assert body["completion"] == plain["completion"]
    assert body["answer"] == plain["answer"]


async def test_unknown_routes_get_json_404(client: httpx.AsyncClient) -> None:
    response = await client.get("/api/nothing-here")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not Found"}
    wrong_method = await client.get("/api/complete")
    assert wrong_method.status_code == 405
    assert wrong_method.json() == {"detail": "Method Not Allowed"}
