"""Generation from a trained :class:`~engine.model.Seq2Seq`.

:class:`Sampling` holds a request's options; :func:`pick` chooses the next token for a batch of
rows that may each have different options; :func:`generate` decodes a whole batch to the end
(used by evaluation and tests; the serving engine steps rows itself to batch continuously).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import torch
from torch import Tensor

from engine.model import Seq2Seq
from engine.tokenizer import BOS_ID, EOS_ID, PAD_ID

MIN_TEMPERATURE = 1e-6  # colder sampling equals greedy decoding at float32 precision


@dataclass(frozen=True)
class Sampling:
    """How to pick tokens: greedy when ``temperature`` is 0."""

    temperature: float = 0.0
    top_k: int = 0  # 0 = no limit
    seed: int | None = None


@dataclass
class Generation:
    """One decoded sequence with what the front-ends show about it."""

    ids: list[int] = field(default_factory=list)
    probs: list[float] = field(default_factory=list)  # probability of each chosen token
    attention: list[list[float]] = field(default_factory=list)  # per output step, over input
    finished: bool = False  # reached <eos> (False: stopped by the token limit)


def make_generator(sampling: Sampling) -> torch.Generator | None:
    """A private RNG for a sampled request, so its seed reproduces it whatever else runs."""
    if sampling.temperature <= 0:
        return None
    gen = torch.Generator()
    gen.manual_seed(sampling.seed if sampling.seed is not None else torch.seed())
    return gen


def pick(
    logits: Tensor, samplings: list[Sampling], generators: list[torch.Generator | None]
) -> tuple[Tensor, Tensor, Tensor]:
    """Next token, its probability and the whole distribution for each row of ``logits``."""
    logits = logits.float()
    logits[:, PAD_ID] = float("-inf")
    logits[:, BOS_ID] = float("-inf")
    probs = logits.softmax(dim=-1)
    tokens = probs.argmax(dim=-1)
    for row, (sampling, gen) in enumerate(zip(samplings, generators, strict=False)):
        if sampling.temperature <= 0:
            continue
        # a tiny temperature must sharpen, not overflow: subtract the max, bound the divisor
        temperature = max(sampling.temperature, MIN_TEMPERATURE)
        scaled = (logits[row] - logits[row].max()) / temperature
        if sampling.top_k:
            kth = scaled.topk(min(sampling.top_k, scaled.numel())).values[-1]
            scaled = scaled.masked_fill(scaled < kth, float("-inf"))
        tokens[row] = torch.multinomial(scaled.softmax(dim=-1), 1, generator=gen)[0]
    chosen = probs.gather(1, tokens.unsqueeze(1)).squeeze(1)
    return tokens, chosen, probs


def pad_batch(rows: list[list[int]]) -> tuple[Tensor, Tensor]:
    """Right-pad id lists into (batch, longest) plus their lengths.

    Padded in Python and made a tensor in one call: a tensor op per row costs more than the
    encoder itself for a group of newcomers (and each op is a turn on the interpreter lock).
    """
    lengths = [len(row) for row in rows]
    longest = max(lengths)
    padded = [row + [PAD_ID] * (longest - len(row)) for row in rows]
    return torch.tensor(padded, dtype=torch.long), torch.tensor(lengths)


@torch.no_grad()
def generate(
    model: Seq2Seq,
    sources: list[list[int]],
    max_tokens: int,
    sampling: Sampling = Sampling(),
) -> list[Generation]:
    """Decode every source to <eos> or ``max_tokens``."""
    src, lengths = pad_batch(sources)
    memory, state = model.encode(src, lengths)
    prev = torch.full((len(sources), 1), BOS_ID, dtype=torch.long)
    samplings = [sampling] * len(sources)
    generators = [make_generator(sampling) for _ in sources]
    done = torch.zeros(len(sources), dtype=torch.bool)
    steps: list[tuple[Tensor, Tensor, Tensor]] = []
    for _ in range(max_tokens):
        logits, weights, state = model.decode(prev, memory, state)
        tokens, chosen, _ = pick(logits[:, -1], samplings, generators)
        steps.append((tokens, chosen, weights[:, -1]))
        done |= tokens == EOS_ID
        if bool(done.all()):
            break
        prev = tokens.unsqueeze(1)
    return [_collect(steps, row, int(lengths[row])) for row in range(len(sources))]


def _collect(steps: list[tuple[Tensor, Tensor, Tensor]], row: int, src_len: int) -> Generation:
    result = Generation()
    for tokens, chosen, weights in steps:
        tok = int(tokens[row])
        if tok == EOS_ID:
            result.finished = True
            break
        result.ids.append(tok)
        result.probs.append(float(chosen[row]))
        result.attention.append(weights[row, :src_len].tolist())
    return result
