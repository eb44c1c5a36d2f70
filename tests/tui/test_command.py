"""``mini-reasoner tui [--serve]``: the command's wiring, with the app run headless."""

from __future__ import annotations

import contextlib
import logging

import httpx
import pytest
from textual.pilot import Pilot

import cli.tui
from cli.main import build_parser
from engine.checkpoint import Checkpoint
from engine.service import Engine
from engine.settings import Settings
from tests.tui.test_serving import free_port
from tui import MiniReasonerApp
from tui.widgets.activity import ActivityLog


def test_the_command_and_its_options_parse():
    args = build_parser().parse_args(["tui", "--serve", "--port", "9001"])
    assert args.run is cli.tui.cmd_tui and args.serve and args.port == 9001 and args.host is None
    assert not build_parser().parse_args(["tui"]).serve


def test_logs_go_to_a_file_not_the_terminal(settings: Settings):
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    try:
        path = cli.tui.log_to_file(settings)
        logging.getLogger("tui-test").warning("written to the file")
        assert path == settings.cache_dir / "tui.log"
        assert "written to the file" in path.read_text()
    finally:
        for handler in root.handlers:
            handler.close()
        root.handlers[:], root.level = saved


async def test_serve_runs_the_web_api_beside_the_app(
    small_checkpoint: Checkpoint, settings: Settings, monkeypatch: pytest.MonkeyPatch
):
    port = free_port()
    seen: dict[str, object] = {}

    async def use_it(pilot: Pilot[None]) -> None:
        app = pilot.app
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:
            for _ in range(200):  # until the server listens
                with contextlib.suppress(httpx.TransportError):
                    seen["reply"] = await client.post("/api/complete", json={"prompt": "2 + 5?"})
                    break
                await pilot.pause(0.05)
        activity = app.screen.query_one(ActivityLog)
        for _ in range(200):  # until the request's record reached the panel
            if activity.line_count:
                break
            await pilot.pause(0.05)
        seen["serving"] = app.serving
        seen["activity"] = list(activity.lines)
        app.exit()

    class HeadlessApp(MiniReasonerApp):
        async def run_async(self, **_: object) -> None:  # type: ignore[override]
            await super().run_async(headless=True, size=(80, 24), auto_pilot=use_it)

    monkeypatch.setattr(cli.tui, "MiniReasonerApp", HeadlessApp)
    engine = Engine.from_checkpoint(small_checkpoint, settings)
    await cli.tui.run(engine, settings, ("127.0.0.1", port))
    reply = seen["reply"]
    assert isinstance(reply, httpx.Response) and reply.status_code == 200
    assert reply.json()["completion"].endswith("the answer is 7.")
    assert seen["serving"] == f"web API on http://127.0.0.1:{port}"
    assert seen["activity"] == ["api: 2 + 5? -> 7"]
    assert engine.status.state == "closed"  # the command closes the engine on the way out
