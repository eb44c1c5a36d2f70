"""Errors the engine raises to adapters; each maps to one clear user-facing reply."""

from __future__ import annotations


class EngineError(Exception):
    """Base class: the message is safe to show a user (no internals)."""


class InvalidRequest(EngineError, ValueError):
    """The prompt or an option is not acceptable (HTTP 422)."""


class EngineBusy(EngineError):
    """Too many requests are waiting; try again after ``retry_after`` seconds (HTTP 503)."""

    def __init__(self, message: str = "the model is busy, try again shortly", retry_after: int = 1):
        super().__init__(message)
        self.retry_after = retry_after


class EngineNotReady(EngineError):
    """The model is still loading or training (HTTP 503 with progress), or failed to start."""

    def __init__(self, message: str, progress: float = 0.0, retry_after: int = 5):
        super().__init__(message)
        self.progress = progress
        self.retry_after = retry_after


class GenerationFailed(EngineError):
    """Generation broke for this request only; the engine keeps serving (HTTP 500)."""

    def __init__(self, message: str = "the model failed to generate a completion"):
        super().__init__(message)


class EngineClosed(EngineError):
    """The engine is shutting down and takes no more work."""

    def __init__(self, message: str = "the engine is shutting down"):
        super().__init__(message)
