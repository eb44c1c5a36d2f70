"""Screenshots of the main screens, compared with reviewed SVGs in __snapshots__/.

They show the real small model's answers, so a change to that model (its recipe or data)
changes them: review the new pictures (pytest's report links them), then accept them with
``pytest tests/tui --snapshot-update``. Nothing in them depends on the clock.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from textual.pilot import Pilot

from engine.service import Engine
from tui import MiniReasonerApp
from tui.widgets.prompt_input import PromptInput

Steps = Callable[[Pilot[None]], Awaitable[None]]


def asking(prompt: str, *keys: str) -> Steps:
    """Ask ``prompt``, wait for the answer (and what follows it), then press ``keys``."""

    async def steps(pilot: Pilot[None]) -> None:
        await pilot.pause()  # the prompt box has focus from here on
        prompt_box = pilot.app.screen.query_one(PromptInput)
        prompt_box.cursor_blink = False
        assert prompt_box.has_focus
        await pilot.press(*prompt, "enter")
        await pilot.app.workers.wait_for_complete()
        await pilot.press(*keys)
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()

    return steps


def test_chat_with_an_answer(snap_compare, engine: Engine):
    assert snap_compare(MiniReasonerApp(engine), run_before=asking("what is 3 plus 4?"))


def test_chat_with_a_decline(snap_compare, engine: Engine):
    app = MiniReasonerApp(engine)
    assert snap_compare(app, run_before=asking("what is the capital of france?"))


def test_inspector_beside_the_chat_when_wide(snap_compare, engine: Engine):
    app = MiniReasonerApp(engine)
    steps = asking("is 7 even or odd?", "f2")
    assert snap_compare(app, run_before=steps, terminal_size=(160, 48))


def test_inspector_under_the_chat_at_80x24(snap_compare, engine: Engine):
    app = MiniReasonerApp(engine)
    assert snap_compare(app, run_before=asking("what is 3 plus 4?", "f2"))


def test_help(snap_compare, engine: Engine):
    assert snap_compare(MiniReasonerApp(engine), press=["f1"])


def test_settings(snap_compare, engine: Engine):
    assert snap_compare(MiniReasonerApp(engine), press=["f3"])
