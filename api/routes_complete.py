"""The seed contract: ``POST /api/complete``, its SSE stream, and ``POST /api/inspect``."""

from __future__ import annotations

import logging
from collections.abc import AsyncGenerator, AsyncIterator

from fastapi import APIRouter
from fastapi.responses import StreamingResponse

from api import sse
from api.deps import EngineDep
from api.errors import GENERIC_FAILURE
from api.schemas import (
    CompleteRequest,
    CompleteResponse,
    ErrorBody,
    InspectResponse,
    NotReadyBody,
    TokenBody,
)
from engine.errors import EngineError, GenerationFailed
from engine.results import Completion, TokenEvent

log = logging.getLogger(__name__)
SOURCE = "api"

ERRORS = {
    413: {"model": ErrorBody, "description": "request body over the size limit"},
    422: {"model": ErrorBody, "description": "invalid prompt, option or JSON"},
    500: {"model": ErrorBody, "description": "the model failed (generic message)"},
    503: {"model": NotReadyBody, "description": "busy, or still training (Retry-After)"},
}
router = APIRouter(prefix="/api", responses=ERRORS)


@router.post("/complete", summary="Answer a prompt")
async def complete(body: CompleteRequest, engine: EngineDep) -> CompleteResponse:
    """The whole completion at once, with the final answer read from its last sentence."""
    completion = await engine.complete(body.prompt, body.options(), source=SOURCE)
    return CompleteResponse.of(completion)


@router.post(
    "/complete/stream",
    summary="Answer a prompt, token by token (Server-Sent Events)",
    response_class=StreamingResponse,
    responses={200: {"content": {"text/event-stream": {}}, "description": "the event stream"}},
)
async def complete_stream(body: CompleteRequest, engine: EngineDep) -> StreamingResponse:
    """``event: token`` per token, then ``event: done`` with the /api/complete body.

    Errors found before the first token (bad prompt, busy, not ready) are plain JSON errors;
    a failure later is an ``event: error``. A client that disconnects cancels the generation.
    """
    events = engine.stream(body.prompt, body.options(), source=SOURCE)
    first = await anext(events)  # raises here for anything wrong with the request
    return sse.response(_frames(first, events))  # type: ignore[arg-type]  # a generator


async def _frames(
    first: TokenEvent | Completion, events: AsyncGenerator[TokenEvent | Completion]
) -> AsyncIterator[str]:
    try:
        yield _frame(first)
        async for event in events:
            yield _frame(event)
    except Exception as exc:
        if not isinstance(exc, EngineError):
            log.exception("a completion stream failed")
        known = isinstance(exc, EngineError) and not isinstance(exc, GenerationFailed)
        detail = str(exc) if known else GENERIC_FAILURE
        yield sse.event(ErrorBody(detail=detail).model_dump(), "error")
    finally:
        await events.aclose()  # frees the request's slot if the client left


def _frame(event: TokenEvent | Completion) -> str:
    if isinstance(event, Completion):
        return sse.event(CompleteResponse.of(event).model_dump(), "done")
    body = TokenBody(index=event.index, token=event.token, text=event.text, prob=event.prob)
    return sse.event(body.model_dump(), "token")


@router.post("/inspect", summary="Answer a prompt and show attention and confidences")
async def inspect(body: CompleteRequest, engine: EngineDep) -> InspectResponse:
    """Tokens in and out, the attention matrix (rows: output tokens) and token probabilities."""
    inspection = await engine.inspect(body.prompt, body.options(), source=SOURCE)
    return InspectResponse.of(inspection)
