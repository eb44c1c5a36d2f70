"""Helpers for driving the terminal app with Textual's pilot over a real engine."""

from __future__ import annotations

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
from tests.faults import GatedModel, wrapped
from tui import MiniReasonerApp
from tui.screens.chat import ChatScreen


@pytest.fixture
async def gated(small_checkpoint: Checkpoint, settings: Settings) -> AsyncIterator[GatedModel]:
    """A GatedModel inside a ready engine (``gated.engine``)."""
    engine = Engine.from_checkpoint(small_checkpoint, settings)
    with wrapped(engine, GatedModel(engine._decoder.model)) as gate:
        gate.engine = engine  # type: ignore[attr-defined]
        yield gate
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
