"""503 when busy and 500 when the model fails: clear, generic, and the engine keeps serving."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from api import create_app
from engine.checkpoint import Checkpoint
from engine.service import Engine
from engine.settings import Settings
from tests.api.helpers import SEED_PROMPT, client_for, until
from tests.faults import BrokenModel, GatedModel, wrapped

GENERIC = {"detail": "the model failed to generate a completion"}


@pytest.fixture
async def one_slot_engine(small_checkpoint: Checkpoint, tmp_path: Path) -> AsyncIterator[Engine]:
    """An engine that takes one request at a time (MINI_REASONER_MAX_QUEUE=1)."""
    engine = Engine.from_checkpoint(
        small_checkpoint, Settings(cache_dir=tmp_path, max_queue=1, _env_file=None)
    )
    yield engine
    await engine.close()


async def test_busy_engine_gets_503_with_retry_after(one_slot_engine: Engine) -> None:
    engine = one_slot_engine
    app = create_app(engine, engine.settings, web_ui=None)
    async with client_for(app) as client:
        with wrapped(engine, GatedModel(engine._decoder.model, free_steps=0)) as gate:
            first = asyncio.create_task(client.post("/api/complete", json={"prompt": SEED_PROMPT}))
            await until(lambda: engine.load == 1)
            for route in ("/api/complete", "/api/complete/stream", "/api/inspect"):
                busy = await client.post(route, json={"prompt": SEED_PROMPT})
                assert busy.status_code == 503
                assert busy.headers["retry-after"] == "1"
                assert busy.json() == {
                    "detail": "the model is busy (1 requests in flight), try again shortly"
                }
            openai = await client.post(
                "/v1/completions", json={"prompt": SEED_PROMPT, "model": "mini-reasoner"}
            )
            assert openai.status_code == 503
            assert openai.json()["error"]["code"] == "service_unavailable"
            gate.open()
            assert (await first).json()["answer"] == "7"  # the request in flight finished
        after = await client.post("/api/complete", json={"prompt": SEED_PROMPT})
        assert after.status_code == 200


async def test_model_failure_gets_a_generic_500(client: httpx.AsyncClient, engine: Engine) -> None:
    with wrapped(engine, BrokenModel(engine._decoder.model)):
        for route in ("/api/complete", "/api/inspect"):
            response = await client.post(route, json={"prompt": SEED_PROMPT})
            assert response.status_code == 500
            assert response.json() == GENERIC
            assert "internal detail" not in response.text
        openai = await client.post(
            "/v1/chat/completions", json={"messages": [{"role": "user", "content": SEED_PROMPT}]}
        )
        assert openai.status_code == 500
        assert openai.json() == {
            "error": {
                "message": GENERIC["detail"],
                "type": "server_error",
                "param": None,
                "code": None,
            }
        }
    healthy = await client.post("/api/complete", json={"prompt": SEED_PROMPT})
    assert healthy.json()["answer"] == "7"  # one failure does not take the engine down
    assert engine.load == 0


async def test_failure_on_the_first_token_of_a_stream_is_a_500(
    client: httpx.AsyncClient, engine: Engine
) -> None:
    with wrapped(engine, BrokenModel(engine._decoder.model)):
        response = await client.post("/api/complete/stream", json={"prompt": SEED_PROMPT})
    assert response.status_code == 500
    assert response.json() == GENERIC
