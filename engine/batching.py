"""Continuous batching: a decoder thread decodes every active request together.

Requests join the running batch at the next decoding step and leave it as soon as they finish
or are cancelled, as serving engines for large models do. Each step is one batched
``Seq2Seq.decode`` call whatever the mix of requests. Newcomers are encoded on a second thread,
all those waiting in one encoder run, while the batch goes on decoding: under load, encoding
would otherwise cost the decoder about a fifth of its time. Results travel back to the asyncio
loop that submitted them, once per step and loop (not once per token). A failure while
encoding or decoding is narrowed down to the request(s) that cause it; the threads never die.
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
from engine.tokenizer import BOS_ID, EOS_ID, Vocab

log = logging.getLogger(__name__)

# When newcomers join a busy batch: see joining_now.
JOIN_GROUP_FRACTION = 8
MAX_JOIN_WAIT = 0.005  # seconds
# Finished rows stay in the batch tensors (decoded, ignored) until they are a quarter of it:
# dropping rows copies the whole batch, so it is done for many at once.
DEAD_ROW_FRACTION = 4

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
    done: bool = False  # finished, failed or cancelled: waits in the tensors to be dropped


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
        self._closing = False
        self._stop = False
        self._rows: list[_Row] = []  # one per row of the batch tensors, done or not
        self._memory: Memory | None = None  # the running batch, one row per _Row
        self._state: DecoderState | None = None
        self._prev = torch.empty(0, 1, dtype=torch.long)  # last token of each row
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

    def _run(self) -> None:
        init_torch_thread()
        while True:
            with self._cv:
                self._decoding = self._live()
                while not self._encoded and not self._rows and not self._stop:
                    self._cv.wait()
                if self._stop:
                    break
                joining, self._encoded = self._encoded, []
            try:
                self._drop_cancelled()
                if joining:
                    self._append(joining)
                if self._rows:
                    self._step()
            except Exception:  # a bug, not a bad request: fail the batch, keep serving
                log.exception("decoder step failed; failing the running batch")
                for row in self._rows:
                    if not row.done:
                        self._finish_error(row.request, GenerationFailed())
                        row.done = True
                self._drop_done(always=True)
            self._flush()
        self._encoder.join()  # it stops at once or after its current group
        for row in self._rows:
            if not row.done:
                self._finish_error(row.request, EngineClosed())
        for request in [*self._pending, *(r for e in self._encoded for r in e.requests)]:
            self._finish_error(request, EngineClosed())
        self._rows, self._pending, self._encoded = [], deque(), []
        self._flush()

    def _live(self) -> int:
        return sum(not row.done for row in self._rows)

    def _append(self, groups: list[_Encoded]) -> None:
        """Append encoded newcomers to the running batch (copied once, however many groups)."""
        self._drop_done(always=True)  # the batch is copied anyway
        now = time.perf_counter()
        memory, state = groups[0].encoded
        for group in groups[1:]:
            memory, state = memory.concat(group.encoded[0]), state.concat(group.encoded[1])
        requests = [r for group in groups for r in group.requests]
        for request in requests:
            options = request.options
            sampling = Sampling(options.temperature, options.top_k, options.seed)
            self._rows.append(_Row(request, sampling, make_generator(sampling), now))
        prev = torch.full((len(requests), 1), BOS_ID, dtype=torch.long)
        if self._memory is None or self._state is None:
            self._memory, self._state, self._prev = memory, state, prev
            return
        self._memory = self._memory.concat(memory)
        self._state = self._state.concat(state)
        self._prev = torch.cat([self._prev, prev])

    def _drop_done(self, always: bool = False) -> None:
        """Drop finished rows from the batch tensors (lazily, see DEAD_ROW_FRACTION)."""
        keep = [i for i, row in enumerate(self._rows) if not row.done]
        dead = len(self._rows) - len(keep)
        if not dead or (not always and keep and dead * DEAD_ROW_FRACTION < len(self._rows)):
            return
        self._rows = [self._rows[i] for i in keep]
        if not keep or self._memory is None or self._state is None:
            self._memory, self._state = None, None
            self._prev = torch.empty(0, 1, dtype=torch.long)
            return
        index = torch.tensor(keep)
        self._memory = self._memory.select(index)
        self._state = self._state.select(index).compact()
        self._prev = self._prev.index_select(0, index)

    def _drop_cancelled(self) -> None:
        for row in self._rows:
            if row.request.cancelled and not row.done:
                row.done = True
                self._release()
        self._drop_done()

    def _decode(self, index: Tensor | None) -> tuple[Tensor, Tensor, DecoderState]:
        """One decoding step for the rows at ``index`` (None: every row)."""
        assert self._memory is not None and self._state is not None
        memory, state, prev = self._memory, self._state, self._prev
        if index is not None:
            memory, state, prev = memory.select(index), state.select(index), prev[index]
        logits, weights, state = self.model.decode(prev, memory, state)
        return logits[:, -1], weights[:, -1], state

    def _decode_isolating(self) -> tuple[Tensor, Tensor, DecoderState | None]:
        """Decode the batch; if that fails, decode row by row and fail only rows that break."""
        try:
            return self._decode(None)
        except Exception:
            log.exception("a batched decoding step failed; isolating the failing request")
        outputs = []
        for i, row in enumerate(self._rows):
            if row.done:  # dropped below: no output, so outputs line up with the rows left
                continue
            try:
                outputs.append(self._decode(torch.tensor([i])))
            except Exception:
                log.exception("decoding failed for one request")
                self._finish_error(row.request, GenerationFailed())
                row.done = True
        self._drop_done(always=True)
        if not outputs:
            return torch.empty(0), torch.empty(0), None
        logits, weights, states = zip(*outputs, strict=True)
        state = states[0]
        for other in states[1:]:
            state = state.concat(other)
        return torch.cat(logits), torch.cat(weights), state

    def _step(self) -> None:
        logits, weights, state = self._decode_isolating()
        if not self._rows or state is None:
            return
        self.steps += 1
        rows = self._rows
        tokens, chosen, probs = pick(
            logits, [r.sampling for r in rows], [r.generator for r in rows]
        )
        now = time.perf_counter()
        for i, (row, tok, prob) in enumerate(
            zip(rows, tokens.tolist(), chosen.tolist(), strict=False)
        ):
            if row.done:
                continue
            try:
                row.done = not self._advance(row, tok, prob, probs, weights, i, now)
            except Exception:
                log.exception("finishing a decoding step failed for one request")
                self._finish_error(row.request, GenerationFailed())
                row.done = True
        self._state = state
        self._prev = tokens.unsqueeze(1)
        self._drop_done()

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
        self._release()

    def _finish_error(self, request: Request, error: EngineError) -> None:
        self._send(request, error)
        self._release()

    def _release(self) -> None:
        with self._cv:
            self._load -= 1
            self._cv.notify_all()

    def _send(self, request: Request, event: Event) -> None:
        self._outbox[request.loop].append((request, event))

    def _flush(self) -> None:
        """Hand this step's events to their loops: one wake-up per loop per step."""
        outbox, self._outbox = self._outbox, defaultdict(list)
        for items in outbox.values():
            _hand_over(items)


def joining_now(pending: int, live: int, waited: float, room: int) -> int:
    """How many of ``pending`` requests are encoded now to join a batch of ``live`` rows.

    Each join copies the batch's tensors and each encoder run costs about a millisecond
    however many it encodes, so under load newcomers join in groups: once they number an
    eighth of the running batch (JOIN_GROUP_FRACTION), or the first of them has waited
    MAX_JOIN_WAIT. Into an idle batch a request joins at once, so a lone request never waits.
    """
    grouped = pending * JOIN_GROUP_FRACTION >= live
    if live and not grouped and waited < MAX_JOIN_WAIT:
        return 0
    return max(0, min(pending, room))


def init_torch_thread() -> None:
    """Set up torch for a worker thread: inference only, one intra-op thread.

    One intra-op thread per worker: small steps gain nothing from more, the event loop keeps
    a core, and it avoids an OpenMP pool first used by another thread (which made every op
    about 40 times slower).
    """
    torch.set_grad_enabled(False)
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
