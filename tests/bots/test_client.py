"""The client: commands as Discord will see them, intents, mentions, and syncing on demand."""

from __future__ import annotations

from pathlib import Path
from unittest.mock import AsyncMock

import discord
import pytest

from bots.client import ReasonerBot, intents
from engine.checkpoint import Checkpoint
from engine.service import Engine
from engine.settings import Settings


def payloads(bot: ReasonerBot) -> dict[str, dict]:
    """Each command as the JSON that ``tree.sync`` would send to Discord."""
    return {c.name: c.to_dict(bot.tree) for c in bot.tree.get_commands()}


async def test_the_tree_declares_ask_help_and_about(engine: Engine) -> None:
    commands = payloads(ReasonerBot(engine))
    assert set(commands) == {"ask", "help", "about"}
    for command in commands.values():
        assert 1 <= len(command["description"]) <= 100
    assert commands["help"]["options"] == [] and commands["about"]["options"] == []
    (prompt,) = commands["ask"]["options"]
    assert prompt["name"] == "prompt"
    assert prompt["type"] == discord.AppCommandOptionType.string.value
    assert prompt["required"] is True
    assert "what is 3 plus 4?" in prompt["description"]
    assert len(prompt["description"]) <= 100
    assert prompt["min_length"] == 1
    assert prompt["max_length"] == engine.settings.max_prompt_chars == 500


async def test_the_prompt_limit_follows_the_settings_up_to_discords_own(
    small_checkpoint: Checkpoint, tmp_path: Path
) -> None:
    for chars, limit in ((120, 120), (9000, 6000)):
        settings = Settings(cache_dir=tmp_path, max_prompt_chars=chars, _env_file=None)
        engine = Engine.from_checkpoint(small_checkpoint, settings)
        try:
            (prompt,) = payloads(ReasonerBot(engine))["ask"]["options"]
            assert prompt["max_length"] == limit
        finally:
            await engine.close()


async def test_no_privileged_intents_and_no_pings(engine: Engine) -> None:
    wanted = intents()
    assert not (wanted.members or wanted.presences or wanted.message_content)
    bot = ReasonerBot(engine)
    mentions = bot.allowed_mentions
    assert mentions is not None
    assert mentions.to_dict() == discord.AllowedMentions.none().to_dict()


@pytest.mark.parametrize("guild_id", [None, 1234])
async def test_commands_sync_only_when_asked(engine: Engine, guild_id: int | None) -> None:
    quiet = ReasonerBot(engine, guild_id=guild_id)
    quiet.tree.sync = AsyncMock(return_value=[])  # type: ignore[method-assign]
    await quiet.setup_hook()
    quiet.tree.sync.assert_not_called()

    bot = ReasonerBot(engine, guild_id=guild_id, sync=True)
    bot.tree.sync = AsyncMock(return_value=[])  # type: ignore[method-assign]
    await bot.setup_hook()
    if guild_id is None:
        bot.tree.sync.assert_awaited_once_with()
    else:
        (call,) = bot.tree.sync.await_args_list
        assert call.kwargs["guild"].id == guild_id
        names = {c.name for c in bot.tree.get_commands(guild=discord.Object(id=guild_id))}
        assert names == {"ask", "help", "about"}  # copied to the guild: visible at once
