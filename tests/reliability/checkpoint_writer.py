"""Writes checkpoints to one path, again and again, until it is killed (``test_faults.py``).

Version k of the checkpoint has every weight equal to k and says ``"version": k`` in its
metadata, so a reader can tell a whole file from one that mixes two writes. The model has the
small recipe's size (a few MB), so a write takes long enough to be caught in the middle.

    python -m tests.reliability.checkpoint_writer PATH
"""

from __future__ import annotations

import itertools
import sys
from pathlib import Path

import torch

from engine import checkpoint
from engine.checkpoint import Checkpoint
from engine.model import Seq2Seq
from engine.recipe import SMALL


def main(path: Path) -> None:
    src, tgt = SMALL.vocabs()
    model = Seq2Seq(SMALL.model_config(src, tgt))
    for version in itertools.count(1):
        with torch.no_grad():
            for weight in model.parameters():
                weight.fill_(version)
        checkpoint.save(Checkpoint(model, src, tgt, SMALL.key(), {"version": version}), path)
        print(version, flush=True)


if __name__ == "__main__":
    main(Path(sys.argv[1]))
