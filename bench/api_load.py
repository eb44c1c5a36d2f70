"""The cost of the model behind HTTP: GET / against POST /api/complete, many clients at once.

Starts ``mini-reasoner serve`` in a child process (or uses ``--url``), then drives each route
with ``--clients`` concurrent httpx clients for ``--seconds`` and prints requests per second,
p50 and p99 latency, and the ratio of the two throughputs. Prints figures; asserts nothing.

    python -m bench.api_load                      # the small model, 64 clients, 10 s per route
    python -m bench.api_load --recipe default     # the full model (trained first if needed)
    python -m bench.api_load --url http://host:8000
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import itertools
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
PROMPTS = [
    "What is 3 plus 4?",
    "what's 7 - 9?",
    "Is 6 even or odd?",
    "Which number is larger, 2 or 8?",
    "What comes after 5?",
    "How much is 8 + 1?",
    "Is 3 odd?",
    "What comes before 7?",
]
TARGET = 0.5  # the bar: /api/complete at >= 50% of GET / throughput


@dataclass
class Result:
    route: str
    latencies: list[float]
    errors: int
    seconds: float

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.seconds

    def percentile(self, p: int) -> float:
        if len(self.latencies) < 2:
            return self.latencies[0] if self.latencies else 0.0
        return statistics.quantiles(self.latencies, n=100, method="inclusive")[p - 1]

    def row(self) -> str:
        p50, p99 = self.percentile(50) * 1000, self.percentile(99) * 1000
        figures = f"{len(self.latencies):>9} {self.rate:>9.0f} {p50:>9.1f} {p99:>9.1f}"
        return f"{self.route:<28} {figures} {self.errors:>7}"


async def drive(
    url: str,
    method: str,
    path: str,
    body: Callable[[int], Any] | None,
    clients: int,
    seconds: float,
    *,
    expect: int = 200,
    label: str = "",
) -> Result:
    """``clients`` clients, each sending one request after another until time is up.

    A reply with another status than ``expect`` counts as an error. The clock starts once
    every client is connected (each has had one untimed reply): making 64 httpx clients takes
    the load generator most of a second, and a request already sent meanwhile waited for
    that, which made each client's first request the slowest 1% of the run.
    """
    latencies: list[float] = []
    errors = 0
    counter = itertools.count()
    connected = 0
    everyone_connected = asyncio.Event()
    started = deadline = 0.0

    async def client() -> None:
        nonlocal errors, connected, started, deadline
        async with httpx.AsyncClient(base_url=url, timeout=60) as http:
            await http.request(method, path, json=body(next(counter)) if body else None)
            connected += 1
            if connected == clients:  # the last one in starts the clock for all
                started = time.perf_counter()
                deadline = started + seconds
                everyone_connected.set()
            await everyone_connected.wait()
            while time.perf_counter() < deadline:
                payload = body(next(counter)) if body else None
                start = time.perf_counter()
                response = await http.request(method, path, json=payload)
                latencies.append(time.perf_counter() - start)
                errors += response.status_code != expect

    await asyncio.gather(*(client() for _ in range(clients)))
    return Result(label or f"{method} {path}", latencies, errors, time.perf_counter() - started)


async def run(url: str, clients: int, seconds: float) -> None:
    async with httpx.AsyncClient(base_url=url) as http:
        model = (await http.get("/")).json()["model"]
    print(f"model {model['checkpoint']}, {model['parameters']:,} parameters")
    print(f"{clients} concurrent clients, {seconds:g} s per route (after a short warm-up)\n")

    def complete(i: int) -> dict[str, str]:
        return {"prompt": PROMPTS[i % len(PROMPTS)]}

    await drive(url, "POST", "/api/complete", complete, clients, 1.0)  # warm-up
    print(f"{'route':<28} {'requests':>9} {'req/s':>9} {'p50 ms':>9} {'p99 ms':>9} {'errors':>7}")
    health = await drive(url, "GET", "/", None, clients, seconds)
    print(health.row())
    answers = await drive(url, "POST", "/api/complete", complete, clients, seconds)
    print(answers.row())
    # The same route and body parsing, but a prompt the engine turns away before the model
    # (422): what HTTP alone costs a POST, to tell it apart from the cost of the model.
    turned_away = await drive(
        url,
        "POST",
        "/api/complete",
        lambda _: {"prompt": " "},
        clients,
        seconds,
        expect=422,
        label="POST /api/complete (422)",
    )
    print(turned_away.row())
    ratio = answers.rate / health.rate
    verdict = "meets" if ratio >= TARGET else "below"
    print(f"\n/api/complete throughput = {ratio:.0%} of GET / ({verdict} the {TARGET:.0%} target)")
    print(
        f"without the model (422) it is {turned_away.rate / health.rate:.0%} of GET /: "
        "the rest is the model's"
    )


@contextlib.contextmanager
def server(recipe: str) -> Iterator[str]:
    """``mini-reasoner serve`` on a free port, quiet (warnings only), stopped with SIGTERM."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {**os.environ, "MINI_REASONER_LOG_LEVEL": "WARNING"}
    command = [sys.executable, "-m", "cli.main", "serve", "--port", str(port), "--recipe", recipe]
    process = subprocess.Popen(command, cwd=ROOT, env=env)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, process)
        yield url
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=60)


def _wait_healthy(url: str, process: subprocess.Popen[bytes]) -> None:
    print("waiting for the server (the first start trains the model)...", flush=True)
    while process.poll() is None:
        with contextlib.suppress(httpx.TransportError):
            if httpx.get(f"{url}/").status_code == 200:
                return
        time.sleep(0.5)
    raise SystemExit("the server exited before it was ready")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=64)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--recipe", choices=["small", "default"], default="small")
    parser.add_argument("--url", help="drive this running server instead of starting one")
    args = parser.parse_args()
    if args.url:
        asyncio.run(run(args.url, args.clients, args.seconds))
        return
    with server(args.recipe) as url:
        asyncio.run(run(url, args.clients, args.seconds))


if __name__ == "__main__":
    main()
