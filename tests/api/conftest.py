"""Fixtures: the app over the real small engine, in-process (httpx) and as a real server."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
import pytest_asyncio
from fastapi import FastAPI

from api import create_app
from engine.service import Engine
from engine.settings import Settings
from tests.api.helpers import client_for, running_server


@pytest.fixture
def app(engine: Engine, settings: Settings) -> FastAPI:
    return create_app(engine, settings, web_ui=None)


@pytest.fixture
async def client(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with client_for(app) as client:
        yield client


@pytest_asyncio.fixture(loop_scope="function")
async def server(engine: Engine, settings: Settings) -> AsyncIterator[str]:
    """A real server; in the test's own loop, which must run it while the test waits."""
    async with running_server(engine, settings) as url:
        yield url
