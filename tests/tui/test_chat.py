"""The chat screen against the real small model: ask, stream, stop, history, regenerate, copy."""

from __future__ import annotations

import itertools

import pytest

from engine.service import Engine
from tests.faults import GatedModel
from tests.tui.conftest import running
from tui.widgets.message import AnswerMessage, PromptMessage
from tui.widgets.prompt_input import PromptInput


def verdict(view: AnswerMessage) -> str:
    return str(view.query_one(".verdict").render())


def shown_text(view: AnswerMessage) -> str:
    return str(view.query_one(".text").render())


async def test_a_typed_question_streams_its_answer(engine: Engine, monkeypatch):
    seen: list[str] = []
    original = AnswerMessage.show

    def spy(self: AnswerMessage) -> None:
        original(self)
        seen.append(shown_text(self))

    monkeypatch.setattr(AnswerMessage, "show", spy)
    async with running(engine) as s:
        await s.ask("what is 3 plus 4?")
        turn = s.chat.conversation.last
        assert turn is not None and turn.state == "done"
        assert turn.answer == "7"
        assert turn.text.endswith("therefore the answer is 7.")
        [prompt] = s.app.screen.query(PromptMessage)
        assert str(prompt.render()) == "what is 3 plus 4?"
        [view] = s.app.screen.query(AnswerMessage)
        assert shown_text(view) == turn.text
        assert verdict(view) == "answer: 7"
        assert s.app.screen.query_one(PromptInput).value == ""
    # the text grew token by token before the final render
    partial = [text for text in seen if text.endswith("▌")]
    assert len(partial) >= 2
    assert all(b.startswith(a.rstrip("▌")) for a, b in itertools.pairwise(partial))


async def test_out_of_scope_questions_get_a_polite_decline(engine: Engine):
    async with running(engine) as s:
        await s.ask("what is the capital of france?")
        turn = s.chat.conversation.last
        assert turn is not None and turn.declined and turn.answer is None
        view = s.app.screen.query_one(AnswerMessage)
        assert view.has_class("-declined")
        assert verdict(view).startswith("out of scope")
        assert "the answer is" not in shown_text(view)


async def test_escape_stops_the_answer_and_frees_its_slot(gated: GatedModel):
    engine: Engine = gated.engine  # type: ignore[attr-defined]
    async with running(engine) as s:
        await s.ask("what is 3 plus 4?", wait=False)
        gated.allow(3)  # three tokens, then the answer waits mid-stream
        await s.until(lambda: s.chat.conversation.last.text != "")
        await s.pilot.press("escape")
        await s.settled()
        turn = s.chat.conversation.last
        assert turn.state == "stopped"
        assert turn.text and "therefore" not in turn.text
        assert verdict(s.app.screen.query_one(AnswerMessage)) == "stopped"
        gated.open()
        await s.until(lambda: engine.load == 0)
        assert engine.traffic.by_source["tui"] == 1
        # the app goes on: the next question is answered
        await s.ask("what is 3 plus 4?")
        assert s.chat.conversation.last.answer == "7"


async def test_up_and_down_recall_earlier_prompts(engine: Engine):
    async with running(engine) as s:
        await s.ask("what is 3 plus 4?")
        await s.ask("is 7 even or odd?")
        prompt = s.app.screen.query_one(PromptInput)
        await s.pilot.press(*"draft")
        await s.pilot.press("up")
        assert prompt.value == "is 7 even or odd?"
        await s.pilot.press("up")
        assert prompt.value == "what is 3 plus 4?"
        await s.pilot.press("up")
        assert prompt.value == "what is 3 plus 4?"
        await s.pilot.press("down", "down")
        assert prompt.value == "draft"
        await s.pilot.press("up", "enter")
        await s.settled()
        assert s.chat.conversation.last.answer == "odd"


async def test_regenerate_copy_and_clear(engine: Engine):
    async with running(engine) as s:
        await s.ask("what is 3 plus 4?")
        await s.pilot.press("ctrl+r")
        await s.settled()
        assert len(s.chat.conversation.turns) == 1
        assert s.chat.conversation.last.answer == "7"
        assert s.noticed("greedy decoding gives the same answer")
        await s.pilot.press("ctrl+y")
        assert s.app.clipboard == s.chat.conversation.last.text
        assert s.noticed("copied")
        await s.pilot.press("ctrl+l")
        await s.pilot.pause()
        assert s.chat.conversation.turns == []
        assert not s.app.screen.query(AnswerMessage)
        assert s.app.screen.query_one("#welcome").display


@pytest.mark.parametrize(
    ("prompt", "notice"),
    [("   ", "prompt must not be empty"), ("what is 3 plus 4? " * 40, "prompt is too long")],
)
async def test_bad_input_is_explained_and_kept(engine: Engine, prompt: str, notice: str):
    async with running(engine) as s:
        await s.ask(prompt)
        assert s.noticed(notice)
        assert s.chat.conversation.turns == []
        assert s.app.screen.query_one(PromptInput).value == prompt
