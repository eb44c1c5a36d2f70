"""Running the bot as a service: off with a clear log line, or connected on the shared engine.

Discord cannot be reached from CI: ``discord.Client.login`` and ``connect`` are replaced by a
local stand-in (the network boundary only); the client, its commands and the engine are real.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import discord
import pytest
from pydantic import SecretStr

from bots.client import ReasonerBot
from bots.runner import run_bot
from engine.service import Engine
from engine.settings import Settings
from tests.bots.standins import DiscordStandIn

TOKEN = "MTIz.fake-token-for-tests.abc"


def with_token(tmp_path: Path, token: str | None = TOKEN) -> Settings:
    secret = SecretStr(token) if token is not None else None
    return Settings(cache_dir=tmp_path, discord_token=secret, _env_file=None)


@pytest.mark.parametrize("token", [None, "   "])
async def test_without_a_token_the_bot_is_off_and_says_so(
    engine: Engine, tmp_path: Path, token: str | None, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="bots"):
        assert await run_bot(engine, with_token(tmp_path, token)) is False
    assert "Discord bot is off: DISCORD_TOKEN is not set" in caplog.text


@pytest.mark.parametrize(
    ("error", "says"),
    [
        (discord.LoginFailure("Improper token has been passed."), "Discord rejected DISCORD_TOKEN"),
        (OSError(101, "Network is unreachable"), "could not reach Discord"),
        (OSError(f"bad header {TOKEN}"), "could not reach Discord (bad header [DISCORD_TOKEN])"),
    ],
)
async def test_a_bad_token_or_no_network_turns_the_bot_off_without_leaking_the_token(
    engine: Engine,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    error: BaseException,
    says: str,
) -> None:
    DiscordStandIn(login_error=error).install(monkeypatch)
    with caplog.at_level(logging.INFO):
        assert await run_bot(engine, with_token(tmp_path)) is False
    assert "Discord bot is off: " + says in caplog.text
    assert TOKEN not in caplog.text


async def test_the_bot_runs_on_the_shared_engine_and_closes_when_cancelled(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    discord_ = DiscordStandIn().install(monkeypatch)
    task = asyncio.create_task(run_bot(engine, with_token(tmp_path)))
    await asyncio.wait_for(discord_.connected.wait(), 10)
    (client,) = discord_.clients
    assert isinstance(client, ReasonerBot)
    assert client.engine is engine
    assert discord_.loops == [asyncio.get_running_loop()]
    assert discord_.tokens == [TOKEN]
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert client.is_closed()
