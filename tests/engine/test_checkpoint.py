"""Checkpoints: round trip, atomic writes, and every way a cached file can be wrong."""

import json
from pathlib import Path

import pytest
import torch
from safetensors import safe_open
from safetensors.torch import load_file, save_file

from engine import checkpoint, data
from engine.cache import load_or_train
from engine.checkpoint import Checkpoint, CheckpointError
from engine.model import Seq2Seq
from engine.recipe import TINY


def _checkpoint() -> Checkpoint:
    torch.manual_seed(0)
    src, tgt = TINY.vocabs()
    model = Seq2Seq(TINY.model_config(src, tgt)).eval()
    return Checkpoint(model, src, tgt, TINY.key(), {"steps": 0})


def test_round_trip(tmp_path: Path):
    ckpt = _checkpoint()
    path = tmp_path / "m.safetensors"
    checkpoint.save(ckpt, path)
    loaded = checkpoint.load(path, ckpt.key)
    assert loaded.src_vocab.tokens == ckpt.src_vocab.tokens
    assert loaded.tgt_vocab.tokens == ckpt.tgt_vocab.tokens
    for name, tensor in ckpt.model.state_dict().items():
        assert torch.equal(loaded.model.state_dict()[name], tensor)
    assert not list(tmp_path.glob(".tmp-*")), "no temp files left behind"


def test_key_changes_with_config_data_and_vocab():
    src, tgt = data.source_vocab(), data.target_vocab()
    base = TINY.model_config(src, tgt)
    key = checkpoint.checkpoint_key(base, TINY.train.to_dict(), "1", src, tgt)
    assert key == checkpoint.checkpoint_key(base, TINY.train.to_dict(), "1", src, tgt)
    assert key != checkpoint.checkpoint_key(base, TINY.train.to_dict(), "2", src, tgt)
    assert key != checkpoint.checkpoint_key(
        base, {**TINY.train.to_dict(), "seed": 9}, "1", src, tgt
    )
    smaller = type(src)(src.tokens[5:])
    assert key != checkpoint.checkpoint_key(base, TINY.train.to_dict(), "1", smaller, tgt)


@pytest.mark.parametrize(
    "damage",
    ["truncate", "garbage", "empty", "wrong_key", "wrong_format", "wrong_shape", "nan"],
)
def test_bad_files_raise_checkpoint_error(tmp_path: Path, damage: str):
    ckpt = _checkpoint()
    path = tmp_path / "m.safetensors"
    checkpoint.save(ckpt, path)
    raw = path.read_bytes()
    expected = ckpt.key
    if damage == "truncate":
        path.write_bytes(raw[: len(raw) // 2])
    elif damage == "garbage":
        path.write_bytes(b"\x00\x01not a safetensors file" * 10)
    elif damage == "empty":
        path.write_bytes(b"")
    elif damage == "wrong_key":
        expected = "0" * 16
    else:
        tensors = load_file(str(path))
        with safe_open(str(path), framework="pt") as f:
            meta = dict(f.metadata())
        if damage == "wrong_format":
            meta["format"] = "mini-reasoner/0"
        elif damage == "wrong_shape":
            cfg = json.loads(meta["model"])
            meta["model"] = json.dumps({**cfg, "hidden": cfg["hidden"] * 2})
        else:
            tensors["readout.bias"] = torch.full_like(tensors["readout.bias"], float("nan"))
        save_file(tensors, str(path), metadata=meta)
    with pytest.raises(CheckpointError):
        checkpoint.load(path, expected)


def test_corrupt_cache_is_reported_and_retrained(tmp_path: Path, caplog):
    first = load_or_train(tmp_path, TINY)
    assert not first.from_cache and first.path is not None
    assert load_or_train(tmp_path, TINY).from_cache
    first.path.write_bytes(b"corrupt")
    again = load_or_train(tmp_path, TINY)
    assert not again.from_cache
    assert "ignoring the cached checkpoint" in caplog.text
    assert checkpoint.load(first.path, TINY.key()).key == TINY.key()


def test_unwritable_cache_serves_from_memory(tmp_path: Path, caplog):
    blocker = tmp_path / "a-file"
    blocker.write_text("the cache folder's parent is a file, so nothing can be written")
    loaded = load_or_train(blocker / "cache", TINY)
    assert loaded.path is None
    assert "could not write the model cache" in caplog.text
    assert loaded.checkpoint.model.num_parameters() > 0


def test_full_disk_serves_from_memory(tmp_path: Path, caplog, monkeypatch):
    import errno

    def no_space(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(checkpoint, "save_file", no_space)
    loaded = load_or_train(tmp_path, TINY)
    assert loaded.path is None
    assert "No space left on device" in caplog.text
    assert not list(tmp_path.glob("*.safetensors"))


class _Payload:
    """A pickle that creates a file when unpickled: proof that something ran it."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):
        return (Path.touch, (self.marker,))


def test_a_pickled_file_is_refused_and_never_run(tmp_path: Path):
    marker = tmp_path / "pickle-ran"
    path = tmp_path / "m.safetensors"
    torch.save({"weights": _Payload(marker)}, path)  # what a poisoned torch checkpoint looks like
    with pytest.raises(CheckpointError):
        checkpoint.load(path, TINY.key())
    assert not marker.exists()
