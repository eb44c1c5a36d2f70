"""Busy and broken engines: the user gets a notice, the app keeps running."""

from __future__ import annotations

import asyncio
from pathlib import Path

from engine.checkpoint import Checkpoint
from engine.service import Engine
from engine.settings import Settings
from tests.faults import BrokenModel, GatedModel, wrapped
from tests.tui.conftest import running
from tui.widgets.message import AnswerMessage


async def test_a_full_queue_gets_a_busy_notice(small_checkpoint: Checkpoint, tmp_path: Path):
    settings = Settings(cache_dir=tmp_path, max_queue=1, _env_file=None)
    engine = Engine.from_checkpoint(small_checkpoint, settings)
    try:
        with wrapped(engine, GatedModel(engine._decoder.model)) as gate:
            async with running(engine) as s:
                other = asyncio.create_task(engine.complete("what is 1 plus 1?", source="api"))
                await s.until(lambda: engine.load == 1)  # another front-end holds the only slot
                await s.ask("what is 3 plus 4?")
                turn = s.chat.conversation.last
                assert turn.state == "failed" and "busy" in turn.error
                assert s.noticed("the model is busy")
                verdict = s.app.screen.query_one(AnswerMessage).query_one(".verdict")
                assert verdict.has_class("-failed")
                gate.open()
                assert (await other).answer == "2"
                await s.pilot.press("ctrl+r")  # try again once it is free
                await s.settled()
                assert s.chat.conversation.last.answer == "7"
    finally:
        await engine.close()


async def test_a_generation_failure_is_a_notice_not_a_crash(engine: Engine):
    async with running(engine) as s:
        with wrapped(engine, BrokenModel(engine._decoder.model)):
            await s.ask("what is 3 plus 4?")
        turn = s.chat.conversation.last
        assert turn.state == "failed"
        assert turn.error == "the model failed to generate a completion"
        assert s.noticed("the model failed to generate a completion")
        await s.ask("what is 3 plus 4?")
        assert s.chat.conversation.last.answer == "7"
        assert s.app.is_running
