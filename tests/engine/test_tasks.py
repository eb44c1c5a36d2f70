import random

import pytest

from engine import tasks
from engine.answer import final_answer, is_decline
from engine.tasks import Problem, solve


@pytest.mark.parametrize(
    ("problem", "completion"),
    [
        (
            Problem("addition", "sum", (3, 4)),
            "first, compute 3 + 4 = 7. therefore the answer is 7.",
        ),
        (
            Problem("subtraction", "difference", (3, 7)),
            "first, compute 3 - 7 = -4. therefore the answer is -4.",
        ),
        (
            Problem("parity", "which", (7,)),
            "first, 7 divided by 2 leaves remainder 1, so 7 is odd. therefore the answer is odd.",
        ),
        (
            Problem("ordering", "max", (3, 8)),
            "first, compare 3 and 8: 3 < 8, so 8 is larger. therefore the answer is 8.",
        ),
        (
            Problem("successor", "next", (4,)),
            "first, count one up from 4: 4 + 1 = 5. therefore the answer is 5.",
        ),
        (
            Problem("multistep", "chain", (3, 4, 2), ("+", "-")),
            "first, 3 + 4 = 7. then 7 - 2 = 5. therefore the answer is 5.",
        ),
    ],
)
def test_seed_examples_match_the_design_table(problem, completion):
    assert solve(problem) == completion


def test_multi_digit_addition_shows_carry_steps():
    assert solve(Problem("addition", "sum", (347, 235))) == (
        "first, compute 347 + 235. ones: 7 + 5 = 12, carry 1. tens: 4 + 3 + 1 = 8. "
        "hundreds: 3 + 2 = 5. therefore the answer is 582."
    )


def test_sorting_groups_numbers_by_digit_count_then_orders_each_group():
    assert solve(Problem("sorting", "desc", (345, 12, 999, 7, 56))) == (
        "first, sort 345, 12, 999, 7, 56 from largest to smallest. "
        "3 digits: 345, 999, in order 999, 345. 2 digits: 12, 56, in order 56, 12. "
        "1 digit: 7. therefore the answer is 999, 345, 56, 12, 7."
    )


def test_yes_no_comparisons_state_how_the_first_number_relates():
    assert solve(Problem("ordering", "is_greater", (86, 653))) == (
        "first, compare 86 and 653: 86 has 2 digits and 653 has 3, so 86 is smaller than 653. "
        "therefore the answer is no."
    )


def test_subtraction_below_zero_compares_borrows_and_negates():
    assert solve(Problem("subtraction", "difference", (5, 12))) == (
        "first, compare 5 and 12: 5 has 1 digit and 12 has 2, so 5 is smaller. "
        "compute 12 - 5 and make it negative. "
        "ones: 12 - 5 = 7, borrow 1. tens: 1 - 1 - 0 = 0. therefore the answer is -7."
    )


def test_subtraction_says_which_number_is_larger_digit_by_digit():
    assert solve(Problem("subtraction", "difference", (603, 574))) == (
        "first, compare 603 and 574: hundreds 6 > 5, so 603 is larger. compute 603 - 574. "
        "ones: 13 - 4 = 9, borrow 1. tens: 10 - 1 - 7 = 2, borrow 1. hundreds: 6 - 1 - 5 = 0. "
        "therefore the answer is 29."
    )


def _truth(p: Problem) -> str:
    """An independent statement of each family's answer."""
    n = p.numbers
    if p.family == "addition":
        return str(n[0] + n[1])
    if p.family == "subtraction":
        return str(n[0] - n[1])
    if p.family == "multiplication":
        return str(n[0] * n[1])
    if p.family == "successor":
        return str(n[0] + (1 if p.variant == "next" else -1))
    if p.family == "parity":
        even = n[0] % 2 == 0
        return {
            "which": "even" if even else "odd",
            "is_even": "yes" if even else "no",
            "is_odd": "no" if even else "yes",
        }[p.variant]
    if p.family == "ordering":
        return {
            "max": str(max(n)),
            "min": str(min(n)),
            "is_greater": "yes" if n[0] > n[1] else "no",
            "is_less": "yes" if n[0] < n[1] else "no",
        }[p.variant]
    if p.family == "sorting":
        return ", ".join(map(str, sorted(n, reverse=p.variant == "desc")))
    if p.family == "multistep":
        value = n[0]
        for op, x in zip(p.ops, n[1:], strict=True):
            value = value + x if op == "+" else value - x
        return str(value)
    raise AssertionError(p.family)


@pytest.mark.parametrize("family", [f for f in tasks.FAMILIES if f != "out_of_scope"])
def test_solver_answers_agree_with_arithmetic(family):
    rng = random.Random(family)
    for _ in range(2000):
        variant = rng.choice(tasks.VARIANTS[family])
        problem = tasks.sample_problem(family, variant, rng)
        completion = solve(problem)
        assert completion.startswith("first, ")
        assert final_answer(completion) == _truth(problem), completion


def test_declines_never_give_an_answer():
    for variant in tasks.VARIANTS["out_of_scope"]:
        text = solve(Problem("out_of_scope", variant))
        assert is_decline(text)
        assert "the answer is" not in text


def test_numbers_stay_in_range():
    rng = random.Random(1)
    for _ in range(5000):
        for family in ("addition", "subtraction", "ordering", "parity", "successor", "sorting"):
            p = tasks.sample_problem(family, tasks.VARIANTS[family][0], rng)
            assert all(0 <= x <= tasks.MAX_NUMBER for x in p.numbers)
        seed = tasks.sample_problem("addition", "sum", rng, seed_range=True)
        assert seed.in_seed_range
        assert all(
            0 <= x <= 9 for x in tasks.sample_problem("multiplication", "product", rng).numbers
        )
