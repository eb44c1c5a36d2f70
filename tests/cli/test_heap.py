"""Once the model serves, ``serve`` freezes start-up's objects out of the collector's rounds."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from cli.heap import freeze_when_ready
from engine.checkpoint import Checkpoint
from engine.recipe import SMALL, TINY
from engine.service import Engine
from engine.settings import Settings


@pytest.fixture(autouse=True)
def unfrozen() -> Iterator[None]:
    """The test session's own objects go back to the collector afterwards."""
    gc.unfreeze()
    yield
    gc.unfreeze()


async def test_start_up_objects_are_frozen_once_the_model_serves_not_before(
    small_checkpoint: Checkpoint, model_cache_dir: Path
) -> None:
    engine = Engine(Settings(cache_dir=model_cache_dir, _env_file=None), SMALL)
    freezing = asyncio.create_task(freeze_when_ready(engine))
    try:
        await asyncio.sleep(0.2)
        assert not freezing.done()
        assert gc.get_freeze_count() == 0  # nothing frozen while the model is not ready
        engine.start()  # loads the small model the fixtures cached
        await asyncio.wait_for(freezing, 60)
        assert engine.status.ready
        assert gc.get_freeze_count() > 10_000  # imports, the model, this test session
    finally:
        freezing.cancel()
        await engine.close()


async def test_nothing_is_frozen_when_the_model_cannot_start(tmp_path: Path) -> None:
    broken = replace(TINY, train=replace(TINY.train, families=("no-such-family",)))
    engine = Engine(Settings(cache_dir=tmp_path, _env_file=None), broken)
    engine.start()
    try:
        await asyncio.wait_for(freeze_when_ready(engine), 60)
        assert engine.status.state == "failed"
        assert gc.get_freeze_count() == 0
    finally:
        await engine.close()
