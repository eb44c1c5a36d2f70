"""Ask where to save the conversation as Markdown; stay open (text kept) if saving fails."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static


class ExportScreen(ModalScreen[Path | None]):
    """Dismisses with the absolute path written, or None if cancelled."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, default: Path, save: Callable[[Path], Path]) -> None:
        super().__init__()
        self.default = default
        self.save = save

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog") as dialog:
            dialog.border_title = "export to Markdown"
            yield Label("File (relative to the current folder, or a full path):")
            yield Input(str(self.default), id="path")
            yield Static(classes="error")
            with Horizontal(classes="buttons"):
                yield Button("Save", variant="primary", id="save")
                yield Button("Cancel", id="cancel")

    @on(Input.Submitted)
    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        text = self.query_one("#path", Input).value.strip()
        if not text:
            self._error("type a file name")
            return
        try:
            self.dismiss(self.save(Path(text)))
        except OSError as exc:
            self._error(f"could not save: {exc.strerror or exc}")

    def _error(self, message: str) -> None:
        self.query_one(".error", Static).update(Content(message))

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
