"""The official ``openai`` client, unchanged, against a real server over this engine."""

from __future__ import annotations

import math
from collections.abc import AsyncIterator

import httpx
import openai
import pytest
import pytest_asyncio

from tests.api.helpers import SEED_PROMPT, sse_events

ANSWER = "therefore the answer is 7."


@pytest_asyncio.fixture(loop_scope="function")
async def ai(server: str) -> AsyncIterator[openai.AsyncOpenAI]:
    client = openai.AsyncOpenAI(base_url=f"{server}/v1", api_key="unused", max_retries=0)
    yield client
    await client.close()


def chat(prompt: str = SEED_PROMPT) -> list[dict[str, str]]:
    return [
        {"role": "system", "content": "You are a helpful assistant."},
        {"role": "user", "content": "What is 9 minus 9?"},
        {"role": "assistant", "content": "first, compute 9 - 9 = 0. therefore the answer is 0."},
        {"role": "user", "content": prompt},
    ]


async def test_models(ai: openai.AsyncOpenAI) -> None:
    models = await ai.models.list()
    assert [m.id for m in models.data] == ["mini-reasoner"]
    assert (await ai.models.retrieve("mini-reasoner")).id == "mini-reasoner"
    with pytest.raises(openai.NotFoundError):
        await ai.models.retrieve("gpt-4o")


async def test_chat_completion(ai: openai.AsyncOpenAI) -> None:
    reply = await ai.chat.completions.create(model="mini-reasoner", messages=chat())
    choice = reply.choices[0]
    assert choice.message.role == "assistant"
    assert choice.message.content is not None
    assert choice.message.content.endswith(ANSWER)  # the LAST user message is the prompt
    assert choice.finish_reason == "stop"
    assert reply.usage is not None
    assert reply.usage.prompt_tokens == 6
    assert reply.usage.total_tokens == 6 + reply.usage.completion_tokens
    assert reply.object == "chat.completion"
    assert reply.id.startswith("chatcmpl-")


async def test_chat_content_parts_are_read(ai: openai.AsyncOpenAI) -> None:
    reply = await ai.chat.completions.create(
        model="mini-reasoner",
        messages=[{"role": "user", "content": [{"type": "text", "text": SEED_PROMPT}]}],
    )
    assert reply.choices[0].message.content.endswith(ANSWER)


async def test_chat_stream_with_usage_matches_the_whole_reply(ai: openai.AsyncOpenAI) -> None:
    whole = await ai.chat.completions.create(model="m", messages=chat())
    stream = await ai.chat.completions.create(
        model="m", messages=chat(), stream=True, stream_options={"include_usage": True}
    )
    chunks = [chunk async for chunk in stream]
    content_chunks = [c for c in chunks if c.choices]
    assert content_chunks[0].choices[0].delta.role == "assistant"
    text = "".join(c.choices[0].delta.content or "" for c in content_chunks)
    assert text == whole.choices[0].message.content
    assert content_chunks[-1].choices[0].finish_reason == "stop"
    assert [c.choices[0].finish_reason for c in content_chunks[:-1]] == [None] * (
        len(content_chunks) - 1
    )
    usage_chunk = chunks[-1]
    assert usage_chunk.choices == []
    assert usage_chunk.usage == whole.usage
    assert all(c.usage is None for c in chunks[:-1])
    assert len({c.id for c in chunks}) == 1


async def test_chat_logprobs(ai: openai.AsyncOpenAI) -> None:
    reply = await ai.chat.completions.create(
        model="m", messages=chat(), logprobs=True, top_logprobs=3
    )
    choice = reply.choices[0]
    assert choice.logprobs is not None and choice.logprobs.content
    tokens = choice.logprobs.content
    assert "".join(t.token for t in tokens) == choice.message.content
    assert len(tokens) == reply.usage.completion_tokens
    for t in tokens:
        assert t.logprob <= 0.0
        assert bytes(t.bytes) == t.token.encode()
        assert len(t.top_logprobs) == 3
        alternatives = [(top.token, top.logprob) for top in t.top_logprobs]
        assert alternatives == sorted(alternatives, key=lambda a: -a[1])
        if t.logprob > math.log(0.5):  # a token the model is sure of leads the list
            assert alternatives[0] == (t.token, t.logprob)
        assert sum(math.exp(lp) for _, lp in alternatives) <= 1.0 + 1e-6
    plain = await ai.chat.completions.create(model="m", messages=chat())
    assert plain.choices[0].logprobs is None


async def test_chat_stream_logprobs(ai: openai.AsyncOpenAI) -> None:
    stream = await ai.chat.completions.create(
        model="m", messages=chat(), stream=True, logprobs=True
    )
    pieces = [c.choices[0] async for c in stream if c.choices and c.choices[0].delta.content]
    for piece in pieces:
        assert piece.logprobs is not None
        [entry] = piece.logprobs.content
        assert entry.token == piece.delta.content
        assert math.exp(entry.logprob) <= 1.0
        assert entry.top_logprobs == []


async def test_text_completion_and_stream(ai: openai.AsyncOpenAI) -> None:
    whole = await ai.completions.create(model="m", prompt=SEED_PROMPT, logprobs=1)
    choice = whole.choices[0]
    assert choice.text.endswith(ANSWER)
    assert choice.logprobs is not None
    assert "".join(choice.logprobs.tokens) == choice.text
    assert choice.logprobs.text_offset[0] == 0
    assert all(len(d) == 1 for d in choice.logprobs.top_logprobs)
    greedy_best = [max(d, key=d.get) for d in choice.logprobs.top_logprobs]
    assert greedy_best == choice.logprobs.tokens  # greedy decoding picks the likeliest
    stream = await ai.completions.create(
        model="m", prompt=[SEED_PROMPT], stream=True, stream_options={"include_usage": True}
    )
    chunks = [c async for c in stream]
    assert "".join(c.choices[0].text for c in chunks if c.choices) == choice.text
    assert chunks[-1].usage == whole.usage


async def test_max_tokens_and_stop(ai: openai.AsyncOpenAI) -> None:
    short = await ai.chat.completions.create(model="m", messages=chat(), max_tokens=3)
    assert short.choices[0].finish_reason == "length"
    assert short.usage.completion_tokens == 3
    capped = await ai.chat.completions.create(
        model="m", messages=chat(), max_completion_tokens=100_000
    )
    assert capped.choices[0].message.content.endswith(ANSWER)  # capped at 256, ended by itself
    stopped = await ai.chat.completions.create(model="m", messages=chat(), stop=["therefore"])
    full = (await ai.chat.completions.create(model="m", messages=chat())).choices[0].message
    assert stopped.choices[0].message.content == full.content.split("therefore")[0]
    assert stopped.choices[0].finish_reason == "stop"
    stream = await ai.chat.completions.create(
        model="m", messages=chat(), stop="answer is", stream=True
    )
    text = "".join([c.choices[0].delta.content or "" async for c in stream if c.choices])
    assert text == full.content.split("answer is")[0]


async def test_sampling_options(ai: openai.AsyncOpenAI) -> None:
    options = {"temperature": 1.2, "top_p": 0.9, "seed": 7, "extra_body": {"top_k": 5}}
    first = await ai.chat.completions.create(model="m", messages=chat(), **options)
    again = await ai.chat.completions.create(model="m", messages=chat(), **options)
    assert first.choices[0].message.content == again.choices[0].message.content


@pytest.mark.parametrize(
    ("kwargs", "param", "message"),
    [
        ({"n": 2}, "n", "n must be 1: this server returns one choice per request"),
        ({"temperature": 3}, "temperature", "temperature: input should be less than or equal"),
        ({"messages": []}, "messages", "messages: list should have at least 1 item"),
        (
            {"messages": [{"role": "system", "content": "be brief"}]},
            "messages",
            "messages must include a user message",
        ),
        ({"messages": [{"role": "user", "content": ""}]}, "prompt", "prompt must not be empty"),
        ({"stop": ["a", "b", "c", "d", "e"]}, "stop", "stop takes at most 4 sequences"),
    ],
)
async def test_invalid_requests_get_openai_errors(
    ai: openai.AsyncOpenAI, kwargs: dict, param: str, message: str
) -> None:
    request = {"model": "m", "messages": chat(), **kwargs}
    with pytest.raises(openai.BadRequestError) as caught:
        await ai.chat.completions.create(**request)
    assert caught.value.status_code == 400
    error = caught.value.body
    assert error["type"] == "invalid_request_error"
    assert error["param"] == param
    assert error["message"].startswith(message)


async def test_error_shape_on_the_wire(server: str) -> None:
    async with httpx.AsyncClient(base_url=server) as client:
        bad = await client.post("/v1/completions", json={"prompt": ["a", "b"]})
        assert bad.status_code == 400
        assert bad.json() == {
            "error": {
                "message": "prompt must be one string: this server answers one prompt per request",
                "type": "invalid_request_error",
                "param": "prompt",
                "code": None,
            }
        }
        echo = await client.post("/v1/completions", json={"prompt": "hi", "echo": True})
        assert echo.json()["error"]["message"] == "echo is not supported"
        too_big = await client.post("/v1/chat/completions", content=b"x" * 20_000)
        assert too_big.status_code == 413
        assert too_big.json()["error"]["code"] == "request_too_large"
        missing = await client.get("/v1/nothing")
        assert missing.status_code == 404
        assert missing.json()["error"]["code"] == "not_found"


async def test_stream_ends_with_done(server: str) -> None:
    body = {"messages": [{"role": "user", "content": SEED_PROMPT}], "stream": True}
    async with httpx.AsyncClient(base_url=server) as client:
        response = await client.post("/v1/chat/completions", json=body)
    events = sse_events(response.text)
    assert events[-1] == (None, "[DONE]")
    assert all(name is None for name, _ in events)  # plain data: lines, as OpenAI sends
