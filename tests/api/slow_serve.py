"""``mini-reasoner serve`` whose model takes a while per decoding step (``test_serve.py``).

Each step of the decoder thread sleeps first, so an answer takes a second or two and a test
can signal the process while requests are provably in flight. Nothing else changes.

    python -m tests.api.slow_serve serve --recipe small --port 8000
"""

from __future__ import annotations

import sys
import time

from cli.main import main
from engine.batching import BatchDecoder

STEP_SECONDS = 0.05

_step = BatchDecoder._step


def _slow_step(self: BatchDecoder) -> None:
    time.sleep(STEP_SECONDS)
    _step(self)


if __name__ == "__main__":
    BatchDecoder._step = _slow_step  # type: ignore[method-assign]
    sys.exit(main(sys.argv[1:]))
