"""With --serve the app shares its engine with the web API and shows the API's traffic."""

from __future__ import annotations

import asyncio
import contextlib
import socket

import httpx

from cli.serve import serve_api
from engine.service import Engine
from tests.tui.conftest import running
from tui.widgets.activity import ActivityLog
from tui.widgets.status_line import StatusLine


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def test_web_api_traffic_shows_in_the_app(engine: Engine):
    port = free_port()
    server = asyncio.create_task(serve_api(engine, engine.settings, "127.0.0.1", port))
    try:
        async with running(engine, serving=f"web API on :{port}") as s:
            activity = s.app.screen.query_one(ActivityLog)
            assert activity.display and activity.border_subtitle == f"web API on :{port}"
            async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:
                for _ in range(100):  # until the server listens
                    with contextlib.suppress(httpx.TransportError):
                        reply = await client.post("/api/complete", json={"prompt": "6 + 1 = ?"})
                        break
                    await asyncio.sleep(0.05)
            assert reply.status_code == 200 and reply.json()["completion"].endswith("is 7.")
            await s.ask("what is 3 plus 4?")  # the app's own requests are not listed
            await s.until(lambda: activity.line_count == 1)
            assert activity.lines[0] == "api: 6 + 1 = ? -> 7"
            assert "req/s" in str(s.app.screen.query_one(StatusLine).render())
            assert activity.border_title == "traffic · api 1 · tui 1"
            await s.pilot.press("f4")
            assert not activity.display
    finally:
        server.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await server
