"""POST /api/complete/stream: token events in order, then the same body as /api/complete."""

from __future__ import annotations

import httpx
import pytest

from engine.service import Engine
from engine.traffic import RequestRecord
from tests.api.helpers import SEED_PROMPT, sse_events, until
from tests.faults import BrokenModel, GatedModel, wrapped


@pytest.mark.parametrize("prompt", [SEED_PROMPT, "What is 3 minus 7?", "what is love?"])
async def test_stream_matches_the_whole_completion(client: httpx.AsyncClient, prompt: str) -> None:
    whole = (await client.post("/api/complete", json={"prompt": prompt})).json()
    response = await client.post("/api/complete/stream", json={"prompt": prompt})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/event-stream")
    assert response.headers["cache-control"] == "no-cache"
    events = sse_events(response.text)
    *tokens, (last, done) = events
    assert {name for name, _ in tokens} == {"token"}
    assert last == "done"
    assert [data["index"] for _, data in tokens] == list(range(len(tokens)))
    assert "".join(data["text"] for _, data in tokens) == whole["completion"]
    assert all(0.0 < data["prob"] <= 1.0 for _, data in tokens)
    for key in ("completion", "answer", "finish_reason", "model", "usage"):
        assert done[key] == whole[key]
    assert set(done) == set(whole)


async def test_stream_of_a_length_limited_completion(client: httpx.AsyncClient) -> None:
    body = {"prompt": SEED_PROMPT, "max_tokens": 4}
    response = await client.post("/api/complete/stream", json=body)
    events = sse_events(response.text)
    assert [name for name, _ in events] == ["token"] * 4 + ["done"]
    assert events[-1][1]["finish_reason"] == "length"


async def test_failure_after_the_stream_started_is_an_error_event(
    client: httpx.AsyncClient, engine: Engine
) -> None:
    with wrapped(engine, BrokenModel(engine._decoder.model, ok_steps=2)):
        response = await client.post("/api/complete/stream", json={"prompt": SEED_PROMPT})
    assert response.status_code == 200
    events = sse_events(response.text)
    assert [name for name, _ in events] == ["token", "token", "error"]
    assert events[-1][1] == {"detail": "the model failed to generate a completion"}
    assert engine.load == 0


async def test_client_disconnect_cancels_the_generation(server: str, engine: Engine) -> None:
    records: list[RequestRecord] = []
    engine.traffic.add_listener(records.append)
    with wrapped(engine, GatedModel(engine._decoder.model, free_steps=1)) as gate:
        async with (
            httpx.AsyncClient(base_url=server) as client,
            client.stream("POST", "/api/complete/stream", json={"prompt": SEED_PROMPT}) as response,
        ):
            assert response.status_code == 200
            async for line in response.aiter_lines():
                if line.startswith("data:"):
                    break  # got the first token; the model now waits at the gate
            assert engine.load == 1
        # the client is gone: the server must cancel the request without the gate opening
        await until(lambda: bool(records))
        assert records[0].outcome == "cancelled"
        assert records[0].source == "api"
        assert records[0].completion is None
        gate.open()
        await until(lambda: engine.load == 0)  # the decoder dropped the cancelled request
