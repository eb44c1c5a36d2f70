"""Stand-ins for Discord at the network boundary (Discord cannot be reached from CI).

:class:`FakeInteraction` is what the commands are called with: it keeps Discord's rules that
matter here (one initial response, edits and follow-ups only after it, at most 2,000
characters per message) and records every call in order. :class:`DiscordStandIn` replaces the
client's login and gateway connection. The engine behind the bot is always the real one.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from types import SimpleNamespace

import discord
import pytest

from bots.config import MESSAGE_LIMIT


class FakeClock:
    """A monotonic clock that moves ``step`` seconds each time it is read (or when told)."""

    def __init__(self, step: float = 0.0) -> None:
        self.now = 0.0
        self.step = step

    def __call__(self) -> float:
        now = self.now
        self.now += self.step
        return now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@dataclass(frozen=True)
class Call:
    """One thing the bot asked Discord to do."""

    kind: str  # "defer", "send", "edit", "delete" or "followup"
    content: str | None = None
    ephemeral: bool = False
    thinking: bool = False
    at: float = 0.0  # the fake clock's time when it happened


def not_found() -> discord.NotFound:
    """Discord's answer about a message that is gone (e.g. the user deleted it)."""
    return discord.NotFound(SimpleNamespace(status=404, reason="Not Found"), "Unknown Message")


def _too_long() -> discord.HTTPException:
    response = SimpleNamespace(status=400, reason="Bad Request")
    return discord.HTTPException(response, {"code": 50035, "message": "Invalid Form Body"})


class FakeResponse:
    def __init__(self, owner: FakeInteraction) -> None:
        self._owner = owner
        self._done = False

    def is_done(self) -> bool:
        return self._done

    def _respond(self) -> None:
        if self._done:
            raise discord.InteractionResponded(self._owner)  # type: ignore[arg-type]
        self._done = True

    async def defer(self, *, ephemeral: bool = False, thinking: bool = False) -> None:
        self._respond()
        self._owner.record(Call("defer", ephemeral=ephemeral, thinking=thinking))
        await self._owner.network.wait()

    async def send_message(self, content: str, *, ephemeral: bool = False) -> None:
        self._respond()
        self._owner.record(Call("send", content, ephemeral))


class FakeFollowup:
    def __init__(self, owner: FakeInteraction) -> None:
        self._owner = owner

    async def send(self, content: str, *, ephemeral: bool = False) -> None:
        self._owner.require_response()
        self._owner.record(Call("followup", content, ephemeral))


class FakeInteraction:
    """What the commands use of ``discord.Interaction``, recorded in :attr:`calls`.

    ``network`` is open by default; close it to hold the bot inside ``defer`` (a slow network).
    """

    def __init__(
        self, user_id: int = 1, guild_id: int | None = 100, clock: FakeClock | None = None
    ) -> None:
        self.user = SimpleNamespace(id=user_id)
        self.guild_id = guild_id
        self.clock = clock or FakeClock()
        self.calls: list[Call] = []
        self.edit_error: discord.HTTPException | None = None  # set: edits fail with it
        self.network = asyncio.Event()
        self.network.set()
        self.response = FakeResponse(self)
        self.followup = FakeFollowup(self)

    def record(self, call: Call) -> None:
        self.calls.append(
            Call(call.kind, call.content, call.ephemeral, call.thinking, self.clock.now)
        )
        if call.content is not None and len(call.content) > MESSAGE_LIMIT:
            raise _too_long()

    def require_response(self) -> None:
        if not self.response.is_done():
            raise not_found()

    async def edit_original_response(self, *, content: str) -> None:
        self.require_response()
        if self.edit_error is not None:
            raise self.edit_error
        self.record(Call("edit", content))

    async def delete_original_response(self) -> None:
        self.require_response()
        self.record(Call("delete"))

    # --- what tests read ---------------------------------------------------------------------

    @property
    def kinds(self) -> list[str]:
        return [c.kind for c in self.calls]

    @property
    def messages(self) -> list[str]:
        return [c.content for c in self.calls if c.content is not None]

    @property
    def shown(self) -> str:
        """The last content of the reply plus every follow-up: what the channel ends up with."""
        edits = [c.content for c in self.calls if c.kind == "edit" and c.content]
        follow = [c.content for c in self.calls if c.kind == "followup" and c.content]
        return "\n".join(edits[-1:] + follow)


class DiscordStandIn:
    """Stands in for Discord's login, gateway and command sync: records who connected, where.

    ``login_error`` makes the login fail as Discord would (a rejected token, no network);
    :meth:`drop` ends a connection as a network that stays down does.
    """

    def __init__(self, login_error: BaseException | None = None) -> None:
        self.login_error = login_error
        self.tokens: list[str] = []
        self.clients: list[discord.Client] = []
        self.loops: list[asyncio.AbstractEventLoop] = []
        self.synced: list[int | None] = []  # the guild of each command sync (None: global)
        self.connected = asyncio.Event()
        self._dropped = asyncio.Event()

    def install(self, monkeypatch: pytest.MonkeyPatch) -> DiscordStandIn:
        async def login(client: discord.Client, token: str) -> None:
            if self.login_error is not None:
                raise self.login_error
            self.tokens.append(token)
            await client.setup_hook()  # as discord.py's login does once logged in

        async def connect(client: discord.Client, *, reconnect: bool = True) -> None:
            self.clients.append(client)
            self.loops.append(asyncio.get_running_loop())
            self.connected.set()
            await self._dropped.wait()  # connected until cancelled or dropped
            raise OSError(101, "Network is unreachable")

        async def sync(
            tree: discord.app_commands.CommandTree, *, guild: discord.abc.Snowflake | None = None
        ) -> list[object]:
            self.synced.append(None if guild is None else guild.id)
            return []

        monkeypatch.setattr(discord.Client, "login", login)
        monkeypatch.setattr(discord.app_commands.CommandTree, "sync", sync)
        monkeypatch.setattr(discord.Client, "connect", connect)
        return self

    def drop(self) -> None:
        self._dropped.set()
