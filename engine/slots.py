"""The running batch's tensors, kept in slots that requests take and give back.

Concatenating newcomers onto the batch tensors and selecting rows out of them when requests
finish copies the whole batch each time: under load that cost the decoder a quarter of its
time. Here a request takes the lowest free slot and its rows are written in place; a request
that leaves gives its slot back and nothing moves. A step decodes slots ``[0, high)``: free
slots below the highest taken one are decoded too and ignored, and taking the lowest free slot
keeps them few.

Each slot writes its decoder history at its own position, one column per step, into buffers
that only grow, so a step appends without copying the history. Growth is bounded by the
batch size, the prompt limit and ``max_tokens``: for the default model and limits, at most
about 160 MB, most of it the prompts' attention keys and values. History attention does not
care where a step's key sits, only which columns are masked in, so this gives the same result
as :class:`~engine.model.DecoderState` (up to float rounding of masked-out zeros).
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import Tensor

from engine.model import DecoderState, Memory, ModelConfig
from engine.tokenizer import BOS_ID

FIRST_ROWS, FIRST_PROMPT, FIRST_HISTORY = 8, 16, 32  # buffer sizes before they first grow


@dataclass
class SlotHistory:
    """The decoder history of slots ``rows`` for one step: what ``Seq2Seq.decode`` extends."""

    slots: Slots
    rows: slice
    hidden: Tensor  # (layers, rows, hidden)

    def extend(
        self, hidden: Tensor, keys: Tensor, values: Tensor
    ) -> tuple[Tensor, Tensor, Tensor, SlotHistory]:
        """Write this step's keys and values (rows, heads, 1, dim) at each slot's position;
        return the keys, values and mask to attend over and the history after the step."""
        s, rows = self.slots, self.rows
        steps = s.steps[rows]
        first, last = min(steps), max(steps)
        if first == last:  # one position for all (always so for a request alone): plain slices
            where: tuple[slice | Tensor, int | Tensor] = (rows, first)
        else:
            where = (torch.arange(rows.start, rows.stop), torch.tensor(steps))
        s.keys[where[0], :, where[1]] = keys[:, :, 0]
        s.values[where[0], :, where[1]] = values[:, :, 0]
        s.history_mask[where] = True
        width = last + 1
        return (
            s.keys[rows, :, :width],
            s.values[rows, :, :width],
            s.history_mask[rows, :width].unsqueeze(1),
            SlotHistory(s, rows, hidden),
        )


class Slots:
    """Places for the running requests' encoder memory, decoder state and last token."""

    def __init__(self, cfg: ModelConfig) -> None:
        self.cfg = cfg
        self.taken: list[bool] = []
        self.prompt_len: list[int] = []  # per slot
        self.steps: list[int] = []  # decoding steps each slot's request has run
        self._allocate(FIRST_ROWS, FIRST_PROMPT, FIRST_HISTORY)

    @property
    def high(self) -> int:
        """One past the highest taken slot: a step decodes slots [0, high)."""
        for slot in range(len(self.taken) - 1, -1, -1):
            if self.taken[slot]:
                return slot + 1
        return 0

    # --- requests come and go ---------------------------------------------------------------

    def take(self, memory: Memory, state: DecoderState) -> list[int]:
        """Seat the encoded rows of ``memory`` and ``state``; return their slots, in order."""
        count, width = memory.mask.shape
        free = [slot for slot, taken in enumerate(self.taken) if not taken]
        while len(free) < count:
            free.append(len(self.taken))
            self.taken.append(False)
            self.prompt_len.append(0)
            self.steps.append(0)
        slots = free[:count]
        self._grow(len(self.taken), width, 0)
        contiguous = slots[-1] - slots[0] == count - 1
        where = slice(slots[0], slots[-1] + 1) if contiguous else torch.tensor(slots)
        self.memory_keys[where, :width] = memory.keys
        self.memory_values[where, :width] = memory.values
        self.memory_mask[where] = False
        self.memory_mask[where, :width] = memory.mask
        self.hidden[:, where] = state.hidden  # history_mask: empty, as give_back left it
        self.prev[where] = BOS_ID
        lengths = memory.mask.sum(dim=1).tolist()
        for slot, length in zip(slots, lengths, strict=True):
            self.taken[slot], self.prompt_len[slot], self.steps[slot] = True, length, 0
        return slots

    def give_back(self, slot: int) -> None:
        """Free ``slot``. It is decoded (and ignored) while it lies below a taken one, so it is
        left as a one-token prompt with an empty history (each step writes column 0): nothing
        of the request that left stays in the batch (a prompt that made the model fail must
        not fail later steps) and no row is all masked (no NaN)."""
        self.taken[slot], self.prompt_len[slot], self.steps[slot] = False, 1, 0
        self.memory_mask[slot] = False
        self.memory_mask[slot, 0] = True
        self.history_mask[slot] = False

    # --- one decoding step ------------------------------------------------------------------

    def inputs(self, rows: slice) -> tuple[Tensor, Memory, SlotHistory]:
        """Previous tokens, encoder memory and history of slots ``rows``, as views."""
        self._grow(len(self.taken), 0, max(self.steps[rows]) + 1)
        width = max(self.prompt_len[rows])
        memory = Memory(
            self.memory_keys[rows, :width],
            self.memory_values[rows, :width],
            self.memory_mask[rows, :width],
        )
        hidden = self.hidden[:, rows].contiguous()
        return self.prev[rows], memory, SlotHistory(self, rows, hidden)

    def advance(self, history: SlotHistory) -> None:
        """Keep a successful step of ``history``'s slots: its hidden state, one more step."""
        rows = history.rows
        self.hidden[:, rows] = history.hidden
        for slot in range(rows.start, rows.stop):
            if self.taken[slot]:
                self.steps[slot] += 1

    def set_next(self, tokens: Tensor) -> None:
        """The tokens slots ``[0, len(tokens))`` feed the decoder at the next step."""
        self.prev[: tokens.numel(), 0] = tokens

    # --- buffers ----------------------------------------------------------------------------

    def _allocate(self, rows: int, prompt: int, history: int) -> None:
        """Fresh buffers; every tensor attribute of Slots is one (``_grow`` copies them all)."""
        cfg = self.cfg
        self.memory_keys = torch.zeros(rows, prompt, cfg.hidden)
        self.memory_values = torch.zeros(rows, prompt, cfg.hidden)
        self.memory_mask = torch.zeros(rows, prompt, dtype=torch.bool)
        self.hidden = torch.zeros(cfg.layers, rows, cfg.hidden)
        self.keys = torch.zeros(rows, cfg.heads, history, cfg.head_dim)
        self.values = torch.zeros(rows, cfg.heads, history, cfg.head_dim)
        self.history_mask = torch.zeros(rows, history, dtype=torch.bool)
        self.prev = torch.full((rows, 1), BOS_ID, dtype=torch.long)

    def _grow(self, rows: int, prompt: int, history: int) -> None:
        """Make the buffers hold at least this many rows, prompt tokens and history steps
        (doubling, so growing is rare); contents are kept."""
        old_rows, old_prompt = self.memory_mask.shape
        old_history = self.history_mask.size(1)
        if rows <= old_rows and prompt <= old_prompt and history <= old_history:
            return
        old = {name: value for name, value in vars(self).items() if isinstance(value, Tensor)}
        self._allocate(
            _doubled(old_rows, rows), _doubled(old_prompt, prompt), _doubled(old_history, history)
        )
        for name, tensor in old.items():  # every buffer only grows: the old fits in a corner
            getattr(self, name)[tuple(slice(0, size) for size in tensor.shape)] = tensor


def _doubled(size: int, needed: int) -> int:
    while size < needed:
        size *= 2
    return size
