"""Run the bot beside other services: trouble with Discord is logged, never raised.

``run_bot`` is a service for one asyncio loop shared with the web API: a missing or rejected
token or an unreachable Discord turns the bot off with a clear log line, and disconnects are
retried by discord.py, so none of it reaches the other services. Cancelling it closes the bot.
"""

from __future__ import annotations

import logging

import aiohttp
import discord

from bots.client import ReasonerBot
from bots.config import BotConfig
from engine.service import Engine
from engine.settings import Settings

log = logging.getLogger(__name__)

OFF = "Discord bot is off: "


async def run_bot(
    engine: Engine, settings: Settings, *, sync: bool = False, config: BotConfig | None = None
) -> bool:
    """Serve Discord until cancelled or closed; False (logged) if the bot could not run."""
    token = settings.discord_token.get_secret_value().strip() if settings.discord_token else ""
    if not token:
        log.info("%sDISCORD_TOKEN is not set", OFF)
        return False
    bot = ReasonerBot(engine, guild_id=settings.discord_guild_id, sync=sync, config=config)
    try:
        async with bot:
            await bot.start(token)
    except discord.LoginFailure:
        log.error("%sDiscord rejected DISCORD_TOKEN (copy it again from the developer portal)", OFF)
        return False
    except (OSError, aiohttp.ClientError, discord.HTTPException, discord.GatewayNotFound) as exc:
        log.error("%scould not reach Discord (%s)", OFF, _redact(exc, token))
        return False
    except Exception as exc:  # a bug in the bot must not stop the services beside it
        log.error("%sit stopped on an unexpected %s", OFF, type(exc).__name__, exc_info=exc)
        return False
    return True


def _redact(exc: BaseException, token: str) -> str:
    """The error's text, with the token blanked in case a library ever quoted it."""
    return (str(exc) or type(exc).__name__).replace(token, "[DISCORD_TOKEN]")
