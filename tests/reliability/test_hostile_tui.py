"""Hostile input at the terminal app: typed and pasted into the prompt box, then sent.

One app runs for all examples of a test (as a user's session would), over the real small
model. Each example must end in a notice that explains the refusal (the text stays in the
box) or in a finished turn: an answer or a decline. The app never crashes, and no control
character from a prompt reaches the screen (an escape sequence in a prompt must not drive
the terminal).
"""

from __future__ import annotations

import contextlib
import string
import unicodedata
from collections.abc import AsyncIterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from textual import events

from engine.errors import InvalidRequest
from engine.service import Engine
from tests.reliability.hostile import check_completion, typed_text
from tests.tui.conftest import Session, running
from tui.safe_text import safe_text
from tui.widgets.activity import ActivityLog
from tui.widgets.prompt_input import PromptInput

TUI_SETTINGS = settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
typeable = st.text(string.ascii_letters + string.digits + string.punctuation + " éß", max_size=40)


@pytest.fixture
async def session(engine: Engine) -> AsyncIterator[Session]:
    async with running(engine, size=(100, 30)) as session:
        yield session


@pytest.fixture
async def served(engine: Engine) -> AsyncIterator[Session]:
    """The app as ``tui --serve`` runs it: the traffic panel shows the other front-ends."""
    async with running(engine, size=(130, 30), serving="web API on :8000") as session:
        yield session


async def submit(s: Session, line: str) -> None:
    """Press Enter on what the prompt box holds, wait until the app settles, then check it."""
    box = s.app.screen.query_one(PromptInput)
    turns, notices = len(s.chat.conversation.turns), len(s.notices)
    await s.pilot.press("enter")
    await s.settled()
    assert s.app.is_running
    if len(s.chat.conversation.turns) == turns:  # refused: explained, and nothing lost
        assert len(s.notices) == notices + 1
        assert s.notices[-1].title == "not sent", s.notices[-1]
        assert box.value == line
    else:
        turn = s.chat.conversation.turns[-1]
        assert turn.prompt == line
        assert turn.state == "done", (turn.state, turn.error)
        assert turn.completion is not None
        check_completion(turn.completion, turn.options.max_tokens)
        assert box.value == ""
    assert_no_control_codes_on_screen(s)
    await s.pilot.press("ctrl+l")  # a fresh conversation for the next example


def assert_no_control_codes_on_screen(s: Session) -> None:
    screen = s.app.export_screenshot()  # every character the terminal would be sent
    assert not [c for c in screen if unicodedata.category(c) == "Cc" and c != "\n"]


@given(text=typed_text)
@TUI_SETTINGS
async def test_pasted_text_is_sent_or_explained(session: Session, text: str) -> None:
    box = session.app.screen.query_one(PromptInput)
    box.value = ""
    box.focus()
    box.post_message(events.Paste(text))
    await session.pilot.pause()
    first_line = text.splitlines()[0] if text.splitlines() else ""
    # the box takes the first line, as a terminal pastes it, control codes turned to spaces
    assert box.value == safe_text(first_line)
    await submit(session, box.value)


@given(text=typeable)
@TUI_SETTINGS
async def test_typed_text_is_sent_or_explained(session: Session, text: str) -> None:
    session.app.screen.query_one(PromptInput).value = ""
    await session.pilot.press(*text)
    assert session.app.screen.query_one(PromptInput).value == text
    await submit(session, text)


ESCAPES = [
    "\x1b]52;c;cm0gLXJmIH4=\x1b\\",  # OSC 52: write the clipboard, ended by ST
    "\x1b]0;pwned\x07",  # rename the window
    "\x1b[2J\x1b[H",  # clear the screen
    "\x9b31m",  # an 8-bit CSI
]


@given(prompt=st.one_of(typed_text, st.sampled_from(ESCAPES)))
@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
async def test_prompts_from_other_front_ends_never_drive_the_terminal(
    engine: Engine, served: Session, prompt: str
) -> None:
    """With --serve, anyone who reaches the web API writes into the traffic panel."""
    with contextlib.suppress(InvalidRequest):
        await engine.complete(prompt + " what is 3 plus 4?", source="api")
    await served.until(lambda: served.app.screen.query_one(ActivityLog).line_count > 0)
    assert_no_control_codes_on_screen(served)
