"""Traffic: what every front-end asked of the engine, for status lines and activity logs."""

from __future__ import annotations

import logging
import time
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass

from engine.results import Completion

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RequestRecord:
    """One finished request: who asked (``source``), what, and how it ended."""

    source: str
    prompt: str
    completion: Completion | None  # None when it failed or was cancelled
    outcome: str  # "ok", "cancelled" or the error message
    finished_at: float


Listener = Callable[[RequestRecord], None]


class Traffic:
    """Counts requests per source, keeps the recent rate, and tells listeners of each one."""

    WINDOW = 10.0  # seconds over which :meth:`rate` averages

    def __init__(self) -> None:
        self.by_source: Counter[str] = Counter()
        self.failed = 0
        self._recent: deque[float] = deque()
        self._listeners: list[Listener] = []

    def add_listener(self, listener: Listener) -> None:
        self._listeners.append(listener)

    def remove_listener(self, listener: Listener) -> None:
        if listener in self._listeners:
            self._listeners.remove(listener)

    @property
    def total(self) -> int:
        return sum(self.by_source.values())

    def rate(self) -> float:
        """Requests finished per second over the last :attr:`WINDOW` seconds."""
        self._expire(time.monotonic())
        return len(self._recent) / self.WINDOW

    def record(self, record: RequestRecord) -> None:
        now = time.monotonic()
        self.by_source[record.source] += 1
        if record.completion is None and record.outcome != "cancelled":
            self.failed += 1
        self._recent.append(now)
        self._expire(now)
        for listener in list(self._listeners):
            try:
                listener(record)
            except Exception:  # a broken listener must not break the request
                log.exception("traffic listener failed")

    def _expire(self, now: float) -> None:
        while self._recent and now - self._recent[0] > self.WINDOW:
            self._recent.popleft()
