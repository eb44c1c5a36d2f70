"""The one settings object: environment variables (or a ``.env`` file), validated once.

Every front-end reads its options from here, so the README's table of variables is the whole
story. Secrets are ``SecretStr``: printing or logging the settings never shows them.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


def _default_cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "mini-reasoner"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="MINI_REASONER_", env_file=".env", extra="ignore", populate_by_name=True
    )

    cache_dir: Path = Field(default_factory=_default_cache_dir)
    recipe: Literal["default", "small"] = "default"  # which model (engine.recipe.RECIPES)
    seed: int = 0
    host: str = "127.0.0.1"
    port: int = Field(
        8000, ge=1, le=65535, validation_alias=AliasChoices("PORT", "MINI_REASONER_PORT")
    )
    cors_origins: str = "*"  # comma-separated origins, or * for any
    max_prompt_chars: int = Field(500, ge=1)
    max_body_bytes: int = Field(16_384, ge=256)
    max_batch: int = Field(256, ge=1)
    max_queue: int = Field(1024, ge=1)
    log_level: str = "INFO"
    discord_token: SecretStr | None = Field(
        None, validation_alias=AliasChoices("DISCORD_TOKEN", "MINI_REASONER_DISCORD_TOKEN")
    )
    discord_guild_id: int | None = Field(
        None, validation_alias=AliasChoices("DISCORD_GUILD_ID", "MINI_REASONER_DISCORD_GUILD_ID")
    )

    @property
    def cors_origin_list(self) -> list[str]:
        return [o.strip() for o in self.cors_origins.split(",") if o.strip()]
