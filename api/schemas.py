"""The JSON bodies of the seed contract (``/``, ``/api/*``): what clients send and get back.

Request models are strict (``"5"`` is not an integer, ``true`` is not a number) and carry the
engine's bounds, so ``/openapi.json`` documents them. The prompt's length limit is a runtime
setting, checked by the engine (``max_prompt_chars``).
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from engine.results import (
    DEFAULT_MAX_TOKENS,
    MAX_TEMPERATURE,
    MAX_TOKENS_LIMIT,
    MAX_TOP_K,
    Completion,
    Inspection,
    Options,
)
from engine.service import Info, Status

MODEL_NAME = "mini-reasoner"
MAX_JSON_SEED = 2**53 - 1  # larger integers lose precision in JavaScript (and JSON) clients


def _unicode(text: str) -> str:
    """JSON can carry half a surrogate pair ("\\ud835"): not text, and not encodable."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("must be valid Unicode text (it holds an unpaired surrogate)") from None
    return text


Text = Annotated[str, AfterValidator(_unicode)]


class CompleteRequest(BaseModel):
    """One prompt and optional generation options (defaults: greedy, the model's best answer)."""

    model_config = ConfigDict(
        strict=True,
        json_schema_extra={"examples": [{"prompt": "What is 3 plus 4?"}]},
    )

    prompt: Text = Field(description="the question, e.g. 'What is 3 plus 4?'")
    max_tokens: int = Field(DEFAULT_MAX_TOKENS, ge=1, le=MAX_TOKENS_LIMIT)
    temperature: float = Field(0.0, ge=0.0, le=MAX_TEMPERATURE, description="0 = greedy")
    top_k: int = Field(0, ge=0, le=MAX_TOP_K, description="0 = no top-k cut")
    seed: int | None = Field(None, ge=0, le=MAX_JSON_SEED, description="repeatable sampling")

    def options(self) -> Options:
        return Options(self.max_tokens, self.temperature, self.top_k, self.seed)


class Usage(BaseModel):
    prompt_tokens: int
    completion_tokens: int
    total_tokens: int

    @classmethod
    def of(cls, completion: Completion) -> Usage:
        prompt, generated = completion.prompt_tokens, completion.completion_tokens
        return cls(
            prompt_tokens=prompt, completion_tokens=generated, total_tokens=prompt + generated
        )


class TimingsBody(BaseModel):
    queued_ms: float
    first_token_ms: float
    total_ms: float


class CompleteResponse(BaseModel):
    """The seed's ``{"completion": ...}`` plus the final answer, usage and timings."""

    completion: str
    answer: str | None = Field(description="X of 'therefore the answer is X.', null on a decline")
    finish_reason: Literal["stop", "length"]
    model: str
    usage: Usage
    timings: TimingsBody
    tokens_per_second: float

    @classmethod
    def of(cls, completion: Completion) -> CompleteResponse:
        t = completion.timings
        return cls(
            completion=completion.text,
            answer=completion.answer,
            finish_reason="length" if completion.finish_reason == "length" else "stop",
            model=MODEL_NAME,
            usage=Usage.of(completion),
            timings=TimingsBody(
                queued_ms=t.queued_ms, first_token_ms=t.first_token_ms, total_ms=t.total_ms
            ),
            tokens_per_second=completion.tokens_per_second,
        )


class TokenBody(BaseModel):
    """One ``event: token`` of the stream; ``text`` is what to append to the completion."""

    index: int
    token: str
    text: str
    prob: float


class InspectResponse(BaseModel):
    """What the web UI's heat map draws: attention is one row per output token."""

    completion: str
    answer: str | None
    input_tokens: list[str]
    input_known: list[bool]
    output_tokens: list[str]
    attention: list[list[float]]
    probs: list[float]

    @classmethod
    def of(cls, inspection: Inspection) -> InspectResponse:
        return cls(
            completion=inspection.completion.text,
            answer=inspection.completion.answer,
            input_tokens=inspection.input_tokens,
            input_known=inspection.input_known,
            output_tokens=inspection.output_tokens,
            attention=inspection.attention,
            probs=inspection.probs,
        )


class ErrorBody(BaseModel):
    detail: str


class NotReadyBody(ErrorBody):
    """503 while the model loads or trains: come back after ``Retry-After`` seconds."""

    progress: float | None = None
    eta_seconds: float | None = None


class ModelInfo(BaseModel):
    parameters: int
    model: dict[str, int]
    checkpoint: str
    accuracy: dict[str, float]
    training_seconds: float
    training_steps: int
    from_cache: bool
    load_seconds: float
    uptime_seconds: float

    @classmethod
    def of(cls, info: Info) -> ModelInfo:
        return cls(
            parameters=info.parameters,
            model=info.model,
            checkpoint=info.checkpoint,
            accuracy=info.accuracy,
            training_seconds=info.training_seconds,
            training_steps=info.training_steps,
            from_cache=info.from_cache,
            load_seconds=info.load_seconds,
            uptime_seconds=info.uptime_seconds,
        )


class HealthOk(BaseModel):
    status: Literal["ok"] = "ok"
    model: ModelInfo


class HealthNotReady(BaseModel):
    """``GET /`` while the model is not serving (``Retry-After`` says when to ask again)."""

    status: Literal["loading", "training", "failed", "closed"]
    progress: float
    detail: str
    eta_seconds: float | None = None


class StatusBody(BaseModel):
    state: Literal["loading", "training", "ready", "failed", "closed"]
    message: str
    progress: float
    eta_seconds: float | None = None

    @classmethod
    def of(cls, status: Status) -> StatusBody:
        return cls(
            state=status.state,
            message=status.message,
            progress=status.progress,
            eta_seconds=status.eta_seconds,
        )


class Bounds(BaseModel):
    min: float
    max: float
    default: float


class IntBounds(BaseModel):
    min: int
    max: int
    default: int


class Limits(BaseModel):
    max_prompt_chars: int
    max_tokens: IntBounds
    temperature: Bounds
    top_k: IntBounds


class InfoResponse(BaseModel):
    """Everything the web UI needs before the first question: state, model, limits, examples."""

    status: StatusBody
    model: ModelInfo | None
    limits: Limits
    examples: dict[str, list[str]]
