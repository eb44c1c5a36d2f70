"""Scoring the model on held-out phrasings: exact final answers, per task family.

A completion counts as right when its closing ``therefore the answer is X.`` names exactly the
solver's X; an out-of-scope prompt counts as right when the model declines (says sorry and
gives no answer).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from engine import tasks, tokenizer
from engine.answer import final_answer, is_decline
from engine.data import Example
from engine.decoding import generate
from engine.model import Seq2Seq
from engine.tokenizer import Vocab

SEED_TARGET = 1.0
OTHER_TARGET = 0.99
MAX_EVAL_TOKENS = 96


@dataclass(frozen=True)
class Scored:
    example: Example
    completion: str
    correct: bool


@dataclass
class EvalReport:
    scored: list[Scored]

    def accuracy(self, group: str) -> float:
        """Accuracy of one group (see :meth:`groups`); 0 for an empty group."""
        rows = self.groups().get(group, [])
        return sum(s.correct for s in rows) / len(rows) if rows else 0.0

    def groups(self) -> dict[str, list[Scored]]:
        """Results by family, plus ``seed`` for the seed's one-digit tasks across families."""
        out: dict[str, list[Scored]] = defaultdict(list)
        for s in self.scored:
            out[s.example.problem.family].append(s)
            if s.example.problem.in_seed_range:
                out["seed"].append(s)
        return dict(out)

    def table(self) -> list[tuple[str, int, float, float]]:
        """(group, examples, accuracy, target) rows in a stable order."""
        groups = self.groups()
        order = [*tasks.FAMILIES, "seed"]
        return [
            (g, len(groups[g]), self.accuracy(g), SEED_TARGET if g == "seed" else OTHER_TARGET)
            for g in order
            if g in groups
        ]

    @property
    def overall(self) -> float:
        return sum(s.correct for s in self.scored) / len(self.scored) if self.scored else 0.0

    def meets_targets(self) -> bool:
        rows = self.table()
        return bool(rows) and all(acc >= target for _, _, acc, target in rows)

    def failures(self, limit: int = 20) -> list[Scored]:
        return [s for s in self.scored if not s.correct][:limit]


def is_correct(example: Example, completion: str) -> bool:
    if example.problem.family == "out_of_scope":
        return is_decline(completion)
    return final_answer(completion) == tasks.expected_answer(example.problem)


def complete_texts(
    model: Seq2Seq, src_vocab: Vocab, tgt_vocab: Vocab, prompts: list[str], batch: int = 512
) -> list[str]:
    """Greedy completions for many prompts, batched."""
    texts: list[str] = []
    for i in range(0, len(prompts), batch):
        sources = [
            src_vocab.encode(tokenizer.split(p)) or [tokenizer.UNK_ID]
            for p in prompts[i : i + batch]
        ]
        for gen in generate(model, sources, MAX_EVAL_TOKENS):
            texts.append(tokenizer.detokenize(tgt_vocab.decode(gen.ids)))
    return texts


def evaluate(
    model: Seq2Seq, src_vocab: Vocab, tgt_vocab: Vocab, examples: list[Example]
) -> EvalReport:
    completions = complete_texts(model, src_vocab, tgt_vocab, [e.prompt for e in examples])
    return EvalReport(
        [Scored(e, c, is_correct(e, c)) for e, c in zip(examples, completions, strict=False)]
    )
