"""The app's plain parts: prompt history, Markdown export, heat map and status texts."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from engine.results import Options
from engine.service import Engine, Status
from tui.conversation import Conversation, default_export_path, write_export
from tui.history import PromptHistory
from tui.screens.help import skills
from tui.widgets.inspector import heat_map, shade, summary
from tui.widgets.status_line import count, describe_options
from tui.widgets.training import describe_progress


def test_history_walks_back_and_returns_to_the_draft():
    history = PromptHistory()
    for prompt in ("a", "b", "b", " "):
        history.add(prompt)
    assert history.entries == ["a", "b"]  # no repeats in a row, no blanks
    assert history.previous("draft") == "b"
    assert history.previous("b") == "a"
    assert history.previous("a") is None
    assert history.next() == "b"
    assert history.next() == "draft"
    assert history.next() is None


@given(st.lists(st.text(min_size=1).filter(str.strip), max_size=30), st.integers(1, 10))
def test_history_keeps_the_newest_entries(prompts: list[str], limit: int):
    history = PromptHistory(limit)
    for prompt in prompts:
        history.add(prompt)
    assert len(history.entries) <= limit
    if prompts:
        assert history.entries[-1] == prompts[-1]


def test_markdown_export_keeps_every_turn_and_its_outcome(tmp_path: Path):
    conversation = Conversation()
    done = conversation.add("what is 3 plus 4?", Options())
    done.text, done.state = "first, compute 3 + 4 = 7. therefore the answer is 7.", "done"
    stopped = conversation.add("what comes after 4?", Options())
    stopped.text, stopped.state = "first, count", "stopped"
    failed = conversation.add("is 7 even?", Options())
    failed.state, failed.error = "failed", "the model is busy, try again shortly"
    written = write_export(conversation, tmp_path, model="abc")  # a folder: default name
    text = written.read_text()
    assert written.parent == tmp_path.resolve() and written.suffix == ".md"
    assert text.startswith("# Mini Reasoner conversation\n\nModel: abc\n")
    assert "## 1. what is 3 plus 4?\n\nfirst, compute 3 + 4 = 7." in text
    assert "*stopped*" in text and "*failed: the model is busy, try again shortly*" in text


def test_default_export_name_is_dated():
    assert default_export_path(datetime(2025, 1, 31, 14, 25, 1)) == Path(
        "mini-reasoner-2025-01-31-142501.md"
    )


def test_shades_grow_with_attention():
    levels = [shade(w) for w in (0.0, 0.1, 0.3, 0.6, 0.9, 1.0)]
    assert levels == [" ", "░", "▒", "▓", "█", "█"]


async def test_heat_map_has_a_row_per_answer_token(engine: Engine):
    inspection = await engine.inspect("what is 3 plus zorp?")
    lines = heat_map(inspection).plain.splitlines()
    assert len(lines) == 1 + len(inspection.output_tokens)
    assert "zorp" in lines[0]
    assert "unknown words (in italics): zorp" in summary(inspection).plain


async def test_heat_map_marks_a_word_cut_to_fit_its_column(engine: Engine):
    inspection = await engine.inspect("which is largest, 3 or 8?")
    header = heat_map(inspection).plain.splitlines()[0]
    assert "large… " in header and "largest" not in header


def test_the_welcome_names_what_the_loaded_model_was_trained_for(engine: Engine):
    assert engine.info is not None
    seed_only = {f: 1.0 for f in ("addition", "subtraction", "parity", "ordering", "successor")}
    every = {**seed_only, "sorting": 1.0, "multiplication": 1.0, "multistep": 1.0}
    assert skills(replace(engine.info, accuracy=seed_only)) == (
        "sums, differences, even or odd, which is larger, what comes next"
    )
    assert skills(replace(engine.info, accuracy=every)) == (
        "sums, differences, even or odd, which is larger, sorting lists, what comes next, "
        "times tables, two-step sums"
    )


def test_status_texts():
    assert count(1_234_567) == "1.2M" and count(32_500) == "32k" and count(999) == "999"
    assert describe_options(Options()) == "greedy · max 128"
    assert describe_options(Options(temperature=0.7, top_k=5, max_tokens=64)) == (
        "temp 0.7 top-k 5 · max 64"
    )
    training = Status("training", "", 0.5, 150, 300, 1.234, 0.5, 75)
    assert describe_progress(training) == (
        "step 150 of 300 · loss 1.234 · held-out accuracy 50% · about 1:15 left"
    )
    assert describe_progress(Status("loading", "loading the model")) == "loading the model"
