"""What the engine hands adapters: request options, stream events, completions, inspections."""

from __future__ import annotations

from dataclasses import dataclass, field

from engine.errors import InvalidRequest

MAX_TOKENS_LIMIT = 256
DEFAULT_MAX_TOKENS = 128
MAX_TEMPERATURE = 2.0
MAX_TOP_K = 100
MAX_SEED = 2**63 - 1
MAX_TOP_LOGPROBS = 20


@dataclass(frozen=True)
class Options:
    """Generation options; the defaults give greedy decoding (the model's best answer)."""

    max_tokens: int = DEFAULT_MAX_TOKENS
    temperature: float = 0.0
    top_k: int = 0
    seed: int | None = None
    top_logprobs: int = 0  # stream the N likeliest tokens at each step (OpenAI's logprobs)

    def __post_init__(self) -> None:
        if isinstance(self.max_tokens, bool) or not isinstance(self.max_tokens, int):
            raise InvalidRequest("max_tokens must be an integer")
        if not 1 <= self.max_tokens <= MAX_TOKENS_LIMIT:
            raise InvalidRequest(f"max_tokens must be between 1 and {MAX_TOKENS_LIMIT}")
        if isinstance(self.temperature, bool) or not isinstance(self.temperature, (int, float)):
            raise InvalidRequest("temperature must be a number")
        if not 0.0 <= self.temperature <= MAX_TEMPERATURE:  # also rejects NaN
            raise InvalidRequest(f"temperature must be between 0 and {MAX_TEMPERATURE}")
        if isinstance(self.top_k, bool) or not isinstance(self.top_k, int):
            raise InvalidRequest("top_k must be an integer")
        if not 0 <= self.top_k <= MAX_TOP_K:
            raise InvalidRequest(f"top_k must be between 0 and {MAX_TOP_K}")
        if self.seed is not None and (
            isinstance(self.seed, bool)
            or not isinstance(self.seed, int)
            or not 0 <= self.seed <= MAX_SEED
        ):
            raise InvalidRequest(f"seed must be an integer between 0 and {MAX_SEED}")
        if isinstance(self.top_logprobs, bool) or not isinstance(self.top_logprobs, int):
            raise InvalidRequest("top_logprobs must be an integer")
        if not 0 <= self.top_logprobs <= MAX_TOP_LOGPROBS:
            raise InvalidRequest(f"top_logprobs must be between 0 and {MAX_TOP_LOGPROBS}")


@dataclass(frozen=True)
class TokenEvent:
    """One generated token while streaming; ``text`` is what it appends to the completion."""

    index: int
    token: str
    text: str
    prob: float
    top: tuple[tuple[str, float], ...] = ()  # (text, prob) of the likeliest tokens, if asked


@dataclass(frozen=True)
class Timings:
    queued_ms: float  # submit -> joined the running batch
    first_token_ms: float  # submit -> first token
    total_ms: float  # submit -> done


@dataclass(frozen=True)
class Completion:
    """A finished generation: the final event of a stream, the result of ``complete``."""

    text: str
    answer: str | None  # X of "therefore the answer is X.", None if the model declined
    tokens: list[str]
    probs: list[float]
    finish_reason: str  # "stop" (the model ended) or "length" (max_tokens reached)
    prompt_tokens: int
    timings: Timings
    input_tokens: list[str] = field(default_factory=list)
    attention: list[list[float]] = field(default_factory=list)  # only when asked for

    @property
    def completion_tokens(self) -> int:
        return len(self.tokens)

    @property
    def tokens_per_second(self) -> float:
        seconds = (self.timings.total_ms - self.timings.queued_ms) / 1000
        return len(self.tokens) / seconds if seconds > 0 else 0.0


@dataclass(frozen=True)
class Inspection:
    """Why the model answered as it did: tokens, attention (output x input), confidences."""

    input_tokens: list[str]  # the prompt as the model reads it (unknown words kept as typed)
    input_known: list[bool]  # False where the model saw <unk>
    output_tokens: list[str]
    attention: list[list[float]]  # one row per output token, one column per input token
    probs: list[float]  # probability of each output token
    completion: Completion
