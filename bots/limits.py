"""Fair use: a per-user cooldown and a cap on simultaneous requests per server.

Discord users share one model; these keep one person or one busy server from crowding out
everyone else before the engine's own queue limit (EngineBusy) is reached.
"""

from __future__ import annotations

from collections import Counter, OrderedDict
from collections.abc import Hashable

from bots.config import Clock


class Cooldown:
    """At most one use per ``seconds`` per key, measured on ``clock``."""

    def __init__(self, seconds: float, clock: Clock) -> None:
        self.seconds = seconds
        self._clock = clock
        self._last: OrderedDict[Hashable, float] = OrderedDict()  # oldest use first

    def remaining(self, key: Hashable) -> float:
        """Seconds until ``key`` may go again (0.0: now)."""
        now = self._clock()
        self._forget_before(now - self.seconds)
        last = self._last.get(key)
        return 0.0 if last is None else max(0.0, last + self.seconds - now)

    def hit(self, key: Hashable) -> None:
        """Record a use by ``key`` now."""
        self._last[key] = self._clock()
        self._last.move_to_end(key)

    def _forget_before(self, cutoff: float) -> None:
        """Drop expired entries so the table stays as small as the set of recent users."""
        while self._last:
            key, last = next(iter(self._last.items()))
            if last > cutoff:
                return
            del self._last[key]


class ConcurrencyCap:
    """At most ``limit`` slots held at once per key."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._held: Counter[Hashable] = Counter()

    def try_acquire(self, key: Hashable) -> bool:
        if self._held[key] >= self.limit:
            return False
        self._held[key] += 1
        return True

    def release(self, key: Hashable) -> None:
        self._held[key] -= 1
        if self._held[key] <= 0:
            del self._held[key]

    def held(self, key: Hashable) -> int:
        return self._held[key]
