"""Health and facts: ``GET /`` (503 until the model serves) and ``GET /api/info`` (always 200)."""

from __future__ import annotations

import math

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, JSONResponse, Response

from api.deps import EngineDep, SettingsDep
from api.examples import examples_for
from api.schemas import (
    Bounds,
    HealthNotReady,
    HealthOk,
    InfoResponse,
    IntBounds,
    Limits,
    ModelInfo,
    StatusBody,
)
from engine.results import MAX_TEMPERATURE, MAX_TOKENS_LIMIT, MAX_TOP_K, Options
from engine.service import Engine

router = APIRouter()
RETRY_AFTER_SECONDS = 5
_DEFAULTS = Options()


@router.get(
    "/",
    summary="Health check",
    response_model=HealthOk,
    responses={
        503: {"model": HealthNotReady, "description": "loading, training or failed"},
        200: {"content": {"text/html": {}}, "description": "the web UI, for browsers"},
    },
)
async def health(request: Request, engine: EngineDep) -> Response:
    """200 when the model serves; 503 with progress while it loads or trains.

    A browser asking for HTML gets the web UI instead, when it has been built.
    """
    index = request.app.state.index_html
    if index is not None and "text/html" in request.headers.get("accept", ""):
        return FileResponse(index)
    status, info = engine.status, engine.info
    if status.ready and info is not None:
        return JSONResponse(HealthOk(model=ModelInfo.of(info)).model_dump())
    body = HealthNotReady(
        status="loading" if status.state == "ready" else status.state,  # info not set yet
        progress=status.progress,
        detail=status.message,
        eta_seconds=_seconds(status.eta_seconds),
    )
    headers = {"Retry-After": str(_retry_after(engine))}
    return JSONResponse(body.model_dump(), status_code=503, headers=headers)


@router.get("/api/info", summary="Model, limits and example prompts")
async def info(engine: EngineDep, settings: SettingsDep) -> InfoResponse:
    """Always 200: the web UI reads it first and shows training progress from it."""
    info = engine.info
    return InfoResponse(
        status=StatusBody.of(engine.status),
        model=ModelInfo.of(info) if info is not None else None,
        limits=Limits(
            max_prompt_chars=settings.max_prompt_chars,
            max_tokens=IntBounds(min=1, max=MAX_TOKENS_LIMIT, default=_DEFAULTS.max_tokens),
            temperature=Bounds(min=0.0, max=MAX_TEMPERATURE, default=_DEFAULTS.temperature),
            top_k=IntBounds(min=0, max=MAX_TOP_K, default=_DEFAULTS.top_k),
        ),
        examples=examples_for(info),
    )


def _retry_after(engine: Engine) -> int:
    """Ask again soon, or when training should be about done if that is sooner."""
    eta = engine.status.eta_seconds
    if eta is None or not math.isfinite(eta):
        return RETRY_AFTER_SECONDS
    return max(1, min(RETRY_AFTER_SECONDS, math.ceil(eta)))


def _seconds(value: float | None) -> float | None:
    return round(value, 1) if value is not None and math.isfinite(value) else None
