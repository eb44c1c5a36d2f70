"""Faults: a process killed while it writes the model cache, and idle connections kept open.

Already proven elsewhere: a corrupt, truncated, empty, wrong-format, wrong-shape or NaN
checkpoint is refused and retrained, and a read-only or full cache serves from memory
(tests/engine/test_checkpoint.py); a generation failure fails its request only
(tests/engine/test_service.py, tests/api/test_failures.py); Discord refusing the token or
dropping the connection never stops the API (tests/cli/test_serve_bot.py); SIGTERM lets
requests in flight finish (tests/api/test_serve.py).
"""

from __future__ import annotations

import asyncio
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from engine import checkpoint
from engine.cache import load_or_train
from engine.recipe import SMALL
from engine.service import Engine
from engine.settings import Settings
from tests.api.helpers import running_server

ROOT = Path(__file__).resolve().parents[2]
# Seconds between seeing the writer's temporary file and killing it: early and late in a write.
KILL_DELAYS = [0.0, 0.002, 0.005, 0.02]


def kill_while_writing(path: Path, delay: float) -> None:
    """Start the writer, let it finish one version, then kill -9 it in the middle of another."""
    left_before = set(path.parent.glob(".tmp-*"))  # by an earlier kill
    writer = subprocess.Popen(
        [sys.executable, "-m", "tests.reliability.checkpoint_writer", str(path)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert writer.stdout is not None and writer.stdout.readline()  # one whole version
        deadline = time.monotonic() + 60
        while not set(path.parent.glob(".tmp-*")) - left_before:  # a write has begun
            assert time.monotonic() < deadline, "the writer never wrote again"
        time.sleep(delay)
        writer.send_signal(signal.SIGKILL)
    finally:
        writer.kill()
        writer.wait()


def assert_whole(path: Path) -> None:
    """The cached file loads, and every weight belongs to the version its metadata names."""
    ckpt = checkpoint.load(path, SMALL.key())
    version = ckpt.stats["version"]
    assert isinstance(version, int)
    assert all(bool((w == version).all()) for w in ckpt.model.state_dict().values())


@pytest.mark.parametrize("delay", KILL_DELAYS)
def test_killing_a_process_mid_write_never_leaves_a_checkpoint_that_loads_wrong(
    tmp_path: Path, delay: float
) -> None:
    path = checkpoint.path_for(tmp_path, SMALL.key())
    for _ in range(2):  # the second time over a checkpoint already there
        kill_while_writing(path, delay)
        assert_whole(path)
    # what a killed write leaves behind is ignored: the next start loads the whole file
    loaded = load_or_train(tmp_path, SMALL)
    assert loaded.from_cache and loaded.path == path


async def test_an_idle_connection_outlives_a_clients_keep_alive(
    engine: Engine, settings: Settings
) -> None:
    """Clients (httpx: 5 s) drop idle connections before the server does, never after it.

    Otherwise a client may send its next request just as the server closes the connection,
    and gets a reset instead of an answer.
    """
    async with running_server(engine, settings) as url:
        host, port = url.removeprefix("http://").split(":")
        reader, writer = await asyncio.open_connection(host, int(port))
        try:
            assert await get_info(reader, writer, host) == 200
            await asyncio.sleep(5.5)  # httpx's keep-alive expiry, and then some
            assert await get_info(reader, writer, host) == 200  # the same connection
        finally:
            writer.close()


async def get_info(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, host: str) -> int:
    """One ``GET /api/info`` on an open connection: its status, once the body is read."""
    writer.write(f"GET /api/info HTTP/1.1\r\nHost: {host}\r\n\r\n".encode())
    await writer.drain()
    head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 10)
    lines = head.decode().split("\r\n")
    length = next(int(v) for k, _, v in (h.partition(": ") for h in lines) if k == "content-length")
    await reader.readexactly(length)
    return int(lines[0].split()[1])
