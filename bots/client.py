"""The discord.py client: the command tree, intents, mentions, and syncing commands on demand."""

from __future__ import annotations

import logging

import discord
from discord import app_commands

from bots.commands import Commands, register
from bots.config import BotConfig
from engine.service import Engine

log = logging.getLogger(__name__)


def intents() -> discord.Intents:
    """Slash commands need no privileged intents; guilds keeps discord.py's cache coherent."""
    wanted = discord.Intents.none()
    wanted.guilds = True
    return wanted


class ReasonerBot(discord.Client):
    """Mini Reasoner on Discord: /ask, /help and /about over a shared engine."""

    def __init__(
        self,
        engine: Engine,
        *,
        guild_id: int | None = None,
        sync: bool = False,
        config: BotConfig | None = None,
    ) -> None:
        # The bot never joins voice: spare the log discord.py's warnings about voice libraries.
        discord.VoiceClient.warn_nacl = discord.VoiceClient.warn_dave = False
        # Prompts are echoed in replies: never let one ping @everyone, a role or a user.
        super().__init__(intents=intents(), allowed_mentions=discord.AllowedMentions.none())
        self.engine = engine
        self.guild_id = guild_id
        self.sync_on_start = sync
        self.tree = app_commands.CommandTree(self)
        self.commands = Commands(engine, config or BotConfig())
        register(self.tree, self.commands)

    async def setup_hook(self) -> None:
        if self.sync_on_start:
            await sync_commands(self.tree, self.guild_id)

    async def on_ready(self) -> None:
        log.info("Discord bot connected as %s", self.user)


async def sync_commands(tree: app_commands.CommandTree, guild_id: int | None) -> None:
    """Publish the commands: to one guild (visible at once) or globally (may take an hour)."""
    if guild_id is None:
        synced = await tree.sync()
        log.info("synced %d commands globally; Discord may take up to an hour", len(synced))
        return
    guild = discord.Object(id=guild_id)
    tree.copy_global_to(guild=guild)
    synced = await tree.sync(guild=guild)
    log.info("synced %d commands to guild %s", len(synced), guild_id)
