"""The bot's house rules: how often people may ask, how much runs at once, how replies look."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

Clock = Callable[[], float]

MESSAGE_LIMIT = 2000  # Discord's limit on a message's content, in characters


@dataclass(frozen=True)
class BotConfig:
    """Tunable limits; tests shrink them and pass a fake ``clock`` to avoid real waiting."""

    cooldown_seconds: float = 5.0  # per user, between the starts of two /ask
    guild_concurrency: int = 3  # /ask answered at once in one server (or one user's DMs)
    edit_interval: float = 1.0  # at least this long between two edits of a reply being written
    message_limit: int = MESSAGE_LIMIT
    max_messages: int = 3  # a longer answer is cut, visibly, at the end of the last message
    clock: Clock = field(default=time.monotonic)
