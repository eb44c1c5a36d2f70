"""The Engine service: batching, streaming, cancellation, backpressure, faults, status."""

import asyncio
import contextlib
import threading
from pathlib import Path

import pytest

from engine import batching, slots
from engine.errors import (
    EngineBusy,
    EngineClosed,
    EngineNotReady,
    GenerationFailed,
    InvalidRequest,
)
from engine.model import Memory
from engine.recipe import TINY
from engine.results import Completion, Options, TokenEvent
from engine.service import Engine
from engine.settings import Settings
from engine.traffic import RequestRecord
from tests.faults import GatedModel, ModelWrapper, wrapped

PROMPTS = [
    "what is 3 plus 4?",
    "What is 9 minus 2?",
    "is 7 even or odd?",
    "which number is larger, 3 or 8?",
    "what comes after 4?",
    "what is the capital of france?",
    "6 + 1 = ?",
    "what comes before 5?",
]


class PoisonedModel(ModelWrapper):
    """Fails every decoding step that includes a prompt of a chosen length: a fault injected
    to prove one bad request cannot take others down."""

    def __init__(self, model, poison_len: int) -> None:
        super().__init__(model)
        self.poison_len = poison_len

    def decode(self, tgt_in, memory: Memory, state):
        if bool((memory.mask.sum(dim=1) == self.poison_len).any()):
            raise RuntimeError("injected fault")
        return self.model.decode(tgt_in, memory, state)


async def test_answers_the_seed_example(engine: Engine):
    completion = await engine.complete("What is 3 plus 4?")
    assert completion.text == "first, compute 3 + 4 = 7. therefore the answer is 7."
    assert completion.answer == "7"
    assert completion.finish_reason == "stop"
    assert completion.prompt_tokens == 6


async def test_concurrent_completions_equal_sequential_ones(engine: Engine):
    prompts = [PROMPTS[i % len(PROMPTS)].replace("3", str(i % 10)) for i in range(100)]
    sequential = [(await engine.complete(p)).text for p in prompts]
    steps_before = engine._decoder.steps
    concurrent = await asyncio.gather(*(engine.complete(p) for p in prompts))
    assert [c.text for c in concurrent] == sequential
    batched_steps = engine._decoder.steps - steps_before
    assert batched_steps < sum(len(c.tokens) + 1 for c in concurrent) / 10, "decoded together"


async def test_stream_text_equals_complete_text(engine: Engine):
    for prompt in PROMPTS:
        events = [e async for e in engine.stream(prompt)]
        *tokens, final = events
        assert all(isinstance(e, TokenEvent) for e in tokens)
        assert isinstance(final, Completion)
        assert "".join(e.text for e in tokens) == final.text
        assert final.text == (await engine.complete(prompt)).text
        assert [e.index for e in tokens] == list(range(len(tokens)))


async def idle(engine: Engine) -> None:
    """Wait until no request is in flight (a deadline for failures, not a timed assertion)."""
    for _ in range(500):
        if engine.load == 0:
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"{engine.load} requests still in flight")


async def test_leaving_a_stream_early_frees_its_slot(engine: Engine):
    with wrapped(engine, GatedModel(engine._decoder.model, free_steps=1)) as gate:
        stream = engine.stream("what is 3 plus 4?")
        assert isinstance(await anext(stream), TokenEvent)
        await stream.aclose()  # while the next step waits at the gate
        steps = engine._decoder.steps
        gate.open()
        await idle(engine)
    assert engine._decoder.steps <= steps + 1, "the step under way, then the slot was freed"
    assert engine.traffic.by_source[""] == 1


async def test_cancelling_the_task_frees_its_slot(engine: Engine):
    first = asyncio.Event()

    async def consume() -> None:
        async for _ in engine.stream("what is 3 plus 4?"):
            first.set()
            await asyncio.sleep(60)

    records: list[RequestRecord] = []
    engine.traffic.add_listener(records.append)
    with wrapped(engine, GatedModel(engine._decoder.model, free_steps=1)) as gate:
        task = asyncio.create_task(consume())
        await first.wait()
        task.cancel()  # while the next step waits at the gate
        with contextlib.suppress(asyncio.CancelledError):
            await task
        while not records:  # the abandoned stream is closed by the loop soon after
            await asyncio.sleep(0.01)
        assert records[0].outcome == "cancelled"
        steps = engine._decoder.steps
        gate.open()
        await idle(engine)
    assert engine._decoder.steps <= steps + 1, "the step under way, then the slot was freed"


async def test_busy_when_the_queue_is_full(small_checkpoint, tmp_path: Path):
    engine = Engine.from_checkpoint(small_checkpoint, Settings(cache_dir=tmp_path, max_queue=2))
    try:
        with wrapped(engine, GatedModel(engine._decoder.model)) as gate:
            streams = [engine.stream("what is 3 plus 4?") for _ in range(2)]
            firsts = [asyncio.create_task(anext(s)) for s in streams]
            while engine.load < 2:  # both in flight, held at the gate
                await asyncio.sleep(0.01)
            with pytest.raises(EngineBusy) as busy:
                await engine.complete("what is 5 plus 1?")
            assert busy.value.retry_after >= 1
            gate.open()
            assert all(isinstance(f, TokenEvent) for f in await asyncio.gather(*firsts))
            for s in streams:
                await s.aclose()
    finally:
        await engine.close()


async def test_a_generation_failure_fails_only_its_request(engine: Engine):
    poisoned = "what is 1 plus 2 plus 3 plus 4 plus 5 ?"  # a prompt length nobody else has
    poison_len = len(engine.tokenize(poisoned))
    engine._decoder.model = PoisonedModel(engine._decoder.model, poison_len)
    results = await asyncio.gather(
        *(engine.complete(p) for p in PROMPTS[:4]),
        engine.complete(poisoned),
        *(engine.complete(p) for p in PROMPTS[4:]),
        return_exceptions=True,
    )
    failures = [r for r in results if isinstance(r, Exception)]
    assert len(failures) == 1 and isinstance(failures[0], GenerationFailed)
    assert str(failures[0]) == "the model failed to generate a completion"
    assert results[0].answer == "7"
    assert (await engine.complete("what is 3 plus 4?")).answer == "7"  # still serving


async def test_a_failed_step_fails_its_batch_and_the_next_batch_is_right(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
):
    """After a fault outside the model the batch starts afresh (no stale rows decoded)."""
    expected = {p: (await engine.complete(p)).text for p in PROMPTS}
    real_pick = batching.pick
    calls = 0

    def pick_failing_once(*args, **kwargs):  # an injected fault outside the model
        nonlocal calls
        calls += 1
        if calls == 3:
            raise RuntimeError("injected fault")
        return real_pick(*args, **kwargs)

    monkeypatch.setattr(batching, "pick", pick_failing_once)
    first = await asyncio.gather(*(engine.complete(p) for p in PROMPTS), return_exceptions=True)
    assert any(isinstance(r, GenerationFailed) for r in first)
    again = await asyncio.gather(*(engine.complete(p) for p in PROMPTS))
    assert {p: c.text for p, c in zip(PROMPTS, again, strict=True)} == expected
    assert engine.load == 0


async def test_newcomers_that_cannot_be_seated_fail_alone(
    engine: Engine, monkeypatch: pytest.MonkeyPatch
):
    expected = (await engine.complete(PROMPTS[0])).text
    real_take = slots.Slots.take
    calls = 0

    def take_failing_once(self, *args):  # an injected fault while joining the batch
        nonlocal calls
        calls += 1
        if calls == 1:
            raise RuntimeError("injected fault")
        return real_take(self, *args)

    monkeypatch.setattr(slots.Slots, "take", take_failing_once)
    with pytest.raises(GenerationFailed):
        await asyncio.wait_for(engine.complete(PROMPTS[0]), timeout=30)
    assert (await engine.complete(PROMPTS[0])).text == expected
    assert engine.load == 0


async def test_64_clients_sending_one_after_another_get_sequential_answers(engine: Engine):
    prompts = [PROMPTS[i % len(PROMPTS)].replace("3", str(i % 10)) for i in range(200)]
    sequential = [(await engine.complete(p)).text for p in prompts]
    gate = asyncio.Semaphore(64)  # 64 clients, each sending its next prompt when answered

    async def client(prompt: str) -> str:
        async with gate:
            return (await engine.complete(prompt)).text

    assert await asyncio.gather(*(client(p) for p in prompts)) == sequential
    assert engine.load == 0


@pytest.mark.parametrize(
    ("pending", "live", "waited", "room", "joining"),
    [
        (1, 0, 0.0, 256, 1),  # an idle batch: a lone request starts at once
        (1, 4, 0.0, 252, 1),  # a small batch: no reason to wait
        (1, 64, 0.0, 192, 0),  # a busy batch: wait for a group...
        (7, 64, 0.001, 192, 0),
        (8, 64, 0.0, 192, 8),  # ...of an eighth of the batch
        (1, 64, batching.MAX_JOIN_WAIT, 192, 1),  # ...or not longer than MAX_JOIN_WAIT
        (300, 0, 0.0, 256, 256),  # never more than the batch has room for
        (9, 256, 1.0, 0, 0),
    ],
)
def test_newcomers_join_a_busy_batch_in_groups(pending, live, waited, room, joining):
    assert batching.joining_now(pending, live, waited, room) == joining


class ThreadRecordingModel(ModelWrapper):
    """Notes which thread runs each encode (and its batch size) and each decoding step."""

    def __init__(self, model) -> None:
        super().__init__(model)
        self.encodes: list[tuple[str, int]] = []
        self.decode_threads: set[str] = set()

    def encode(self, src, lengths):
        self.encodes.append((threading.current_thread().name, src.size(0)))
        return self.model.encode(src, lengths)

    def decode(self, tgt_in, memory: Memory, state):
        self.decode_threads.add(threading.current_thread().name)
        return self.model.decode(tgt_in, memory, state)


async def test_newcomers_are_encoded_together_beside_the_decoding_batch(engine: Engine):
    recorder = ThreadRecordingModel(engine._decoder.model)
    engine._decoder.model = recorder
    prompts = [PROMPTS[i % len(PROMPTS)] for i in range(100)]
    sequential = [(await engine.complete(p)).text for p in prompts[:8]]
    recorder.encodes.clear()
    results = await asyncio.gather(*(engine.complete(p) for p in prompts))
    assert [r.text for r in results[:8]] == sequential
    assert {name for name, _ in recorder.encodes} == {"mini-reasoner-encoder"}
    assert recorder.decode_threads == {"mini-reasoner-decoder"}
    assert sum(size for _, size in recorder.encodes) == 100
    assert len(recorder.encodes) <= 10, "newcomers that wait together are encoded together"


async def test_a_request_that_fails_to_encode_fails_alone(engine: Engine):
    poisoned = "what is 1 plus 2 plus 3 plus 4 plus 5 ?"
    poison_len = len(engine.tokenize(poisoned))

    class FailingEncoder(ThreadRecordingModel):
        def encode(self, src, lengths):
            if bool((lengths == poison_len).any()):
                raise RuntimeError("injected fault")
            return self.model.encode(src, lengths)

    engine._decoder.model = FailingEncoder(engine._decoder.model)
    results = await asyncio.gather(
        *(engine.complete(p) for p in PROMPTS), engine.complete(poisoned), return_exceptions=True
    )
    assert isinstance(results[-1], GenerationFailed)
    assert results[0].answer == "7"
    assert not any(isinstance(r, Exception) for r in results[:-1])
    assert engine.load == 0


async def test_the_loop_keeps_running_while_a_batch_decodes(engine: Engine):
    ticks_while_busy = 0

    async def heartbeat() -> None:
        nonlocal ticks_while_busy
        while True:
            await asyncio.sleep(0)
            if engine.load:
                ticks_while_busy += 1

    beat = asyncio.create_task(heartbeat())
    options = Options(max_tokens=256, temperature=1.5, seed=1)
    await asyncio.gather(*(engine.complete(p, options) for p in PROMPTS * 8))
    beat.cancel()
    assert ticks_while_busy > 100


async def test_sampling_is_reproducible_with_a_seed(engine: Engine):
    options = Options(temperature=1.0, top_k=5, seed=42)
    a = await engine.complete("what is 3 plus 4?", options)
    b = await engine.complete("what is 3 plus 4?", options)
    assert a.text == b.text


async def test_max_tokens_cuts_the_completion(engine: Engine):
    completion = await engine.complete("what is 3 plus 4?", Options(max_tokens=3))
    assert completion.tokens == ["first", ",", "compute"]
    assert completion.finish_reason == "length" and completion.answer is None


async def test_inspect_returns_attention_over_the_prompt(engine: Engine):
    inspection = await engine.inspect("what is 3 plus zebra 4?")
    assert inspection.input_tokens == ["what", "is", "3", "plus", "zebra", "4", "?"]
    assert inspection.input_known == [True, True, True, True, False, True, True]
    assert len(inspection.attention) == len(inspection.output_tokens) == len(inspection.probs)
    for row in inspection.attention:
        assert len(row) == len(inspection.input_tokens)
        assert sum(row) == pytest.approx(1.0, abs=1e-4)
    assert all(0.0 < p <= 1.0 for p in inspection.probs)


@pytest.mark.parametrize(
    ("prompt", "message"),
    [
        ("", "must not be empty"),
        ("   \n\t ", "must not be empty"),
        ("x" * 501, "too long"),
        ("1 " * 300, "too long"),
        ("\x00\x01", "besides spaces"),
    ],
)
async def test_bad_prompts_get_clear_errors(engine: Engine, prompt: str, message: str):
    with pytest.raises(InvalidRequest, match=message):
        await engine.complete(prompt)


@pytest.mark.parametrize(
    "options",
    [
        {"max_tokens": 0},
        {"max_tokens": 10_000},
        {"temperature": -1},
        {"temperature": float("nan")},
        {"top_k": -1},
        {"seed": -5},
        {"max_tokens": True},
    ],
)
def test_bad_options_get_clear_errors(options):
    with pytest.raises(InvalidRequest):
        Options(**options)


async def test_status_goes_from_training_to_ready(tmp_path: Path):
    engine = Engine(Settings(cache_dir=tmp_path), TINY)
    assert engine.status.state == "loading"
    with pytest.raises(EngineNotReady):
        await engine.complete("what is 3 plus 4?")
    engine.start()
    seen = []
    while not engine.status.ready:
        status = engine.status
        if not seen or seen[-1].state != status.state or seen[-1].step != status.step:
            seen.append(status)
        assert status.state != "failed", status.message
        await asyncio.sleep(0.005)
    training = [s for s in seen if s.state == "training"]
    assert training, "training progress was visible"
    assert [s.progress for s in training] == sorted(s.progress for s in training)
    assert engine.info is not None and not engine.info.from_cache
    assert engine.info.training_steps == TINY.train.max_steps
    await engine.complete("what is 3 plus 4?")  # serves (tiny model, any text)
    await engine.close()

    again = Engine(Settings(cache_dir=tmp_path), TINY)
    again.start()
    await again.wait_ready(timeout=30)
    assert again.info is not None and again.info.from_cache
    await again.close()


async def test_close_finishes_in_flight_work(small_checkpoint, tmp_path: Path):
    engine = Engine.from_checkpoint(small_checkpoint, Settings(cache_dir=tmp_path))
    with wrapped(engine, GatedModel(engine._decoder.model)) as gate:
        pending = [asyncio.create_task(engine.complete(p)) for p in PROMPTS]
        while engine.load < len(PROMPTS):  # all in flight, held at the gate
            await asyncio.sleep(0.01)
        closing = asyncio.create_task(engine.close(timeout=30))
        while engine.status.state != "closed":
            await asyncio.sleep(0.01)
        with pytest.raises(EngineClosed):
            await engine.complete("what is 3 plus 4?")  # no new work once closing
        assert not closing.done() and not any(p.done() for p in pending)
        gate.open()
        await closing
    results = await asyncio.gather(*pending)
    assert results[0].answer == "7"
    assert all(r.finish_reason == "stop" for r in results)


async def test_close_stops_a_start_up_that_is_still_training(tmp_path: Path):
    engine = Engine(Settings(cache_dir=tmp_path), TINY)
    engine.start()
    while engine.status.state != "training":
        await asyncio.sleep(0.005)
    await engine.close(timeout=30)
    assert engine.status.state == "closed"
    assert not engine._startup.is_alive()
    assert engine._decoder is None, "no decoder thread started after close"
    assert not list(tmp_path.glob("*.safetensors")), "training stopped before the end"


async def test_a_stream_can_keep_attention_for_an_inspector(engine: Engine):
    events = [e async for e in engine.stream("what is 3 plus 4?", attention=True)]
    final = events[-1]
    assert isinstance(final, Completion)
    assert len(final.attention) == len(final.tokens)
    assert all(len(row) == len(final.input_tokens) for row in final.attention)
    plain = [e async for e in engine.stream("what is 3 plus 4?")][-1]
    assert plain.attention == []


async def test_tiny_temperatures_sample_like_greedy(engine: Engine):
    greedy = await engine.complete("what is 3 plus 4?")
    icy = await engine.complete("what is 3 plus 4?", Options(temperature=1e-300, seed=3))
    assert icy.text == greedy.text


async def test_half_a_surrogate_pair_is_not_a_prompt(engine: Engine):
    with pytest.raises(InvalidRequest, match="not valid text"):
        await engine.complete("what is 3 plus \ud835?")
