"""Soak: the real server under a long mix of requests, with clients that leave mid-stream.

Starts the server (``mini-reasoner serve``'s services over one engine) in a child process on
a free port, warms it up, then sends ``--requests`` requests, ``--concurrency`` at a time:
``/api/complete``, its SSE stream, ``/v1/chat/completions`` (plain and streamed), and streams
the client leaves after the first token. Every answer is checked against the known answer of
its prompt. Prints outcomes by kind, p50/p99 latency, and the server's RSS, threads, asyncio
tasks and requests in flight at the start, after warm-up and at the end. Asserts nothing
(``tests/reliability/test_soak.py`` runs a short soak with assertions).

    python -m bench.soak --recipe small                      # 20,000 requests, 128 at once
    python -m bench.soak --requests 50000 --concurrency 256
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import json
import logging
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import httpx
import psutil

from engine.answer import final_answer

ROOT = Path(__file__).resolve().parents[1]

# Seed-style prompts with the answers every recipe's model gives (None: a polite decline).
PROMPTS: list[tuple[str, str | None]] = [
    ("what is 3 plus 4?", "7"),
    ("What is 3 minus 7?", "-4"),
    ("Is 7 even or odd?", "odd"),
    ("Which number is larger, 3 or 8?", "8"),
    ("What comes after 4?", "5"),
    ("what is 9 plus 8?", "17"),
    ("Is 6 even or odd?", "even"),
    ("Which number is smaller, 3 or 8?", "3"),
    ("what's 2 + 6?", "8"),
    ("What is the capital of France?", None),
]
# How often each kind of request is sent, in percent.
MIX = {"complete": 25, "stream": 20, "chat": 20, "chat-stream": 20, "leave": 15}

OK, LEFT, BUSY = "ok (right answer)", "left mid-stream (on purpose)", "busy (503, Retry-After)"
EXPECTED = (OK, LEFT, BUSY)


class Refused(Exception):
    """A status other than 200."""

    def __init__(self, status: int) -> None:
        super().__init__(status)
        self.status = status


class Broken(Exception):
    """A reply that came but is not whole: an error event, or pieces that do not add up."""


@dataclass
class Report:
    """Outcomes by kind and the latency of the requests answered."""

    requests: int = 0
    concurrency: int = 0
    seconds: float = 0.0
    outcomes: Counter[str] = field(default_factory=Counter)
    latencies: list[float] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)  # a few examples, for the report

    def percentile(self, p: int) -> float:
        if len(self.latencies) < 2:
            return self.latencies[0] if self.latencies else 0.0
        return statistics.quantiles(self.latencies, n=100, method="inclusive")[p - 1]

    @property
    def unexpected(self) -> Counter[str]:
        """Every outcome that is not a right answer, a deliberate leave or backpressure."""
        return Counter({k: n for k, n in self.outcomes.items() if k not in EXPECTED})


@dataclass
class Sample:
    """The server's process at one moment."""

    rss_mb: float
    threads: int
    tasks: int
    load: int  # requests the engine has in flight


def sample(load: int) -> Sample:
    """This process, now (after a garbage collection, so the figures compare)."""
    gc.collect()
    return Sample(
        rss_mb=psutil.Process().memory_info().rss / 2**20,
        threads=threading.active_count(),
        tasks=len(asyncio.all_tasks()),
        load=load,
    )


# --- the client side ---------------------------------------------------------------------------


async def drive(url: str, requests: int, concurrency: int, seed: int = 0) -> Report:
    """Send ``requests`` requests of the mix, ``concurrency`` at a time; tally what came back."""
    report = Report(requests=requests, concurrency=concurrency)
    rng = random.Random(seed)
    kinds = rng.choices(list(MIX), weights=list(MIX.values()), k=requests)
    numbers = iter(range(requests))
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)

    async def worker(client: httpx.AsyncClient) -> None:
        for i in numbers:
            prompt, expected = PROMPTS[i % len(PROMPTS)]
            start = time.perf_counter()
            outcome = await _one(client, kinds[i], prompt, expected)
            report.outcomes[outcome] += 1
            if outcome == OK:
                report.latencies.append(time.perf_counter() - start)
            elif outcome.startswith("wrong") and len(report.wrong) < 5:
                report.wrong.append(f"{kinds[i]}: {prompt!r} -> {outcome}")

    start = time.perf_counter()
    async with httpx.AsyncClient(base_url=url, limits=limits, timeout=60) as client:
        await asyncio.gather(*(worker(client) for _ in range(concurrency)))
    report.seconds = time.perf_counter() - start
    return report


async def _one(client: httpx.AsyncClient, kind: str, prompt: str, expected: str | None) -> str:
    try:
        if kind == "leave":
            await _leave(client, prompt)
            return LEFT
        answer = await _ask(client, kind, prompt)
    except Refused as exc:
        return BUSY if exc.status == 503 else f"HTTP {exc.status}"
    except Broken as exc:
        return f"broken reply: {exc}"
    except httpx.TimeoutException:
        return "timeout (60 s)"
    except httpx.HTTPError as exc:
        return f"transport error: {type(exc).__name__} ({kind}: {exc})"
    return OK if answer == expected else f"wrong answer: {answer!r}, expected {expected!r}"


async def _ask(client: httpx.AsyncClient, kind: str, prompt: str) -> str | None:
    """The final answer of one request of ``kind``, read as its client would."""
    chat = {"model": "mini-reasoner", "messages": [{"role": "user", "content": prompt}]}
    if kind == "complete":
        response = await client.post("/api/complete", json={"prompt": prompt})
        _check(response)
        return response.json()["answer"]
    if kind == "chat":
        response = await client.post("/v1/chat/completions", json=chat)
        _check(response)
        return final_answer(response.json()["choices"][0]["message"]["content"])
    if kind == "stream":
        text, done = "", None
        async for name, data in _events(client, "/api/complete/stream", {"prompt": prompt}):
            if name == "token":
                text += data["text"]
            elif name == "done":
                done = data
            else:
                raise Broken(f"event {name}: {data}")
        if done is None or done["completion"] != text:
            raise Broken("the tokens do not add up to the completion")
        return done["answer"]
    text, finished = "", False
    async for _, data in _events(client, "/v1/chat/completions", {**chat, "stream": True}):
        if data == "[DONE]":
            finished = True
        elif "error" in data:
            raise Broken(data["error"]["message"])
        else:
            text += data["choices"][0]["delta"].get("content") or ""
    if not finished:
        raise Broken("the stream ended without [DONE]")
    return final_answer(text)


async def _leave(client: httpx.AsyncClient, prompt: str) -> None:
    """Open a stream, read the first token, and hang up (as a closed browser tab does)."""
    async for name, data in _events(client, "/api/complete/stream", {"prompt": prompt}):
        if name != "token":
            raise Broken(f"event {name} before any token: {data}")
        return


async def _events(
    client: httpx.AsyncClient, path: str, body: dict[str, Any]
) -> AsyncIterator[tuple[str | None, Any]]:
    """(event name, data) of a Server-Sent Events reply; leaving early closes the connection."""
    async with client.stream("POST", path, json=body) as response:
        if response.status_code != 200:
            await response.aread()
            raise Refused(response.status_code)
        name = None
        async for line in response.aiter_lines():
            if line.startswith("event: "):
                name = line[7:]
            elif line.startswith("data: "):
                data = line[6:]
                yield name, data if data == "[DONE]" else json.loads(data)
                name = None


def _check(response: httpx.Response) -> None:
    if response.status_code != 200:
        raise Refused(response.status_code)


# --- the server side (a child process) ---------------------------------------------------------


async def serve(recipe: str, port: int) -> None:
    """``serve``'s services over one engine; SIGUSR1 prints a :class:`Sample` as a JSON line."""
    from cli.serve import run_services, services
    from engine.recipe import RECIPES
    from engine.service import Engine
    from engine.settings import Settings

    settings = Settings()
    engine = Engine(settings, RECIPES[recipe].with_seed(settings.seed))
    engine.start()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    loop.add_signal_handler(
        signal.SIGUSR1, lambda: print(json.dumps(asdict(sample(engine.load))), flush=True)
    )
    try:
        await run_services(services(engine, settings, "127.0.0.1", port), stop)
    finally:
        await engine.close()


class Server:
    """The child process serving the soak, and its samples."""

    def __init__(self, process: subprocess.Popen[str], url: str) -> None:
        self.process, self.url = process, url

    def sample(self) -> Sample:
        assert self.process.stdout is not None
        self.process.send_signal(signal.SIGUSR1)
        return Sample(**json.loads(self.process.stdout.readline()))

    async def drained(self) -> Sample:
        """A sample once the engine has nothing in flight (clients that left are let go)."""
        for _ in range(100):
            now = self.sample()
            if now.load == 0:
                return now
            await asyncio.sleep(0.1)
        return now


@contextlib.contextmanager
def server(recipe: str) -> Iterator[Server]:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {**os.environ, "MINI_REASONER_LOG_LEVEL": "WARNING", "DISCORD_TOKEN": ""}
    command = [sys.executable, "-m", "bench.soak", "--serve-port", str(port), "--recipe", recipe]
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)
    url = f"http://127.0.0.1:{port}"
    try:
        print("waiting for the server (the first start trains the model)...", flush=True)
        while not _healthy(url):
            if process.poll() is not None:
                raise SystemExit("the server exited before it was ready")
            time.sleep(0.5)
        yield Server(process, url)
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=60)


def _healthy(url: str) -> bool:
    with contextlib.suppress(httpx.TransportError):
        return httpx.get(f"{url}/").status_code == 200
    return False


# --- the report --------------------------------------------------------------------------------


async def run(recipe: str, requests: int, concurrency: int, warmup: int) -> None:
    with server(recipe) as srv:
        model = httpx.get(f"{srv.url}/").json()["model"]
        start = srv.sample()
        print(f"model {model['checkpoint']} ({recipe}), {model['parameters']:,} parameters")
        mix = ", ".join(f"{kind} {share}%" for kind, share in MIX.items())
        print(f"mix: {mix}; warm-up {warmup:,} requests\n")
        await drive(srv.url, warmup, concurrency, seed=1)
        warm = await srv.drained()
        report = await drive(srv.url, requests, concurrency)
        end = await srv.drained()
    print_report(report, [("start", start), ("after warm-up", warm), ("end", end)])


def print_report(report: Report, samples: list[tuple[str, Sample]]) -> None:
    rate = report.requests / report.seconds
    print(f"{report.requests:,} requests, {report.concurrency} at a time, ", end="")
    print(f"{report.seconds:.1f} s ({rate:.0f} requests/s)")
    print(f"\n{'outcome':<44} {'count':>8}")
    for outcome, count in sorted(report.outcomes.items(), key=lambda kv: -kv[1]):
        print(f"{outcome:<44} {count:>8,}")
    errors = sum(report.unexpected.values())
    print(f"{'errors (anything else)':<44} {errors:>8,}")
    for example in report.wrong:
        print(f"  e.g. {example}")
    p50, p99 = report.percentile(50) * 1000, report.percentile(99) * 1000
    print(f"\nlatency of answered requests: p50 {p50:.0f} ms, p99 {p99:.0f} ms")
    print(f"\n{'server':<16}" + "".join(f"{name:>15}" for name, _ in samples))
    for label, attr in [
        ("RSS MB", "rss_mb"),
        ("threads", "threads"),
        ("asyncio tasks", "tasks"),
        ("in flight", "load"),
    ]:
        values = "".join(f"{getattr(s, attr):>15.0f}" for _, s in samples)
        print(f"{label:<16}{values}")
    (_, warm), (_, end) = samples[-2], samples[-1]
    growth = (end.rss_mb - warm.rss_mb) / warm.rss_mb
    threads, tasks = end.threads - warm.threads, end.tasks - warm.tasks
    print(f"\nsince warm-up: RSS {growth:+.1%}, threads {threads:+d}, asyncio tasks {tasks:+d}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=20_000)
    parser.add_argument("--concurrency", type=int, default=128)
    parser.add_argument("--warmup", type=int, default=1_000, help="requests before measuring")
    parser.add_argument("--recipe", choices=["small", "default"], default="small")
    parser.add_argument("--serve-port", type=int, help=argparse.SUPPRESS)  # the child process
    args = parser.parse_args()
    if args.serve_port:
        logging.basicConfig(level=os.environ.get("MINI_REASONER_LOG_LEVEL", "WARNING"))
        asyncio.run(serve(args.recipe, args.serve_port))
        return
    asyncio.run(run(args.recipe, args.requests, args.concurrency, args.warmup))


if __name__ == "__main__":
    main()
