"""``mini-reasoner serve``: the web API (and UI) over one engine, in one asyncio loop.

The server listens at once; while the first start trains, ``GET /`` answers 503 with the
progress, which the log shows too. Other front-ends join the same loop and engine by adding
their coroutine to :func:`services`. ``serve_api`` also runs embedded (the terminal app's
``--serve``): it installs no signal handlers and stops when its task is cancelled.

``--workers N`` is for API-only deployments: the model is loaded (or trained, once) first,
then N uvicorn worker processes each load the cached checkpoint and serve the same port.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import os
import signal
import socket
import time
from collections.abc import Callable, Coroutine, Iterator
from typing import Any

import uvicorn
from fastapi import FastAPI

from api import create_app
from bots.runner import run_bot
from cli.heap import freeze_startup_objects, freeze_when_ready
from cli.options import add_recipe_argument, chosen_recipe, recipe_name, seeded_recipe
from engine.errors import EngineNotReady
from engine.recipe import Recipe
from engine.service import Engine
from engine.settings import Settings

log = logging.getLogger(__name__)

GRACE_SECONDS = 30  # how long in-flight requests may take to finish on shutdown
# How long an idle connection stays open: longer than clients and proxies keep theirs (httpx
# 5 s, load balancers often 60 s). With uvicorn's 5 s, a client reusing a connection just as
# the server closed it got a reset; under load that lost a request or two in a thousand.
KEEP_ALIVE_SECONDS = 75
PROGRESS_EVERY = 5.0  # seconds between progress lines while training

Service = Coroutine[Any, Any, None]


class StartupFailed(RuntimeError):
    """The model could not be loaded or trained; serving it is pointless."""


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    serve = sub.add_parser("serve", help="serve the web API and web UI (API docs at /docs)")
    serve.add_argument(
        "--host", help="address to listen on (default MINI_REASONER_HOST or 127.0.0.1)"
    )
    serve.add_argument("--port", type=int, help="port (default PORT, else 8000)")
    serve.add_argument(
        "--workers", type=_positive, default=1, metavar="N", help="N API worker processes"
    )
    add_recipe_argument(serve)
    serve.set_defaults(run=cmd_serve)


def _positive(text: str) -> int:
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, got {text!r}")
    return int(text)


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    host = args.host or settings.host
    port = settings.port if args.port is None else args.port
    try:
        if args.workers > 1:
            return _serve_workers(settings, recipe_name(args, settings), host, port, args.workers)
        return asyncio.run(serve(settings, chosen_recipe(args, settings), host, port))
    except KeyboardInterrupt:  # a second Ctrl+C: stop without waiting
        return 130


async def serve(settings: Settings, recipe: Recipe, host: str, port: int) -> int:
    """Run every service over one engine until SIGINT/SIGTERM; 1 if a service failed."""
    engine = Engine(settings, recipe)
    engine.start()
    stop = asyncio.Event()
    try:
        with _stop_on_signals(stop.set):
            print(f"Mini Reasoner on {_url(host, port)}  (API docs: {_url(host, port)}/docs)")
            running = [*services(engine, settings, host, port), freeze_when_ready(engine)]
            return await run_services(running, stop)
    finally:
        await engine.close()
        log.info("stopped")


def services(engine: Engine, settings: Settings, host: str, port: int) -> list[Service]:
    """What ``serve`` runs side by side over one engine; each runs until cancelled."""
    return [
        report_startup(engine),
        serve_api(engine, settings, host, port),
        run_bot(engine, settings),  # returns at once, logging why, when the bot is off
    ]


async def run_services(coroutines: list[Service], stop: asyncio.Event) -> int:
    """Run until ``stop`` is set or a service fails, then cancel (and so stop) them all.

    A service that returns has simply finished (the others go on); one that raises stops
    the whole command with exit code 1.
    """
    tasks = [asyncio.create_task(c) for c in coroutines]
    stopping = asyncio.create_task(stop.wait())
    running, code = set(tasks), 0
    while running and not stop.is_set():
        done, _ = await asyncio.wait(running | {stopping}, return_when=asyncio.FIRST_COMPLETED)
        for task in done & running:
            running.discard(task)
            error = task.exception()
            if error is not None:
                _log_failure(error)
                code = 1
                stop.set()
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    stopping.cancel()
    return code


async def serve_api(
    engine: Engine, settings: Settings, host: str, port: int, *, access_log: bool = True
) -> None:
    """Serve the web API over ``engine`` until cancelled; then let in-flight requests finish.

    Raises OSError when it cannot listen on ``host:port``. The engine's life is the
    caller's: this neither starts nor closes it.
    """
    config = uvicorn.Config(
        create_app(engine, settings),
        log_config=None,  # keep the process's logging as it is
        access_log=access_log,
        timeout_graceful_shutdown=GRACE_SECONDS,
        timeout_keep_alive=KEEP_ALIVE_SECONDS,
    )
    listener = _listen(host, port)
    server = _EmbeddedServer(config)
    task = asyncio.create_task(server.serve(sockets=[listener]))
    log.info("web API listening on %s", _url(host, listener.getsockname()[1]))
    try:
        await asyncio.shield(task)
    except asyncio.CancelledError:
        log.info("web API: finishing requests in flight (up to %d s)", GRACE_SECONDS)
        server.should_exit = True
        await task
        raise
    finally:
        listener.close()


async def report_startup(engine: Engine) -> None:
    """Log loading or training progress until the model serves; raise if it cannot start."""
    last_state, last_line = "", 0.0
    while True:
        status = engine.status
        if status.state == "ready":
            log.info("%s", _ready_line(engine))
            return
        if status.state in ("failed", "closed"):
            raise StartupFailed(status.message)
        now = time.monotonic()
        if status.state != last_state or now - last_line >= PROGRESS_EVERY:
            log.info("%s", _progress_line(engine))
            last_state, last_line = status.state, now
        with contextlib.suppress(EngineNotReady):  # wakes as soon as the model serves
            await engine.wait_ready(timeout=0.25)


def worker_app() -> FastAPI:
    """One ``--workers`` process's app: its own engine over the cached checkpoint."""
    settings = Settings()
    recipe = seeded_recipe(settings.recipe, settings)
    return create_app(
        Engine(settings, recipe),
        settings,
        owns_engine=True,
        wait_ready=True,
        on_ready=freeze_startup_objects,
    )


def _serve_workers(settings: Settings, recipe: str, host: str, port: int, workers: int) -> int:
    """Train or load once here, then start ``workers`` processes that all load the cache."""

    async def prepare() -> None:
        engine = Engine(settings, seeded_recipe(recipe, settings))
        engine.start()
        try:
            await report_startup(engine)
        finally:
            await engine.close()

    try:
        asyncio.run(prepare())
    except StartupFailed as exc:
        _log_failure(exc)
        return 1
    os.environ["MINI_REASONER_RECIPE"] = recipe  # the workers read their settings anew
    print(f"Mini Reasoner on {_url(host, port)} with {workers} workers")
    uvicorn.run(
        "cli.serve:worker_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level=settings.log_level.lower(),
        timeout_graceful_shutdown=GRACE_SECONDS,
        timeout_keep_alive=KEEP_ALIVE_SECONDS,
    )
    return 0


class _EmbeddedServer(uvicorn.Server):
    """A uvicorn server that leaves signals to its host (stop it by cancelling its task)."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


@contextlib.contextmanager
def _stop_on_signals(stop: Callable[[], None]) -> Iterator[None]:
    """First SIGINT/SIGTERM: graceful stop. Then the default handlers: a second one is final."""
    loop = asyncio.get_running_loop()
    signals = (signal.SIGINT, signal.SIGTERM)

    def on_signal(sig: signal.Signals) -> None:
        log.info("%s: shutting down (press Ctrl+C again to quit at once)", sig.name)
        for s in signals:
            loop.remove_signal_handler(s)
        stop()

    for sig in signals:
        loop.add_signal_handler(sig, on_signal, sig)
    try:
        yield
    finally:
        for sig in signals:
            loop.remove_signal_handler(sig)


def _listen(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:
        return socket.create_server((host, port), family=family, backlog=2048)
    except OSError as exc:
        raise OSError(exc.errno, f"cannot listen on {host}:{port}: {exc.strerror}") from exc


def _url(host: str, port: int) -> str:
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def _progress_line(engine: Engine) -> str:
    status = engine.status
    if status.state != "training":
        return f"model: {status.message}"
    parts = [f"{status.message} ({status.progress:.0%})"]
    if status.loss is not None:
        parts.append(f"loss {status.loss:.3f}")
    if status.accuracy is not None:
        parts.append(f"held-out accuracy {status.accuracy:.1%}")
    if status.eta_seconds is not None:
        parts.append(f"about {status.eta_seconds:.0f} s left")
    return ", ".join(parts)


def _ready_line(engine: Engine) -> str:
    info = engine.info
    if info is None:
        return "model ready"
    how = (
        f"loaded from the cache in {info.load_seconds:.2f} s"
        if info.from_cache
        else f"trained in {info.training_seconds:.0f} s"
    )
    return f"model ready: checkpoint {info.checkpoint}, {info.parameters:,} parameters, {how}"


def _log_failure(error: BaseException) -> None:
    if isinstance(error, OSError | StartupFailed):
        log.error("%s", error)  # a clear message says it all
    else:
        log.error("a service failed", exc_info=error)
