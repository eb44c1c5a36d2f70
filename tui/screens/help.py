"""What the model can answer, with examples to try, and the keys."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from engine.service import Info

# (family as the engine names it, label, what the welcome line calls it, an example to try)
FAMILIES = (
    ("addition", "addition", "sums", "What is 3 plus 4?"),
    ("subtraction", "subtraction", "differences", "What is 3 minus 7?"),
    ("parity", "even or odd", "even or odd", "Is 7 even or odd?"),
    ("ordering", "larger / smaller", "which is larger", "Which number is larger, 3 or 8?"),
    ("sorting", "sorting", "sorting lists", "Sort 12, 7, 300"),
    ("successor", "counting up / down", "what comes next", "What comes after 4?"),
    ("multiplication", "multiplication", "times tables", "What is 6 times 7?"),
    ("multistep", "two steps", "two-step sums", "What is 3 plus 4 minus 2?"),
    ("out_of_scope", "anything else", "", "What is the capital of France?"),
)
INTRO = (
    "A tiny network, trained from scratch, writes every answer itself: a short chain of "
    'thought ending in "therefore the answer is X.", or a polite decline for anything else. '
    "Numbers go up to 999 (one digit for multiplication and two steps). Accuracy is measured "
    'on phrasings the model never saw ("-": this model was not trained on it). '
    "Press Enter on a row to try its example."
)


def skills(info: Info) -> str:
    """What the loaded model can do, in a few words: "sums, differences, even or odd"."""
    return ", ".join(skill for family, _, skill, _ in FAMILIES if skill and family in info.accuracy)


def accuracy_cell(info: Info | None, family: str) -> str:
    if info is None or family not in info.accuracy:
        return "-"
    return f"{info.accuracy[family]:.0%}"


class HelpScreen(Screen[str | None]):
    """Dismisses with the chosen example prompt, or None."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,f1,q", "close", "Back to the chat")]

    def __init__(self, info: Info | None, keys: list[tuple[str, str]]) -> None:
        super().__init__()
        self.info = info
        self.keys = keys

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help") as page:
            page.border_title = "what mini reasoner can answer"
            yield Static(INTRO, classes="intro")
            yield DataTable(cursor_type="row", zebra_stripes=True, id="families")
            lines = [
                Content.assemble((f"{key:>10}  ", "bold"), description)
                for key, description in self.keys
            ]
            yield Static(Content("\n").join(lines), classes="keys")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("question", "try", "accuracy")
        for family, label, _, example in FAMILIES:
            table.add_row(label, example, accuracy_cell(self.info, family), key=example)
        table.focus(scroll_visible=False)

    @on(DataTable.RowSelected)
    def try_example(self, event: DataTable.RowSelected) -> None:
        self.dismiss(event.row_key.value)

    def action_close(self) -> None:
        self.dismiss(None)
