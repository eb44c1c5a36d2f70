"""``mini-reasoner tui``: the full-screen terminal chat over a freshly started Engine."""

from __future__ import annotations

import argparse
import asyncio
import logging
from pathlib import Path

from engine.service import Engine
from engine.settings import Settings
from tui import MiniReasonerApp

LOG_FILE = "tui.log"


def log_to_file(settings: Settings) -> Path | None:
    """Send logging to a file: lines written to the terminal would tear the app's screen."""
    path = settings.cache_dir / LOG_FILE
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler: logging.Handler = logging.FileHandler(path, encoding="utf-8")
    except OSError:
        path, handler = None, logging.NullHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logging.basicConfig(level=settings.log_level, handlers=[handler], force=True)
    return path


async def run_app(engine: Engine) -> None:
    """Run the app, then let in-flight work finish before the process exits."""
    try:
        await MiniReasonerApp(engine).run_async()
    finally:
        await engine.close()


def cmd_tui(args: argparse.Namespace, settings: Settings) -> int:
    log_to_file(settings)
    engine = Engine(settings)
    engine.start()  # loads the cache or trains in the background; the app opens at once
    asyncio.run(run_app(engine))
    return 0


def add_parser(sub: argparse._SubParsersAction) -> None:
    tui = sub.add_parser("tui", help="full-screen terminal chat (trains on first start)")
    tui.set_defaults(run=cmd_tui)
