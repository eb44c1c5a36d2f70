"""Generation settings for the next answers: temperature, top-k and max tokens."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid, Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from engine.errors import InvalidRequest
from engine.results import MAX_TEMPERATURE, MAX_TOKENS_LIMIT, MAX_TOP_K, Options

HELP = (
    "Temperature 0 is greedy decoding: the model's single best answer, every time. "
    "Above 0 it samples, more randomly the higher it goes; top-k then keeps only the k most "
    "likely tokens (0 = all)."
)


class SettingsScreen(ModalScreen[Options | None]):
    """Dismisses with the new Options, or None if cancelled; bad values are explained inline."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, options: Options) -> None:
        super().__init__()
        self.options = options

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog") as dialog:
            dialog.border_title = "generation settings"
            yield Static(HELP, classes="help")
            with Grid(classes="fields"):
                yield Label(f"temperature (0-{MAX_TEMPERATURE:g})")
                yield Input(f"{self.options.temperature:g}", type="number", id="temperature")
                yield Label(f"top-k (0-{MAX_TOP_K})")
                yield Input(str(self.options.top_k), type="integer", id="top_k")
                yield Label(f"max tokens (1-{MAX_TOKENS_LIMIT})")
                yield Input(str(self.options.max_tokens), type="integer", id="max_tokens")
            yield Static(classes="error")
            with Horizontal(classes="buttons"):
                yield Button("Save", variant="primary", id="save")
                yield Button("Cancel", id="cancel")

    def _read(self) -> Options:
        def value(field: str) -> str:
            return self.query_one(f"#{field}", Input).value.strip()

        try:
            temperature = float(value("temperature"))
            top_k, max_tokens = int(value("top_k")), int(value("max_tokens"))
        except ValueError:
            raise InvalidRequest("every field needs a number") from None
        return Options(max_tokens=max_tokens, temperature=temperature, top_k=top_k)

    @on(Input.Submitted)
    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        try:
            self.dismiss(self._read())
        except InvalidRequest as exc:
            self.query_one(".error", Static).update(Content(str(exc)))

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
