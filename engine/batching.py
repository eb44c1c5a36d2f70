"""Continuous batching: a decoder thread decodes every active request together.

Requests join the running batch at the next decoding step and leave it as soon as they finish
or are cancelled, as serving engines for large models do. Each step is one batched
``Seq2Seq.decode`` call whatever the mix of requests, over tensors in which each request
holds a slot (:mod:`engine.slots`), so joining and leaving copy nothing. Newcomers are encoded
on a second thread, all those waiting in one encoder run, while the batch goes on decoding:
under load, encoding would otherwise cost the decoder about a fifth of its time. Results
travel back to the asyncio loop that submitted them, once per step and loop (not once per
token). A failure while encoding or decoding is narrowed down to the request(s) that cause it;
the threads never die.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass, field

import torch
from torch import Tensor

from engine import tokenizer
from engine.answer import final_answer
from engine.decoding import Sampling, make_generator, pad_batch, pick
from engine.errors import EngineBusy, EngineClosed, EngineError, GenerationFailed
from engine.model import DecoderState, Memory, Seq2Seq
from engine.results import Completion, Options, Timings, TokenEvent
from engine.slots import SlotHistory, Slots
from engine.tokenizer import EOS_ID, Vocab

log = logging.getLogger(__name__)

# When newcomers join a busy batch: see joining_now.
JOIN_GROUP_FRACTION = 8
MAX_JOIN_WAIT = 0.005  # seconds
GREEDY = Sampling()  # what free slots are picked with

Event = TokenEvent | Completion | EngineError


@dataclass
class Request:
    """One generation job, created on the event loop and handed to the decoder thread."""

    src_ids: list[int]
    input_tokens: list[str]
    options: Options
    loop: asyncio.AbstractEventLoop
    deliver: Callable[[Event], None]  # runs on ``loop``
    stream: bool = False  # send a TokenEvent per token
    attention: bool = False  # keep attention rows for inspection
    submitted: float = field(default_factory=time.perf_counter)
    cancelled: bool = False  # set by the loop: the client is gone

    def cancel(self) -> None:
        self.cancelled = True


@dataclass
class _Encoded:
    """Newcomers the encoder has run, waiting to join the batch."""

    requests: list[Request]
    encoded: tuple[Memory, DecoderState]


@dataclass
class _Row:
    """A request's place in the running batch."""

    request: Request
    sampling: Sampling
    generator: torch.Generator | None
    joined: float
    tokens: list[str] = field(default_factory=list)
    probs: list[float] = field(default_factory=list)
    attention: list[list[float]] = field(default_factory=list)
    first_token: float | None = None


class BatchDecoder:
    """The decoder thread and its running batch."""

    def __init__(self, model: Seq2Seq, tgt_vocab: Vocab, max_batch: int, max_queue: int) -> None:
        self.model = model
        self.tgt_vocab = tgt_vocab
        self.max_batch = max_batch
        self.max_queue = max_queue
        self._cv = threading.Condition()
        self._pending: deque[Request] = deque()  # submitted, not yet encoded
        self._encoded: list[_Encoded] = []  # encoded, joining at the next step
        self._decoding = 0  # rows of the running batch still decoding, under _cv
        self._load = 0  # every request not yet answered (pending, encoding, decoding), under _cv
        self._answered = 0  # requests the decoder thread answered since its last _flush
        self._closing = False
        self._stop = False
        self._slots = Slots(model.cfg)  # the running batch's tensors
        self._rows: dict[int, _Row] = {}  # the request in each taken slot
        self._outbox: dict[asyncio.AbstractEventLoop, list[tuple[Request, Event]]] = defaultdict(
            list
        )
        self.steps = 0  # decoding steps run, for benchmarks and tests
        self._encoder = threading.Thread(
            target=self._encode_loop, name="mini-reasoner-encoder", daemon=True
        )
        self._thread = threading.Thread(target=self._run, name="mini-reasoner-decoder", daemon=True)
        self._encoder.start()
        self._thread.start()

    # --- called from the event loop ---------------------------------------------------------

    @property
    def load(self) -> int:
        """Requests waiting or decoding."""
        return self._load

    def submit(self, request: Request) -> None:
        with self._cv:
            if self._closing:
                raise EngineClosed()
            if self._load >= self.max_queue:
                raise EngineBusy(
                    f"the model is busy ({self._load} requests in flight), try again shortly"
                )
            self._pending.append(request)
            self._load += 1
            self._cv.notify_all()

    def close(self, timeout: float) -> None:
        """Take no new work, let running work finish for up to ``timeout`` s, then stop."""
        deadline = time.monotonic() + timeout
        with self._cv:
            self._closing = True
            while self._load and time.monotonic() < deadline:
                self._cv.wait(timeout=0.05)
            self._stop = True
            self._cv.notify_all()
        self._thread.join(timeout=5)

    # --- the encoder thread -----------------------------------------------------------------

    @torch.inference_mode()  # see init_torch_thread
    def _encode_loop(self) -> None:
        init_torch_thread()
        while True:
            with self._cv:
                group = self._next_group()
                if group is None:
                    return
            encoded = self._encode_group(group)
            with self._cv:
                self._encoded.extend(encoded)
                self._cv.notify_all()

    def _next_group(self) -> list[Request] | None:
        """Wait for the pending requests to encode next; None once stopped (holding ``_cv``)."""
        while not self._stop:
            seated = self._load - len(self._pending)  # encoding, joining or decoding
            room = self.max_batch - seated
            if self._pending and room > 0:
                waited = time.perf_counter() - self._pending[0].submitted
                count = joining_now(len(self._pending), self._decoding, waited, room)
                if count:
                    return [self._pending.popleft() for _ in range(count)]
                self._cv.wait(timeout=MAX_JOIN_WAIT - waited)
            else:
                self._cv.wait()
        return None

    def _encode_group(self, requests: list[Request]) -> list[_Encoded]:
        """Encode ``requests`` in one run; if that fails, one by one, failing only bad ones."""
        live = []
        for request in requests:
            if request.cancelled:
                self._release()
            else:
                live.append(request)
        if not live:
            return []
        try:
            return [_Encoded(live, self._encode([r.src_ids for r in live]))]
        except Exception:
            log.exception("encoding a batch of %d failed; retrying one by one", len(live))
        encoded = []
        for request in live:
            try:
                encoded.append(_Encoded([request], self._encode([request.src_ids])))
            except Exception:
                log.exception("encoding one request failed")
                _hand_over([(request, GenerationFailed())])
                self._release()
        return encoded

    def _encode(self, sources: list[list[int]]) -> tuple[Memory, DecoderState]:
        src, lengths = pad_batch(sources)
        return self.model.encode(src, lengths)

    # --- the decoder thread -----------------------------------------------------------------

    @torch.inference_mode()  # see init_torch_thread
    def _run(self) -> None:
        init_torch_thread()
        while True:
            with self._cv:
                self._decoding = len(self._rows)
                while not self._encoded and not self._rows and not self._stop:
                    self._cv.wait()
                if self._stop:
                    break
                joining, self._encoded = self._encoded, []
            try:
                self._drop_cancelled()
                for group in joining:
                    self._seat(group)
                if self._rows:
                    self._step()
            except Exception:  # a bug, not a bad request: fail the batch, keep serving
                log.exception("decoder step failed; failing the running batch")
                for slot in list(self._rows):
                    self._leave(slot, GenerationFailed())
            self._flush()
        self._encoder.join()  # it stops at once or after its current group
        for slot in list(self._rows):
            self._leave(slot, EngineClosed())
        for request in [*self._pending, *(r for e in self._encoded for r in e.requests)]:
            self._finish_error(request, EngineClosed())
        self._pending, self._encoded = deque(), []
        self._flush()

    def _seat(self, group: _Encoded) -> None:
        """Give each encoded newcomer a slot in the running batch (or its error: never lost)."""
        try:
            slots = self._slots.take(*group.encoded)
        except Exception:
            log.exception("seating %d newcomers failed", len(group.requests))
            for request in group.requests:
                self._finish_error(request, GenerationFailed())
            return
        now = time.perf_counter()
        for slot, request in zip(slots, group.requests, strict=True):
            options = request.options
            sampling = Sampling(options.temperature, options.top_k, options.seed)
            self._rows[slot] = _Row(request, sampling, make_generator(sampling), now)

    def _leave(self, slot: int, error: EngineError | None = None) -> None:
        """Take the request in ``slot`` out of the batch (answered already, or with ``error``)."""
        row = self._rows.pop(slot)
        self._slots.give_back(slot)
        if error is not None:
            self._finish_error(row.request, error)

    def _drop_cancelled(self) -> None:
        for slot, row in list(self._rows.items()):
            if row.request.cancelled:
                self._leave(slot)
                self._answered += 1

    def _decode(self, rows: slice) -> tuple[Tensor, Tensor]:
        """One decoding step for slots ``rows``: last logits and encoder attention per slot."""
        prev, memory, history = self._slots.inputs(rows)
        logits, weights, history = self.model.decode(prev, memory, history)
        assert isinstance(history, SlotHistory)
        self._slots.advance(history)
        return logits[:, -1], weights[:, -1]

    def _decode_isolating(self, high: int) -> tuple[Tensor, Tensor]:
        """Decode slots [0, high); if that fails, slot by slot, failing only requests that
        break (their rows of the result are left zero)."""
        try:
            return self._decode(slice(0, high))
        except Exception:
            log.exception("a batched decoding step failed; isolating the failing request")
        logits = torch.zeros(high, len(self.tgt_vocab))
        weights = torch.zeros(high, max(len(row.request.src_ids) for row in self._rows.values()))
        for slot in list(self._rows):
            try:
                row_logits, row_weights = self._decode(slice(slot, slot + 1))
            except Exception:
                log.exception("decoding failed for one request")
                self._leave(slot, GenerationFailed())
                continue
            logits[slot] = row_logits[0]
            weights[slot, : row_weights.size(1)] = row_weights[0]
        return logits, weights

    def _step(self) -> None:
        high = self._slots.high
        logits, weights = self._decode_isolating(high)
        if not self._rows:
            return
        self.steps += 1
        samplings: list[Sampling] = [GREEDY] * high  # free slots: decoded, picked, ignored
        generators: list[torch.Generator | None] = [None] * high
        for slot, row in self._rows.items():
            samplings[slot], generators[slot] = row.sampling, row.generator
        tokens, chosen, probs = pick(logits, samplings, generators)
        self._slots.set_next(tokens)
        picked, likelihoods, now = tokens.tolist(), chosen.tolist(), time.perf_counter()
        for slot, row in list(self._rows.items()):
            try:
                going_on = self._advance(
                    row, picked[slot], likelihoods[slot], probs, weights, slot, now
                )
            except Exception:
                log.exception("finishing a decoding step failed for one request")
                self._leave(slot, GenerationFailed())
                continue
            if not going_on:
                self._leave(slot)

    def _advance(
        self, row: _Row, tok: int, prob: float, probs: Tensor, weights: Tensor, i: int, now: float
    ) -> bool:
        """Record one token for ``row`` (row ``i`` of the step's ``probs`` and ``weights``);
        return False once the row is done.

        Only requests that want distributions or attention slice them: slicing every row
        costs about 5% of a step.
        """
        if tok == EOS_ID:
            self._finish(row, "stop", now)
            return False
        row.first_token = row.first_token or now
        row.tokens.append(self.tgt_vocab.tokens[tok])
        row.probs.append(prob)
        request = row.request
        if request.attention:
            row.attention.append(weights[i, : len(request.src_ids)].tolist())
        if request.stream:
            index = len(row.tokens) - 1
            text = tokenizer.piece(row.tokens, index)
            top = self._likeliest(row.tokens, probs[i], request.options.top_logprobs)
            self._send(request, TokenEvent(index, row.tokens[-1], text, prob, top))
        if len(row.tokens) >= request.options.max_tokens:
            self._finish(row, "length", now)
            return False
        return True

    def _likeliest(
        self, written: list[str], probs: Tensor, count: int
    ) -> tuple[tuple[str, float], ...]:
        """The text and probability of the ``count`` likeliest tokens at the last step."""
        if not count:
            return ()
        values, ids = probs.topk(min(count, probs.numel()))
        before = written[:-1]
        return tuple(
            (tokenizer.piece([*before, self.tgt_vocab.tokens[i]], len(before)), p)
            for i, p in zip(ids.tolist(), values.tolist(), strict=True)
        )

    def _finish(self, row: _Row, reason: str, now: float) -> None:
        request = row.request
        text = tokenizer.detokenize(row.tokens)
        first = row.first_token or now
        timings = Timings(
            queued_ms=(row.joined - request.submitted) * 1000,
            first_token_ms=(first - request.submitted) * 1000,
            total_ms=(now - request.submitted) * 1000,
        )
        completion = Completion(
            text=text,
            answer=final_answer(text) if reason == "stop" else None,
            tokens=row.tokens,
            probs=row.probs,
            finish_reason=reason,
            prompt_tokens=len(request.src_ids),
            timings=timings,
            input_tokens=request.input_tokens,
            attention=row.attention,
        )
        self._send(request, completion)
        self._answered += 1

    def _finish_error(self, request: Request, error: EngineError) -> None:
        self._send(request, error)
        self._answered += 1

    def _release(self, count: int = 1) -> None:
        """Count ``count`` requests as answered: room for newcomers, progress for close()."""
        with self._cv:
            self._load -= count
            self._cv.notify_all()

    def _send(self, request: Request, event: Event) -> None:
        self._outbox[request.loop].append((request, event))

    def _flush(self) -> None:
        """Release the requests this step answered, at once (each release wakes the encoder
        thread), then hand the step's events to their loops: one wake-up per loop."""
        if self._answered:
            self._release(self._answered)
            self._answered = 0
        outbox, self._outbox = self._outbox, defaultdict(list)
        for items in outbox.values():
            _hand_over(items)


def joining_now(pending: int, live: int, waited: float, room: int) -> int:
    """How many of ``pending`` requests are encoded now to join a batch of ``live`` rows.

    Each encoder run costs about half a millisecond however many it encodes, so under load
    newcomers are encoded in groups: once they number an eighth of the running batch
    (JOIN_GROUP_FRACTION), or the first of them has waited MAX_JOIN_WAIT. Into an idle batch a
    request joins at once, so a lone request never waits.
    """
    grouped = pending * JOIN_GROUP_FRACTION >= live
    if live and not grouped and waited < MAX_JOIN_WAIT:
        return 0
    return max(0, min(pending, room))


def init_torch_thread() -> None:
    """Set up torch for a worker thread: one intra-op thread.

    One intra-op thread per worker: small steps gain nothing from more, the event loop keeps
    a core, and it avoids an OpenMP pool first used by another thread (which made every op
    about 40 times slower). The worker threads also run under ``torch.inference_mode()``,
    not just without gradients: their tensors then skip version counters and autograd's
    bookkeeping, which made decoding one request at a time about a fifth faster.
    """
    torch.set_num_threads(1)


def _hand_over(items: list[tuple[Request, Event]]) -> None:
    """Deliver events on the loop of their requests (all of one loop)."""
    # a closed loop means nobody is waiting for these any more
    with contextlib.suppress(RuntimeError):
        items[0][0].loop.call_soon_threadsafe(_deliver, items)


def _deliver(items: list[tuple[Request, Event]]) -> None:
    for request, event in items:
        if not request.cancelled:
            request.deliver(event)
