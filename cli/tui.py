"""``mini-reasoner tui``: the full-screen terminal chat over a freshly started Engine.

With ``--serve`` the same process (one asyncio loop, one engine) also serves the web API, so
the terminal shows the other front-ends' traffic live.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
from pathlib import Path

from cli.serve import serve_api
from engine.service import Engine
from engine.settings import Settings
from tui import MiniReasonerApp

log = logging.getLogger(__name__)

LOG_FILE = "tui.log"


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    tui = sub.add_parser("tui", help="full-screen terminal chat (trains on first start)")
    tui.add_argument(
        "--serve",
        action="store_true",
        help="also serve the web API and UI from this process, showing their traffic",
    )
    tui.add_argument("--host", help="with --serve: address (default MINI_REASONER_HOST)")
    tui.add_argument("--port", type=int, help="with --serve: port (default PORT, else 8000)")
    tui.set_defaults(run=cmd_tui)


def cmd_tui(args: argparse.Namespace, settings: Settings) -> int:
    log_to_file(settings)
    engine = Engine(settings)
    engine.start()  # loads the cache or trains in the background; the app opens at once
    host = args.host or settings.host
    port = settings.port if args.port is None else args.port
    asyncio.run(run(engine, settings, (host, port) if args.serve else None))
    return 0


def log_to_file(settings: Settings) -> Path | None:
    """Send logging to a file: lines written to the terminal would tear the app's screen."""
    path: Path | None = settings.cache_dir / LOG_FILE
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler: logging.Handler = logging.FileHandler(path, encoding="utf-8")
    except OSError:
        path, handler = None, logging.NullHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logging.basicConfig(level=settings.log_level, handlers=[handler], force=True)
    return path


async def run(engine: Engine, settings: Settings, serve: tuple[str, int] | None) -> None:
    """Run the app (and the served front-ends) until the user quits; then close the engine."""
    serving, services = "", []
    if serve is not None:
        host, port = serve
        serving = f"web API on http://{host}:{port}"
        services.append(serve_api(engine, settings, host, port, access_log=False))
    app = MiniReasonerApp(engine, serving=serving)
    tasks = [asyncio.create_task(service) for service in services]
    for task in tasks:
        task.add_done_callback(lambda t: _report_stop(app, t))
    try:
        await app.run_async()
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await engine.close()


def _report_stop(app: MiniReasonerApp, task: asyncio.Task[object]) -> None:
    """A served front-end stopped on its own (e.g. the port is taken): say so in the app."""
    if task.cancelled():
        return
    error = task.exception()
    if error is not None:
        log.error("a served front-end stopped", exc_info=error)
        app.notify(str(error), title="serving stopped", severity="error", timeout=30)
