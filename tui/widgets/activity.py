"""Requests that other front-ends (web API, Discord) sent to the shared engine."""

from __future__ import annotations

from textual.widgets import Log

from engine.answer import is_decline
from engine.traffic import RequestRecord


def describe_request(record: RequestRecord) -> str:
    """e.g. "api: what is 3 plus 4? -> 7"."""
    prompt = " ".join(record.prompt.split())[:60]
    if record.completion is None:
        result = record.outcome
    elif record.completion.answer is not None:
        result = record.completion.answer
    else:
        result = "declined" if is_decline(record.completion.text) else "no answer"
    return f"{record.source or 'other'}: {prompt} -> {result}"


class ActivityLog(Log):
    """The latest requests from every front-end but this one."""

    BORDER_TITLE = "other front-ends"

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(max_lines=200, id=id)

    def add(self, record: RequestRecord) -> None:
        self.write_line(describe_request(record))
