"""The task families and their ground truth.

A :class:`Problem` is what a prompt asks; :func:`solve` writes the chain of thought the model is
trained to produce, ending in ``therefore the answer is X.``. This solver only makes training data
and scores answers: nothing at serving time calls it.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from engine.answer import final_answer

FAMILIES = (
    "addition",
    "subtraction",
    "parity",
    "ordering",
    "sorting",
    "successor",
    "multiplication",
    "multistep",
    "out_of_scope",
)
SEED_FAMILIES = ("addition", "subtraction", "parity", "ordering", "successor")
MAX_NUMBER = 999

# Variants say which question a family's template asks.
VARIANTS = {
    "addition": ("sum",),
    "subtraction": ("difference",),
    "parity": ("which", "is_even", "is_odd"),
    "ordering": ("max", "min", "is_greater", "is_less"),
    "sorting": ("asc", "desc"),
    "successor": ("next", "prev"),
    "multiplication": ("product",),
    "multistep": ("chain",),
    "out_of_scope": ("general", "range"),
}

# What a model can do, as its declines say it, family by family (grouped for reading).
_SKILLS = (
    (("addition", "adding"), ("subtraction", "subtracting"), ("multiplication", "multiplying")),
    (("parity", "even or odd"),),
    (("ordering", "comparing"), ("sorting", "sorting")),
    (("successor", "counting up or down"),),
)
# Families that take only one-digit numbers even in a model of numbers up to 999.
_ONE_DIGIT_ONLY = (("multiplication", "multiply"), ("multistep", "chain"))


@dataclass(frozen=True)
class Scope:
    """What a model is trained to answer. Its declines name exactly that, so a model trained on
    a few families never offers the others, nor suggests a question it cannot answer."""

    families: tuple[str, ...] = FAMILIES
    one_digit: bool = False  # numbers 0-9 only: the seed's tasks

    def decline(self, variant: str) -> str:
        if variant == "general":
            return (
                f"sorry, i can only answer small number questions: {self._skills()}. "
                "try: what is 3 plus 4?"
            )
        if self.one_digit:
            limits, example = "from 0 to 9", "3 plus 4"
        else:
            digit_only = [v for f, v in _ONE_DIGIT_ONLY if f in self.families]
            only = f", and {' or '.join(digit_only)} only numbers from 0 to 9" if digit_only else ""
            limits, example = f"from 0 to 999{only}", "12 plus 34"
        return (
            f"sorry, that is outside what i can do: i work with whole numbers {limits}. "
            f"try: what is {example}?"
        )

    def _skills(self) -> str:
        groups = []
        for group in _SKILLS:
            words = [word for family, word in group if family in self.families]
            if words:
                groups.append(_and(words, comma=""))
        return _and(groups, comma=",")


FULL_SCOPE = Scope()


def _and(words: list[str], comma: str) -> str:
    """``a, b and c`` (``comma=","`` gives ``a, b, and c``)."""
    if len(words) < 2:
        return "".join(words)
    return f"{', '.join(words[:-1])}{comma} and {words[-1]}"


_PLACES = ("ones", "tens", "hundreds")


@dataclass(frozen=True)
class Problem:
    """One question: its family, the variant of question, and its numbers (and operators)."""

    family: str
    variant: str
    numbers: tuple[int, ...] = ()
    ops: tuple[str, ...] = ()

    @property
    def in_seed_range(self) -> bool:
        """True for the seed's tasks: one of the seed families with every number in 0-9."""
        return (
            self.family in SEED_FAMILIES
            and self.variant in VARIANTS[self.family]
            and all(n <= 9 for n in self.numbers)
        )


def expected_answer(problem: Problem) -> str | None:
    """The right final answer (None for out-of-scope problems)."""
    return final_answer(solve(problem))


def solve(problem: Problem, scope: Scope = FULL_SCOPE) -> str:
    """The full target completion for ``problem``, declined as a model of ``scope`` declines."""
    if problem.family == "out_of_scope":
        return scope.decline(problem.variant)
    steps, answer = _SOLVERS[problem.family](problem)
    return f"first, {steps} therefore the answer is {answer}."


def _digits(n: int) -> list[int]:
    """Digits of ``n``, ones first."""
    return [int(d) for d in reversed(str(n))]


def _addition(p: Problem) -> tuple[str, str]:
    a, b = p.numbers
    if a <= 9 and b <= 9:
        return f"compute {a} + {b} = {a + b}.", str(a + b)
    da, db = _digits(a), _digits(b)
    width = max(len(da), len(db))
    parts = [f"compute {a} + {b}."]
    carry = 0
    for i in range(width):
        x = da[i] if i < len(da) else 0
        y = db[i] if i < len(db) else 0
        total = x + y + carry
        expr = f"{x} + {y}" + (f" + {carry}" if carry else "")
        last = i == width - 1
        carry = 0 if last else total // 10
        parts.append(f"{_PLACES[i]}: {expr} = {total}" + (", carry 1." if carry else "."))
    return " ".join(parts), str(a + b)


def _subtraction(p: Problem) -> tuple[str, str]:
    a, b = p.numbers
    if a <= 9 and b <= 9:
        return f"compute {a} - {b} = {a - b}.", str(a - b)
    # Which number is larger decides the whole method: say why, digit by digit, as ordering does.
    compare = f"compare {a} and {b}: {_comparison(a, b)}"
    if a >= b:
        top, bottom = a, b
        verdict = "they are equal." if a == b else f"{a} is larger."
        parts = [f"{compare}{verdict} compute {a} - {b}."]
    else:
        top, bottom = b, a
        parts = [f"{compare}{a} is smaller. compute {b} - {a} and make it negative."]
    dt, db = _digits(top), _digits(bottom)
    borrow = 0
    for i, x in enumerate(dt):
        y = db[i] if i < len(db) else 0
        value = x - borrow - y
        left = f"1{x}" if value < 0 else str(x)
        expr = left + (f" - {borrow}" if borrow else "") + f" - {y}"
        borrow = 1 if value < 0 else 0
        parts.append(
            f"{_PLACES[i]}: {expr} = {value + 10 * borrow}" + (", borrow 1." if borrow else ".")
        )
    return " ".join(parts), str(a - b)


def _parity(p: Problem) -> tuple[str, str]:
    (a,) = p.numbers
    last = a % 10
    rem = last % 2
    kind = "odd" if rem else "even"
    step = f"{last} divided by 2 leaves remainder {rem}, so {a} is {kind}."
    if a > 9:
        step = f"the last digit of {a} is {last}. " + step
    answer = {
        "which": kind,
        "is_even": "no" if rem else "yes",
        "is_odd": "yes" if rem else "no",
    }[p.variant]
    return step, answer


def _ordering(p: Problem) -> tuple[str, str]:
    a, b = p.numbers
    big, small = max(a, b), min(a, b)
    if a == b:
        verdict = "they are equal."
    elif p.variant == "max":
        verdict = f"{big} is larger."
    elif p.variant == "min":
        verdict = f"{small} is smaller."
    else:  # a yes/no question about a: say how a relates to b, then match the question
        verdict = f"{a} is {'larger' if a > b else 'smaller'} than {b}."
    answer = {
        "max": str(big),
        "min": str(small),
        "is_greater": "yes" if a > b else "no",
        "is_less": "yes" if a < b else "no",
    }[p.variant]
    return f"compare {a} and {b}: {_comparison(a, b)}{verdict}", answer


def _comparison(a: int, b: int) -> str:
    """Why one number is larger: more digits, or the first digit where they differ."""
    da, db = str(a), str(b)
    if len(da) != len(db):
        unit = "digit" if len(da) == 1 else "digits"
        return f"{a} has {len(da)} {unit} and {b} has {len(db)}, so "
    if len(da) == 1:
        return f"{a} {_relation(a, b)} {b}, so "
    steps = []
    for i, (x, y) in enumerate(zip(da, db, strict=True)):
        steps.append(f"{_PLACES[len(da) - 1 - i]} {x} {_relation(int(x), int(y))} {y}")
        if x != y:
            break
    return ", ".join(steps) + ", so "


def _relation(x: int, y: int) -> str:
    return "=" if x == y else ("<" if x < y else ">")


def _sorting(p: Problem) -> tuple[str, str]:
    desc = p.variant == "desc"
    order = "from largest to smallest" if desc else "from smallest to largest"
    listed = ", ".join(map(str, p.numbers))
    ranked = sorted(p.numbers, reverse=desc)
    groups = []
    for width in sorted({len(str(n)) for n in p.numbers}, reverse=desc):
        # A group of several is first copied in the question's order, then put in order:
        # each step is then a short look back instead of a search through the whole question.
        found = ", ".join(str(n) for n in p.numbers if len(str(n)) == width)
        ordered = ", ".join(str(n) for n in ranked if len(str(n)) == width)
        members = ordered if "," not in found else f"{found}, in order {ordered}"
        groups.append(f"{width} {'digit' if width == 1 else 'digits'}: {members}.")
    answer = ", ".join(map(str, ranked))
    return f"sort {listed} {order}. " + " ".join(groups), answer


def _successor(p: Problem) -> tuple[str, str]:
    (a,) = p.numbers
    if p.variant == "next":
        return f"count one up from {a}: {a} + 1 = {a + 1}.", str(a + 1)
    return f"count one down from {a}: {a} - 1 = {a - 1}.", str(a - 1)


def _multiplication(p: Problem) -> tuple[str, str]:
    a, b = p.numbers
    return f"compute {a} × {b} = {a * b}.", str(a * b)


def _multistep(p: Problem) -> tuple[str, str]:
    a, b, c = p.numbers
    op1, op2 = p.ops
    first = a + b if op1 == "+" else a - b
    second = first + c if op2 == "+" else first - c
    return f"{a} {op1} {b} = {first}. then {first} {op2} {c} = {second}.", str(second)


_SOLVERS = {
    "addition": _addition,
    "subtraction": _subtraction,
    "parity": _parity,
    "ordering": _ordering,
    "sorting": _sorting,
    "successor": _successor,
    "multiplication": _multiplication,
    "multistep": _multistep,
}


def _number(rng: random.Random, max_digits: int = 3) -> int:
    """A number whose digit count is uniform, so one-digit numbers are as common as three-digit."""
    digits = rng.randint(1, max_digits)
    low = 0 if digits == 1 else 10 ** (digits - 1)
    return rng.randint(low, 10**digits - 1)


def sample_problem(
    family: str, variant: str, rng: random.Random, seed_range: bool = False
) -> Problem:
    """A random problem of ``family``/``variant``; ``seed_range`` keeps numbers in 0-9."""
    digits = 1 if seed_range else 3
    if family in ("addition", "subtraction", "ordering"):
        return Problem(family, variant, (_number(rng, digits), _number(rng, digits)))
    if family in ("parity", "successor"):
        return Problem(family, variant, (_number(rng, digits),))
    if family == "sorting":
        count = rng.randint(3, 5)
        return Problem(family, variant, tuple(_number(rng) for _ in range(count)))
    if family == "multiplication":
        return Problem(family, variant, (rng.randint(0, 9), rng.randint(0, 9)))
    if family == "multistep":
        numbers = tuple(rng.randint(0, 9) for _ in range(3))
        return Problem(family, variant, numbers, (rng.choice("+-"), rng.choice("+-")))
    if family == "out_of_scope":
        return Problem(family, variant)
    raise ValueError(f"unknown family {family!r}")
