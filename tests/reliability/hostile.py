"""Hostile input for every front door, and what counts as an acceptable reply to it.

The strategies mix what real users and attackers send: emoji (with skin tones and joiners),
right-to-left scripts and direction overrides, NUL and other control characters, combining
marks, half surrogate pairs, 10,000-character strings, 50-digit, negative and decimal
numbers, and mixed scripts, alone or spliced into questions the model does know.

An acceptable reply is a clear refusal (the engine's ``InvalidRequest``), a polite decline
(a completion that starts with "sorry"), or an answer (``therefore the answer is X.``).
"""

from __future__ import annotations

from hypothesis import strategies as st

from engine.answer import final_answer, is_decline
from engine.results import Completion
from engine.tokenizer import detokenize

EMOJI = ["😀", "👍🏽", "👨‍👩‍👧‍👦", "🇫🇷", "❤️‍🔥", "🧮", "🔟", "️"]
RTL = ["مرحبا", "שלום", "٣ + ٤", "\u202e7 ppa\u202c", "\u200f", "\u061c"]
CONTROLS = ["\x00", "\x01", "\x07", "\x08", "\x1b[2J", "\x1b]52;c;aGk=\x07", "\x7f", "\r\n", "\t"]
INVISIBLE = ["\u200b", "\u200d", "\ufeff", "\u2028", "\u2029", "\u00a0", "\u3000"]
COMBINING = ["e\u0301", "\u0301\u0301\u0301", "Z\u0335\u0353\u0317\u0300", "\u20dd"]
SCRIPTS = ["что", "什么", "ｗｈａｔ", "𝟑", "ǅ", "ß", "ﬁ", "İ", "ⅻ", "①", "½", "∞", "ℌ"]
SEED_QUESTIONS = [
    "what is {a} plus {b}?",
    "what is {a} minus {b}?",
    "is {a} even or odd?",
    "which number is larger, {a} or {b}?",
    "what comes after {a}?",
]

big_numbers = st.integers(min_value=-(10**50), max_value=10**50).map(str)
decimals = st.builds(
    lambda whole, frac, sign: f"{sign}{whole}.{frac}",
    st.integers(0, 10**6),
    st.integers(0, 10**6),
    st.sampled_from(["", "-", "+"]),
)
numbers = st.one_of(st.integers(0, 9).map(str), big_numbers, decimals)

fragments = st.one_of(
    st.sampled_from(EMOJI + RTL + CONTROLS + INVISIBLE + COMBINING + SCRIPTS),
    numbers,
    st.text(max_size=12),  # any code point but surrogates, controls included
    st.text(st.characters(categories=["Cc", "Cf", "Mn", "Me", "Zs", "Zl", "Zp"]), max_size=6),
)

spliced_question = st.builds(
    lambda template, a, b, noise: template.format(a=a, b=b) + noise,
    st.sampled_from(SEED_QUESTIONS),
    numbers,
    numbers,
    st.lists(st.sampled_from(EMOJI + CONTROLS + INVISIBLE + COMBINING), max_size=3).map("".join),
)

long_text = st.builds(
    lambda piece, size: (piece * (size // len(piece) + 1))[:size],
    st.sampled_from(["3 plus 4 ", "😀", "\x00", "x", "مرحبا ", "9"]),
    st.sampled_from([501, 2_000, 10_000]),
)

lone_surrogate = st.builds(
    lambda before, surrogate: before + surrogate,
    st.sampled_from(["", "what is 3 plus 4?", "😀"]),
    st.characters(categories=["Cs"]),
)

# Anything a user can type or paste, surrogates aside (a terminal or Discord never sends one).
typed_text = st.one_of(
    st.lists(fragments, max_size=8).map("".join),
    spliced_question,
    long_text,
    st.text(),
)

# What a program can put in a JSON string: typed text, plus half surrogate pairs.
prompts = st.one_of(typed_text, lone_surrogate)


def check_completion(completion: Completion, max_tokens: int) -> None:
    """The completion keeps the answer contract, whatever the prompt was."""
    assert len(completion.tokens) <= max_tokens
    assert completion.text == detokenize(completion.tokens)
    if completion.finish_reason == "length":
        return  # cut off by the caller's own limit
    assert completion.finish_reason == "stop"
    assert completion.answer == final_answer(completion.text)
    assert completion.answer is not None or is_decline(completion.text), completion.text


def check_refusal(message: str) -> None:
    """A refusal is one short, plain sentence: no trace, no internals, no echo of the input."""
    assert message and len(message) < 200, message
    assert "Traceback" not in message and "Error" not in message, message
