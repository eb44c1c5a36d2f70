"""Shared fixtures: real engines, trained once and cached between test runs.

``small_checkpoint`` is the SMALL recipe (the seed's one-digit tasks plus declining), trained
in about a minute the first time and loaded from the model cache afterwards. Front-end tests
use it through ``engine``: a real model, not a stand-in.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from engine.cache import load_or_train
from engine.checkpoint import Checkpoint
from engine.recipe import SMALL
from engine.service import Engine
from engine.settings import Settings


@pytest.fixture(scope="session")
def model_cache_dir() -> Path:
    """Where trained models are cached (MINI_REASONER_CACHE_DIR, else the user cache)."""
    return Settings().cache_dir


@pytest.fixture(scope="session")
def small_checkpoint(model_cache_dir: Path) -> Checkpoint:
    return load_or_train(model_cache_dir, SMALL).checkpoint


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Default settings with a private cache folder (nothing leaks between tests)."""
    return Settings(cache_dir=tmp_path / "cache", _env_file=None)


@pytest.fixture
async def engine(small_checkpoint: Checkpoint, settings: Settings) -> AsyncIterator[Engine]:
    """A ready engine over the small trained model."""
    engine = Engine.from_checkpoint(small_checkpoint, settings)
    yield engine
    await engine.close()
