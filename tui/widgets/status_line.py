"""The status line: model state, size, checkpoint and accuracy, traffic, and settings."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static

from engine.results import Options
from engine.service import Info, Status


def count(n: int) -> str:
    """1234567 -> "1.2M", 12345 -> "12k"."""
    if n >= 1_000_000:
        return f"{n / 1e6:.1f}M"
    return f"{n / 1e3:.0f}k" if n >= 1000 else str(n)


def describe_model(info: Info) -> str:
    """e.g. "1.2M params · model 503663750a · seed accuracy 100%"."""
    parts = [f"{count(info.parameters)} params", f"model {info.checkpoint[:10]}"]
    if "seed" in info.accuracy:
        parts.append(f"seed acc {info.accuracy['seed']:.0%}")
    return " · ".join(parts)


def describe_options(options: Options) -> str:
    sampling = "greedy" if options.temperature == 0 else f"temp {options.temperature:g}"
    if options.temperature and options.top_k:
        sampling += f" top-k {options.top_k}"
    return f"{sampling} · max {options.max_tokens}"


class StatusLine(Static):
    """Redrawn by the chat screen whenever something it shows may have changed."""

    def show(self, status: Status, info: Info | None, options: Options, rate: float | None):
        """``rate`` (requests/s) is given only while other front-ends are served from here."""
        if status.ready and info is not None:
            head = Content.from_markup("[b $text-success]●[/] ready")
            parts = [describe_model(info), describe_options(options)]
        else:
            head = Content.from_markup("[b $text-warning]●[/] $state", state=status.state)
            parts = [status.message]
        if rate is not None:
            parts.insert(1, f"{rate:.1f} req/s")
        self.update(Content.assemble(head, " · ", " · ".join(parts)))
