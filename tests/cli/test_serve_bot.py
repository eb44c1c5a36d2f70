"""``serve`` with the Discord bot: one loop, one engine; the API never depends on Discord.

The services run as ``mini-reasoner serve`` runs them (``services`` + ``run_services``), on
a free port, over the real small engine. Discord's login and gateway are a local stand-in.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from pathlib import Path

import discord
import httpx
import pytest
from pydantic import SecretStr

from bots.client import ReasonerBot
from cli.serve import run_services, services
from engine.service import Engine
from engine.settings import Settings
from tests.api.helpers import free_port
from tests.bots.standins import DiscordStandIn, FakeInteraction

TOKEN = "MTIz.fake-token-for-tests.abc"


@contextlib.asynccontextmanager
async def serving(engine: Engine, settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    """Run serve's services in this loop; yield a client of its API; stop them after."""
    port = free_port()
    stop = asyncio.Event()
    task = asyncio.create_task(run_services(services(engine, settings, "127.0.0.1", port), stop))
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:
        for _ in range(200):
            with contextlib.suppress(httpx.TransportError):
                await client.get("/")
                break
            await asyncio.sleep(0.05)
        yield client
        assert not task.done(), "serve stopped on its own"
        stop.set()
        assert await asyncio.wait_for(task, 30) == 0


async def assert_api_answers(client: httpx.AsyncClient) -> None:
    response = await client.post("/api/complete", json={"prompt": "what is 3 plus 4?"})
    assert response.status_code == 200
    assert response.json()["completion"].endswith("therefore the answer is 7.")


def with_token(tmp_path: Path, token: str | None) -> Settings:
    secret = None if token is None else SecretStr(token)
    return Settings(cache_dir=tmp_path, discord_token=secret, _env_file=None)


async def test_without_a_token_serve_runs_the_api_and_logs_that_the_bot_is_off(
    engine: Engine, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO):
        async with serving(engine, with_token(tmp_path, None)) as api:
            assert (await api.get("/")).status_code == 200
            await assert_api_answers(api)
    assert "Discord bot is off: DISCORD_TOKEN is not set" in caplog.text


async def test_a_rejected_token_leaves_the_api_running(
    engine: Engine,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    DiscordStandIn(login_error=discord.LoginFailure("Improper token has been passed.")).install(
        monkeypatch
    )
    with caplog.at_level(logging.INFO):
        async with serving(engine, with_token(tmp_path, TOKEN)) as api:
            await assert_api_answers(api)
    assert "Discord bot is off: Discord rejected DISCORD_TOKEN" in caplog.text
    assert TOKEN not in caplog.text


async def test_with_a_token_serve_runs_the_api_and_the_bot_in_one_loop_on_one_engine(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    discord_ = DiscordStandIn().install(monkeypatch)
    async with serving(engine, with_token(tmp_path, TOKEN)) as api:
        await asyncio.wait_for(discord_.connected.wait(), 10)
        (bot,) = discord_.clients
        assert isinstance(bot, ReasonerBot)
        assert bot.engine is engine
        assert discord_.loops == [asyncio.get_running_loop()]
        await assert_api_answers(api)
        ask = bot.tree.get_command("ask")
        assert isinstance(ask, discord.app_commands.Command)
        interaction = FakeInteraction()
        await ask.callback(interaction, prompt="what is 3 plus 4?")  # type: ignore[call-arg]
        assert "therefore the answer is 7." in interaction.shown
        assert engine.traffic.by_source["api"] == 1
        assert engine.traffic.by_source["discord"] == 1
    assert bot.is_closed()  # serve's shutdown closed the bot


async def test_losing_discord_never_affects_the_api(
    engine: Engine,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    discord_ = DiscordStandIn().install(monkeypatch)
    with caplog.at_level(logging.INFO):
        async with serving(engine, with_token(tmp_path, TOKEN)) as api:
            await asyncio.wait_for(discord_.connected.wait(), 10)
            discord_.drop()
            for _ in range(100):
                if "Discord bot is off" in caplog.text:
                    break
                await asyncio.sleep(0.01)
            await assert_api_answers(api)
    assert "Discord bot is off: could not reach Discord" in caplog.text
