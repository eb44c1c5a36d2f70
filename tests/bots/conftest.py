"""Fixtures for the bot's tests: a fake clock and the bot's config on it."""

from __future__ import annotations

import pytest

from bots.config import BotConfig
from tests.bots.standins import FakeClock


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def config(clock: FakeClock) -> BotConfig:
    return BotConfig(clock=clock)
