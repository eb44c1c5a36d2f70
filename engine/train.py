"""Training: batched teacher forcing with Adam, clipping, a one-cycle LR schedule and early stop.

Everything that varies run to run is seeded (data stream, initial weights, dropout of words),
and the stop decision is taken only at fixed step counts, so one seed always gives the same
weights. Progress is reported through a callback so the CLI can draw a bar and the serving
engine can publish its status.
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field

import torch
from torch import Tensor, nn

from engine import data, tasks, tokenizer
from engine.decoding import pad_batch
from engine.evaluation import EvalReport, evaluate
from engine.model import ModelConfig, Seq2Seq
from engine.tokenizer import BOS_ID, EOS_ID, PAD_ID, Vocab


@dataclass(frozen=True)
class TrainConfig:
    seed: int = 0
    batch_size: int = 32
    max_steps: int = 4000
    lr: float = 3e-3
    clip: float = 5.0
    eval_every: int = 250
    eval_per_family: int = 100
    families: tuple[str, ...] = ()  # empty = every family, as mixed by data.MIX
    seed_range: bool = False  # numbers 0-9 only: the seed's tasks

    def to_dict(self) -> dict[str, object]:
        return asdict(self)

    @property
    def scope(self) -> tasks.Scope:
        return tasks.Scope(self.families or tasks.FAMILIES, self.seed_range)


@dataclass
class Progress:
    """One report to the progress callback."""

    step: int
    max_steps: int
    loss: float
    elapsed: float
    report: EvalReport | None = None  # set on evaluation steps

    @property
    def fraction(self) -> float:
        return self.step / self.max_steps

    @property
    def eta_seconds(self) -> float:
        """Time left at the pace so far."""
        return self.elapsed / self.step * (self.max_steps - self.step) if self.step else 0.0


@dataclass
class TrainResult:
    model: Seq2Seq
    steps: int
    seconds: float
    report: EvalReport
    history: list[Progress] = field(default_factory=list)


ProgressCallback = Callable[[Progress], None]


class Batches:
    """Padded training batches drawn from the endless example stream.

    Examples are pooled eight batches at a time and sorted by length, so a batch holds
    completions of similar length and little compute is spent on padding.
    """

    POOL = 8

    def __init__(self, cfg: TrainConfig, src_vocab: Vocab, tgt_vocab: Vocab) -> None:
        self.cfg = cfg
        self.src_vocab, self.tgt_vocab = src_vocab, tgt_vocab
        self.rng = random.Random(cfg.seed + 1)
        self.protected = data.protected_tokens()
        families = cfg.families or tuple(data.MIX)
        self.weights = {f: data.MIX[f] for f in families}
        self.stream = self._examples()

    def focus(self, report: EvalReport) -> None:
        """Draw families in proportion to how much they still get wrong.

        Every family keeps a floor share so nothing learned is forgotten; a family the model
        fails often is drawn up to eleven times as often as one it has mastered.
        """
        for family in self.weights:
            error = 1.0 - report.accuracy(family)
            self.weights[family] = data.MIX[family] * (0.1 + error)

    def _examples(self) -> Iterator[data.Example]:
        rng = random.Random(self.cfg.seed)
        scope = self.cfg.scope
        while True:
            family = rng.choices(list(self.weights), weights=list(self.weights.values()))[0]
            yield data.sample_example(rng, data.TRAIN, family, scope)

    def _pairs(self, n: int) -> list[tuple[list[int], list[int]]]:
        pairs = []
        for _ in range(n):
            example = next(self.stream)
            src = data.noisy_tokens(tokenizer.split(example.prompt), self.rng, self.protected)
            tgt = self.tgt_vocab.encode(tokenizer.split(example.completion))
            pairs.append((self.src_vocab.encode(src) or [tokenizer.UNK_ID], tgt))
        return pairs

    def __iter__(self) -> Iterator[tuple[Tensor, Tensor, Tensor, Tensor]]:
        size = self.cfg.batch_size
        while True:
            pool = sorted(self._pairs(size * self.POOL), key=lambda p: len(p[1]))
            chunks = [pool[i : i + size] for i in range(0, len(pool), size)]
            self.rng.shuffle(chunks)
            for chunk in chunks:
                yield self._tensors(chunk)

    @staticmethod
    def _tensors(chunk: list[tuple[list[int], list[int]]]) -> tuple[Tensor, Tensor, Tensor, Tensor]:
        src, lengths = pad_batch([s for s, _ in chunk])
        tgt_in, _ = pad_batch([[BOS_ID, *t] for _, t in chunk])
        tgt_out, _ = pad_batch([[*t, EOS_ID] for _, t in chunk])
        return src, lengths, tgt_in, tgt_out


def _lr_factor(step: int, max_steps: int) -> float:
    """Short warm-up, then cosine decay to 5% of the peak rate."""
    warmup = max(1, max_steps // 50)
    if step < warmup:
        return (step + 1) / warmup
    progress = (step - warmup) / max(1, max_steps - warmup)
    return 0.05 + 0.95 * 0.5 * (1 + math.cos(math.pi * progress))


def train(
    model_cfg: ModelConfig,
    cfg: TrainConfig,
    src_vocab: Vocab,
    tgt_vocab: Vocab,
    on_progress: ProgressCallback | None = None,
) -> TrainResult:
    """Train a fresh model until the held-out targets are met or ``max_steps`` is reached."""
    # One intra-op thread: the matrices of a batch of 32 are too small to split well, and
    # with a second thread any other load on the machine made a step 30 times slower
    # (measured: 0.26 s vs 7.7 s while another process was busy).
    torch.set_num_threads(1)
    torch.manual_seed(cfg.seed)
    model = Seq2Seq(model_cfg)
    optimizer = torch.optim.Adam(model.parameters(), lr=cfg.lr, fused=True)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda step: _lr_factor(step, cfg.max_steps)
    )
    loss_fn = nn.CrossEntropyLoss(ignore_index=PAD_ID)
    eval_examples = data.eval_set(cfg.seed + 7, cfg.eval_per_family, cfg.scope)
    history: list[Progress] = []
    start = time.perf_counter()
    report = EvalReport([])
    smoothed = 0.0
    step = 0
    stream = Batches(cfg, src_vocab, tgt_vocab)
    batches = iter(stream)
    while step < cfg.max_steps:
        model.train()
        src, lengths, tgt_in, tgt_out = next(batches)
        logits = model(src, lengths, tgt_in)
        loss = loss_fn(logits.reshape(-1, logits.size(-1)), tgt_out.reshape(-1))
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), cfg.clip)
        optimizer.step()
        schedule.step()
        step += 1
        smoothed = loss.item() if step == 1 else 0.95 * smoothed + 0.05 * loss.item()
        progress = Progress(step, cfg.max_steps, smoothed, time.perf_counter() - start)
        if step % cfg.eval_every == 0 or step == cfg.max_steps:
            model.eval()
            report = evaluate(model, src_vocab, tgt_vocab, eval_examples)
            stream.focus(report)
            progress.report = report
            history.append(progress)
        if on_progress is not None:
            on_progress(progress)
        if progress.report is not None and report.meets_targets():
            break
    model.eval()
    return TrainResult(model, step, time.perf_counter() - start, report, history)
