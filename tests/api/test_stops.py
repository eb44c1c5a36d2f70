"""Stop sequences: the text ends just before the first one, however tokens split it."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from api.stops import Piece, StopScanner


def run(texts: list[str], stops: list[str]) -> tuple[str, bool, list[str]]:
    """Feed ``texts`` as tokens; return the text sent, whether it stopped, and each send."""
    scanner, sent, batches = StopScanner(stops), [], []
    for text in texts:
        ready, stopped = scanner.feed(Piece(text, text.strip(), 0.5))
        batches.append("".join(p.text for p in ready))
        sent += ready
        if stopped:
            return "".join(p.text for p in sent), True, batches
    sent += scanner.flush()
    return "".join(p.text for p in sent), False, batches


def test_without_stops_every_piece_goes_out_at_once() -> None:
    assert run(["first", ",", " 3"], []) == ("first, 3", False, ["first", ",", " 3"])


def test_text_ends_before_the_stop_sequence() -> None:
    text, stopped, _ = run(["first", ",", " compute", " 3", " +", " 4"], [" compute"])
    assert (text, stopped) == ("first,", True)


def test_a_stop_split_across_tokens_is_held_back_then_cut() -> None:
    text, stopped, batches = run(["the", " ans", "wer", " is", " 7"], ["answer is"])
    assert (text, stopped) == ("the ", True)
    assert batches == ["the", "", "", " "]  # " ans", " answer" might begin it: held


def test_a_false_start_is_released() -> None:
    text, stopped, batches = run(["the", " ans", "t", " is"], ["answer"])
    assert (text, stopped) == ("the anst is", False)
    assert batches == ["the", "", " anst", " is"]


@given(
    st.lists(st.text(alphabet="ab ,.", min_size=1, max_size=3), max_size=12),
    st.lists(st.text(alphabet="ab ,.", min_size=1, max_size=4), max_size=3),
)
def test_result_is_the_text_up_to_the_first_stop(texts: list[str], stops: list[str]) -> None:
    """Generation ends with the first token that completes a stop sequence (a longer stop
    that began earlier but is not complete yet never will be); the text ends where the
    earliest stop found so far begins."""
    expected = ("".join(texts), False)
    for end in range(1, len(texts) + 1):
        so_far = "".join(texts[:end])
        hits = [i for s in stops if (i := so_far.find(s)) >= 0]
        if hits:
            expected = (so_far[: min(hits)], True)
            break
    text, stopped, _ = run(texts, stops)
    assert (text, stopped) == expected


def test_a_stop_completed_first_wins_over_a_longer_one_begun_before_it() -> None:
    assert run([".", "b", " "], ["b", ".b "])[:2] == (".", True)
