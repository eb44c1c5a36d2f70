"""Hostile input at the engine: the tokenizer and the real small model, one prompt and many.

Each call runs under a timeout (a hang fails the test, no time is asserted); the engine's
load returning to zero shows that no refused or finished request kept a slot.
"""

from __future__ import annotations

import asyncio
import unicodedata

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine import tokenizer
from engine.errors import InvalidRequest
from engine.results import Completion, Options, TokenEvent
from engine.service import Engine
from tests.reliability.hostile import check_completion, check_refusal, prompts, typed_text

CALL_TIMEOUT = 30.0  # seconds: far beyond any real call, so only a hang reaches it
ENGINE_SETTINGS = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@given(st.one_of(prompts, st.text(st.characters(codec=None), max_size=200)))
@settings(max_examples=500, deadline=None)
def test_the_tokenizer_splits_anything_into_visible_tokens(text: str) -> None:
    tokens = tokenizer.split(text)
    assert all(tokens), "no empty token"
    for token in tokens:
        assert token == tokenizer.SPACE or not any(c.isspace() for c in token), token
        assert not any(unicodedata.category(c) in ("Cc", "Cf") for c in token), token
    assert tokenizer.split(tokenizer.detokenize(tokens)) == tokens


@given(prompt=prompts, max_tokens=st.sampled_from([1, 8, 128, 256]))
@ENGINE_SETTINGS
async def test_complete_refuses_declines_or_answers(
    engine: Engine, prompt: str, max_tokens: int
) -> None:
    try:
        completion = await asyncio.wait_for(
            engine.complete(prompt, Options(max_tokens=max_tokens)), CALL_TIMEOUT
        )
    except InvalidRequest as exc:
        check_refusal(str(exc))
    else:
        check_completion(completion, max_tokens)
    assert engine.load == 0


@given(prompt=typed_text, leave_after=st.sampled_from([None, 0, 1, 5]))
@ENGINE_SETTINGS
async def test_stream_adds_up_to_the_completion_or_leaves_cleanly(
    engine: Engine, prompt: str, leave_after: int | None
) -> None:
    async def consume() -> tuple[list[TokenEvent], Completion | None]:
        tokens: list[TokenEvent] = []
        async for event in engine.stream(prompt):
            if isinstance(event, Completion):
                return tokens, event
            tokens.append(event)
            if leave_after is not None and len(tokens) > leave_after:
                return tokens, None  # the client leaves mid-stream
        raise AssertionError("the stream ended without a completion")

    try:
        tokens, completion = await asyncio.wait_for(consume(), CALL_TIMEOUT)
    except InvalidRequest as exc:
        check_refusal(str(exc))
    else:
        if completion is not None:
            check_completion(completion, Options().max_tokens)
            assert "".join(t.text for t in tokens) == completion.text
    for _ in range(100):  # a client that left frees its slot at the decoder's next step
        if engine.load == 0:
            break
        await asyncio.sleep(0.01)
    assert engine.load == 0


@given(st.lists(prompts, min_size=1, max_size=24))
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
async def test_hostile_neighbours_in_a_batch_never_change_a_good_answer(
    engine: Engine, hostile: list[str]
) -> None:
    """Good and hostile prompts decode in the same batches; each gets its own outcome."""
    good = ["what is 3 plus 4?", "is 7 even or odd?", "what comes after 4?"]
    expected = ["7", "odd", "5"]
    mixed = [*hostile, *good]
    results = await asyncio.wait_for(
        asyncio.gather(*(engine.complete(p) for p in mixed), return_exceptions=True),
        CALL_TIMEOUT,
    )
    for result in results[: len(hostile)]:
        if isinstance(result, InvalidRequest):
            check_refusal(str(result))
        else:
            assert isinstance(result, Completion), result
            check_completion(result, Options().max_tokens)
    answers = [r.answer for r in results[len(hostile) :] if isinstance(r, Completion)]
    assert answers == expected
    assert engine.load == 0
