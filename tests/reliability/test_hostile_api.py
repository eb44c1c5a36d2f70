"""Hostile input at the web API, in-process (httpx's ASGI transport) over the real small model.

Every generation route gets hostile prompts (bodies are encoded as a hostile client would:
ASCII JSON, so half surrogate pairs travel as ``\\ud800``), and every route gets bytes and
JSON that are not requests at all. Expected: 200 with a reply that keeps the answer contract,
or a 4xx with a clear message in the route's error shape; never a 5xx, never a hang.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from api import create_app
from api.openai_schemas import ChatCompletion, TextCompletion
from api.schemas import CompleteResponse, InspectResponse
from engine.answer import final_answer, is_decline
from engine.service import Engine
from engine.settings import Settings
from tests.api.helpers import sse_events
from tests.reliability.hostile import check_refusal, prompts

CALL_TIMEOUT = 30.0
API_SETTINGS = settings(
    max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

Body = Callable[[Any], dict[str, Any]]


def _chat(prompt: Any, **extra: Any) -> dict[str, Any]:
    return {"model": "any", "messages": [{"role": "user", "content": prompt}], **extra}


def _parts(prompt: Any) -> dict[str, Any]:
    return _chat([{"type": "text", "text": prompt}, {"type": "image_url", "image_url": {}}])


REQUESTS: list[tuple[str, Body]] = [
    ("/api/complete", lambda p: {"prompt": p}),
    ("/api/complete/stream", lambda p: {"prompt": p}),
    ("/api/inspect", lambda p: {"prompt": p}),
    ("/v1/chat/completions", _chat),
    ("/v1/chat/completions", _parts),
    ("/v1/chat/completions", lambda p: _chat(p, stream=True)),
    ("/v1/chat/completions", lambda p: _chat("what is 3 plus 4?", stop=[p])),
    ("/v1/completions", lambda p: {"prompt": p, "stream": True, "logprobs": 1}),
    ("/v1/completions", lambda p: {"prompt": [p]}),
]
ROUTES = sorted({route for route, _ in REQUESTS} | {"/", "/api/info", "/v1/models"})


@pytest.fixture
async def client(engine: Engine, settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=create_app(engine, settings, web_ui=None))
    async with httpx.AsyncClient(
        transport=transport, base_url="http://test", timeout=CALL_TIMEOUT
    ) as client:
        yield client


def check_answer(completion: str, answer: str | None, finish_reason: str) -> None:
    """The reply keeps the answer contract (as the engine's own checks do)."""
    assert answer == (final_answer(completion) if finish_reason == "stop" else None)
    assert answer is not None or is_decline(completion) or finish_reason == "length", completion


def check_error(route: str, response: httpx.Response) -> None:
    """A 4xx in the route's own error shape, with a clear message."""
    assert 400 <= response.status_code < 500, (response.status_code, response.text)
    body = response.json()
    message = body["error"]["message"] if route.startswith("/v1/") else body["detail"]
    assert isinstance(message, str) and message
    assert "Traceback" not in message


def check_success(route: str, request: dict[str, Any], response: httpx.Response) -> None:
    if route == "/api/complete":
        body = CompleteResponse.model_validate(response.json())
        check_answer(body.completion, body.answer, body.finish_reason)
    elif route == "/api/inspect":
        body = InspectResponse.model_validate(response.json())
        assert len(body.attention) == len(body.output_tokens)
        assert all(len(row) == len(body.input_tokens) for row in body.attention)
    elif route == "/api/complete/stream":
        events = sse_events(response.text)
        *tokens, (last, done) = events
        assert last == "done", events
        assert all(name == "token" for name, _ in tokens)
        assert "".join(data["text"] for _, data in tokens) == done["completion"]
        check_answer(done["completion"], done["answer"], done["finish_reason"])
    elif request.get("stream"):
        events = sse_events(response.text)
        assert events[-1] == (None, "[DONE]")
        assert not any("error" in data for _, data in events[:-1]), events
    elif route == "/v1/chat/completions":
        ChatCompletion.model_validate(response.json())
    else:
        TextCompletion.model_validate(response.json())


async def post(client: httpx.AsyncClient, route: str, payload: Any) -> httpx.Response:
    """POST ``payload`` as ASCII JSON (a lone surrogate goes as an escape, as in JS clients)."""
    content = json.dumps(payload, ensure_ascii=True).encode()
    return await client.post(route, content=content, headers={"content-type": "application/json"})


@given(prompt=prompts, which=st.integers(0, len(REQUESTS) - 1))
@API_SETTINGS
async def test_every_generation_route_refuses_declines_or_answers(
    client: httpx.AsyncClient, prompt: str, which: int
) -> None:
    route, make = REQUESTS[which]
    request = make(prompt)
    response = await post(client, route, request)
    event(f"{route}: {response.status_code}")
    if response.status_code == 200:
        check_success(route, request, response)
    else:
        check_error(route, response)
        if response.status_code in (400, 422) and route.startswith("/api/"):
            check_refusal(response.json()["detail"])


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | prompts,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(prompts, inner, max_size=4),
    max_leaves=12,
)
request_fields = st.fixed_dictionaries(
    {},
    optional={
        "prompt": json_values,
        "messages": json_values,
        "max_tokens": json_values,
        "max_completion_tokens": json_values,
        "temperature": json_values,
        "top_k": json_values,
        "seed": json_values,
        "stop": json_values,
        "stream": json_values,
        "n": json_values,
        "logprobs": json_values,
        "stream_options": json_values,
    },
)


@given(route=st.sampled_from(ROUTES), payload=st.one_of(json_values, request_fields))
@API_SETTINGS
async def test_any_json_gets_a_reply_or_a_clear_error(
    client: httpx.AsyncClient, route: str, payload: Any
) -> None:
    response = await post(client, route, payload)
    event(f"{route}: {response.status_code}")
    if response.status_code == 200:
        if isinstance(payload, dict):
            check_success(route, payload, response)
        return
    assert response.status_code != 405 or route in ("/", "/api/info", "/v1/models")
    check_error(route, response)


@given(
    route=st.sampled_from(ROUTES),
    content=st.binary(max_size=2048),
    content_type=st.sampled_from(
        [None, "application/json", "text/plain", "multipart/form-data", "application/json; x=\0"]
    ),
)
@API_SETTINGS
async def test_bytes_that_are_not_json_get_a_clear_error(
    client: httpx.AsyncClient, route: str, content: bytes, content_type: str | None
) -> None:
    headers = {"content-type": content_type} if content_type else {}
    response = await client.post(route, content=content, headers=headers)
    event(f"{route}: {response.status_code}")
    if response.status_code == 200:  # a few byte strings are valid JSON requests
        check_success(route, json.loads(content), response)
        return
    check_error(route, response)
