"""The conversation as data: turns that the chat screen shows and the Markdown export writes."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Literal

from engine.answer import is_decline
from engine.results import Completion, Inspection, Options

TurnState = Literal["waiting", "streaming", "done", "stopped", "failed"]


@dataclass
class Turn:
    """One prompt and the model's answer to it, as far as it got."""

    prompt: str
    options: Options
    text: str = ""
    state: TurnState = "waiting"
    completion: Completion | None = None
    error: str = ""
    inspection: Inspection | None = None  # fetched when the inspector first shows this turn

    def restart(self, options: Options) -> None:
        """Forget the answer so it can be generated again (regenerate)."""
        self.options, self.text, self.state = options, "", "waiting"
        self.completion, self.error, self.inspection = None, "", None

    @property
    def answer(self) -> str | None:
        """The X of "therefore the answer is X." (None while running, for declines and cut-offs)."""
        return self.completion.answer if self.completion else None

    @property
    def declined(self) -> bool:
        """The model said what it can do instead of answering (an out-of-scope prompt)."""
        return self.state == "done" and is_decline(self.text)

    @property
    def truncated(self) -> bool:
        """Generation hit max_tokens before the model finished."""
        return self.completion is not None and self.completion.finish_reason == "length"

    @property
    def running(self) -> bool:
        return self.state in ("waiting", "streaming")


@dataclass
class Conversation:
    turns: list[Turn] = field(default_factory=list)

    def add(self, prompt: str, options: Options) -> Turn:
        turn = Turn(prompt, options)
        self.turns.append(turn)
        return turn

    @property
    def last(self) -> Turn | None:
        return self.turns[-1] if self.turns else None

    def clear(self) -> None:
        self.turns.clear()

    def to_markdown(self, model: str = "") -> str:
        """The conversation as a Markdown document: each prompt, answer text and outcome."""
        lines = ["# Mini Reasoner conversation", ""]
        if model:
            lines += [f"Model: {model}", ""]
        for number, turn in enumerate(self.turns, 1):
            lines += [f"## {number}. {turn.prompt.strip()}", ""]
            if turn.text:
                lines += [turn.text, ""]
            lines += [f"*{_outcome(turn)}*", ""]
        return "\n".join(lines)


def _outcome(turn: Turn) -> str:
    if turn.state == "done":
        if turn.answer is not None:
            return f"answer: {turn.answer}"
        if turn.declined:
            return "out of scope: the model declined"
        if turn.truncated:
            return f"cut off at {turn.options.max_tokens} tokens"
        return "no final answer"
    if turn.state == "stopped":
        return "stopped"
    if turn.state == "failed":
        return f"failed: {turn.error}"
    return "still answering"


def default_export_path(now: datetime | None = None) -> Path:
    """A fresh file name in the current folder, e.g. mini-reasoner-2025-01-31-142501.md."""
    stamp = (now or datetime.now()).strftime("%Y-%m-%d-%H%M%S")
    return Path(f"mini-reasoner-{stamp}.md")


def write_export(conversation: Conversation, path: Path, model: str = "") -> Path:
    """Write the conversation to ``path`` (``~`` expanded, a folder gets a default file name).

    Returns the absolute path written; raises OSError with the reason if it cannot write.
    """
    target = path.expanduser()
    if target.is_dir():
        target = target / default_export_path()
    target.write_text(conversation.to_markdown(model), encoding="utf-8")
    return target.resolve()
