"""The network: a bidirectional GRU encoder, a GRU decoder and Luong-style attention.

The decoder GRU reads only the previous output token; attention is computed from its output
afterwards (no input feeding). That keeps teacher-forced training to ONE GRU call over the
whole target, and lets generation reuse the very same :meth:`Seq2Seq.decode` one step at a time.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import torch
from torch import Tensor, nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence


@dataclass(frozen=True)
class ModelConfig:
    src_vocab: int
    tgt_vocab: int
    embed: int = 64
    hidden: int = 256  # decoder width; each encoder direction is half of it
    layers: int = 1  # decoder GRU layers

    def to_dict(self) -> dict[str, int]:
        return asdict(self)


@dataclass
class Memory:
    """What the encoder hands the decoder: attention keys/values, their mask, the first state."""

    values: Tensor  # (batch, src_len, hidden)
    mask: Tensor  # (batch, src_len) True where a real token is
    state: Tensor  # (layers, batch, hidden)


class Seq2Seq(nn.Module):
    def __init__(self, cfg: ModelConfig) -> None:
        super().__init__()
        self.cfg = cfg
        h = cfg.hidden
        self.src_embed = nn.Embedding(cfg.src_vocab, cfg.embed, padding_idx=0)
        self.encoder = nn.GRU(cfg.embed, h // 2, batch_first=True, bidirectional=True)
        self.bridge = nn.Linear(h, cfg.layers * h)
        self.tgt_embed = nn.Embedding(cfg.tgt_vocab, cfg.embed, padding_idx=0)
        self.decoder = nn.GRU(cfg.embed, h, num_layers=cfg.layers, batch_first=True)
        self.attn = nn.Linear(h, h, bias=False)  # "general" score: q^T W k
        self.combine = nn.Linear(2 * h, h)
        self.readout = nn.Linear(h, cfg.tgt_vocab)

    def encode(self, src: Tensor, lengths: Tensor) -> Memory:
        """Encode padded ``src`` (batch, src_len); padding never influences the result."""
        packed = pack_padded_sequence(
            self.src_embed(src), lengths.cpu(), batch_first=True, enforce_sorted=False
        )
        out, last = self.encoder(packed)
        values, _ = pad_packed_sequence(out, batch_first=True, total_length=src.size(1))
        summary = torch.cat([last[0], last[1]], dim=-1)  # final forward and backward states
        state = torch.tanh(self.bridge(summary))
        state = state.view(-1, self.cfg.layers, self.cfg.hidden).transpose(0, 1).contiguous()
        return Memory(values, src != 0, state)

    def decode(
        self, tgt_in: Tensor, memory: Memory, state: Tensor
    ) -> tuple[Tensor, Tensor, Tensor]:
        """Run the decoder over ``tgt_in`` (batch, steps) from ``state``.

        Returns logits (batch, steps, vocab), attention (batch, steps, src_len) and the new state.
        """
        out, state = self.decoder(self.tgt_embed(tgt_in), state)
        scores = self.attn(out) @ memory.values.transpose(1, 2)
        scores = scores.masked_fill(~memory.mask.unsqueeze(1), float("-inf"))
        weights = scores.softmax(dim=-1)
        context = weights @ memory.values
        logits = self.readout(torch.tanh(self.combine(torch.cat([out, context], dim=-1))))
        return logits, weights, state

    def forward(self, src: Tensor, lengths: Tensor, tgt_in: Tensor) -> Tensor:
        """Teacher-forced logits for training."""
        memory = self.encode(src, lengths)
        logits, _, _ = self.decode(tgt_in, memory, memory.state)
        return logits

    def num_parameters(self) -> int:
        return sum(p.numel() for p in self.parameters())
