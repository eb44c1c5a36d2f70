"""What a route needs, taken from the app it runs in (no module-level globals)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from engine.service import Engine
from engine.settings import Settings


def _engine(request: Request) -> Engine:
    return request.app.state.engine


def _settings(request: Request) -> Settings:
    return request.app.state.settings


EngineDep = Annotated[Engine, Depends(_engine)]
SettingsDep = Annotated[Settings, Depends(_settings)]
