"""The first-start panel: why the chat is not ready yet and how far training has got."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import ProgressBar, Static

from engine.service import Status

EXPLANATION = (
    "The model is being prepared. On the very first start it is trained from scratch on "
    "synthetic questions (the line below says how long that should take) and cached, so "
    "later starts load it in well under a second. The chat opens as soon as it is ready."
)


def describe_progress(status: Status) -> str:
    """Step, loss, held-out accuracy and time left, as far as they are known."""
    if status.state != "training":
        return status.message
    parts = [f"step {status.step:,} of {status.max_steps:,}"]
    if status.loss is not None:
        parts.append(f"loss {status.loss:.3f}")
    if status.accuracy is not None:
        parts.append(f"held-out accuracy {status.accuracy:.0%}")
    if status.eta_seconds is not None and status.step:
        minutes, seconds = divmod(round(status.eta_seconds), 60)
        parts.append(f"about {minutes}:{seconds:02d} left")
    return " · ".join(parts)


class TrainingPanel(Vertical):
    """Shown instead of the conversation until the engine is ready (or failed)."""

    BORDER_TITLE = "preparing the model"

    def compose(self) -> ComposeResult:
        yield Static(EXPLANATION, classes="explanation")
        yield ProgressBar(total=1.0, show_eta=False)
        yield Static(classes="details")

    def show(self, status: Status) -> None:
        self.set_class(status.state == "failed", "-failed")
        self.query_one(ProgressBar).update(progress=status.progress)
        self.query_one(".details", Static).update(Content(describe_progress(status)))
