"""What a route needs, taken from the app it runs in (no module-level globals).

``async def`` on purpose: FastAPI runs plain ``def`` dependencies in its thread pool, a
thread hop per request for reading an attribute.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from engine.service import Engine
from engine.settings import Settings


async def _engine(request: Request) -> Engine:
    return request.app.state.engine


async def _settings(request: Request) -> Settings:
    return request.app.state.settings


EngineDep = Annotated[Engine, Depends(_engine)]
SettingsDep = Annotated[Settings, Depends(_settings)]
