"""Training from scratch: time to target, held-out accuracy per family, warm-start load time.

Trains the recipe in an empty temporary cache (as a first start does), then reports steps and
seconds, accuracy per family on a fresh held-out sample, whether every target is met, the
parameter count, checkpoint size, the median warm-start load time (after imports) and peak
RSS. ``--recipe small`` measures the seed's families alone. Prints figures; asserts nothing.

    python -m bench.training                  # the default model (every family)
    python -m bench.training --recipe small   # the seed's one-digit families alone
"""

from __future__ import annotations

import argparse
import resource
import statistics
import tempfile
import time
from pathlib import Path

from engine import data
from engine.cache import load_or_train
from engine.evaluation import evaluate
from engine.recipe import RECIPES

EVAL_SEED = 20_261_203


def main(recipe_name: str, per_family: int) -> None:
    recipe = RECIPES[recipe_name]
    with tempfile.TemporaryDirectory() as tmp:
        cache = Path(tmp)
        start = time.perf_counter()
        loaded = load_or_train(cache, recipe)
        wall = time.perf_counter() - start
        ckpt = loaded.checkpoint
        examples = data.eval_set(EVAL_SEED, per_family, recipe.train.scope)
        report = evaluate(ckpt.model, ckpt.src_vocab, ckpt.tgt_vocab, examples)
        loads = []
        for _ in range(5):
            t = time.perf_counter()
            load_or_train(cache, recipe)
            loads.append(time.perf_counter() - t)
        size = loaded.path.stat().st_size if loaded.path else 0
    print(f"recipe: {recipe_name} ({ckpt.key})")
    print(
        f"cold start (empty cache) to the end of training: {wall:.1f} s, "
        f"{ckpt.stats['steps']} steps (training loop {ckpt.stats['seconds']} s)"
    )
    print(f"parameters: {ckpt.model.num_parameters():,}; checkpoint {size / 1e6:.2f} MB")
    print(f"warm start (load from cache, after imports): median {statistics.median(loads):.3f} s")
    print(f"{'family':<16}{'prompts':>8}{'accuracy':>10}{'target':>8}")
    for group, count, accuracy, target in report.table():
        flag = "" if accuracy >= target else "  below target"
        print(f"{group:<16}{count:>8}{accuracy:>10.1%}{target:>8.0%}{flag}")
    print(f"every target met: {report.meets_targets()}")
    print(f"peak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recipe", choices=sorted(RECIPES), default="default")
    parser.add_argument("--per-family", type=int, default=300)
    args = parser.parse_args()
    main(args.recipe, args.per_family)
