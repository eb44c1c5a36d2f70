"""Requests that other front-ends (web API, Discord) sent to the shared engine."""

from __future__ import annotations

from textual.widgets import Log

from engine.answer import is_decline
from engine.traffic import RequestRecord, Traffic
from tui.safe_text import safe_text


def describe_request(record: RequestRecord) -> str:
    """e.g. "api: what is 3 plus 4? -> 7" (anyone may have sent the prompt: no control codes)."""
    prompt = " ".join(safe_text(record.prompt).split())[:60]
    if record.completion is None:
        result = record.outcome
    elif record.completion.answer is not None:
        result = record.completion.answer
    else:
        result = "declined" if is_decline(record.completion.text) else "no answer"
    return f"{record.source or 'other'}: {prompt} -> {result}"


def describe_counts(traffic: Traffic) -> str:
    """e.g. "api 12 · discord 3 · tui 2"."""
    by_source = sorted(traffic.by_source.items())
    return " · ".join(f"{source or 'other'} {n}" for source, n in by_source)


class ActivityLog(Log):
    """The latest requests from every front-end but this one; the title counts them all."""

    BORDER_TITLE = "traffic"

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(max_lines=200, id=id)

    def add(self, record: RequestRecord) -> None:
        self.write_line(describe_request(record))

    def count(self, traffic: Traffic) -> None:
        self.border_title = " · ".join(p for p in ("traffic", describe_counts(traffic)) if p)
