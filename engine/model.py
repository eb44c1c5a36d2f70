"""The network: a bidirectional GRU encoder, a GRU decoder, and two kinds of attention.

- Encoder attention (Luong's "general" score) lets each output step look at the prompt:
  that is how operands are copied and how the question is read.
- History attention lets each output step look back at what the decoder already wrote:
  that is how the final answer gathers the digits worked out step by step in the chain of
  thought, and how a step reads the two digits it is about to combine.

The decoder GRU reads only the previous output token; both attentions are computed from its
output afterwards (no input feeding). Teacher-forced training is therefore ONE GRU call over
the whole target, and generation reuses the very same :meth:`Seq2Seq.decode` one step at a
time, carrying a :class:`History` (the serving engine keeps it in slots: :mod:`engine.slots`).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Protocol

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
    heads: int = 2  # history-attention heads
    head_dim: int = 32

    def to_dict(self) -> dict[str, int]:
        return asdict(self)


@dataclass
class Memory:
    """What the encoder hands the decoder: attention keys and values, where real tokens are."""

    keys: Tensor  # (batch, src_len, hidden): values @ W of the score, once per prompt
    values: Tensor  # (batch, src_len, hidden)
    mask: Tensor  # (batch, src_len) True at real tokens


class History(Protocol):
    """The decoder's state between calls: GRU state plus the keys/values written so far.

    :class:`DecoderState` grows by concatenation (training, evaluation); the serving engine's
    :class:`~engine.slots.SlotHistory` writes one step in place into preallocated buffers.
    """

    hidden: Tensor  # (layers, batch, hidden)

    def extend(
        self, hidden: Tensor, keys: Tensor, values: Tensor
    ) -> tuple[Tensor, Tensor, Tensor, History]:
        """Add new steps' keys/values (batch, heads, steps, head_dim); return every key and
        value, which of them each new step may attend to (batch, steps, all steps), and the
        history after the new steps (with GRU state ``hidden``)."""
        ...


@dataclass
class DecoderState:
    """The GRU state plus keys/values of every step written so far (the history)."""

    hidden: Tensor  # (layers, batch, hidden)
    keys: Tensor  # (batch, heads, steps, head_dim)
    values: Tensor  # (batch, heads, steps, head_dim)
    mask: Tensor  # (batch, steps) True at real steps

    def extend(
        self, hidden: Tensor, keys: Tensor, values: Tensor
    ) -> tuple[Tensor, Tensor, Tensor, DecoderState]:
        """Append the new steps; each may attend to the past and to the new steps before it."""
        batch, _, steps, _ = keys.shape
        past = self.mask.size(1)
        keys = torch.cat([self.keys, keys], dim=2)
        values = torch.cat([self.values, values], dim=2)
        mask = torch.cat([self.mask, torch.ones(batch, steps, dtype=torch.bool)], dim=1)
        causal = torch.ones(steps, past + steps, dtype=torch.bool).tril(diagonal=past)
        allowed = causal.unsqueeze(0) & mask.unsqueeze(1)  # (batch, steps, past + steps)
        return keys, values, allowed, DecoderState(hidden, keys, values, mask)


class Seq2Seq(nn.Module):
    def __init__(self, cfg: ModelConfig) -> None:
        super().__init__()
        self.cfg = cfg
        h, e, hd = cfg.hidden, cfg.embed, cfg.heads * cfg.head_dim
        self.src_embed = nn.Embedding(cfg.src_vocab, e, padding_idx=0)
        self.encoder = nn.GRU(e, h // 2, batch_first=True, bidirectional=True)
        self.bridge = nn.Linear(h, cfg.layers * h)
        self.tgt_embed = nn.Embedding(cfg.tgt_vocab, e, padding_idx=0)
        self.decoder = nn.GRU(e, h, num_layers=cfg.layers, batch_first=True)
        self.attn = nn.Linear(h, h, bias=False)  # W of the encoder attention score q^T W k
        self.hist_q = nn.Linear(h, hd, bias=False)
        self.hist_kv = nn.Linear(h + e, 2 * hd, bias=False)
        self.combine = nn.Linear(2 * h + hd, h)
        self.readout = nn.Linear(h, cfg.tgt_vocab)

    # --- encoder ----------------------------------------------------------------------------

    def encode(self, src: Tensor, lengths: Tensor) -> tuple[Memory, DecoderState]:
        """Encode padded ``src`` (batch, src_len); padding never influences the result."""
        packed = pack_padded_sequence(
            self.src_embed(src), lengths.cpu(), batch_first=True, enforce_sorted=False
        )
        out, last = self.encoder(packed)
        values, _ = pad_packed_sequence(out, batch_first=True, total_length=src.size(1))
        summary = torch.cat([last[0], last[1]], dim=-1)  # final forward and backward states
        hidden = torch.tanh(self.bridge(summary))
        hidden = hidden.view(-1, self.cfg.layers, self.cfg.hidden).transpose(0, 1).contiguous()
        keys = values @ self.attn.weight  # q^T W k = q^T (W k): W applied once per prompt
        return Memory(keys, values, src != 0), self._empty_state(hidden)

    def _empty_state(self, hidden: Tensor) -> DecoderState:
        batch = hidden.size(1)
        empty = hidden.new_zeros(batch, self.cfg.heads, 0, self.cfg.head_dim)
        return DecoderState(hidden, empty, empty, torch.zeros(batch, 0, dtype=torch.bool))

    # --- decoder ----------------------------------------------------------------------------

    def decode(
        self, tgt_in: Tensor, memory: Memory, state: History
    ) -> tuple[Tensor, Tensor, History]:
        """Run the decoder over ``tgt_in`` (batch, steps) after the history in ``state``.

        Returns logits (batch, steps, vocab), encoder attention (batch, steps, src_len) and the
        state after the last step.
        """
        emb = self.tgt_embed(tgt_in)
        out, hidden = self.decoder(emb, state.hidden)
        context, weights = self._encoder_attention(out, memory)
        history, state = self._history_attention(out, emb, state, hidden)
        features = torch.tanh(self.combine(torch.cat([out, context, history], dim=-1)))
        return self.readout(features), weights, state

    def _encoder_attention(self, out: Tensor, memory: Memory) -> tuple[Tensor, Tensor]:
        scores = out @ memory.keys.transpose(1, 2)
        scores = scores.masked_fill(~memory.mask.unsqueeze(1), float("-inf"))
        weights = scores.softmax(dim=-1)
        return weights @ memory.values, weights

    def _history_attention(
        self, out: Tensor, emb: Tensor, state: History, hidden: Tensor
    ) -> tuple[Tensor, History]:
        """Causal multi-head attention over every step so far (earlier calls included).

        A step's key and value come from its GRU output and its input token, i.e. the token
        written one step before: attending to a step reads back what was written.
        """
        batch, steps, _ = out.shape
        heads, dim = self.cfg.heads, self.cfg.head_dim
        kv = self.hist_kv(torch.cat([out, emb], dim=-1))
        kv = kv.view(batch, steps, 2, heads, dim).permute(2, 0, 3, 1, 4)
        keys, values, allowed, state = state.extend(hidden, kv[0], kv[1])
        q = self.hist_q(out).view(batch, steps, heads, dim).transpose(1, 2)
        scores = (q @ keys.transpose(2, 3)) / math.sqrt(dim)
        scores = scores.masked_fill(~allowed.unsqueeze(1), float("-inf"))
        mixed = scores.softmax(dim=-1) @ values  # (batch, heads, steps, dim)
        history = mixed.transpose(1, 2).reshape(batch, steps, heads * dim)
        return history, state

    def forward(self, src: Tensor, lengths: Tensor, tgt_in: Tensor) -> Tensor:
        """Teacher-forced logits for training."""
        memory, state = self.encode(src, lengths)
        logits, _, _ = self.decode(tgt_in, memory, state)
        return logits

    def num_parameters(self) -> int:
        return sum(p.numel() for p in self.parameters())
