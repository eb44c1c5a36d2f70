"""The Engine: the one object every front-end talks to.

It owns the model. Start-up (load the cache or train) runs in a background thread and is
visible through :attr:`Engine.status`; generation runs in the decoder thread of
:class:`~engine.batching.BatchDecoder`, so the event loop never waits on torch. Adapters use
``complete``, ``stream`` and ``inspect``, and read ``status`` and ``info`` whenever they like.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Literal

from engine import tokenizer
from engine.batching import BatchDecoder, Event, Request
from engine.cache import Loaded, load_or_train
from engine.checkpoint import Checkpoint
from engine.errors import EngineClosed, EngineError, EngineNotReady, InvalidRequest
from engine.recipe import DEFAULT, Recipe
from engine.results import Completion, Inspection, Options, TokenEvent
from engine.settings import Settings
from engine.traffic import RequestRecord, Traffic
from engine.train import Progress

log = logging.getLogger(__name__)

State = Literal["loading", "training", "ready", "failed", "closed"]
MAX_PROMPT_TOKENS = 256


class _StartupCancelled(Exception):
    """Raised from the training progress callback to stop training when the engine closes."""


@dataclass(frozen=True)
class Status:
    """Where the engine is in its life; cheap to read from any thread."""

    state: State
    message: str
    progress: float = 0.0  # fraction of training done, while training
    step: int = 0
    max_steps: int = 0
    loss: float | None = None
    accuracy: float | None = None  # last held-out accuracy measured while training
    eta_seconds: float | None = None

    @property
    def ready(self) -> bool:
        return self.state == "ready"


@dataclass(frozen=True)
class Info:
    """What the front-ends show about the model."""

    parameters: int
    model: dict[str, int]
    checkpoint: str
    accuracy: dict[str, float]  # held-out accuracy per task family (and "seed")
    training_seconds: float
    training_steps: int
    from_cache: bool
    load_seconds: float
    started_at: float = field(default_factory=time.time)

    @property
    def uptime_seconds(self) -> float:
        return time.time() - self.started_at


class Engine:
    """Mini Reasoner's model service for every adapter in the process."""

    def __init__(self, settings: Settings | None = None, recipe: Recipe | None = None) -> None:
        self.settings = settings or Settings()
        self.recipe = recipe or DEFAULT.with_seed(self.settings.seed)
        self._status = Status("loading", "starting")
        self._info: Info | None = None
        self._checkpoint: Checkpoint | None = None
        self._decoder: BatchDecoder | None = None
        self._ready = threading.Event()
        self._closing = threading.Event()
        self._startup: threading.Thread | None = None
        self.traffic = Traffic()  # every request from every front-end, as it finishes

    # --- life cycle -------------------------------------------------------------------------

    @classmethod
    def from_checkpoint(cls, ckpt: Checkpoint, settings: Settings | None = None) -> Engine:
        """An engine that is ready at once, serving an already loaded model."""
        engine = cls(settings)
        engine._become_ready(Loaded(ckpt, True, 0.0, None))
        return engine

    def start(self, *, force_train: bool = False) -> None:
        """Load or train in the background; returns at once. Watch :attr:`status`."""
        if self._startup is not None or self._ready.is_set():
            return
        self._startup = threading.Thread(
            target=self._load, args=(force_train,), name="mini-reasoner-startup", daemon=True
        )
        self._startup.start()

    async def wait_ready(self, timeout: float | None = None) -> None:
        """Wait until the model serves; raise EngineNotReady if start-up failed or timed out."""
        await asyncio.to_thread(self._ready.wait, timeout)
        if not self._status.ready:
            raise EngineNotReady(self._status.message, self._status.progress)

    async def close(self, timeout: float = 10.0) -> None:
        """Stop a start-up still training, finish in-flight requests (up to ``timeout`` s),
        then stop the decoder thread."""
        self._closing.set()
        startup = self._startup
        if startup is not None and startup.is_alive():
            await asyncio.to_thread(startup.join, timeout)
        decoder, self._decoder = self._decoder, None
        self._status = Status("closed", "shut down")
        self._ready.set()
        if decoder is not None:
            await asyncio.to_thread(decoder.close, timeout)

    def _load(self, force_train: bool) -> None:
        try:
            self._status = Status("loading", "loading the model")
            loaded = load_or_train(
                self.settings.cache_dir,
                self.recipe,
                force=force_train,
                on_progress=self._on_progress,
            )
            if not self._closing.is_set():
                self._become_ready(loaded)
        except _StartupCancelled:
            log.info("start-up stopped: the engine is shutting down")
        except Exception as exc:
            log.exception("the model failed to start")
            self._status = Status("failed", f"the model failed to start: {exc}")
            self._ready.set()

    def _on_progress(self, p: Progress) -> None:
        if self._closing.is_set():
            raise _StartupCancelled()
        accuracy = p.report.overall if p.report else (self._status.accuracy)
        self._status = Status(
            "training",
            f"training the model: step {p.step} of {p.max_steps}",
            progress=p.fraction,
            step=p.step,
            max_steps=p.max_steps,
            loss=p.loss,
            accuracy=accuracy,
            eta_seconds=p.eta_seconds,
        )

    def _become_ready(self, loaded: Loaded) -> None:
        ckpt = loaded.checkpoint
        stats = ckpt.stats
        self._checkpoint = ckpt
        self._info = Info(
            parameters=ckpt.model.num_parameters(),
            model=ckpt.model.cfg.to_dict(),
            checkpoint=ckpt.key,
            accuracy={k: float(v) for k, v in dict(stats.get("accuracy", {})).items()},
            training_seconds=float(stats.get("seconds", 0.0)),
            training_steps=int(stats.get("steps", 0)),
            from_cache=loaded.from_cache,
            load_seconds=loaded.seconds if loaded.from_cache else 0.0,
        )
        self._decoder = BatchDecoder(
            ckpt.model, ckpt.tgt_vocab, self.settings.max_batch, self.settings.max_queue
        )
        self._status = Status("ready", "ready", progress=1.0)
        self._ready.set()

    # --- what adapters read -----------------------------------------------------------------

    @property
    def status(self) -> Status:
        return self._status

    @property
    def info(self) -> Info | None:
        """Model facts once ready, else None."""
        return self._info

    @property
    def load(self) -> int:
        """Requests waiting or decoding right now."""
        return self._decoder.load if self._decoder else 0

    # --- generation -------------------------------------------------------------------------

    async def complete(
        self, prompt: str, options: Options | None = None, *, source: str = ""
    ) -> Completion:
        """Generate the whole completion for ``prompt``.

        ``source`` names the front-end asking ("api", "discord", "tui"), for :attr:`traffic`.
        """
        return await self._final(prompt, options, source, attention=False)

    async def stream(
        self,
        prompt: str,
        options: Options | None = None,
        *,
        source: str = "",
        attention: bool = False,
    ) -> AsyncIterator[TokenEvent | Completion]:
        """Yield a TokenEvent per generated token, then the Completion.

        ``attention=True`` keeps the attention rows on the Completion (for an inspector).
        Leaving the loop early (or cancelling the task) frees the request's batch slot.
        """
        events = self._run(prompt, options or Options(), source, stream=True, attention=attention)
        async with contextlib.aclosing(events):
            async for event in events:
                yield event

    async def inspect(
        self, prompt: str, options: Options | None = None, *, source: str = ""
    ) -> Inspection:
        """Complete ``prompt`` and return what the model attended to and how sure it was."""
        completion = await self._final(prompt, options, source, attention=True)
        known = self._require_checkpoint().src_vocab
        return Inspection(
            input_tokens=completion.input_tokens,
            input_known=[t in known for t in completion.input_tokens],
            output_tokens=completion.tokens,
            attention=completion.attention,
            probs=completion.probs,
            completion=completion,
        )

    async def _final(
        self, prompt: str, options: Options | None, source: str, attention: bool
    ) -> Completion:
        events = self._run(prompt, options or Options(), source, stream=False, attention=attention)
        async with contextlib.aclosing(events):
            async for event in events:
                if isinstance(event, Completion):
                    return event
        raise EngineClosed()

    def tokenize(self, prompt: str) -> list[str]:
        """Check ``prompt`` and split it as the model reads it (raises InvalidRequest)."""
        if not isinstance(prompt, str):
            raise InvalidRequest("prompt must be a string")
        if not prompt.strip():
            raise InvalidRequest("prompt must not be empty")
        try:
            prompt.encode("utf-8")
        except UnicodeEncodeError:
            raise InvalidRequest(
                "prompt is not valid text (it holds an unpaired surrogate)"
            ) from None
        limit = self.settings.max_prompt_chars
        if len(prompt) > limit:
            raise InvalidRequest(
                f"prompt is too long: {len(prompt)} characters, the limit is {limit}"
            )
        tokens = tokenizer.split(prompt)
        if not tokens:
            raise InvalidRequest(
                "prompt must contain something besides spaces and control characters"
            )
        if len(tokens) > MAX_PROMPT_TOKENS:
            raise InvalidRequest(
                f"prompt is too long: {len(tokens)} words and symbols, "
                f"the limit is {MAX_PROMPT_TOKENS}"
            )
        return tokens

    def _require_checkpoint(self) -> Checkpoint:
        if self._checkpoint is None:
            raise EngineNotReady(self._status.message, self._status.progress)
        return self._checkpoint

    async def _run(
        self, prompt: str, options: Options, source: str, *, stream: bool, attention: bool
    ) -> AsyncIterator[Event]:
        tokens = self.tokenize(prompt)
        decoder = self._decoder
        if decoder is None or not self._status.ready:
            if self._status.state == "closed":
                raise EngineClosed()
            raise EngineNotReady(self._status.message, self._status.progress)
        ckpt = self._require_checkpoint()
        queue: asyncio.Queue[Event] = asyncio.Queue()
        request = Request(
            src_ids=ckpt.src_vocab.encode(tokens),
            input_tokens=tokens,
            options=options,
            loop=asyncio.get_running_loop(),
            deliver=queue.put_nowait,
            stream=stream,
            attention=attention,
        )
        decoder.submit(request)
        completion: Completion | None = None
        outcome = "cancelled"
        try:
            while True:
                event = await queue.get()
                if isinstance(event, EngineError):
                    outcome = str(event)
                    raise event
                if isinstance(event, Completion):
                    completion, outcome = event, "ok"
                yield event
                if completion is not None:
                    return
        finally:
            request.cancel()  # no-op once finished; frees the slot if the client left early
            self.traffic.record(RequestRecord(source, prompt, completion, outcome, time.time()))
