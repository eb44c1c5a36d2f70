"""Help, settings, export, the inspector and the command palette, driven by their keys."""

from __future__ import annotations

from pathlib import Path

from textual.command import CommandList
from textual.widgets import DataTable, Input

from engine.results import Options
from engine.service import Engine
from tests.tui.conftest import running
from tui.screens.export import ExportScreen
from tui.screens.help import HelpScreen
from tui.screens.settings import SettingsScreen
from tui.widgets.inspector import SHADES, Inspector
from tui.widgets.prompt_input import PromptInput


async def test_help_lists_the_families_and_tries_an_example(engine: Engine):
    async with running(engine) as s:
        await s.pilot.press("f1")
        assert isinstance(s.app.screen, HelpScreen)
        table = s.app.screen.query_one(DataTable)
        rows = [table.get_row_at(i) for i in range(table.row_count)]
        addition = next(r for r in rows if r[0] == "addition")
        assert addition[1] == "What is 3 plus 4?"
        assert addition[2] == f"{engine.info.accuracy['addition']:.0%}"
        assert next(r for r in rows if r[0] == "multiplication")[2] == "-"  # not in SMALL
        await s.pilot.press("enter")  # the first row: addition
        assert not isinstance(s.app.screen, HelpScreen)
        assert s.app.screen.query_one(PromptInput).value == "What is 3 plus 4?"
        await s.pilot.press("enter")
        await s.settled()
        assert s.chat.conversation.last.answer == "7"


async def test_settings_change_the_next_answers_and_reject_bad_values(engine: Engine):
    async with running(engine) as s:
        await s.pilot.press("f3")
        assert isinstance(s.app.screen, SettingsScreen)
        s.app.screen.query_one("#temperature", Input).value = "3"
        await s.pilot.press("enter")
        assert isinstance(s.app.screen, SettingsScreen)  # still open, value kept
        assert "temperature must be between 0 and 2" in str(
            s.app.screen.query_one(".error").render()
        )
        s.app.screen.query_one("#temperature", Input).value = "0.5"
        s.app.screen.query_one("#top_k", Input).value = "5"
        s.app.screen.query_one("#max_tokens", Input).value = "3"
        await s.pilot.click("#save")
        assert s.chat.options == Options(max_tokens=3, temperature=0.5, top_k=5)
        await s.ask("what is 3 plus 4?")
        turn = s.chat.conversation.last
        assert turn.truncated and turn.completion.completion_tokens == 3
        assert turn.options.seed is not None  # sampled answers can be replayed exactly


async def test_escape_leaves_settings_unchanged(engine: Engine):
    async with running(engine) as s:
        await s.pilot.press("f3")
        s.app.screen.query_one("#temperature", Input).value = "1"
        await s.pilot.press("escape")
        assert s.chat.options == Options()


async def test_export_writes_markdown_where_asked(engine: Engine, tmp_path: Path):
    async with running(engine) as s:
        await s.pilot.press("ctrl+s")
        assert s.noticed("nothing to export yet")
        await s.ask("what is 3 plus 4?")
        await s.pilot.press("ctrl+s")
        assert isinstance(s.app.screen, ExportScreen)
        path = s.app.screen.query_one("#path", Input)
        path.value = str(tmp_path / "missing" / "chat.md")
        await s.pilot.press("enter")
        assert isinstance(s.app.screen, ExportScreen)  # a clear error, the path kept
        assert "could not save" in str(s.app.screen.query_one(".error").render())
        path.value = str(tmp_path / "chat.md")
        await s.pilot.press("enter")
        assert not isinstance(s.app.screen, ExportScreen)
        text = (tmp_path / "chat.md").read_text()
        assert "## 1. what is 3 plus 4?" in text
        assert "therefore the answer is 7." in text and "*answer: 7*" in text
        assert s.noticed(str(tmp_path / "chat.md"))


async def test_inspector_toggles_and_draws_the_last_answer(engine: Engine):
    async with running(engine) as s:
        await s.pilot.press("f2")
        inspector = s.app.screen.query_one(Inspector)
        assert inspector.display
        assert "no answer to inspect yet" in str(inspector.query_one(".summary").render())
        await s.ask("what is 3 plus 4?")
        await s.settled()  # the inspection follows the answer
        turn = s.chat.conversation.last
        assert turn.inspection is not None
        assert turn.inspection.completion.text == turn.text  # the same answer, replayed
        drawn = str(inspector.query_one(".map").render()).splitlines()
        assert drawn[0].split()[:3] == ["what", "is", "3"]
        assert len(drawn) == 1 + len(turn.inspection.output_tokens)
        assert any(shade in "".join(drawn[1:]) for shade in SHADES[1:])
        assert drawn[1].startswith(turn.inspection.output_tokens[0])
        assert drawn[1].rstrip().endswith("%")
        assert "mean confidence" in str(inspector.query_one(".summary").render())
        await s.pilot.press("f2")
        assert not inspector.display


async def test_command_palette_runs_chat_actions(engine: Engine):
    async with running(engine) as s:
        await s.pilot.press("ctrl+p")
        await s.pilot.press(*"inspect")
        hits = s.app.screen.query_one(CommandList)
        await s.until(lambda: hits.option_count > 0 and hits.highlighted is not None)
        assert "Inspect" in str(hits.get_option_at_index(0).prompt)
        await s.pilot.press("enter")
        await s.pilot.pause()
        assert s.app.screen.query_one(Inspector).display
