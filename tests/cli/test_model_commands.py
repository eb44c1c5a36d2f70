"""``mini-reasoner train / eval / ask`` on the small model (loaded from the test cache)."""

from __future__ import annotations

from pathlib import Path

import pytest

from cli.main import main


@pytest.fixture(autouse=True)
def _cache(model_cache_dir: Path, small_checkpoint, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MINI_REASONER_CACHE_DIR", str(model_cache_dir))


def test_ask_prints_the_chain_of_thought(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "--recipe", "small", "What is 3 plus 4?"]) == 0
    out = capsys.readouterr().out
    assert "first, compute 3 + 4 = 7. therefore the answer is 7." in out
    assert "loaded model" in out and "training" not in out


def test_ask_rejects_an_empty_prompt(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["ask", "--recipe", "small", "   "]) == 2
    assert "prompt must not be empty" in capsys.readouterr().out


def test_train_loads_the_cached_model(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["train", "--recipe", "small"]) == 0
    assert "loaded model" in capsys.readouterr().out


def test_eval_prints_a_table_per_family(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["eval", "--recipe", "small", "--per-family", "20", "--show-failures", "3"])
    out = capsys.readouterr().out
    for family in ("addition", "subtraction", "parity", "ordering", "successor", "seed"):
        assert family in out
    assert code == (0 if "below target" not in out else 1)


def test_unknown_command_is_a_usage_error() -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["fly"])
    assert exit_.value.code == 2
