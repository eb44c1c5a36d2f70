"""OpenAI-compatible routes, so the ``openai`` client and tools built on it work unchanged.

- the prompt is the last user message (chat) or ``prompt`` (text completions);
- ``max_tokens``/``max_completion_tokens`` above the engine's limit are capped to it (then
  ``finish_reason`` is ``length``); ``temperature`` defaults to 0 (greedy), not OpenAI's 1;
- ``top_p`` is accepted and ignored (the engine samples with temperature and ``top_k``);
- ``stop`` ends the text before the first stop sequence, in streams too;
- ``logprobs``: each token's log probability; ``top_logprobs`` (``logprobs: N`` for text
  completions) lists the N likeliest tokens at each step, from the engine's distribution.
"""

from __future__ import annotations

import contextlib
import logging
import math
import time
import uuid
from collections.abc import AsyncGenerator, AsyncIterator
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, HTTPException
from fastapi.responses import Response, StreamingResponse

from api import sse
from api.deps import EngineDep
from api.errors import GENERIC_FAILURE, OPENAI_PREFIX, BadParameter
from api.openai_schemas import (
    MAX_STOPS,
    AssistantMessage,
    ChatChoice,
    ChatCompletion,
    ChatMessage,
    ChatRequest,
    ChoiceLogprobs,
    ModelCard,
    ModelList,
    OpenAIError,
    SamplingRequest,
    TextChoice,
    TextCompletion,
    TextLogprobs,
    TextRequest,
    TokenLogprob,
    TopLogprob,
)
from api.schemas import MODEL_NAME, Usage
from api.stops import Piece, StopScanner
from engine.errors import EngineError, GenerationFailed
from engine.results import DEFAULT_MAX_TOKENS, MAX_TOKENS_LIMIT, Completion, Options
from engine.service import Engine

log = logging.getLogger(__name__)
SOURCE = "api"
UNLIKELY = -9999.0  # the log probability reported for a probability of 0 (as OpenAI does)

router = APIRouter(
    prefix=OPENAI_PREFIX.rstrip("/"),
    tags=["OpenAI-compatible"],
    responses={
        "4XX": {"model": OpenAIError, "description": "invalid request"},
        500: {"model": OpenAIError, "description": "the model failed"},
        503: {"model": OpenAIError, "description": "busy or still training (Retry-After)"},
    },
)
STREAMS = {200: {"content": {"text/event-stream": {}}, "description": "JSON, or SSE chunks"}}


@router.get("/models", summary="The one model")
async def list_models(engine: EngineDep) -> ModelList:
    return ModelList(data=[_card(engine)])


@router.get("/models/{model_id}", summary="One model by id")
async def get_model(model_id: str, engine: EngineDep) -> ModelCard:
    if model_id != MODEL_NAME:
        raise HTTPException(404, f"no model named {model_id!r}; this server has {MODEL_NAME!r}")
    return _card(engine)


@router.post(
    "/chat/completions", summary="Chat completion", response_model=ChatCompletion, responses=STREAMS
)
async def chat_completions(body: ChatRequest, engine: EngineDep) -> ChatCompletion | Response:
    prompt = _last_user_message(body.messages)
    top = (body.top_logprobs or 0) if body.logprobs else None
    options = _options(body, body.max_completion_tokens, top or 0)
    items = _generate(engine, prompt, options, body.stop_list())
    reply = _Reply("chatcmpl", engine)
    if body.stream:
        return await _stream(items, _ChatChunks(reply, top), _include_usage(body))
    pieces, finish = await _collect(items)
    return ChatCompletion(
        id=reply.id,
        created=reply.created,
        model=MODEL_NAME,
        system_fingerprint=reply.fingerprint,
        choices=[
            ChatChoice(
                message=AssistantMessage(content="".join(p.text for p in pieces)),
                logprobs=_chat_logprobs(pieces, top),
                finish_reason=finish.reason,
            )
        ],
        usage=finish.usage(),
    )


@router.post(
    "/completions", summary="Text completion", response_model=TextCompletion, responses=STREAMS
)
async def completions(body: TextRequest, engine: EngineDep) -> TextCompletion | Response:
    if body.echo:
        raise BadParameter("echo is not supported", "echo")
    prompt = _single_prompt(body.prompt)
    items = _generate(
        engine, prompt, _options(body, top_logprobs=body.logprobs or 0), body.stop_list()
    )
    reply = _Reply("cmpl", engine)
    if body.stream:
        return await _stream(items, _TextChunks(reply, body.logprobs), _include_usage(body))
    pieces, finish = await _collect(items)
    return TextCompletion(
        id=reply.id,
        created=reply.created,
        model=MODEL_NAME,
        system_fingerprint=reply.fingerprint,
        choices=[
            TextChoice(
                text="".join(p.text for p in pieces),
                logprobs=_text_logprobs(pieces, body.logprobs, 0),
                finish_reason=finish.reason,
            )
        ],
        usage=finish.usage(),
    )


# --- turning a request into engine options and a prompt ---------------------------------------


def _options(
    body: SamplingRequest, max_tokens: int | None = None, top_logprobs: int = 0
) -> Options:
    if body.n not in (None, 1):
        raise BadParameter("n must be 1: this server returns one choice per request", "n")
    if len(body.stop_list()) > MAX_STOPS:
        raise BadParameter(f"stop takes at most {MAX_STOPS} sequences", "stop")
    wanted = max_tokens or body.max_tokens or DEFAULT_MAX_TOKENS
    return Options(
        max_tokens=min(wanted, MAX_TOKENS_LIMIT),
        temperature=body.temperature or 0.0,
        top_k=body.top_k or 0,
        seed=body.seed,
        top_logprobs=top_logprobs,
    )


def _last_user_message(messages: list[ChatMessage]) -> str:
    for message in reversed(messages):
        if message.role == "user":
            return message.text()
    raise BadParameter("messages must include a user message: it is the prompt", "messages")


def _single_prompt(prompt: str | list[str]) -> str:
    if isinstance(prompt, str):
        return prompt
    if len(prompt) == 1:
        return prompt[0]
    raise BadParameter(
        "prompt must be one string: this server answers one prompt per request", "prompt"
    )


def _include_usage(body: SamplingRequest) -> bool:
    return body.stream_options is not None and body.stream_options.include_usage


# --- generation: engine events -> pieces of text, ending at a stop sequence ------------------


@dataclass(frozen=True)
class _Finish:
    reason: str
    prompt_tokens: int
    completion_tokens: int

    def usage(self) -> Usage:
        return Usage(
            prompt_tokens=self.prompt_tokens,
            completion_tokens=self.completion_tokens,
            total_tokens=self.prompt_tokens + self.completion_tokens,
        )


async def _generate(
    engine: Engine, prompt: str, options: Options, stops: list[str]
) -> AsyncGenerator[Piece | _Finish]:
    """The text as pieces, then how it ended; leaving early cancels the generation."""
    prompt_tokens = len(engine.tokenize(prompt))
    scanner = StopScanner(stops)
    generated = 0
    async with contextlib.aclosing(engine.stream(prompt, options, source=SOURCE)) as events:
        async for event in events:
            if isinstance(event, Completion):
                for piece in scanner.flush():
                    yield piece
                reason = "length" if event.finish_reason == "length" else "stop"
                yield _Finish(reason, event.prompt_tokens, event.completion_tokens)
                return
            generated += 1
            ready, stopped = scanner.feed(Piece(event.text, event.token, event.prob, event.top))
            for piece in ready:
                yield piece
            if stopped:
                yield _Finish("stop", prompt_tokens, generated)
                return


async def _collect(items: AsyncGenerator[Piece | _Finish]) -> tuple[list[Piece], _Finish]:
    pieces: list[Piece] = []
    async with contextlib.aclosing(items):
        async for item in items:
            if isinstance(item, _Finish):
                return pieces, item
            pieces.append(item)
    raise GenerationFailed()  # the engine always ends with a Completion


# --- streaming ---------------------------------------------------------------------------------


class _Reply:
    """What every chunk of one reply repeats."""

    def __init__(self, prefix: str, engine: Engine) -> None:
        self.id = f"{prefix}-{uuid.uuid4().hex}"
        self.created = int(time.time())
        self.fingerprint = engine.info.checkpoint if engine.info else None

    def head(self, kind: str) -> dict[str, Any]:
        return {
            "id": self.id,
            "object": kind,
            "created": self.created,
            "model": MODEL_NAME,
            "system_fingerprint": self.fingerprint,
        }


class _ChatChunks:
    def __init__(self, reply: _Reply, top: int | None) -> None:
        self.reply, self.top = reply, top

    def chunk(self, delta: dict[str, Any], finish: str | None = None, logprobs: Any = None):
        choice = {"index": 0, "delta": delta, "logprobs": logprobs, "finish_reason": finish}
        return {**self.reply.head("chat.completion.chunk"), "choices": [choice]}

    def opening(self) -> list[dict[str, Any]]:
        return [self.chunk({"role": "assistant", "content": ""})]

    def piece(self, piece: Piece) -> dict[str, Any]:
        logprobs = _chat_logprobs([piece], self.top)
        return self.chunk({"content": piece.text}, logprobs=_dump(logprobs))

    def finish(self, finish: _Finish) -> dict[str, Any]:
        return self.chunk({}, finish.reason)

    def usage(self, finish: _Finish) -> dict[str, Any]:
        head = self.reply.head("chat.completion.chunk")
        return {**head, "choices": [], "usage": finish.usage().model_dump()}


class _TextChunks:
    def __init__(self, reply: _Reply, logprobs: int | None) -> None:
        self.reply, self.logprobs, self.offset = reply, logprobs, 0

    def chunk(self, text: str, finish: str | None = None, logprobs: Any = None):
        choice = {"index": 0, "text": text, "logprobs": logprobs, "finish_reason": finish}
        return {**self.reply.head("text_completion"), "choices": [choice]}

    def opening(self) -> list[dict[str, Any]]:
        return []

    def piece(self, piece: Piece) -> dict[str, Any]:
        logprobs = _text_logprobs([piece], self.logprobs, self.offset)
        self.offset += len(piece.text)
        return self.chunk(piece.text, logprobs=_dump(logprobs))

    def finish(self, finish: _Finish) -> dict[str, Any]:
        return self.chunk("", finish.reason)

    def usage(self, finish: _Finish) -> dict[str, Any]:
        head = self.reply.head("text_completion")
        return {**head, "choices": [], "usage": finish.usage().model_dump()}


_Chunks = _ChatChunks | _TextChunks


async def _stream(
    items: AsyncGenerator[Piece | _Finish], chunks: _Chunks, include_usage: bool
) -> StreamingResponse:
    """Start streaming once the first piece is there, so a bad request is still a plain error."""
    first = await anext(items)
    return sse.response(_frames(first, items, chunks, include_usage))


async def _frames(
    first: Piece | _Finish,
    items: AsyncGenerator[Piece | _Finish],
    chunks: _Chunks,
    include_usage: bool,
) -> AsyncIterator[str]:
    def framed(chunk: dict[str, Any]) -> str:
        if include_usage and "usage" not in chunk:
            chunk["usage"] = None  # as OpenAI: every chunk has the key, only the last a value
        return sse.event(chunk)

    try:
        for chunk in chunks.opening():
            yield framed(chunk)
        item: Piece | _Finish | None = first
        while item is not None:
            if isinstance(item, _Finish):
                yield framed(chunks.finish(item))
                if include_usage:
                    yield framed(chunks.usage(item))
                break
            yield framed(chunks.piece(item))
            item = await anext(items, None)
        yield sse.event("[DONE]")
    except Exception as exc:
        if not isinstance(exc, EngineError):
            log.exception("a completion stream failed")
        known = isinstance(exc, EngineError) and not isinstance(exc, GenerationFailed)
        error = {"message": str(exc) if known else GENERIC_FAILURE, "type": "server_error"}
        yield sse.event({"error": {**error, "param": None, "code": None}})
    finally:
        await items.aclose()


# --- logprobs ----------------------------------------------------------------------------------


def _logprob(prob: float) -> float:
    return math.log(prob) if prob > 0 else UNLIKELY


def _chat_logprobs(pieces: list[Piece], top: int | None) -> ChoiceLogprobs | None:
    if top is None:
        return None
    content = []
    for piece in pieces:
        chosen = _top_logprob(piece.text, piece.prob)
        alternatives = [_top_logprob(text, prob) for text, prob in piece.top[:top]]
        content.append(TokenLogprob(**chosen.model_dump(), top_logprobs=alternatives))
    return ChoiceLogprobs(content=content)


def _top_logprob(text: str, prob: float) -> TopLogprob:
    return TopLogprob(token=text, logprob=_logprob(prob), bytes=list(text.encode()))


def _text_logprobs(pieces: list[Piece], logprobs: int | None, offset: int) -> TextLogprobs | None:
    if logprobs is None:
        return None
    offsets = []
    for piece in pieces:
        offsets.append(offset)
        offset += len(piece.text)
    return TextLogprobs(
        tokens=[p.text for p in pieces],
        token_logprobs=[_logprob(p.prob) for p in pieces],
        top_logprobs=[{t: _logprob(q) for t, q in p.top[:logprobs]} for p in pieces]
        if logprobs
        else None,
        text_offset=offsets,
    )


def _dump(model: ChoiceLogprobs | TextLogprobs | None) -> dict[str, Any] | None:
    return model.model_dump() if model is not None else None


def _card(engine: Engine) -> ModelCard:
    created = int(engine.info.started_at) if engine.info else 0
    return ModelCard(id=MODEL_NAME, created=created, owned_by="mini-reasoner")
