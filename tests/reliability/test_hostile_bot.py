"""Hostile input at the Discord bot's /ask, called with recorded interactions (tests/bots).

Discord checks an option's length before the bot sees it, but the bot must not rely on that.
Each prompt ends in a private refusal that says why, or in the public answer: the question
quoted on one line (so a prompt cannot forge lines of the bot's reply), then the model's text
exactly as the engine writes it. Every message fits Discord's limit; nothing fails.
"""

from __future__ import annotations

import asyncio
import itertools
import logging

import pytest
from discord.utils import escape_markdown
from hypothesis import HealthCheck, given, settings

from bots.commands import Commands
from bots.config import MESSAGE_LIMIT, BotConfig
from bots.replies import GENERIC_FAILURE, WRITING_MARKER
from engine.errors import InvalidRequest
from engine.service import Engine
from tests.bots.standins import FakeClock, FakeInteraction
from tests.reliability.hostile import check_completion, typed_text

CALL_TIMEOUT = 30.0
users = itertools.count(1)  # a new user per example: the per-user cooldown stays out of it


@pytest.fixture
def commands(engine: Engine) -> Commands:
    return Commands(engine, BotConfig(clock=FakeClock()))


@given(prompt=typed_text)
@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
async def test_ask_refuses_privately_or_answers_in_one_quoted_reply(
    engine: Engine, commands: Commands, prompt: str, caplog: pytest.LogCaptureFixture
) -> None:
    interaction = FakeInteraction(user_id=next(users))
    with caplog.at_level(logging.WARNING, logger="bots"):
        await asyncio.wait_for(commands.ask(interaction, prompt), CALL_TIMEOUT)
    assert not caplog.records, caplog.text  # neither a failure nor a Discord error
    assert all(len(m) <= MESSAGE_LIMIT for m in interaction.messages)
    try:
        engine.tokenize(prompt)
    except InvalidRequest as exc:
        [refusal] = interaction.calls
        assert (refusal.kind, refusal.ephemeral) == ("send", True)
        assert refusal.content == f"I can't take that question: {exc}."
        return
    assert interaction.calls[0].kind == "defer" and not interaction.calls[0].ephemeral
    reply = interaction.shown
    assert GENERIC_FAILURE not in reply and WRITING_MARKER not in reply
    completion = await engine.complete(prompt)  # greedy: the same text the bot was given
    check_completion(completion, 128)
    quote, text, *rest = reply.split("\n")
    assert quote.startswith("> ")
    assert text == escape_markdown(completion.text)
    answer = completion.answer
    assert rest == ([f"answer: **{escape_markdown(answer)}**"] if answer is not None else [])
    assert engine.load == 0
