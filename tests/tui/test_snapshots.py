"""Screenshots of the main screens, compared with reviewed SVGs in __snapshots__/.

They show the real small model's answers, so a change to that model (its recipe or data)
changes them: review the new pictures (pytest's report links them), then accept them with
``pytest tests/tui --snapshot-update``. Nothing in them depends on the clock, nor on the float
rounding of the CPU that trained the model, nor on a new data version: the held-out accuracy
that training measured and the checkpoint id are pinned, and the inspector is pictured before
it has an answer to draw (its heat map and confidence are checked by value in test_dialogs.py
instead).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import replace

import pytest
from textual.pilot import Pilot

from engine.checkpoint import Checkpoint
from engine.service import Engine
from engine.settings import Settings
from tui import MiniReasonerApp
from tui.widgets.prompt_input import PromptInput

Steps = Callable[[Pilot[None]], Awaitable[None]]

# Training on another CPU type rounds floats differently and ends a point or two apart.
PINNED_KEY = "0123456789abcdef"
PINNED_ACCURACY = {
    "addition": 0.99,
    "subtraction": 1.0,
    "parity": 1.0,
    "ordering": 1.0,
    "successor": 0.95,
    "out_of_scope": 0.99,
    "seed": 0.99,
}


@pytest.fixture
async def engine(small_checkpoint: Checkpoint, settings: Settings) -> AsyncIterator[Engine]:
    """The real small model, its id and training figures pinned (see the module docstring)."""
    stats = {**small_checkpoint.stats, "accuracy": PINNED_ACCURACY}
    pinned = replace(small_checkpoint, key=PINNED_KEY, stats=stats)
    engine = Engine.from_checkpoint(pinned, settings)
    yield engine
    await engine.close()


async def _steady_prompt_box(pilot: Pilot[None]) -> None:
    await pilot.pause()  # the prompt box has focus from here on
    prompt_box = pilot.app.screen.query_one(PromptInput)
    prompt_box.cursor_blink = False
    assert prompt_box.has_focus


def asking(prompt: str, *keys: str) -> Steps:
    """Ask ``prompt``, wait for the answer (and what follows it), then press ``keys``."""

    async def steps(pilot: Pilot[None]) -> None:
        await _steady_prompt_box(pilot)
        await pilot.press(*prompt, "enter")
        await pilot.app.workers.wait_for_complete()
        await pilot.press(*keys)
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()

    return steps


def pressing(*keys: str) -> Steps:
    async def steps(pilot: Pilot[None]) -> None:
        await _steady_prompt_box(pilot)
        await pilot.press(*keys)
        await pilot.pause()

    return steps


def test_chat_with_an_answer(snap_compare, engine: Engine):
    assert snap_compare(MiniReasonerApp(engine), run_before=asking("what is 3 plus 4?"))


def test_chat_with_a_decline(snap_compare, engine: Engine):
    app = MiniReasonerApp(engine)
    assert snap_compare(app, run_before=asking("what is the capital of france?"))


def test_inspector_beside_the_chat_when_wide(snap_compare, engine: Engine):
    app = MiniReasonerApp(engine)
    assert snap_compare(app, run_before=pressing("f2"), terminal_size=(160, 48))


def test_inspector_under_the_chat_at_80x24(snap_compare, engine: Engine):
    assert snap_compare(MiniReasonerApp(engine), run_before=pressing("f2"))


def test_help(snap_compare, engine: Engine):
    assert snap_compare(MiniReasonerApp(engine), press=["f1"])


def test_settings(snap_compare, engine: Engine):
    assert snap_compare(MiniReasonerApp(engine), press=["f3"])
