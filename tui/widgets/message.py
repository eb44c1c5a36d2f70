"""Chat bubbles: the user's prompt, and the model's answer as it streams and once it is done."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Static

from tui.conversation import Turn
from tui.safe_text import safe_text

FINAL = "therefore the answer is"
CURSOR = "▌"


class PromptMessage(Static):
    """What the user asked, shown verbatim (never parsed as markup)."""

    def __init__(self, prompt: str) -> None:
        super().__init__(Content(safe_text(prompt)))
        self.border_title = "you"


class AnswerMessage(Vertical):
    """The model's completion: streamed text, then a one-line verdict under it.

    The closing "therefore the answer is X." sentence is highlighted; a decline, a stop, a
    cut-off or an error gets its own verdict style so it reads as what it is.
    """

    def __init__(self, turn: Turn) -> None:
        super().__init__()
        self.turn = turn
        self.border_title = "mini reasoner"

    def compose(self) -> ComposeResult:
        yield Static(classes="text")
        yield Static(classes="verdict")

    def on_mount(self) -> None:
        self.show()

    def show(self) -> None:
        """Redraw from the turn (called for each streamed token and when it ends)."""
        turn = self.turn
        self.set_class(turn.running, "-running")
        self.set_class(turn.declined, "-declined")
        self.query_one(".text", Static).update(_body(turn))
        verdict, kind = _verdict(turn)
        widget = self.query_one(".verdict", Static)
        widget.update(Content(verdict))
        widget.display = bool(verdict)
        widget.set_classes(f"verdict -{kind}")


def _body(turn: Turn) -> Content:
    if turn.state == "waiting":
        return Content.from_markup("[dim]thinking…[/]")
    if turn.running:
        return Content(turn.text + CURSOR)
    at = turn.text.rfind(FINAL) if turn.answer is not None else -1
    if at < 0:
        return Content(turn.text)
    return Content.from_markup(
        "$reasoning[b $text-success]$final[/]", reasoning=turn.text[:at], final=turn.text[at:]
    )


def _verdict(turn: Turn) -> tuple[str, str]:
    """The line under the text and its kind (a CSS class)."""
    if turn.running:
        return "", "none"
    if turn.state == "stopped":
        return "stopped", "stopped"
    if turn.state == "failed":
        return turn.error, "failed"
    if turn.answer is not None:
        return f"answer: {turn.answer}", "answer"
    if turn.declined:
        return "out of scope — try a small number question (F1 lists them)", "declined"
    if turn.truncated:
        return f"cut off at {turn.options.max_tokens} tokens (raise max tokens in settings)", "cut"
    return "no final answer", "cut"
