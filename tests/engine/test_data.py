"""The data generator: template coverage, the held-out split, vocabularies, determinism."""

import random
import re

import pytest

from engine import data, phrasings, tasks, tokenizer
from engine.phrasings import OPERATOR_VERBS, OPERATOR_WORDS, POLAR, SYNONYMS
from engine.recipe import SMALL

IN_SCOPE = [f for f in tasks.FAMILIES if f != "out_of_scope"]


def _pattern(template: str) -> re.Pattern[str]:
    """A regex matching every prompt a template body can produce (before surface noise)."""
    body = data._VARIANT.sub("", template)
    out = []
    for part in re.split(r"(\[~?\w+\]|\{\w+\})", body):
        if part.startswith("{"):
            out.append(r"[-\d., ]+" if part == "{list}" else r"-?[\d.]+")
        elif part.startswith("["):
            name = part[1:-1]
            if name.startswith("~"):
                words = [w for ws in POLAR[name[1:]].values() for w in ws]
            elif name.startswith("op"):
                table = OPERATOR_VERBS if name.endswith("v") else OPERATOR_WORDS
                words = [w for ws in table.values() for w in ws]
            elif name in SYNONYMS:
                words = list(SYNONYMS[name])
            elif name == "gibberish":
                out.append("[a-z]{3,9}")
                continue
            else:  # out-of-scope word slots: country, thing, animal, symbols
                out.append(r"\S+(?: \S+)?")
                continue
            out.append("(?:" + "|".join(re.escape(w) for w in words) + ")")
        else:
            out.append(re.escape(part))
    return re.compile("".join(out), re.IGNORECASE)


def _bodies(templates: tuple[str, ...]) -> set[str]:
    return {data._VARIANT.sub("", t) for t in templates}


@pytest.mark.parametrize("family", IN_SCOPE)
def test_every_family_has_at_least_15_training_templates(family):
    assert len(_bodies(phrasings.TEMPLATES[family].train)) >= 15


@pytest.mark.parametrize("family", [*IN_SCOPE, "out_of_scope"])
def test_no_held_out_template_leaks_into_training(family):
    pool = phrasings.OUT_OF_SCOPE if family == "out_of_scope" else phrasings.TEMPLATES[family]
    assert not _bodies(pool.train) & _bodies(pool.heldout)
    held_out = [_pattern(t) for t in pool.heldout]
    rng = random.Random(family)
    for _ in range(3000):
        if family == "out_of_scope":
            prompt = data._fill(
                rng.choice(pool.train),
                rng,
                {k: str(rng.randint(0, 20)) for k in "abcd"},
                tasks.Problem("out_of_scope", "general"),
            )
        else:
            variant = rng.choice(tasks.VARIANTS[family])
            problem = tasks.sample_problem(family, variant, rng)
            values = {k: str(n) for k, n in zip("abcd", problem.numbers, strict=False)}
            values["list"] = ", ".join(values.values())
            prompt = data._fill(
                rng.choice(data.templates_for(family, variant, data.TRAIN)), rng, values, problem
            )
        assert not any(p.fullmatch(prompt) for p in held_out), prompt


def test_held_out_key_words_are_known_from_training():
    """Held-out templates test new constructions, not words the model never saw."""
    vocab = data.source_vocab()
    for family, pool in [*phrasings.TEMPLATES.items(), ("out_of_scope", phrasings.OUT_OF_SCOPE)]:
        for template in pool.heldout:
            body = data._SLOT.sub(" ", data._VARIANT.sub("", template))
            missing = [w for w in tokenizer.split(body) if w not in vocab]
            if family != "out_of_scope":
                assert not missing, (template, missing)


def test_held_out_fillers_are_unknown_words():
    vocab = data.source_vocab()
    unknown = [
        f
        for f in phrasings.FILLERS_PREFIX.heldout
        if any(w not in vocab for w in tokenizer.split(f))
    ]
    assert unknown, "some held-out fillers must reach the model as <unk>"


def test_eval_set_uses_only_held_out_templates_and_is_reproducible():
    a = data.eval_set(5, per_family=20)
    assert a == data.eval_set(5, per_family=20)
    assert {e.problem.family for e in a} == set(tasks.FAMILIES)


def test_training_stream_is_reproducible_per_seed():
    first = [next(data.examples(3, data.TRAIN)) for _ in range(1)]
    stream_a, stream_b = data.examples(3, data.TRAIN), data.examples(3, data.TRAIN)
    assert [next(stream_a) for _ in range(200)] == [next(stream_b) for _ in range(200)]
    assert first[0] != next(data.examples(4, data.TRAIN))


def test_out_of_range_prompts_are_declined_in_the_data():
    rng = random.Random(2)
    scope = tasks.FULL_SCOPE
    range_examples = [data._out_of_range_example(rng, data.TRAIN, scope) for _ in range(300)]
    assert all(e.problem.variant == "range" for e in range_examples)
    assert all(e.completion == scope.decline("range") for e in range_examples)
    assert "999" in scope.decline("range")


def _numbers(prompt: str) -> list[int]:
    return [int(n) for n in re.findall(r"\d+", prompt)]


def test_a_one_digit_model_declines_bigger_numbers_and_offers_only_what_it_learned():
    scope = SMALL.train.scope
    rng = random.Random(4)
    examples = [data.sample_example(rng, data.TRAIN, f, scope) for f in scope.families * 300]
    declined = [e for e in examples if e.problem.family == "out_of_scope"]
    answered = [e for e in examples if e.problem.family != "out_of_scope"]
    assert {e.problem.family for e in answered} == set(scope.families) - {"out_of_scope"}
    assert all(n <= 9 for e in answered for n in e.problem.numbers)
    # numbers of two or three digits are declined, not answered as if they were one digit
    ranged = [e for e in declined if e.problem.variant == "range"]
    assert any(10 <= n <= 999 for e in ranged for n in _numbers(e.prompt))
    general, out_of_range = scope.decline("general"), scope.decline("range")
    assert {e.completion for e in declined} == {general, out_of_range}
    for text in (general, out_of_range):
        for skill in ("multiplying", "multiply", "sorting", "chain", "999", "12 plus 34"):
            assert skill not in text
        assert "try: what is 3 plus 4?" in text
    assert "adding and subtracting, even or odd, comparing, and counting up or down" in general
    assert "from 0 to 9." in out_of_range


def test_the_full_model_offers_every_skill_it_has():
    general, out_of_range = tasks.FULL_SCOPE.decline("general"), tasks.FULL_SCOPE.decline("range")
    for skill in ("adding", "subtracting", "multiplying", "even or odd", "comparing", "sorting"):
        assert skill in general
    assert "counting up or down" in general
    assert "multiply or chain only numbers from 0 to 9" in out_of_range


@pytest.mark.parametrize(
    "scope",
    [tasks.FULL_SCOPE, SMALL.train.scope, tasks.Scope(("multistep", "out_of_scope"))],
    ids=["full", "small", "multistep-only"],
)
def test_every_decline_is_written_in_the_target_vocabulary(scope: tasks.Scope):
    vocab = data.target_vocab()
    for variant in tasks.VARIANTS["out_of_scope"]:
        tokens = tokenizer.split(scope.decline(variant))
        assert all(t in vocab for t in tokens), [t for t in tokens if t not in vocab]


def test_word_dropout_never_blanks_operation_words():
    rng = random.Random(0)
    protected = data.protected_tokens()
    tokens = tokenizer.split("hey what is 3 plus 4 minus 2 times 5 please")
    for _ in range(500):
        noisy = data.noisy_tokens(tokens, rng, protected)
        for word in ("3", "plus", "4", "minus", "2", "times", "5"):
            assert word in noisy
