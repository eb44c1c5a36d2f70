"""Checkpoints: safetensors files keyed by what made them, written atomically.

A checkpoint holds the weights plus, in the safetensors metadata, the model config, both
vocabularies and what training measured. Its file name carries a hash of model config,
training config, data version and vocabularies, so a change to any of them simply misses the
cache. Nothing here unpickles: a bad file raises :class:`CheckpointError`, never runs code.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import torch
from safetensors import SafetensorError, safe_open
from safetensors.torch import load_file, save_file

from engine.model import ModelConfig, Seq2Seq
from engine.tokenizer import SPECIALS, Vocab

FORMAT = "mini-reasoner/1"


class CheckpointError(Exception):
    """A checkpoint file is missing, unreadable, corrupt or made for another configuration."""


@dataclass
class Checkpoint:
    """A trained model with the vocabularies it reads and writes and what training measured."""

    model: Seq2Seq
    src_vocab: Vocab
    tgt_vocab: Vocab
    key: str
    stats: dict[str, object]  # training seconds, steps, held-out accuracy, seed, ...


def checkpoint_key(
    model_cfg: ModelConfig, train_cfg: dict[str, object], data_version: str, src: Vocab, tgt: Vocab
) -> str:
    """A short hash naming everything that determines the trained weights."""
    blob = json.dumps(
        {
            "format": FORMAT,
            "model": model_cfg.to_dict(),
            "train": train_cfg,
            "data": data_version,
            "src": src.tokens,
            "tgt": tgt.tokens,
        },
        sort_keys=True,
    )
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


def path_for(cache_dir: Path, key: str) -> Path:
    return cache_dir / f"mini-reasoner-{key}.safetensors"


def save(ckpt: Checkpoint, path: Path) -> None:
    """Write ``ckpt`` to ``path`` atomically: a reader sees the old file or the whole new one."""
    meta = {
        "format": FORMAT,
        "key": ckpt.key,
        "model": json.dumps(ckpt.model.cfg.to_dict()),
        "src_vocab": json.dumps(ckpt.src_vocab.tokens),
        "tgt_vocab": json.dumps(ckpt.tgt_vocab.tokens),
        "stats": json.dumps(ckpt.stats),
    }
    tensors = {k: v.detach().contiguous() for k, v in ckpt.model.state_dict().items()}
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".safetensors")
    os.close(fd)
    try:
        save_file(tensors, tmp, metadata=meta)
        with open(tmp, "rb") as f:
            os.fsync(f.fileno())
        os.chmod(tmp, 0o644)  # mkstemp makes it private; a cache is for every local user
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def load(path: Path, expected_key: str | None = None) -> Checkpoint:
    """Read a checkpoint, checking format, key and tensor shapes; raise CheckpointError if off."""
    if not path.is_file():
        raise CheckpointError(f"no checkpoint at {path}")
    try:
        tensors = load_file(str(path))
        with safe_open(str(path), framework="pt") as f:
            meta = f.metadata() or {}
    except (SafetensorError, OSError, ValueError) as exc:
        raise CheckpointError(f"{path.name} is unreadable or corrupt: {exc}") from exc
    if meta.get("format") != FORMAT:
        raise CheckpointError(f"{path.name} has format {meta.get('format')!r}, expected {FORMAT!r}")
    if expected_key is not None and meta.get("key") != expected_key:
        raise CheckpointError(f"{path.name} was made for another configuration")
    try:
        cfg = ModelConfig(**json.loads(meta["model"]))
        src = _vocab(json.loads(meta["src_vocab"]))
        tgt = _vocab(json.loads(meta["tgt_vocab"]))
        stats = json.loads(meta["stats"])
        model = Seq2Seq(cfg)
        model.load_state_dict(tensors, strict=True)
    except (KeyError, TypeError, ValueError, RuntimeError) as exc:
        raise CheckpointError(f"{path.name} does not match the model: {exc}") from exc
    if not all(torch.isfinite(t).all() for t in tensors.values()):
        raise CheckpointError(f"{path.name} holds non-finite weights")
    model.eval()
    return Checkpoint(model, src, tgt, str(meta["key"]), stats)


def _vocab(tokens: list[str]) -> Vocab:
    vocab = Vocab(tokens)
    if vocab.tokens != tokens or tuple(tokens[: len(SPECIALS)]) != SPECIALS:
        raise ValueError("vocabulary is not in canonical order")
    return vocab
