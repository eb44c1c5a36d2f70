"""Faults injected into a real engine's model, shared by the engine and front-end tests.

Each wrapper delegates to the real model and changes one thing a healthy model never does: a
decoding step that raises, or one that waits until the test lets it run. The gate lets a test
hold a request in flight (to fill the queue) or an answer mid-stream (to cancel it) without
racing the model's speed, which differs from machine to machine.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from typing import Any, TypeVar

from engine.service import Engine

FAULT = "injected fault: an internal detail that must not reach a user"


class ModelWrapper:
    """The real model; subclasses change ``decode``."""

    def __init__(self, model: Any) -> None:
        self.model = model

    def __getattr__(self, name: str) -> Any:
        return getattr(self.model, name)

    def encode(self, *args: Any) -> Any:
        return self.model.encode(*args)

    def decode(self, *args: Any) -> Any:
        return self.model.decode(*args)


class BrokenModel(ModelWrapper):
    """Every decoding step after the first ``ok_steps`` raises."""

    def __init__(self, model: Any, ok_steps: int = 0) -> None:
        super().__init__(model)
        self.ok_steps = ok_steps

    def decode(self, *args: Any) -> Any:
        if self.ok_steps <= 0:
            raise RuntimeError(FAULT)
        self.ok_steps -= 1
        return self.model.decode(*args)


class GatedModel(ModelWrapper):
    """Runs ``free_steps`` decoding steps, then each further one only once :meth:`allow`\\ ed."""

    def __init__(self, model: Any, free_steps: int = 0) -> None:
        super().__init__(model)
        self._steps = threading.Semaphore(free_steps)

    def decode(self, *args: Any) -> Any:
        if not self._steps.acquire(timeout=60):
            raise RuntimeError("the test never let this decoding step run")
        return self.model.decode(*args)

    def allow(self, steps: int = 1) -> None:
        self._steps.release(steps)

    def open(self) -> None:
        """Let every further step run."""
        self.allow(1_000_000)


Wrapper = TypeVar("Wrapper", bound=ModelWrapper)


@contextlib.contextmanager
def wrapped(engine: Engine, wrapper: Wrapper) -> Iterator[Wrapper]:
    """Install ``wrapper`` on the engine's decoder for the ``with`` block, then the real
    model again (a gate is opened first, so no step waits on a test that has moved on)."""
    decoder = engine._decoder
    assert decoder is not None
    decoder.model = wrapper
    try:
        yield wrapper
    finally:
        if isinstance(wrapper, GatedModel):
            wrapper.open()
        decoder.model = wrapper.model
