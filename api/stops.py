"""Stop sequences (OpenAI's ``stop``): end the text just before the first one, even mid-stream.

Tokens are held back while the text so far could still be the start of a stop sequence, so a
stream never sends a piece of a stop sequence it would have to take back.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace


@dataclass(frozen=True)
class Piece:
    """One generated token: ``text`` is what it appends (cut short where a stop begins)."""

    text: str
    token: str
    prob: float
    top: tuple[tuple[str, float], ...] = ()  # the likeliest tokens' text and probability


class StopScanner:
    def __init__(self, stops: Sequence[str]) -> None:
        self.stops = [s for s in stops if s]
        self._held: list[Piece] = []

    def feed(self, piece: Piece) -> tuple[list[Piece], bool]:
        """The pieces that are safe to send now, and whether a stop sequence was reached."""
        if not self.stops:
            return [piece], False
        self._held.append(piece)
        text = "".join(p.text for p in self._held)
        hits = [i for s in self.stops if (i := text.find(s)) >= 0]
        if hits:
            return self._cut(min(hits)), True
        if any(_may_begin(text, s) for s in self.stops):
            return [], False
        return self.flush(), False

    def flush(self) -> list[Piece]:
        """Everything held back (the generation ended without reaching a stop)."""
        out, self._held = self._held, []
        return out

    def _cut(self, end: int) -> list[Piece]:
        out, used = [], 0
        for piece in self.flush():
            if used + len(piece.text) <= end:
                out.append(piece)
                used += len(piece.text)
                continue
            if end > used:
                out.append(replace(piece, text=piece.text[: end - used]))
            break
        return out


def _may_begin(text: str, stop: str) -> bool:
    """Whether some end of ``text`` is the beginning of ``stop``."""
    start = max(0, len(text) - len(stop) + 1)
    return any(stop.startswith(text[i:]) for i in range(start, len(text)))
