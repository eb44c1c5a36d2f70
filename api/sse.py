"""Server-Sent Events framing (``text/event-stream``)."""

from __future__ import annotations

import json
from typing import Any

HEADERS = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}  # no proxy buffering


def event(data: Any, name: str | None = None) -> str:
    """One event: an optional ``event:`` line and one ``data:`` line of compact JSON."""
    payload = data if isinstance(data, str) else json.dumps(data, separators=(",", ":"))
    head = f"event: {name}\n" if name else ""
    return f"{head}data: {payload}\n\n"
