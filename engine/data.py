"""Synthetic examples: problems rendered through phrasing templates, and the vocabularies.

Training draws only from training templates and fillers; evaluation only from held-out ones
(:data:`TRAIN` / :data:`HELDOUT`). Everything is driven by a seeded ``random.Random`` so the
same seed gives the same data.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterator
from dataclasses import dataclass

from engine import phrasings, tasks, tokenizer
from engine.phrasings import OPERATOR_VERBS, OPERATOR_WORDS, POLAR, SYNONYMS
from engine.tokenizer import UNK, Vocab

DATA_VERSION = "6"
TRAIN, HELDOUT = "train", "heldout"
SEED_SHARE = 0.25  # extra share of one-digit problems in the seed's families

# How often each family is drawn in training: harder families get more examples.
MIX: dict[str, float] = {
    "addition": 0.15,
    "subtraction": 0.17,
    "parity": 0.06,
    "ordering": 0.10,
    "sorting": 0.14,
    "successor": 0.07,
    "multiplication": 0.07,
    "multistep": 0.10,
    "out_of_scope": 0.14,
}
_PUNCTUATION = "!?.,:;()-+*/=<>^%#$&@~'\"×"
_SLOT = re.compile(r"\[(~?\w+)\]|\{(\w+)\}")
_VARIANT = re.compile(r"^\(([\w|]+)\) ")
_GIBBERISH_LETTERS = "bcdfghjklmnpqrstvwxz" * 2 + "aeiouy"
_SYMBOLS = "#$%&@~^*<>|\\/!?😀🤖🔥✨🙂"


@dataclass(frozen=True)
class Example:
    prompt: str
    completion: str
    problem: tasks.Problem


def _split_variant(template: str) -> tuple[list[str], str]:
    match = _VARIANT.match(template)
    if match is None:
        raise ValueError(f"template without a variant: {template!r}")
    return match.group(1).split("|"), template[match.end() :]


def templates_for(family: str, variant: str, split: str) -> list[str]:
    """The bodies of ``family``'s templates that can ask ``variant``, in ``split``."""
    pool = getattr(phrasings.TEMPLATES[family], split)
    bodies = []
    for template in pool:
        variants, body = _split_variant(template)
        if variant in variants:
            bodies.append(body)
    return bodies


def _gibberish(rng: random.Random) -> str:
    return "".join(rng.choice(_GIBBERISH_LETTERS) for _ in range(rng.randint(3, 9)))


def _out_of_range_number(rng: random.Random, family: str, one_digit: bool) -> str:
    """A number outside what ``family`` supports: too big, decimal, negative, or too long."""
    kinds = ["big", "decimal", "negative"]
    if one_digit or family in ("multiplication", "multistep"):
        kinds += ["wide", "wide"]
    kind = rng.choice(kinds)
    if kind == "big":
        return str(rng.randint(1000, 10 ** rng.randint(4, 7) - 1))
    if kind == "decimal":
        return f"{rng.randint(0, 99)}.{rng.randint(1, 99)}"
    if kind == "negative":
        return f"-{rng.randint(1, 99)}"
    return str(rng.randint(10, 999))


def _fill(body: str, rng: random.Random, values: dict[str, str], problem: tasks.Problem) -> str:
    ops = problem.ops

    def slot(match: re.Match[str]) -> str:
        word, number = match.groups()
        if number is not None:
            return values[number]
        if word.startswith("~"):
            return rng.choice(POLAR[word[1:]][problem.variant])
        if word in ("op1", "op2"):
            return rng.choice(OPERATOR_WORDS[ops[int(word[2]) - 1]])
        if word in ("op1v", "op2v"):
            return rng.choice(OPERATOR_VERBS[ops[int(word[2]) - 1]])
        if word == "gibberish":
            return _gibberish(rng)
        if word == "symbols":
            return "".join(rng.choice(_SYMBOLS) for _ in range(rng.randint(1, 6)))
        if word in phrasings.OUT_OF_SCOPE_WORDS:
            return rng.choice(phrasings.OUT_OF_SCOPE_WORDS[word])
        return rng.choice(SYNONYMS[word])

    return _SLOT.sub(slot, body)


def _list_text(numbers: list[str], rng: random.Random) -> str:
    style = rng.randrange(4)
    if style == 0:
        return ", ".join(numbers)
    if style == 1:
        return " ".join(numbers)
    if style == 2:
        return ",".join(numbers)
    return ", ".join(numbers[:-1]) + " and " + numbers[-1]


def _surface(text: str, rng: random.Random, split: str) -> str:
    """Fillers, end punctuation, letter case and spacing: the noise of real typing."""
    if rng.random() < 0.3:
        text = rng.choice(getattr(phrasings.FILLERS_PREFIX, split)) + " " + text
    if rng.random() < 0.2:
        text = text.rstrip("?.!") + " " + rng.choice(getattr(phrasings.FILLERS_SUFFIX, split))
    if rng.random() < 0.25:
        text = text.rstrip("?.!") + rng.choice(["", "?", "??", "!", ".", " ?", "?!"])
    case = rng.random()
    if case < 0.1:
        text = text.upper()
    elif case < 0.45:
        text = text[:1].upper() + text[1:]
    if rng.random() < 0.1:
        text = "  " + text.replace(" ", "   ", 1) + " "
    return text


def render(problem: tasks.Problem, body: str, rng: random.Random, split: str) -> str:
    """Write ``problem`` as a prompt through template ``body``."""
    values = {k: str(n) for k, n in zip("abcd", problem.numbers, strict=False)}
    if problem.family == "sorting":
        values["list"] = _list_text([str(n) for n in problem.numbers], rng)
    return _surface(_fill(body, rng, values, problem), rng, split)


def _in_scope_example(family: str, rng: random.Random, split: str, one_digit: bool) -> Example:
    variant = rng.choice(tasks.VARIANTS[family])
    # the seed's one-digit questions must be perfect: give them a quarter of their families
    one_digit = one_digit or (family in tasks.SEED_FAMILIES and rng.random() < SEED_SHARE)
    problem = tasks.sample_problem(family, variant, rng, one_digit)
    body = rng.choice(templates_for(family, variant, split))
    return Example(render(problem, body, rng, split), tasks.solve(problem), problem)


def _out_of_range_example(rng: random.Random, split: str, scope: tasks.Scope) -> Example:
    """An in-scope question asked about numbers the model does not support."""
    family = rng.choice([f for f in scope.families if f != "out_of_scope"])
    variant = rng.choice(tasks.VARIANTS[family])
    base = tasks.sample_problem(family, variant, rng, scope.one_digit)
    numbers = [str(n) for n in base.numbers]
    numbers[rng.randrange(len(numbers))] = _out_of_range_number(rng, family, scope.one_digit)
    values = dict(zip("abc", numbers, strict=False))
    if family == "sorting":
        values["list"] = _list_text(numbers, rng)
    body = rng.choice(templates_for(family, variant, split))
    prompt = _surface(_fill(body, rng, values, base), rng, split)
    problem = tasks.Problem("out_of_scope", "range")
    return Example(prompt, tasks.solve(problem, scope), problem)


def _general_decline_example(rng: random.Random, split: str, scope: tasks.Scope) -> Example:
    body = rng.choice(getattr(phrasings.OUT_OF_SCOPE, split))
    values = {k: str(rng.randint(0, 20)) for k in "abcd"}
    problem = tasks.Problem("out_of_scope", "general")
    prompt = _surface(_fill(body, rng, values, problem), rng, split)
    return Example(prompt, tasks.solve(problem, scope), problem)


def sample_example(
    rng: random.Random,
    split: str,
    family: str | None = None,
    scope: tasks.Scope = tasks.FULL_SCOPE,
) -> Example:
    """One example from ``split`` for a model of ``scope``; ``family`` defaults to a draw from
    :data:`MIX`."""
    if family is None:
        family = rng.choices(list(MIX), weights=list(MIX.values()))[0]
    if family != "out_of_scope":
        return _in_scope_example(family, rng, split, scope.one_digit)
    if rng.random() < 0.4:
        return _out_of_range_example(rng, split, scope)
    return _general_decline_example(rng, split, scope)


def examples(seed: int, split: str) -> Iterator[Example]:
    """An endless, reproducible stream of examples from ``split``."""
    rng = random.Random(seed)
    while True:
        yield sample_example(rng, split)


def eval_set(
    seed: int,
    per_family: int,
    scope: tasks.Scope = tasks.FULL_SCOPE,
    families: tuple[str, ...] | None = None,
) -> list[Example]:
    """A fixed held-out set: ``per_family`` examples of each of ``families`` (default: the
    scope's), held-out phrasings only."""
    rng = random.Random(seed)
    families = scope.families if families is None else families
    return [sample_example(rng, HELDOUT, f, scope) for f in families for _ in range(per_family)]


# --- vocabularies ---------------------------------------------------------------------------


def _template_words(templates: list[str]) -> set[str]:
    words: set[str] = set()
    for template in templates:
        words.update(tokenizer.split(_SLOT.sub(" ", _VARIANT.sub("", template))))
    return words


def protected_tokens() -> set[str]:
    """Tokens training never blanks out: operation words, numbers and punctuation."""
    words = {str(d) for d in range(10)} | set(_PUNCTUATION) | {tokenizer.SPACE}
    polar = [words for by_variant in POLAR.values() for words in by_variant.values()]
    for values in [*SYNONYMS.values(), *OPERATOR_WORDS.values(), *OPERATOR_VERBS.values(), *polar]:
        for value in values:
            words.update(tokenizer.split(value))
    return words


def source_vocab() -> Vocab:
    """Every token a training prompt can contain. Held-out-only words stay unknown."""
    templates = [t for ts in phrasings.TEMPLATES.values() for t in ts.train]
    templates += list(phrasings.OUT_OF_SCOPE.train)
    templates += list(phrasings.FILLERS_PREFIX.train) + list(phrasings.FILLERS_SUFFIX.train)
    words = _template_words(templates) | protected_tokens()
    for values in phrasings.OUT_OF_SCOPE_WORDS.values():
        for value in values:
            words.update(tokenizer.split(value))
    return Vocab(words)


def target_vocab() -> Vocab:
    """Every token a completion can contain, gathered by solving many problems."""
    rng = random.Random(0)
    words: set[str] = set()
    for family in tasks.FAMILIES:
        for variant in tasks.VARIANTS[family]:
            for _ in range(200):
                words.update(
                    tokenizer.split(tasks.solve(tasks.sample_problem(family, variant, rng)))
                )
    words.update(str(d) for d in range(10))
    words.add("-")
    return Vocab(words)


def noisy_tokens(tokens: list[str], rng: random.Random, protected: set[str]) -> list[str]:
    """Training-time word dropout: blank some unprotected words and slip in unknown ones.

    A deployed model meets words it never saw; this teaches it to read past them.
    """
    out = [UNK if t not in protected and rng.random() < 0.06 else t for t in tokens]
    if rng.random() < 0.15:
        out.insert(rng.randint(0, len(out)), UNK)
    return out
