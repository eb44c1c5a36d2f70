"""``mini-reasoner bot``: the Discord bot alone, over its own engine.

``mini-reasoner serve`` runs the same bot (``bots.runner.run_bot``) beside the web API when
DISCORD_TOKEN is set; this command is for running the bot by itself, and for ``--sync``.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
from typing import Any

from bots.runner import run_bot
from cli.options import add_recipe_argument, chosen_recipe
from cli.serve import report_startup
from engine.recipe import Recipe
from engine.service import Engine
from engine.settings import Settings

log = logging.getLogger(__name__)


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    bot = sub.add_parser("bot", help="run the Discord bot (needs DISCORD_TOKEN)")
    bot.add_argument(
        "--sync",
        action="store_true",
        help="publish the slash commands first: to DISCORD_GUILD_ID at once if set, else "
        "globally (Discord may take up to an hour); needed once, and after commands change",
    )
    add_recipe_argument(bot)
    bot.set_defaults(run=cmd_bot)


def cmd_bot(args: argparse.Namespace, settings: Settings) -> int:
    if settings.discord_token is None or not settings.discord_token.get_secret_value().strip():
        print(
            "error: DISCORD_TOKEN is not set. Create a bot in the Discord developer portal and "
            "put its token in DISCORD_TOKEN (see the README, section Discord bot)."
        )
        return 2
    try:
        return 0 if asyncio.run(run(settings, chosen_recipe(args, settings), sync=args.sync)) else 1
    except KeyboardInterrupt:  # Ctrl+C: the bot and the engine were closed on the way out
        return 0


async def run(settings: Settings, recipe: Recipe, *, sync: bool) -> bool:
    """Start the engine and the bot together (it answers "still training" meanwhile).

    True once the bot ran and stopped; False if it could not run or the model failed to start.
    """
    engine = Engine(settings, recipe)
    engine.start()
    startup = asyncio.create_task(report_startup(engine))  # logs progress, raises on failure
    bot = asyncio.create_task(run_bot(engine, settings, sync=sync))
    pending: set[asyncio.Task[Any]] = {startup, bot}
    try:
        while bot in pending:
            _, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
            if startup.done() and startup.exception() is not None:
                log.error("%s", startup.exception())
                return False
        return bot.result()
    finally:
        for task in (startup, bot):
            task.cancel()
        await asyncio.gather(startup, bot, return_exceptions=True)
        await engine.close()
