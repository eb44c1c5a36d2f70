"""A short soak: the real server over loopback, a few thousand requests of every kind at once.

The mix and its checks are ``bench/soak.py``'s (which runs the long soak and prints figures):
``/api/complete``, its stream, ``/v1/chat/completions`` plain and streamed, and clients that
hang up after the first token. The server runs in this process (``serve_api`` on a free
port), so the test can look inside it afterwards: nothing in flight, no task or thread left
behind, memory where it was after the warm-up, and a quiet log.
"""

from __future__ import annotations

import asyncio
import logging

import pytest

from bench.soak import EXPECTED, LEFT, OK, drive, sample
from engine.service import Engine
from engine.settings import Settings
from tests.api.helpers import running_server, until

REQUESTS = 3_000
CONCURRENCY = 96
WARMUP = 600
RSS_GROWTH = 0.10  # at most 10% above the figure after the warm-up


async def test_a_short_soak_answers_everything_right_and_leaves_nothing_behind(
    engine: Engine, settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    async with running_server(engine, settings) as url:
        await drive(url, WARMUP, CONCURRENCY, seed=1)
        await until(lambda: engine.load == 0)
        warm = sample(engine.load)
        failed_before = engine.traffic.failed
        with caplog.at_level(logging.WARNING):
            report = await drive(url, REQUESTS, CONCURRENCY)
            await until(lambda: engine.load == 0)  # clients that left are let go
        await until(lambda: len(asyncio.all_tasks()) <= warm.tasks)
        end = sample(engine.load)

    assert set(report.outcomes) <= set(EXPECTED), report.outcomes  # no 5xx, nothing wrong
    assert sum(report.outcomes.values()) == REQUESTS
    assert report.outcomes[OK] > REQUESTS * 0.7 and report.outcomes[LEFT] > 0
    assert engine.traffic.failed == failed_before
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING], caplog.text
    assert (end.tasks, end.threads) == (warm.tasks, warm.threads)
    assert end.rss_mb <= warm.rss_mb * (1 + RSS_GROWTH), (warm, end)
