"""Training: determinism, sharded gradients, progress reports, early stopping."""

from dataclasses import replace

import pytest
import torch

from engine.model import Seq2Seq
from engine.recipe import TINY
from engine.train import Batches, Progress, ShardedGradients, TrainConfig, train


def _train(cfg: TrainConfig, on_progress=None):
    src, tgt = TINY.vocabs()
    return train(TINY.model_config(src, tgt), cfg, src, tgt, on_progress)


def test_same_seed_gives_the_same_weights():
    cfg = replace(TINY.train, max_steps=12, eval_every=6)
    a, b = _train(cfg).model.state_dict(), _train(cfg).model.state_dict()
    assert all(torch.equal(a[k], b[k]) for k in a)
    c = _train(replace(cfg, seed=1)).model.state_dict()
    assert not all(torch.equal(a[k], c[k]) for k in a)


def test_progress_reports_every_step_and_evaluations():
    seen: list[Progress] = []
    cfg = replace(TINY.train, max_steps=8, eval_every=4)
    result = _train(cfg, seen.append)
    assert [p.step for p in seen] == list(range(1, 9))
    assert [p.step for p in seen if p.report is not None] == [4, 8]
    assert seen[-1].fraction == 1.0
    assert all(p.loss > 0 for p in seen)
    assert result.steps == 8


def test_loss_goes_down():
    seen: list[Progress] = []
    _train(replace(TINY.train, max_steps=60, eval_every=60), seen.append)
    assert seen[-1].loss < seen[0].loss * 0.8


def test_sharded_gradients_equal_the_whole_batch_gradients():
    src, tgt = TINY.vocabs()
    model = Seq2Seq(TINY.model_config(src, tgt))
    batch = next(iter(Batches(replace(TINY.train, batch_size=9), src, tgt)))
    grads = {}
    for shards in (1, 2, 4):
        with ShardedGradients(model, shards) as gradients:
            loss = gradients(batch)
        grads[shards] = (loss, [p.grad.clone() for p in model.parameters()])
    whole_loss, whole = grads[1]
    for loss, sharded in (grads[2], grads[4]):
        assert loss == pytest.approx(whole_loss, rel=1e-5)
        assert all(torch.allclose(a, b, atol=1e-6) for a, b in zip(whole, sharded, strict=True))
    assert any(g.abs().sum() > 0 for g in whole)
