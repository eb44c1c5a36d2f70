"""First start: the app opens at once and shows training progress until the model is ready."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from textual.widgets import ProgressBar

from engine.recipe import TINY
from engine.service import Engine
from engine.settings import Settings
from tests.tui.conftest import running
from tui.widgets.prompt_input import PromptInput
from tui.widgets.training import TrainingPanel


async def test_training_progress_is_shown_until_the_model_is_ready(tmp_path: Path):
    engine = Engine(Settings(cache_dir=tmp_path, _env_file=None), recipe=TINY)
    try:
        async with running(engine) as s:
            panel = s.app.screen.query_one(TrainingPanel)
            prompt = s.app.screen.query_one(PromptInput)
            assert panel.display and prompt.disabled  # open at once, before any training
            assert not s.app.screen.query_one("#conversation").display
            details = panel.query_one(".details")
            await s.until(lambda: str(details.render()).startswith("step "))
            assert f"of {TINY.train.max_steps}" in str(details.render())
            await s.until(lambda: panel.query_one(ProgressBar).progress > 0)
            await s.until(lambda: not panel.display, seconds=300)  # trained, then ready
            assert engine.status.ready and not prompt.disabled
            assert s.app.screen.query_one("#conversation").display
            await s.until(lambda: s.noticed("the model is ready"))
    finally:
        await engine.close()


async def test_a_failed_start_is_explained_and_the_app_stays_up(tmp_path: Path):
    broken = replace(TINY, train=replace(TINY.train, families=("no_such_family",)))
    engine = Engine(Settings(cache_dir=tmp_path, _env_file=None), recipe=broken)
    try:
        async with running(engine) as s:
            panel = s.app.screen.query_one(TrainingPanel)
            await s.until(lambda: panel.has_class("-failed"))
            assert panel.display and panel.has_class("-failed")
            assert "the model failed to start" in str(panel.query_one(".details").render())
            # the notice is a message of its own: it may arrive a moment after the panel
            await s.until(lambda: s.noticed("the model failed to start"))
            assert s.app.screen.query_one(PromptInput).disabled
            await s.pilot.press("f1")  # still usable: help opens
            assert type(s.app.screen).__name__ == "HelpScreen"
    finally:
        await engine.close()
