"""The slash commands, called with recorded interactions, over the real small engine."""

from __future__ import annotations

import asyncio
import itertools
import logging
from dataclasses import replace
from pathlib import Path

import pytest

from bots.commands import Commands
from bots.config import MESSAGE_LIMIT, BotConfig
from bots.replies import CUT_MARKER, GENERIC_FAILURE, WRITING_MARKER
from engine.checkpoint import Checkpoint
from engine.service import Engine
from engine.settings import Settings
from tests.bots.standins import FakeClock, FakeInteraction, not_found
from tests.faults import FAULT, BrokenModel, GatedModel, wrapped


def assert_discord_rules(interaction: FakeInteraction) -> None:
    """The first call is the initial response and every message fits in 2,000 characters."""
    assert interaction.kinds[0] in ("defer", "send")
    assert all(len(m) <= MESSAGE_LIMIT for m in interaction.messages)


async def test_ask_defers_first_then_answers_from_the_model(
    engine: Engine, config: BotConfig
) -> None:
    commands = Commands(engine, config)
    interaction = FakeInteraction()
    await commands.ask(interaction, "what is 3 plus 4?")
    assert_discord_rules(interaction)
    assert interaction.calls[0].kind == "defer" and interaction.calls[0].thinking
    assert not interaction.calls[0].ephemeral
    assert interaction.kinds[-1] == "edit"
    final = interaction.shown
    assert "therefore the answer is 7." in final
    assert final.endswith("answer: **7**")
    assert WRITING_MARKER not in final
    assert engine.traffic.by_source["discord"] == 1


async def test_a_decline_is_shown_as_the_model_wrote_it(engine: Engine, config: BotConfig) -> None:
    interaction = FakeInteraction()
    await Commands(engine, config).ask(interaction, "what is the capital of france?")
    assert_discord_rules(interaction)
    answer_line = interaction.shown.splitlines()[1]
    assert answer_line.startswith("sorry")
    assert "answer:" not in interaction.shown


async def test_edits_while_writing_are_throttled_and_the_marker_goes_at_the_end(
    engine: Engine,
) -> None:
    clock = FakeClock(step=0.3)  # every reading of the clock moves it on
    commands = Commands(engine, BotConfig(clock=clock, edit_interval=1.0))
    interaction = FakeInteraction(clock=clock)
    await commands.ask(interaction, "is 7 even or odd?")
    assert_discord_rules(interaction)
    edits = [c for c in interaction.calls if c.kind == "edit"]
    writing, final = edits[:-1], edits[-1]
    assert len(writing) >= 2
    assert all(e.content and e.content.endswith(WRITING_MARKER) for e in writing)
    times = [interaction.calls[0].at] + [e.at for e in edits[:-1]]
    assert all(later - earlier >= 1.0 for earlier, later in itertools.pairwise(times))
    assert final.content and WRITING_MARKER not in final.content
    assert "therefore the answer is odd." in final.content


async def test_a_long_reply_is_split_over_messages_within_the_limit(engine: Engine) -> None:
    config = BotConfig(clock=FakeClock(), message_limit=60, max_messages=5)
    interaction = FakeInteraction()
    await Commands(engine, config).ask(interaction, "what is 3 minus 7?")
    assert interaction.kinds[-1] == "followup"  # the reply, continued
    assert all(len(m) <= 60 for m in interaction.messages)
    assert not any(c.ephemeral for c in interaction.calls)
    shown = " ".join(interaction.shown.split())
    assert "therefore the answer is -4." in shown


async def test_what_does_not_fit_is_cut_visibly(engine: Engine) -> None:
    config = BotConfig(clock=FakeClock(), message_limit=60, max_messages=1)
    interaction = FakeInteraction()
    await Commands(engine, config).ask(interaction, "what comes after 4?")
    assert "followup" not in interaction.kinds
    assert interaction.shown.endswith(CUT_MARKER)
    assert all(len(m) <= 60 for m in interaction.messages)


async def test_cooldown_is_per_user_and_told_privately(engine: Engine) -> None:
    clock = FakeClock()
    commands = Commands(engine, BotConfig(clock=clock, cooldown_seconds=5.0))
    await commands.ask(FakeInteraction(user_id=1), "what is 3 plus 4?")
    clock.advance(2.0)
    again = FakeInteraction(user_id=1)
    await commands.ask(again, "what is 2 plus 2?")
    assert again.kinds == ["send"]
    assert again.calls[0].ephemeral
    assert "try again in 3 s" in (again.calls[0].content or "")
    other = FakeInteraction(user_id=2)
    await commands.ask(other, "what is 2 plus 2?")
    assert other.kinds[0] == "defer"
    clock.advance(3.0)
    later = FakeInteraction(user_id=1)
    await commands.ask(later, "what is 2 plus 2?")
    assert "therefore the answer is 4." in later.shown


async def test_a_server_gets_a_limited_number_of_answers_at_once(
    engine: Engine, config: BotConfig
) -> None:
    commands = Commands(engine, replace(config, guild_concurrency=1))
    first = FakeInteraction(user_id=1, guild_id=7)
    first.network.clear()  # hold the first /ask inside its defer
    running = asyncio.create_task(commands.ask(first, "what is 3 plus 4?"))
    while "defer" not in first.kinds:
        await asyncio.sleep(0)
    crowded = FakeInteraction(user_id=2, guild_id=7)
    await commands.ask(crowded, "what is 2 plus 2?")
    assert crowded.kinds == ["send"] and crowded.calls[0].ephemeral
    assert "This server already has 1 questions" in (crowded.calls[0].content or "")
    elsewhere = FakeInteraction(user_id=3, guild_id=8)
    await commands.ask(elsewhere, "what is 2 plus 2?")
    assert "therefore the answer is 4." in elsewhere.shown
    first.network.set()
    await running
    assert "therefore the answer is 7." in first.shown
    after = FakeInteraction(user_id=4, guild_id=7)
    await commands.ask(after, "what is 2 plus 2?")
    assert "therefore the answer is 4." in after.shown


async def test_an_unusable_prompt_is_refused_privately_without_a_cooldown(
    engine: Engine, config: BotConfig
) -> None:
    commands = Commands(engine, config)
    interaction = FakeInteraction()
    await commands.ask(interaction, "   ")
    assert interaction.kinds == ["send"] and interaction.calls[0].ephemeral
    assert "prompt must not be empty" in (interaction.calls[0].content or "")
    retry = FakeInteraction()
    await commands.ask(retry, "what is 3 plus 4?")
    assert "therefore the answer is 7." in retry.shown


async def test_a_busy_engine_gives_a_private_error_and_loses_nothing(
    small_checkpoint: Checkpoint,
    tmp_path: Path,
    config: BotConfig,
    caplog: pytest.LogCaptureFixture,
) -> None:
    settings = Settings(cache_dir=tmp_path, max_queue=1, _env_file=None)
    engine = Engine.from_checkpoint(small_checkpoint, settings)
    try:
        with wrapped(engine, GatedModel(engine._decoder.model)) as gate:
            commands = Commands(engine, config)
            first = FakeInteraction(user_id=1)
            in_flight = asyncio.create_task(commands.ask(first, "what is 3 plus 4?"))
            while engine.load == 0:
                await asyncio.sleep(0.01)
            busy = FakeInteraction(user_id=2)
            with caplog.at_level(logging.WARNING, logger="bots"):
                await commands.ask(busy, "what is 2 plus 2?")
            assert busy.kinds == ["defer", "delete", "followup"]
            assert busy.calls[-1].ephemeral
            assert "busy" in (busy.calls[-1].content or "")
            assert "the model is busy" in caplog.text
            gate.open()
            await in_flight
            assert "therefore the answer is 7." in first.shown
    finally:
        await engine.close()


async def test_a_failing_model_gives_a_private_error_and_logs_the_cause(
    engine: Engine, config: BotConfig, caplog: pytest.LogCaptureFixture
) -> None:
    commands = Commands(engine, config)
    interaction = FakeInteraction()
    with wrapped(engine, BrokenModel(engine._decoder.model)), caplog.at_level(logging.WARNING):
        await commands.ask(interaction, "what is 3 plus 4?")
    assert interaction.kinds == ["defer", "delete", "followup"]
    assert interaction.calls[-1].ephemeral
    assert interaction.calls[-1].content == GENERIC_FAILURE
    assert FAULT in caplog.text  # the cause, in the log only
    assert FAULT not in " ".join(interaction.messages)
    retry = FakeInteraction(user_id=2)
    await commands.ask(retry, "what is 3 plus 4?")
    assert "therefore the answer is 7." in retry.shown


async def test_when_discord_fails_mid_answer_the_bot_logs_it_and_frees_everything(
    engine: Engine, config: BotConfig, caplog: pytest.LogCaptureFixture
) -> None:
    commands = Commands(engine, replace(config, guild_concurrency=1))
    interaction = FakeInteraction()
    interaction.edit_error = not_found()  # the reply was deleted while the model wrote
    with caplog.at_level(logging.WARNING):
        await commands.ask(interaction, "what is 3 plus 4?")
    assert "/ask by user 1" in caplog.text and "Unknown Message" in caplog.text
    assert interaction.kinds == ["defer", "delete", "followup"]
    assert interaction.calls[-1].ephemeral and interaction.calls[-1].content == GENERIC_FAILURE
    assert engine.load == 0
    retry = FakeInteraction(user_id=2)  # same server: its slot was given back
    await commands.ask(retry, "what is 2 plus 2?")
    assert "therefore the answer is 4." in retry.shown


async def test_before_the_model_is_ready_ask_says_so_privately(
    settings: Settings, config: BotConfig
) -> None:
    engine = Engine(settings)  # never started: still loading
    interaction = FakeInteraction()
    await Commands(engine, config).ask(interaction, "what is 3 plus 4?")
    assert interaction.kinds == ["defer", "delete", "followup"]
    assert interaction.calls[-1].ephemeral
    assert "not ready yet" in (interaction.calls[-1].content or "")


async def test_help_lists_the_families_the_model_knows(engine: Engine, config: BotConfig) -> None:
    interaction = FakeInteraction()
    await Commands(engine, config).show_help(interaction)
    assert interaction.kinds == ["send"] and interaction.calls[0].ephemeral
    text = interaction.calls[0].content or ""
    assert "`what is 3 plus 4?`" in text and "`is 7 even or odd?`" in text
    assert "times" not in text  # the small model was not trained on multiplication
    assert_discord_rules(interaction)


async def test_help_while_loading_lists_every_family(settings: Settings, config: BotConfig) -> None:
    interaction = FakeInteraction()
    await Commands(Engine(settings), config).show_help(interaction)
    assert "`what is 6 times 7?`" in (interaction.calls[0].content or "")


async def test_about_shows_size_accuracy_training_and_uptime(
    engine: Engine, config: BotConfig
) -> None:
    await Commands(engine, config).ask(FakeInteraction(), "what is 3 plus 4?")
    interaction = FakeInteraction()
    await Commands(engine, config).show_about(interaction)
    assert interaction.kinds == ["send"] and interaction.calls[0].ephemeral
    text = interaction.calls[0].content or ""
    info = engine.info
    assert info is not None
    assert f"parameters: {info.parameters:,}" in text
    assert "addition 1" in text or "addition 9" in text  # a percentage, e.g. "addition 100.0%"
    assert f"{info.training_steps:,} steps" in text
    assert "uptime:" in text and "discord 1" in text
    assert_discord_rules(interaction)


async def test_about_while_training_shows_progress(settings: Settings, config: BotConfig) -> None:
    interaction = FakeInteraction()
    await Commands(Engine(settings), config).show_about(interaction)
    assert "starting" in (interaction.calls[0].content or "")
