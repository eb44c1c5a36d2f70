"""Server-Sent Events (``text/event-stream``): framing, and the streaming response.

Frames are written one turn of the event loop apart. Under load a stream's tokens pile up
while the loop is busy; written back to back, they leave no moment for the server to notice
a client that hung up, so they all go to a dead socket (and asyncio logs "socket.send()
raised exception." for each write past the fifth). One turn between frames lets the
disconnect through first: the generation is cancelled at once and the log stays quiet.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncGenerator, AsyncIterator
from typing import Any

from fastapi.responses import StreamingResponse

HEADERS = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}  # no proxy buffering


def event(data: Any, name: str | None = None) -> str:
    """One event: an optional ``event:`` line and one ``data:`` line of compact JSON."""
    payload = data if isinstance(data, str) else json.dumps(data, separators=(",", ":"))
    head = f"event: {name}\n" if name else ""
    return f"{head}data: {payload}\n\n"


def response(frames: AsyncGenerator[str]) -> StreamingResponse:
    """The stream of ``frames``; closing it (a client that left) closes ``frames``."""
    return StreamingResponse(_paced(frames), media_type="text/event-stream", headers=HEADERS)


async def _paced(frames: AsyncGenerator[str]) -> AsyncIterator[str]:
    async with contextlib.aclosing(frames):
        async for frame in frames:
            yield frame
            await asyncio.sleep(0)  # one turn of the loop: see the module's docstring
