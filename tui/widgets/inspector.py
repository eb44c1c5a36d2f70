"""The inspector: where the model looked (attention heat map) and how sure it was per token."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.color import Color
from textual.containers import ScrollableContainer
from textual.content import Content
from textual.widgets import Static

from engine.results import Inspection

SHADES = " ░▒▓█"  # readable without colour (NO_COLOR), coloured on top when allowed
COOL, HOT = Color.parse("#2b5797"), Color.parse("#ff8c00")
LABEL_WIDTH = 10
BAR_WIDTH = 8
MAX_COLUMN = 6  # a prompt word's column: wide enough to read, narrow enough for long prompts


def fit(token: str, width: int) -> str:
    """``token`` in ``width`` cells, cut short with an ellipsis so a cut word reads as one."""
    return token if len(token) <= width else token[: width - 1] + "…"


def shade(weight: float) -> str:
    """A block character for an attention weight in 0..1 (blank below 2%)."""
    if weight < 0.02:
        return SHADES[0]
    return SHADES[min(4, 1 + int(weight * 4))]


def confidence_style(prob: float) -> str:
    if prob >= 0.9:
        return "$text-success"
    return "$text-warning" if prob >= 0.6 else "$text-error"


def heat_map(inspection: Inspection) -> Content:
    """Rows: answer tokens; columns: prompt tokens; cell shade and colour: attention weight."""
    widths = [min(max(len(token), 2), MAX_COLUMN) for token in inspection.input_tokens]
    header: list[str | tuple[str, str]] = [" " * LABEL_WIDTH]
    for token, width, known in zip(
        inspection.input_tokens, widths, inspection.input_known, strict=True
    ):
        header.append((f"{fit(token, width):<{width}} ", "bold" if known else "italic dim"))
    header.append(("sure", "bold"))
    lines = [Content.assemble(*header)]
    for token, row, prob in zip(
        inspection.output_tokens, inspection.attention, inspection.probs, strict=True
    ):
        parts: list[str | tuple[str, str]] = [(f"{fit(token, LABEL_WIDTH - 1):<{LABEL_WIDTH}}", "")]
        for weight, width in zip(row, widths, strict=True):
            colour = COOL.blend(HOT, min(1.0, weight)).hex
            parts.append((shade(weight) * width, colour))
            parts.append(" ")
        filled = round(prob * BAR_WIDTH)
        bar = "█" * filled + "·" * (BAR_WIDTH - filled)
        parts.append((f"{bar} {prob:4.0%}", confidence_style(prob)))
        lines.append(Content.assemble(*parts))
    return Content("\n").join(lines)


def summary(inspection: Inspection) -> Content:
    """One line: the least sure token and the mean confidence."""
    if not inspection.probs:
        return Content("the model produced no tokens")
    low = min(range(len(inspection.probs)), key=inspection.probs.__getitem__)
    mean = sum(inspection.probs) / len(inspection.probs)
    unknown = [
        t for t, k in zip(inspection.input_tokens, inspection.input_known, strict=True) if not k
    ]
    text = (
        f"mean confidence {mean:.0%}; least sure of {inspection.output_tokens[low]!r} "
        f"({inspection.probs[low]:.0%})"
    )
    if unknown:
        text += f"; unknown words (in italics): {', '.join(unknown)}"
    return Content(text)


class Inspector(ScrollableContainer):
    """The panel; the chat screen toggles it and hands it the last answer's inspection."""

    BORDER_TITLE = "inspector"

    def compose(self) -> ComposeResult:
        yield Static(classes="summary")
        yield Static(classes="map")

    def on_mount(self) -> None:
        self.clear()

    def clear(self) -> None:
        self.show_message("no answer to inspect yet: ask something first")

    def show_message(self, message: str) -> None:
        self.query_one(".summary", Static).update(Content(message))
        self.query_one(".map", Static).update("")
        self.border_subtitle = ""

    def show_inspection(self, inspection: Inspection) -> None:
        self.query_one(".summary", Static).update(summary(inspection))
        self.query_one(".map", Static).update(heat_map(inspection))
        self.border_subtitle = "attention: darker = more · sure: token probability"
