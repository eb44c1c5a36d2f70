"""Prompt history for the input box: up/down walk earlier prompts like a shell does."""

from __future__ import annotations


class PromptHistory:
    """Earlier prompts, newest last, and a cursor that up/down move.

    The text being typed when the user starts walking is kept as a draft and comes back when
    they walk past the newest entry, so recalling history never loses what was typed.
    """

    def __init__(self, limit: int = 200) -> None:
        self.limit = limit
        self._entries: list[str] = []
        self._cursor = 0  # == len(entries) while not walking
        self._draft = ""

    @property
    def entries(self) -> list[str]:
        return list(self._entries)

    def add(self, prompt: str) -> None:
        """Remember a sent prompt (not twice in a row) and stop walking."""
        if prompt.strip() and (not self._entries or self._entries[-1] != prompt):
            self._entries.append(prompt)
            del self._entries[: -self.limit]
        self._cursor = len(self._entries)
        self._draft = ""

    def previous(self, current: str) -> str | None:
        """The entry before the cursor, or None at the oldest one."""
        if self._cursor == 0:
            return None
        if self._cursor == len(self._entries):
            self._draft = current
        self._cursor -= 1
        return self._entries[self._cursor]

    def next(self) -> str | None:
        """The entry after the cursor, the draft past the newest, None when not walking."""
        if self._cursor >= len(self._entries):
            return None
        self._cursor += 1
        if self._cursor == len(self._entries):
            return self._draft
        return self._entries[self._cursor]
