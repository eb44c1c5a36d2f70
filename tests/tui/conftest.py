"""Helpers for driving the terminal app with Textual's pilot over a real engine."""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

import pytest
from textual.message import Message
from textual.notifications import Notification, Notify
from textual.pilot import Pilot

from engine.checkpoint import Checkpoint
from engine.service import Engine
from engine.settings import Settings
from tui import MiniReasonerApp
from tui.screens.chat import ChatScreen


class GatedModel:
    """The real model, except that each decoding step waits until the test allows it.

    It changes no output, only when steps happen: a test can hold an answer mid-stream (to
    press Escape) or keep a request in flight (to fill the queue) without racing the model.
    """

    def __init__(self, model: object) -> None:
        self.model = model
        self._steps = threading.Semaphore(0)

    def encode(self, src, lengths):  # type: ignore[no-untyped-def]
        return self.model.encode(src, lengths)  # type: ignore[attr-defined]

    def decode(self, tgt_in, memory, state):  # type: ignore[no-untyped-def]
        if not self._steps.acquire(timeout=60):
            raise RuntimeError("the test never let this decoding step run")
        return self.model.decode(tgt_in, memory, state)  # type: ignore[attr-defined]

    def allow(self, steps: int = 1) -> None:
        self._steps.release(steps)

    def open(self) -> None:
        self.allow(100_000)


@pytest.fixture
async def gated(small_checkpoint: Checkpoint, settings: Settings) -> AsyncIterator[GatedModel]:
    """A GatedModel inside a ready engine (``gated.engine``)."""
    engine = Engine.from_checkpoint(small_checkpoint, settings)
    gate = GatedModel(engine._decoder.model)  # type: ignore[union-attr]
    engine._decoder.model = gate  # type: ignore[union-attr,assignment]
    gate.engine = engine  # type: ignore[attr-defined]
    yield gate
    gate.open()
    await engine.close()


@dataclass
class Session:
    """A running app, its pilot, and every notification it showed."""

    app: MiniReasonerApp
    pilot: Pilot[None]
    notices: list[Notification] = field(default_factory=list)

    @property
    def chat(self) -> ChatScreen:
        screen = self.app.screen_stack[0]
        assert isinstance(screen, ChatScreen)
        return screen

    def noticed(self, text: str) -> bool:
        return any(text in n.message for n in self.notices)

    async def until(self, condition: Callable[[], bool], seconds: float = 60) -> None:
        """Let the app run until ``condition`` holds (fails after ``seconds``)."""
        for _ in range(int(seconds / 0.02)):
            if condition():
                return
            await self.pilot.pause(0.02)
        raise AssertionError(f"gave up waiting after {seconds} s")

    async def ask(self, prompt: str, *, wait: bool = True) -> None:
        """Type ``prompt``, press Enter, and (by default) wait until the answer is finished."""
        await self.pilot.press(*prompt, "enter")
        if wait:
            await self.settled()

    async def settled(self) -> None:
        await self.app.workers.wait_for_complete()
        await self.pilot.pause()


@asynccontextmanager
async def running(
    engine: Engine, size: tuple[int, int] = (80, 24), serving: str = ""
) -> AsyncIterator[Session]:
    notices: list[Notification] = []

    def hook(message: Message) -> None:
        if isinstance(message, Notify):
            notices.append(message.notification)

    app = MiniReasonerApp(engine, serving=serving)
    async with app.run_test(size=size, message_hook=hook) as pilot:
        yield Session(app, pilot, notices)
