"""Batching pays: engine throughput alone vs. many concurrent requests, in one run.

Loads the model from the cache (trains it first if needed), then measures, for the same mix of
prompts: completions per second sequentially and with 1, 8, 64 and 256 requests in flight,
the batched/sequential ratio, time to first token at concurrency 1 (warm), p50/p99 latency per
level, and peak RSS. It also times one decoding step of the network alone at each batch size:
``level x step(1) / step(level)`` is the most any scheduler could gain at that level on this
CPU, the ceiling the measured ratio is to be read against. Prints figures; asserts nothing.

    python -m bench.engine_load                  # the default model
    python -m bench.engine_load --recipe small   # the quick seed-only model
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import statistics
import threading
import time

import torch

from engine.batching import init_torch_thread
from engine.cache import load_or_train
from engine.model import Seq2Seq
from engine.recipe import RECIPES
from engine.results import Completion
from engine.service import Engine
from engine.settings import Settings
from engine.slots import Slots

PROMPTS = [
    "What is 3 plus 4?",
    "what's 347 + 235?",
    "What is 3 minus 7?",
    "Is 7 even or odd?",
    "Which number is larger, 3 or 8?",
    "sort 12, 7, 300",
    "What comes after 4?",
    "What is 6 times 7?",
    "What is 3 plus 4 minus 2?",
    "What is the capital of France?",
]
LEVELS = (1, 8, 64, 256)


def percentile(values: list[float], p: int) -> float:
    if len(values) < 2:
        return values[0] if values else 0.0
    return statistics.quantiles(values, n=100, method="inclusive")[p - 1]


async def sequential(engine: Engine, n: int) -> tuple[float, list[float]]:
    latencies = []
    start = time.perf_counter()
    for i in range(n):
        t = time.perf_counter()
        await engine.complete(PROMPTS[i % len(PROMPTS)])
        latencies.append(time.perf_counter() - t)
    return n / (time.perf_counter() - start), latencies


async def concurrent(engine: Engine, level: int, n: int) -> tuple[float, list[float]]:
    """``n`` completions with ``level`` in flight at any time."""
    latencies: list[float] = []
    counter = iter(range(n))

    async def client() -> None:
        for i in counter:
            t = time.perf_counter()
            await engine.complete(PROMPTS[i % len(PROMPTS)])
            latencies.append(time.perf_counter() - t)

    start = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(level)))
    return n / (time.perf_counter() - start), latencies


async def first_token_ms(engine: Engine, rounds: int = 50) -> list[float]:
    times = []
    for i in range(rounds):
        async for event in engine.stream(PROMPTS[i % len(PROMPTS)]):
            if isinstance(event, Completion):
                times.append(event.timings.first_token_ms)
    return times


def step_ms(model: Seq2Seq, batch: int, history: int = 40, rounds: int = 300) -> float:
    """Median time of one decoding step for ``batch`` rows after ``history`` tokens, measured
    as the engine's decoder thread runs it (slot tensors, inference only, one intra-op
    thread), without the bookkeeping around it."""
    times: list[float] = []

    @torch.inference_mode()
    def run() -> None:
        init_torch_thread()
        slots = Slots(model.cfg)
        src = torch.randint(4, model.cfg.src_vocab, (batch, 12))
        slots.take(*model.encode(src, torch.full((batch,), 12)))
        for _ in range(history):
            prev, memory, state = slots.inputs(slice(0, batch))
            slots.advance(model.decode(prev, memory, state)[2])
        for _ in range(rounds):  # not advanced: every round is the step after ``history``
            start = time.perf_counter()
            model.decode(*slots.inputs(slice(0, batch)))
            times.append(time.perf_counter() - start)

    worker = threading.Thread(target=run)
    worker.start()
    worker.join()
    return statistics.median(times) * 1000


def print_ceilings(model: Seq2Seq) -> None:
    one = step_ms(model, 1)
    parts = []
    for level in LEVELS[1:]:
        cost = step_ms(model, level)
        parts.append(f"{level}: {cost:.2f} ms (ceiling {level * one / cost:.1f}x)")
    print(f"one decoding step, network alone: 1 row {one:.2f} ms; " + "; ".join(parts))


async def main(recipe_name: str, requests: int) -> None:
    settings = Settings()
    recipe = RECIPES[recipe_name].with_seed(settings.seed)
    loaded = load_or_train(settings.cache_dir, recipe)
    engine = Engine.from_checkpoint(loaded.checkpoint, settings)
    await sequential(engine, 20)  # warm up
    seq_rate, seq_lat = await sequential(engine, requests // 4)
    ttft = await first_token_ms(engine)
    print(f"model: {recipe_name} ({loaded.checkpoint.key}), {len(PROMPTS)} prompts in rotation")
    print(
        f"time to first token, concurrency 1, warm: p50 {percentile(ttft, 50):.2f} ms, "
        f"p99 {percentile(ttft, 99):.2f} ms"
    )
    print(f"{'mode':<16}{'req/s':>10}{'x seq':>8}{'p50 ms':>10}{'p99 ms':>10}")
    print(
        f"{'sequential':<16}{seq_rate:>10.1f}{1.0:>8.1f}"
        f"{percentile(seq_lat, 50) * 1000:>10.1f}{percentile(seq_lat, 99) * 1000:>10.1f}"
    )
    for level in LEVELS:
        rate, lat = await concurrent(engine, level, max(requests, level * 4))
        print(
            f"{f'concurrent {level}':<16}{rate:>10.1f}{rate / seq_rate:>8.1f}"
            f"{percentile(lat, 50) * 1000:>10.1f}{percentile(lat, 99) * 1000:>10.1f}"
        )
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS: {peak_mb:.0f} MB")
    await engine.close()
    print_ceilings(loaded.checkpoint.model)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--recipe", choices=sorted(RECIPES), default="default")
    parser.add_argument("--requests", type=int, default=800, help="completions per level")
    args = parser.parse_args()
    asyncio.run(main(args.recipe, args.requests))
