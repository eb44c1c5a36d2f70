"""The Textual application: one chat screen over an Engine handed in by the caller.

The app never trains before it opens: it starts the engine (a no-op if the caller already
did) and the chat screen shows the training progress until the model is ready.
"""

from __future__ import annotations

from pathlib import Path

from textual.app import App
from textual.screen import Screen

from engine.service import Engine
from tui.screens.chat import ChatScreen


class MiniReasonerApp(App[None]):
    """Mini Reasoner in the terminal."""

    TITLE = "Mini Reasoner"
    CSS_PATH = Path(__file__).with_name("app.tcss")  # absolute: subclasses live elsewhere

    def __init__(self, engine: Engine, *, serving: str = "") -> None:
        """``serving`` names the other front-ends this process runs (shown with their traffic)."""
        super().__init__()
        self.engine = engine
        self.serving = serving

    def get_default_screen(self) -> Screen:
        return ChatScreen(self.engine, self.serving)

    def on_mount(self) -> None:
        self.engine.start()
