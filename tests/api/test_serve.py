"""``mini-reasoner serve``: a real process, signals, graceful shutdown, services in one loop."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import httpx
import pytest

from cli.main import build_parser
from cli.serve import StartupFailed, report_startup, run_services, serve_api
from engine.checkpoint import Checkpoint
from engine.recipe import TINY
from engine.service import Engine
from engine.settings import Settings
from tests.api.helpers import SEED_PROMPT, free_port, until
from tests.faults import GatedModel, wrapped

ROOT = Path(__file__).resolve().parents[2]


@contextlib.contextmanager
def serve_process(
    cache_dir: Path, *args: str, module: str = "cli.main"
) -> Iterator[tuple[subprocess.Popen[str], str]]:
    """``mini-reasoner serve`` in a child process on a free port; killed if still running."""
    port = free_port()
    env = {**os.environ, "MINI_REASONER_CACHE_DIR": str(cache_dir), "PYTHONUNBUFFERED": "1"}
    command = [sys.executable, "-m", module, "serve", "--port", str(port), *args]
    process = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    try:
        yield process, f"http://127.0.0.1:{port}"
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def wait_healthy(url: str, process: subprocess.Popen[str], timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, process.stdout.read() if process.stdout else ""
        with contextlib.suppress(httpx.TransportError):
            if httpx.get(f"{url}/").status_code == 200:
                return
        time.sleep(0.1)
    raise AssertionError("the server never became healthy")


@pytest.mark.parametrize("workers", [1, 2])
def test_serve_command_answers_and_stops_cleanly_on_sigterm(
    small_checkpoint: Checkpoint, model_cache_dir: Path, workers: int
) -> None:
    with serve_process(model_cache_dir, "--recipe", "small", "--workers", str(workers)) as (
        process,
        url,
    ):
        wait_healthy(url, process)
        for _ in range(4):  # with two workers, requests may land on either
            answer = httpx.post(f"{url}/api/complete", json={"prompt": SEED_PROMPT}, timeout=30)
            assert answer.json()["answer"] == "7"
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=60)
    assert process.returncode == 0, output
    assert f"Mini Reasoner on {url}" in output
    assert "model ready: checkpoint" in output
    if workers == 1:  # the workers log on their own
        assert "start-up objects out of the garbage collector's rounds" in output


async def test_sigterm_lets_requests_in_flight_finish_and_takes_no_new_ones(
    small_checkpoint: Checkpoint, model_cache_dir: Path
) -> None:
    """SIGTERM with streams half-written: each still ends with its whole, right answer."""
    with serve_process(model_cache_dir, "--recipe", "small", module="tests.api.slow_serve") as (
        process,
        url,
    ):
        wait_healthy(url, process)
        started = [asyncio.Event() for _ in range(6)]
        async with httpx.AsyncClient(base_url=url, timeout=60) as client:
            streams = [
                asyncio.create_task(_read_stream(client, openai=i % 2 == 1, started=event))
                for i, event in enumerate(started)
            ]
            await asyncio.wait_for(asyncio.gather(*(e.wait() for e in started)), 60)
            process.send_signal(signal.SIGTERM)  # every stream is half-way now
            await until(lambda: not _listening(int(url.rsplit(":", 1)[1])), timeout=30)
            texts = await asyncio.gather(*streams)
        output, _ = process.communicate(timeout=60)
    assert process.returncode == 0, output
    assert all(text.endswith("therefore the answer is 7.") for text in texts), texts
    assert "finishing requests in flight" in output


async def _read_stream(client: httpx.AsyncClient, *, openai: bool, started: asyncio.Event) -> str:
    """The text of one streamed answer; ``started`` is set at its first token."""
    chat = {"messages": [{"role": "user", "content": SEED_PROMPT}], "stream": True}
    route = "/v1/chat/completions" if openai else "/api/complete/stream"
    text = ""
    async with client.stream(
        "POST", route, json=chat if openai else {"prompt": SEED_PROMPT}
    ) as response:
        async for line in response.aiter_lines():
            if not line.startswith("data: {"):
                continue
            data = json.loads(line.removeprefix("data: "))
            if "choices" in data:
                text += data["choices"][0]["delta"].get("content") or ""
            else:
                text += data.get("text", "")
            started.set()
    return text


def test_serve_options(capsys: pytest.CaptureFixture[str]) -> None:
    args = build_parser().parse_args(["serve", "--port", "9000", "--recipe", "small"])
    assert (args.port, args.recipe, args.workers, args.host) == (9000, "small", 1, None)
    with pytest.raises(SystemExit):
        build_parser().parse_args(["serve", "--workers", "0"])
    assert "expected a whole number of at least 1, got '0'" in capsys.readouterr().err


def test_serve_refuses_a_busy_port(small_checkpoint: Checkpoint, model_cache_dir: Path) -> None:
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        env = {**os.environ, "MINI_REASONER_CACHE_DIR": str(model_cache_dir)}
        result = subprocess.run(
            [sys.executable, "-m", "cli.main", "serve", "--recipe", "small", "--port", str(port)],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert result.returncode == 1
    assert f"cannot listen on 127.0.0.1:{port}" in result.stdout + result.stderr


async def test_cancelling_serve_api_lets_requests_in_flight_finish(
    engine: Engine, settings: Settings
) -> None:
    port = free_port()
    server = asyncio.create_task(serve_api(engine, settings, "127.0.0.1", port, access_log=False))
    with wrapped(engine, GatedModel(engine._decoder.model, free_steps=0)) as gate:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:
            await until(lambda: _listening(port))
            request = asyncio.create_task(
                client.post("/api/complete", json={"prompt": SEED_PROMPT})
            )
            await until(lambda: engine.load == 1)
            server.cancel()  # what SIGTERM does in `serve`
            await asyncio.sleep(0.3)
            assert not server.done()  # waiting for the request in flight
            gate.open()
            response = await request
    assert response.status_code == 200
    assert response.json()["answer"] == "7"
    with pytest.raises(asyncio.CancelledError):
        await server
    assert not _listening(port)


async def test_serve_api_reports_a_busy_port(engine: Engine, settings: Settings) -> None:
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
        with pytest.raises(OSError, match=f"cannot listen on 127.0.0.1:{port}"):
            await serve_api(engine, settings, "127.0.0.1", port)


async def test_run_services_stops_everything_on_request() -> None:
    stop, cancelled = asyncio.Event(), []

    async def service(name: str) -> None:
        try:
            await asyncio.Event().wait()
        finally:
            cancelled.append(name)

    async def finishes_early() -> None:
        return

    runner = asyncio.create_task(
        run_services([service("api"), service("bot"), finishes_early()], stop)
    )
    await asyncio.sleep(0.05)
    assert not runner.done()  # a service that ends leaves the others running
    stop.set()
    assert await runner == 0
    assert sorted(cancelled) == ["api", "bot"]


async def test_run_services_stops_when_one_fails() -> None:
    cancelled = []

    async def service() -> None:
        try:
            await asyncio.Event().wait()
        finally:
            cancelled.append(True)

    async def broken() -> None:
        raise OSError("cannot listen on 127.0.0.1:1: Permission denied")

    assert await run_services([service(), broken()], asyncio.Event()) == 1
    assert cancelled == [True]


async def test_report_startup_raises_when_the_model_cannot_start(tmp_path: Path) -> None:
    broken = replace(TINY, train=replace(TINY.train, families=("no-such-family",)))
    engine = Engine(Settings(cache_dir=tmp_path, _env_file=None), broken)
    engine.start()
    with pytest.raises(StartupFailed, match="the model failed to start"):
        await asyncio.wait_for(report_startup(engine), timeout=60)


def _listening(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0
