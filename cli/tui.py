"""``mini-reasoner tui``: the full-screen terminal chat over a freshly started Engine.

With ``--serve`` the same process (one asyncio loop, one engine) also serves the web API, and
the Discord bot when DISCORD_TOKEN is set, so the terminal shows their traffic live.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
from collections.abc import Coroutine
from functools import partial
from pathlib import Path
from typing import Any

from bots.runner import run_bot
from cli.options import add_recipe_argument, chosen_recipe
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
        help="also serve the web API and UI (and the Discord bot if DISCORD_TOKEN is set) "
        "from this process, showing their traffic",
    )
    tui.add_argument("--host", help="with --serve: address (default MINI_REASONER_HOST)")
    tui.add_argument("--port", type=int, help="with --serve: port (default PORT, else 8000)")
    add_recipe_argument(tui)
    tui.set_defaults(run=cmd_tui)


def cmd_tui(args: argparse.Namespace, settings: Settings) -> int:
    log_to_file(settings)
    engine = Engine(settings, chosen_recipe(args, settings))
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
    served: dict[str, Coroutine[Any, Any, object]] = {}
    if serve is not None:
        host, port = serve
        served[f"web API on http://{host}:{port}"] = serve_api(
            engine, settings, host, port, access_log=False
        )
        if settings.discord_token is not None:
            served["Discord bot"] = run_bot(engine, settings)
    app = MiniReasonerApp(engine, serving=", ".join(served))
    tasks = []
    for name, service in served.items():
        task = asyncio.create_task(service)
        task.add_done_callback(partial(_report_stop, app, name))
        tasks.append(task)
    try:
        await app.run_async()
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        await engine.close()


def _report_stop(app: MiniReasonerApp, name: str, task: asyncio.Task[object]) -> None:
    """A served front-end stopped on its own (the port is taken, Discord refused the token...):
    say so in the app; the chat and the other front-ends go on."""
    if task.cancelled():
        return
    error = task.exception()
    if error is not None:
        log.error("%s stopped", name, exc_info=error)
        app.notify(str(error), title=f"{name} stopped", severity="error", timeout=30)
    elif task.result() is False:  # the bot logged why it could not run
        app.notify(f"see {LOG_FILE} in the cache folder", title=f"{name} stopped", timeout=30)
