"""OpenAI-compatible bodies (``/v1/*``): the subset of OpenAI's API this model can honour.

Requests accept (and ignore) fields this server has no use for, so existing clients work
unchanged; what cannot be honoured (``n`` > 1, ``echo``) is refused with a clear 400.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from api.schemas import MAX_JSON_SEED, Text, Usage
from engine.results import MAX_TEMPERATURE, MAX_TOP_K

MAX_STOPS = 4  # as OpenAI's API


class StreamOptions(BaseModel):
    include_usage: bool = False


class SamplingRequest(BaseModel):
    """Fields shared by chat and text completions."""

    model_config = ConfigDict(strict=True, extra="ignore")

    model: str | None = Field(None, description="any name; this server has one model")
    max_tokens: int | None = Field(None, ge=1, description="capped at the engine's limit")
    temperature: float | None = Field(None, ge=0.0, le=MAX_TEMPERATURE, description="default 0")
    top_p: float | None = Field(None, ge=0.0, le=1.0, description="accepted and ignored")
    top_k: int | None = Field(None, ge=0, le=MAX_TOP_K, description="extension: top-k cut")
    seed: int | None = Field(None, ge=0, le=MAX_JSON_SEED)
    n: int | None = Field(None, ge=1, description="only 1", json_schema_extra={"maximum": 1})
    stop: str | list[str] | None = Field(None, description=f"up to {MAX_STOPS} sequences")
    stream: bool = False
    stream_options: StreamOptions | None = None

    def stop_list(self) -> list[str]:
        if self.stop is None:
            return []
        return [self.stop] if isinstance(self.stop, str) else list(self.stop)


class ContentPart(BaseModel):
    model_config = ConfigDict(extra="ignore")

    type: str
    text: Text | None = None


class ChatMessage(BaseModel):
    model_config = ConfigDict(extra="ignore")

    role: str
    content: Text | list[ContentPart] | None = None

    def text(self) -> str:
        if isinstance(self.content, list):
            return " ".join(p.text for p in self.content if p.type == "text" and p.text)
        return self.content or ""


class ChatRequest(SamplingRequest):
    messages: list[ChatMessage] = Field(
        min_length=1,
        description="the last user message is the prompt",
        json_schema_extra={"contains": {"properties": {"role": {"const": "user"}}}},
    )
    max_completion_tokens: int | None = Field(None, ge=1, description="same as max_tokens")
    logprobs: bool | None = None
    top_logprobs: int | None = Field(None, ge=0, le=20)


class TextRequest(SamplingRequest):
    prompt: Text | list[Text]
    logprobs: int | None = Field(None, ge=0, le=5)
    echo: bool = Field(False, description="not supported", json_schema_extra={"const": False})


class TopLogprob(BaseModel):
    token: str
    logprob: float
    bytes: list[int] | None = None


class TokenLogprob(TopLogprob):
    top_logprobs: list[TopLogprob]


class ChoiceLogprobs(BaseModel):
    content: list[TokenLogprob] | None = None
    refusal: list[TokenLogprob] | None = None


class AssistantMessage(BaseModel):
    role: Literal["assistant"] = "assistant"
    content: str
    refusal: str | None = None


class ChatChoice(BaseModel):
    index: int = 0
    message: AssistantMessage
    logprobs: ChoiceLogprobs | None = None
    finish_reason: Literal["stop", "length"]


class ChatCompletion(BaseModel):
    id: str
    object: Literal["chat.completion"] = "chat.completion"
    created: int
    model: str
    system_fingerprint: str | None = None
    choices: list[ChatChoice]
    usage: Usage


class TextLogprobs(BaseModel):
    tokens: list[str]
    token_logprobs: list[float]
    top_logprobs: list[dict[str, float]] | None = None
    text_offset: list[int]


class TextChoice(BaseModel):
    index: int = 0
    text: str
    logprobs: TextLogprobs | None = None
    finish_reason: Literal["stop", "length"]


class TextCompletion(BaseModel):
    id: str
    object: Literal["text_completion"] = "text_completion"
    created: int
    model: str
    system_fingerprint: str | None = None
    choices: list[TextChoice]
    usage: Usage


class ModelCard(BaseModel):
    id: str
    object: Literal["model"] = "model"
    created: int
    owned_by: str


class ModelList(BaseModel):
    object: Literal["list"] = "list"
    data: list[ModelCard]


class ErrorDetail(BaseModel):
    message: str
    type: str
    param: str | None = None
    code: str | None = None


class OpenAIError(BaseModel):
    error: ErrorDetail
