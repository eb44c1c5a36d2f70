"""The serving engine's slot tensors decode exactly what the plain decoder state decodes, while
requests join, leave and leave holes, and while every buffer grows past its first size."""

import torch

from engine.decoding import pad_batch
from engine.model import ModelConfig, Seq2Seq
from engine.slots import FIRST_HISTORY, FIRST_PROMPT, FIRST_ROWS, Slots
from engine.tokenizer import BOS_ID

STEPS = FIRST_HISTORY + 8  # histories grow past the first buffer


def _model() -> Seq2Seq:
    torch.manual_seed(0)
    return Seq2Seq(ModelConfig(30, 25, embed=16, hidden=32, heads=2, head_dim=8)).eval()


def _prompt(i: int) -> list[int]:
    length = FIRST_PROMPT + 5 if i == 3 else 2 + i % 7  # one prompt outgrows the buffer
    return [4 + (i * 7 + j) % 25 for j in range(length)]


def _tokens(i: int) -> list[int]:
    """The tokens request ``i`` feeds the decoder after <bos> (fixed, as if it had picked them)."""
    return [3 + (i * 5 + t * 3) % 20 for t in range(STEPS)]


@torch.no_grad()
def _alone(model: Seq2Seq, i: int) -> list[torch.Tensor]:
    """Logits of each step of request ``i`` decoded on its own with a DecoderState."""
    memory, state = model.encode(*pad_batch([_prompt(i)]))
    logits = []
    for token in [BOS_ID, *_tokens(i)[:-1]]:
        step, _, state = model.decode(torch.tensor([[token]]), memory, state)
        logits.append(step[0, -1])
    return logits


@torch.no_grad()
def test_slots_decode_like_each_request_alone():
    model = _model()
    slots = Slots(model.cfg)
    joins = {0: [0, 1, 2], 2: list(range(3, 3 + FIRST_ROWS)), 6: [20], 9: [21, 22]}
    # request ids; they leave holes below taken slots, and the oldest leave before the young
    leaves = {4: [1, 5], 8: [2], 12: [0], 20: [3, 4]}
    seated: dict[int, tuple[int, int]] = {}  # request -> (slot, steps done)
    alone = {i: _alone(model, i) for ids in joins.values() for i in ids}
    checked = 0
    for step in range(STEPS):
        for request in leaves.get(step, []):
            slots.give_back(seated.pop(request)[0])
        if step in joins:
            memory, state = model.encode(*pad_batch([_prompt(i) for i in joins[step]]))
            for request, slot in zip(joins[step], slots.take(memory, state), strict=True):
                seated[request] = (slot, 0)
        prev, memory, history = slots.inputs(slice(0, slots.high))
        logits, _, history = model.decode(prev, memory, history)
        slots.advance(history)
        for request, (slot, done) in seated.items():
            if done < STEPS:
                expected = alone[request][done]
                assert torch.allclose(logits[slot, -1], expected, atol=1e-5), (request, done)
                checked += 1
        tokens = [0] * slots.high  # free slots get any token
        for request, (slot, done) in seated.items():
            tokens[slot] = _tokens(request)[min(done, STEPS - 1)]
        slots.set_next(torch.tensor(tokens))
        seated = {r: (slot, done + 1) for r, (slot, done) in seated.items()}
    assert checked > 300
    assert slots.memory_mask.size(0) > FIRST_ROWS and slots.memory_mask.size(1) > FIRST_PROMPT


def test_a_newcomer_takes_the_lowest_free_slot():
    model = _model()
    slots = Slots(model.cfg)
    memory, state = model.encode(*pad_batch([[5, 6], [7], [8, 9, 10]]))
    assert slots.take(memory, state) == [0, 1, 2]
    slots.give_back(0)
    slots.give_back(2)
    assert slots.high == 2  # the freed top slot is not decoded any more; slot 0 still is
    memory, state = model.encode(*pad_batch([[11], [12], [13]]))
    assert slots.take(memory, state) == [0, 2, 3]
    assert slots.high == 4
