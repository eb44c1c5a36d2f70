"""Test helpers for the web API: clients, a live server, SSE parsing and model wrappers.

Model wrappers (installed on the engine's decoder) only provoke what a healthy model never
does: a decoding step that raises, or one that waits until the test lets it go.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
import threading
from collections.abc import AsyncIterator, Callable, Iterator
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


class _Wrapper:
    """Delegates to the real model; subclasses change ``decode``."""

    def __init__(self, model: Any) -> None:
        self.model = model

    def __getattr__(self, name: str) -> Any:
        return getattr(self.model, name)

    def encode(self, *args: Any) -> Any:
        return self.model.encode(*args)


class BrokenModel(_Wrapper):
    """Every decoding step after the first ``ok_steps`` raises."""

    def __init__(self, model: Any, ok_steps: int = 0) -> None:
        super().__init__(model)
        self.ok_steps = ok_steps

    def decode(self, *args: Any) -> Any:
        if self.ok_steps <= 0:
            raise RuntimeError("internal detail that must not reach a client")
        self.ok_steps -= 1
        return self.model.decode(*args)


class GatedModel(_Wrapper):
    """Decodes ``free_steps`` steps, then waits for :meth:`release` before each further one."""

    def __init__(self, model: Any, free_steps: int = 1) -> None:
        super().__init__(model)
        self.free_steps = free_steps
        self.gate = threading.Event()
        self.waiting = threading.Event()

    def decode(self, *args: Any) -> Any:
        if self.free_steps > 0:
            self.free_steps -= 1
        else:
            self.waiting.set()
            self.gate.wait(timeout=30)
        return self.model.decode(*args)

    def release(self) -> None:
        self.gate.set()


@contextlib.contextmanager
def wrapped(engine: Engine, wrapper: _Wrapper) -> Iterator[Any]:
    """Install ``wrapper`` on the engine's decoder for the ``with`` block."""
    decoder = engine._decoder
    assert decoder is not None
    decoder.model = wrapper
    try:
        yield wrapper
    finally:
        if isinstance(wrapper, GatedModel):
            wrapper.release()
        decoder.model = wrapper.model


async def until(condition: Callable[[], bool], timeout: float = 10.0) -> None:
    """Wait for ``condition()`` to hold (a deadline for failures, not a timed assertion)."""
    for _ in range(int(timeout / 0.02)):
        if condition():
            return
        await asyncio.sleep(0.02)
    raise AssertionError("the condition never held")
