"""Test helpers for the web API: clients, a live server, SSE parsing, waiting for a condition."""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
from fastapi import FastAPI

from cli.serve import serve_api
from engine.service import Engine
from engine.settings import Settings

SEED_PROMPT = "what is 3 plus 4?"


@contextlib.asynccontextmanager
async def client_for(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        yield client


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.asynccontextmanager
async def running_server(engine: Engine, settings: Settings) -> AsyncIterator[str]:
    """``serve_api`` in this loop on a free port; yields its base URL, stops it after."""
    port = free_port()
    task = asyncio.create_task(serve_api(engine, settings, "127.0.0.1", port, access_log=False))
    url = f"http://127.0.0.1:{port}"
    async with httpx.AsyncClient(base_url=url) as probe:
        for _ in range(200):
            with contextlib.suppress(httpx.TransportError):
                await probe.get("/api/info")
                break
            await asyncio.sleep(0.05)
    try:
        yield url
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


def sse_events(text: str) -> list[tuple[str | None, Any]]:
    """(event name, JSON data) for each event of a text/event-stream body."""
    events = []
    for block in text.strip().split("\n\n"):
        name, data = None, None
        for line in block.splitlines():
            field, _, value = line.partition(": ")
            if field == "event":
                name = value
            elif field == "data":
                data = value if value == "[DONE]" else json.loads(value)
        events.append((name, data))
    return events


async def until(condition: Callable[[], bool], timeout: float = 10.0) -> None:
    """Wait for ``condition()`` to hold (a deadline for failures, not a timed assertion)."""
    for _ in range(int(timeout / 0.02)):
        if condition():
            return
        await asyncio.sleep(0.02)
    raise AssertionError("the condition never held")
