"""``mini-reasoner bot``: a clear error without a token; else the bot over a freshly started engine.

Discord's login, gateway and command sync are the local stand-in; the engine loads the small
model from the test cache.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import discord
import pytest
from pydantic import SecretStr

from bots.client import ReasonerBot
from cli.bot import run
from cli.main import main
from engine.recipe import SMALL
from engine.settings import Settings
from tests.bots.standins import DiscordStandIn, FakeInteraction

TOKEN = "MTIz.fake-token-for-tests.abc"


def bot_settings(model_cache_dir: Path, guild_id: int | None = None) -> Settings:
    return Settings(
        cache_dir=model_cache_dir,
        discord_token=SecretStr(TOKEN),
        discord_guild_id=guild_id,
        _env_file=None,
    )


def test_without_a_token_the_command_explains_what_to_set(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for name in ("DISCORD_TOKEN", "MINI_REASONER_DISCORD_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    assert main(["bot"]) == 2
    assert "DISCORD_TOKEN is not set" in capsys.readouterr().out


@pytest.mark.usefixtures("small_checkpoint")  # the small model is in the cache
@pytest.mark.parametrize(("guild_id", "sync"), [(None, False), (None, True), (4321, True)])
async def test_the_bot_answers_from_its_engine_and_syncs_only_when_asked(
    model_cache_dir: Path,
    monkeypatch: pytest.MonkeyPatch,
    guild_id: int | None,
    sync: bool,
) -> None:
    discord_ = DiscordStandIn().install(monkeypatch)
    running = asyncio.create_task(run(bot_settings(model_cache_dir, guild_id), SMALL, sync=sync))
    await asyncio.wait_for(discord_.connected.wait(), 10)
    (bot,) = discord_.clients
    assert isinstance(bot, ReasonerBot)
    assert discord_.synced == ([guild_id] if sync else [])
    await bot.engine.wait_ready(60)
    interaction = FakeInteraction()
    await bot.commands.ask(interaction, "what is 3 plus 4?")
    assert "therefore the answer is 7." in interaction.shown
    discord_.drop()  # Discord goes away for good: the command ends, and says it failed
    assert await asyncio.wait_for(running, 30) is False
    assert bot.is_closed()
    assert bot.engine.status.state == "closed"


@pytest.mark.usefixtures("small_checkpoint")
async def test_a_rejected_token_ends_the_command(
    model_cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    DiscordStandIn(login_error=discord.LoginFailure("Improper token has been passed.")).install(
        monkeypatch
    )
    command = run(bot_settings(model_cache_dir), SMALL, sync=False)
    assert await asyncio.wait_for(command, 30) is False
