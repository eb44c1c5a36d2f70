"""The prompt box: a one-line input whose up/down keys recall earlier prompts."""

from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.widgets import Input

from tui.history import PromptHistory
from tui.safe_text import safe_text


class PromptInput(Input):
    """Input with shell-like history; sending is the screen's business (Input.Submitted)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "history_previous", "Earlier prompt", show=False),
        Binding("down", "history_next", "Later prompt", show=False),
    ]

    def __init__(self, history: PromptHistory, *, placeholder: str = "", id: str | None = None):
        super().__init__(placeholder=placeholder, id=id)
        self.history = history

    def validate_value(self, value: str) -> str:
        """Every way into the box (typing, pasting, history) passes here: no control codes."""
        return safe_text(value)

    def action_history_previous(self) -> None:
        self._recall(self.history.previous(self.value))

    def action_history_next(self) -> None:
        self._recall(self.history.next())

    def _recall(self, text: str | None) -> None:
        if text is not None:
            self.value = text
            self.cursor_position = len(text)
