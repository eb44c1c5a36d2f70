"""Load the cached model for a recipe, or train one and cache it.

Several processes may start at once (API replicas): a lock file makes the first one train
while the others wait and then load what it wrote, so a model is trained once, never N times.
A cache folder that cannot be written is reported and the model is served from memory.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from engine import checkpoint, data
from engine.checkpoint import Checkpoint, CheckpointError
from engine.recipe import Recipe
from engine.train import ProgressCallback, train

log = logging.getLogger(__name__)


@dataclass
class Loaded:
    checkpoint: Checkpoint
    from_cache: bool
    seconds: float  # loading time if from the cache, else training time
    path: Path | None  # where the checkpoint is cached (None: could not be written)


def load_or_train(
    cache_dir: Path,
    recipe: Recipe,
    *,
    force: bool = False,
    on_progress: ProgressCallback | None = None,
) -> Loaded:
    """The recipe's model: from the cache when a valid checkpoint is there, else trained."""
    key = recipe.key()
    path = checkpoint.path_for(cache_dir, key)
    if not force:
        loaded = _try_load(path, key)
        if loaded is not None:
            return loaded
    with _training_lock(cache_dir, key):
        if not force:  # another process may have trained it while we waited
            loaded = _try_load(path, key)
            if loaded is not None:
                return loaded
        return _train_and_save(recipe, key, path, on_progress)


def _try_load(path: Path, key: str) -> Loaded | None:
    if not path.exists():
        return None
    start = time.perf_counter()
    try:
        ckpt = checkpoint.load(path, key)
    except CheckpointError as exc:
        log.warning("ignoring the cached checkpoint: %s; training a new one", exc)
        return None
    return Loaded(ckpt, True, time.perf_counter() - start, path)


def _train_and_save(
    recipe: Recipe, key: str, path: Path, on_progress: ProgressCallback | None
) -> Loaded:
    src, tgt = recipe.vocabs()
    result = train(recipe.model_config(src, tgt), recipe.train, src, tgt, on_progress)
    stats: dict[str, object] = {
        "seed": recipe.train.seed,
        "steps": result.steps,
        "seconds": round(result.seconds, 2),
        "accuracy": {group: acc for group, _, acc, _ in result.report.table()},
        "meets_targets": result.report.meets_targets(),
        "data_version": data.DATA_VERSION,
        "trained_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    ckpt = Checkpoint(result.model, src, tgt, key, stats)
    saved: Path | None = path
    try:
        checkpoint.save(ckpt, path)
    except OSError as exc:
        log.error(
            "could not write the model cache in %s (%s); serving the model from memory, "
            "it will be trained again on the next start",
            path.parent,
            exc.strerror or exc,
        )
        saved = None
    return Loaded(ckpt, False, result.seconds, saved)


@contextlib.contextmanager
def _training_lock(cache_dir: Path, key: str) -> Iterator[None]:
    """Hold an exclusive lock per checkpoint key while training (best effort)."""
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        handle = open(cache_dir / f".train-{key}.lock", "a+")  # noqa: SIM115 (closed below)
    except OSError:
        yield  # read-only or missing cache folder: nothing to coordinate through
        return
    with handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
