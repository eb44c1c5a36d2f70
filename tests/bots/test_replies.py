"""Reply text: the answer contract shown as written, and Discord's 2,000-character limit."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bots.config import MESSAGE_LIMIT
from bots.replies import (
    CUT_MARKER,
    WRITING_MARKER,
    answer_text,
    error_text,
    paginate,
    quote,
    truncate,
    writing_text,
)
from engine.errors import EngineBusy, EngineNotReady, GenerationFailed, InvalidRequest
from engine.results import Completion, Timings

LONG_DECLINE = "sorry, i can only answer small number questions. " * 120  # about 6,000 chars
LONG_ANSWER = "first, " + "then 1 + 1 = 2. " * 400 + "therefore the answer is 2."


def completion(text: str, answer: str | None, finish_reason: str = "stop") -> Completion:
    """A completion as the engine reports it (for formatting only; commands use the engine)."""
    words = text.split()
    return Completion(text, answer, words, [1.0] * len(words), finish_reason, 5, Timings(0, 0, 0))


def test_answer_shows_question_chain_of_thought_and_answer() -> None:
    text = answer_text(
        "What is 3 plus 4?", completion("first, compute 3 + 4 = 7. therefore the answer is 7.", "7")
    )
    assert text.splitlines() == [
        "> What is 3 plus 4?",
        "first, compute 3 + 4 = 7. therefore the answer is 7.",
        "answer: **7**",
    ]


def test_a_decline_has_no_answer_line() -> None:
    decline = "sorry, i can only answer small number questions. try: what is 3 plus 4?"
    text = answer_text("capital of France?", completion(decline, None))
    assert text.splitlines()[1] == decline
    assert "answer:" not in text


def test_a_completion_cut_at_max_tokens_says_so() -> None:
    text = answer_text("what is 3 plus 4?", completion("first, compute 3 +", None, "length"))
    assert "stopped at the length limit" in text


def test_the_question_is_quoted_on_one_line_escaped_and_shortened() -> None:
    assert quote("what is *3*\n plus 4?") == r"> what is \*3\* plus 4?"
    long = quote("what is 3 plus 4? " * 100)
    assert len(long) < 320 and long.endswith("…")


def test_very_long_answers_and_declines_split_into_messages_within_the_limit() -> None:
    for text, answer in ((LONG_ANSWER, "2"), (LONG_DECLINE, None)):
        reply = answer_text("a question", completion(text, answer))
        pages = paginate(reply, MESSAGE_LIMIT, max_messages=10)
        assert len(pages) > 1
        assert all(len(p) <= MESSAGE_LIMIT for p in pages)
        assert " ".join(pages).split() == reply.split()  # nothing lost, nothing added


def test_beyond_the_last_message_the_cut_is_visible() -> None:
    pages = paginate(LONG_ANSWER, MESSAGE_LIMIT, max_messages=2)
    assert len(pages) == 2
    assert all(len(p) <= MESSAGE_LIMIT for p in pages)
    assert pages[-1].endswith(CUT_MARKER)


def test_truncate_leaves_short_text_alone_and_marks_a_cut() -> None:
    assert truncate("short", 100) == "short"
    cut = truncate("x" * 150, 100)
    assert len(cut) == 100 and cut.endswith(CUT_MARKER)


@given(
    text=st.text(alphabet=st.sampled_from("ab 7.\n"), min_size=1, max_size=5000),
    limit=st.integers(min_value=60, max_value=2000),
    max_messages=st.integers(min_value=1, max_value=5),
)
def test_pages_never_exceed_the_limit_or_the_count(
    text: str, limit: int, max_messages: int
) -> None:
    pages = paginate(text, limit, max_messages)
    assert 1 <= len(pages) <= max_messages
    assert all(len(p) <= limit for p in pages)
    if not pages[-1].endswith(CUT_MARKER):  # then only whitespace at the cuts may be gone
        assert _visible("".join(pages)) == _visible(text)


def _visible(text: str) -> str:
    return "".join(text.split())


@given(partial=st.text(max_size=5000), limit=st.integers(min_value=100, max_value=2000))
def test_the_reply_while_writing_fits_and_shows_the_marker(partial: str, limit: int) -> None:
    text = writing_text("what is 3 plus 4?", partial, limit)
    assert len(text) <= limit
    assert text.endswith(WRITING_MARKER)


def test_errors_read_politely_without_internals() -> None:
    assert error_text(EngineBusy(retry_after=2)) == (
        "The model is busy right now; please try again in 2 s."
    )
    assert "42% done" in error_text(EngineNotReady("training the model: step 5", 0.42))
    failed = EngineNotReady("the model failed to start: /secret/path is broken", 0.0)
    assert "/secret/path" not in error_text(failed)
    assert "prompt must not be empty" in error_text(InvalidRequest("prompt must not be empty"))
    assert "logged" in error_text(GenerationFailed())
