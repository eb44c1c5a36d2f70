"""The network: shapes, the parameter budget, and that step decoding equals teacher forcing."""

import torch

from engine import data
from engine.decoding import pad_batch
from engine.model import ModelConfig, Seq2Seq
from engine.recipe import DEFAULT


def _model(**overrides) -> Seq2Seq:
    torch.manual_seed(0)
    src, tgt = data.source_vocab(), data.target_vocab()
    cfg = DEFAULT.model_config(src, tgt)
    return Seq2Seq(ModelConfig(**{**cfg.to_dict(), **overrides})).eval()


def test_default_model_is_under_two_million_parameters():
    assert _model().num_parameters() < 2_000_000


def test_shapes():
    model = _model()
    src, lengths = pad_batch([[5, 6, 7], [8, 9]])
    tgt_in = torch.tensor([[2, 10, 11, 12], [2, 13, 14, 0]])
    memory, state = model.encode(src, lengths)
    logits, weights, after = model.decode(tgt_in, memory, state)
    assert logits.shape == (2, 4, model.cfg.tgt_vocab)
    assert weights.shape == (2, 4, 3)
    assert torch.allclose(weights.sum(-1), torch.ones(2, 4))
    assert weights[1, :, 2].abs().max() == 0  # padding gets no attention
    assert after.keys.shape[2] == 4 and after.mask.all()


@torch.no_grad()
def test_step_by_step_decoding_equals_teacher_forcing():
    """Generation reuses decode() one step at a time; it must compute exactly the same thing."""
    model = _model()
    src, lengths = pad_batch([[5, 6, 7, 8], [9, 10]])
    tgt_in = torch.tensor([[2, 20, 21, 22, 23], [2, 24, 25, 26, 27]])
    memory, state = model.encode(src, lengths)
    full, _, _ = model.decode(tgt_in, memory, state)
    steps = []
    for t in range(tgt_in.size(1)):
        logits, _, state = model.decode(tgt_in[:, t : t + 1], memory, state)
        steps.append(logits)
    assert torch.allclose(full, torch.cat(steps, dim=1), atol=1e-5)


@torch.no_grad()
def test_padding_does_not_change_a_row():
    model = _model()
    alone_src, alone_len = pad_batch([[9, 10]])
    batch_src, batch_len = pad_batch([[9, 10], [5, 6, 7, 8, 11, 12]])
    tgt = torch.tensor([[2, 20, 21]])
    a = model.decode(tgt, *model.encode(alone_src, alone_len))[0]
    b = model.decode(tgt.repeat(2, 1), *model.encode(batch_src, batch_len))[0][:1]
    assert torch.allclose(a, b, atol=1e-5)
