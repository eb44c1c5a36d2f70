"""Recipes: everything that decides a trained model, in one value.

The checkpoint key hashes a recipe, so changing any number here trains (and caches) anew.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from engine import data
from engine.checkpoint import checkpoint_key
from engine.model import ModelConfig
from engine.tokenizer import Vocab
from engine.train import TrainConfig


@dataclass(frozen=True)
class Recipe:
    embed: int = 64
    hidden: int = 256
    layers: int = 1
    train: TrainConfig = field(default_factory=TrainConfig)

    def vocabs(self) -> tuple[Vocab, Vocab]:
        return data.source_vocab(), data.target_vocab()

    def model_config(self, src: Vocab, tgt: Vocab) -> ModelConfig:
        return ModelConfig(len(src), len(tgt), self.embed, self.hidden, self.layers)

    def key(self) -> str:
        src, tgt = self.vocabs()
        return checkpoint_key(
            self.model_config(src, tgt), self.train.to_dict(), data.DATA_VERSION, src, tgt
        )

    def with_seed(self, seed: int) -> Recipe:
        return replace(self, train=replace(self.train, seed=seed))


# Every family. Training stops early once every held-out target is met.
DEFAULT = Recipe(train=TrainConfig(lr=1.5e-3, max_steps=20_000, eval_every=1000))

# The seed's tasks only (one-digit numbers; bigger ones are declined) plus declining: trains in
# about three minutes. Front-end tests use it as a real, small engine.
SMALL = Recipe(
    train=TrainConfig(
        families=("addition", "subtraction", "parity", "ordering", "successor", "out_of_scope"),
        seed_range=True,
        max_steps=3000,
        eval_every=250,
    )
)

# A quick model for tests of the plumbing around the model (not of its accuracy).
TINY = Recipe(
    embed=16,
    hidden=32,
    train=TrainConfig(batch_size=16, max_steps=40, eval_every=40, eval_per_family=4),
)

# The recipes a user can pick by name (``--recipe``).
RECIPES: dict[str, Recipe] = {"default": DEFAULT, "small": SMALL}
