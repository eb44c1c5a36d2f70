"""The slash commands: /ask answers with the model, /help lists what it can do, /about the model.

Every /ask is acknowledged at once with a "thinking" reply (Discord allows 3 seconds), then
edited as the answer is written. Refusals and failures are ephemeral: only the asker sees them.
"""

# No ``from __future__ import annotations`` here: discord.py reads the option limits from the
# annotation objects, and /ask's length limit is only known when the commands are built.

import contextlib
import logging

import discord
from discord import app_commands

from bots.cards import about_text, help_text
from bots.config import BotConfig
from bots.limits import ConcurrencyCap, Cooldown
from bots.replies import (
    GENERIC_FAILURE,
    answer_text,
    cooldown_text,
    crowded_text,
    error_text,
    truncate,
    writing_text,
)
from bots.streaming import LiveReply, Throttle
from engine.errors import EngineError, InvalidRequest
from engine.results import TokenEvent
from engine.service import Engine

log = logging.getLogger(__name__)

DISCORD_MAX_OPTION_CHARS = 6000  # the longest string option Discord accepts


class Commands:
    """What the slash commands do, over one shared engine."""

    def __init__(self, engine: Engine, config: BotConfig) -> None:
        self.engine = engine
        self.config = config
        self.cooldown = Cooldown(config.cooldown_seconds, config.clock)
        self.crowd = ConcurrencyCap(config.guild_concurrency)

    async def ask(self, interaction: discord.Interaction, prompt: str) -> None:
        user = interaction.user.id
        wait = self.cooldown.remaining(user)
        if wait > 0:
            await _tell_privately(interaction, cooldown_text(wait))
            return
        try:
            self.engine.tokenize(prompt)
        except InvalidRequest as exc:
            await _tell_privately(interaction, error_text(exc))
            return
        place = ("guild", interaction.guild_id) if interaction.guild_id else ("user", user)
        if not self.crowd.try_acquire(place):
            text = crowded_text(self.crowd.limit, interaction.guild_id is not None)
            await _tell_privately(interaction, text)
            return
        self.cooldown.hit(user)
        try:
            await interaction.response.defer(thinking=True)
            await self._answer(interaction, prompt)
        except EngineError as exc:
            log.warning("/ask by user %s in %s failed: %s", user, place, exc)
            await _tell_privately(interaction, error_text(exc))
        except Exception:
            log.exception("/ask by user %s in %s failed", user, place)
            await _tell_privately(interaction, GENERIC_FAILURE)
        finally:
            self.crowd.release(place)

    async def _answer(self, interaction: discord.Interaction, prompt: str) -> None:
        config = self.config
        throttle = Throttle(config.edit_interval, config.clock)
        live = LiveReply(interaction, throttle, config.message_limit, config.max_messages)
        written = ""
        # aclosing: if Discord fails mid-answer, the engine drops the request at once
        async with contextlib.aclosing(self.engine.stream(prompt, source="discord")) as events:
            async for event in events:
                if isinstance(event, TokenEvent):
                    written += event.text
                    await live.update(writing_text(prompt, written, config.message_limit))
                else:
                    await live.finish(answer_text(prompt, event))

    async def show_help(self, interaction: discord.Interaction) -> None:
        text = truncate(help_text(self.engine.info), self.config.message_limit)
        await interaction.response.send_message(text, ephemeral=True)

    async def show_about(self, interaction: discord.Interaction) -> None:
        engine = self.engine
        text = about_text(engine.info, engine.status, engine.traffic)
        await interaction.response.send_message(
            truncate(text, self.config.message_limit), ephemeral=True
        )


async def _tell_privately(interaction: discord.Interaction, text: str) -> None:
    """Reply with ``text`` that only the asker sees, whatever was already sent."""
    try:
        if not interaction.response.is_done():
            await interaction.response.send_message(text, ephemeral=True)
            return
        # The first follow-up of a public "thinking" reply would be public too: remove the
        # reply first, so the follow-up can be ephemeral.
        with contextlib.suppress(discord.HTTPException):
            await interaction.delete_original_response()
        await interaction.followup.send(text, ephemeral=True)
    except discord.HTTPException as exc:
        log.warning("could not reply to user %s: %s", interaction.user.id, exc)


def register(tree: app_commands.CommandTree, commands: Commands) -> None:
    """Declare /ask, /help and /about on ``tree``."""
    max_chars = min(commands.engine.settings.max_prompt_chars, DISCORD_MAX_OPTION_CHARS)

    @tree.command(name="ask", description="Ask a small number question; the model shows its steps")
    @app_commands.describe(
        prompt=f"Your question, e.g. what is 3 plus 4? (up to {max_chars} characters)"
    )
    async def ask(
        interaction: discord.Interaction, prompt: app_commands.Range[str, 1, max_chars]
    ) -> None:
        await commands.ask(interaction, prompt)

    @tree.command(name="help", description="What the model can answer, with examples")
    async def show_help(interaction: discord.Interaction) -> None:
        await commands.show_help(interaction)

    @tree.command(name="about", description="The model: size, accuracy, training time, uptime")
    async def show_about(interaction: discord.Interaction) -> None:
        await commands.show_about(interaction)
