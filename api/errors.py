"""Every failure becomes one clear JSON reply, never a stack trace.

Two shapes, chosen by path: the seed contract's ``{"detail": "..."}`` everywhere, and
OpenAI's ``{"error": {"message", "type", "param", "code"}}`` under ``/v1/`` (where invalid
requests are 400, as OpenAI's own API answers, instead of 422).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from engine.errors import (
    EngineBusy,
    EngineClosed,
    EngineError,
    EngineNotReady,
    GenerationFailed,
    InvalidRequest,
)

GENERIC_FAILURE = GenerationFailed().args[0]  # "the model failed to generate a completion"
OPENAI_PREFIX = "/v1/"
EXAMPLE_BODY = '{"prompt": "What is 3 plus 4?"}'


class BadParameter(Exception):
    """A request the API cannot serve as asked (e.g. ``n`` > 1): 422, or 400 under /v1/."""

    def __init__(self, message: str, param: str | None = None) -> None:
        super().__init__(message)
        self.param = param


def install(app: FastAPI) -> None:
    """Register the handlers on ``app``."""
    app.add_exception_handler(RequestValidationError, _on_validation)
    app.add_exception_handler(HTTPException, _on_http)
    app.add_exception_handler(BadParameter, _on_bad_parameter)
    app.add_exception_handler(EngineError, _on_engine_error)
    app.add_exception_handler(Exception, _on_unexpected)


def error_response(
    request: Request,
    status: int,
    message: str,
    *,
    param: str | None = None,
    headers: dict[str, str] | None = None,
    extra: dict[str, Any] | None = None,
) -> JSONResponse:
    """The reply for one failure, in the shape the route's clients expect."""
    if request.url.path.startswith(OPENAI_PREFIX):
        if status == 422:
            status = 400
        body: dict[str, Any] = {
            "error": {
                "message": message,
                "type": _openai_type(status),
                "param": param,
                "code": _openai_code(status),
            }
        }
    else:
        body = {"detail": message, **(extra or {})}
    return JSONResponse(body, status_code=status, headers=headers)


def engine_error_response(request: Request, exc: EngineError) -> JSONResponse:
    """Map an engine error; also used by streams that fail before their first event."""
    if isinstance(exc, InvalidRequest):
        return error_response(request, 422, str(exc), param=_param_of(str(exc)))
    if isinstance(exc, EngineBusy):
        return error_response(request, 503, str(exc), headers={"Retry-After": str(exc.retry_after)})
    if isinstance(exc, EngineNotReady):
        return error_response(
            request,
            503,
            str(exc),
            headers={"Retry-After": str(exc.retry_after)},
            extra={"progress": exc.progress},
        )
    if isinstance(exc, EngineClosed):
        return error_response(request, 503, str(exc), headers={"Retry-After": "5"})
    return error_response(request, 500, GENERIC_FAILURE)


def validation_message(errors: Sequence[Any]) -> tuple[str, str | None]:
    """A one-line message (and the first field at fault) from pydantic's error list."""
    parts, first = [], None
    for error in errors:
        loc = [str(p) for p in error.get("loc", ()) if p != "body"]
        kind = error.get("type", "")
        if kind == "json_invalid":
            reason = error.get("ctx", {}).get("error", "it could not be parsed")
            return f"the request body is not valid JSON: {reason}", None
        field = ".".join(loc)
        first = first or (loc[0] if loc else None)
        if not loc and kind == "missing":
            parts.append(f"the request body is missing: send JSON, e.g. {EXAMPLE_BODY}")
        elif not loc:
            parts.append(f"the request body must be a JSON object, e.g. {EXAMPLE_BODY}")
        elif kind == "missing":
            parts.append(f"{field} is required")
        else:
            reason = str(error.get("msg", "is not valid")).removeprefix("Value error, ")
            parts.append(f"{field}: {_lower_first(reason)}")
    return "; ".join(parts) or "the request is not valid", first


async def _on_validation(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    message, param = validation_message(exc.errors())
    return error_response(request, 422, message, param=param)


async def _on_http(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    if exc.status_code == 400 and isinstance(exc.__cause__, ValueError):
        # FastAPI's "error parsing the body", e.g. bytes that are not UTF-8: malformed JSON
        return error_response(request, 422, f"the request body is not valid JSON: {exc.__cause__}")
    headers = dict(exc.headers) if exc.headers else None
    return error_response(request, exc.status_code, str(exc.detail), headers=headers)


async def _on_bad_parameter(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, BadParameter)
    return error_response(request, 422, str(exc), param=exc.param)


async def _on_engine_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, EngineError)
    return engine_error_response(request, exc)


async def _on_unexpected(request: Request, exc: Exception) -> JSONResponse:
    """A bug: the server logs the traceback (Starlette re-raises it); the client learns nothing."""
    return error_response(request, 500, GENERIC_FAILURE)


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _param_of(message: str) -> str | None:
    """The option an engine message is about ("max_tokens must be ..."), else the prompt."""
    word = message.split(" ", 1)[0]
    return word if word in ("max_tokens", "temperature", "top_k", "seed") else "prompt"


def _openai_type(status: int) -> str:
    if status >= 500:
        return "server_error"
    return "invalid_request_error"


def _openai_code(status: int) -> str | None:
    return {
        404: "not_found",
        405: "method_not_allowed",
        413: "request_too_large",
        503: "service_unavailable",
    }.get(status)
