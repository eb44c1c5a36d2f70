"""A deferred reply that shows the answer as it is written, within Discord's rate limits."""

from __future__ import annotations

import discord

from bots.config import Clock
from bots.replies import paginate


class Throttle:
    """Lets an action through at most once per ``interval`` seconds of ``clock``."""

    def __init__(self, interval: float, clock: Clock) -> None:
        self.interval = interval
        self._clock = clock
        self._last = clock()  # the reply was just deferred: that counts as the first update

    def ready(self) -> bool:
        """True (and the interval restarts) if an action may happen now."""
        now = self._clock()
        if now - self._last < self.interval:
            return False
        self._last = now
        return True


class LiveReply:
    """Edits the "thinking" message of a deferred interaction while the model writes."""

    def __init__(
        self, interaction: discord.Interaction, throttle: Throttle, limit: int, max_messages: int
    ) -> None:
        self._interaction = interaction
        self._throttle = throttle
        self._limit = limit
        self._max_messages = max_messages

    async def update(self, text: str) -> None:
        """Show ``text`` (one message's worth) unless the last edit was too recent."""
        if self._throttle.ready():
            await self._interaction.edit_original_response(content=text)

    async def finish(self, text: str) -> None:
        """Replace the reply with the finished ``text``, continued in follow-ups if long."""
        first, *more = paginate(text, self._limit, self._max_messages)
        await self._interaction.edit_original_response(content=first)
        for page in more:
            await self._interaction.followup.send(page)
