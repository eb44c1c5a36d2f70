"""Keep start-up's objects out of the garbage collector's way once the model serves.

Imports (torch, FastAPI, pydantic, discord.py), the model and the app leave about 250,000
objects that the cyclic garbage collector tracks. Under load, requests churn enough objects
that a full collection ran every few seconds, and each walked all of them: about 100 ms with
the whole process stopped (event loop, decoder and encoder alike), the longest stall the
server had. ``gc.freeze()`` moves what exists now to a generation that collections
skip. Frozen objects are still freed as usual when nothing refers to them; only reference
cycles among them would stay, and start-up's objects live as long as the server anyway.

Servers call this (``serve`` and each ``--workers`` process), not the engine: it changes the
whole process, which an application embedding the engine should decide for itself.
"""

from __future__ import annotations

import contextlib
import gc
import logging

from engine.errors import EngineNotReady
from engine.service import Engine

log = logging.getLogger(__name__)


def freeze_startup_objects() -> None:
    """Collect once, then freeze every object left."""
    gc.collect()
    gc.freeze()
    log.info(
        "froze %d start-up objects out of the garbage collector's rounds", gc.get_freeze_count()
    )


async def freeze_when_ready(engine: Engine) -> None:
    """Wait until ``engine`` serves (its model loaded or trained), then freeze start-up's
    objects; return without freezing if it never does."""
    with contextlib.suppress(EngineNotReady):
        await engine.wait_ready()
        freeze_startup_objects()
