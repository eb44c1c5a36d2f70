"""Tokenization: the only preprocessing the model gets.

Prompts are case-folded and split into words, single digits and single punctuation marks;
anything the vocabulary does not know becomes ``<unk>``. Completions use the same splitting,
and :func:`detokenize` joins generated tokens back into text (the exact inverse on every
completion the data generator writes).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence

PAD, UNK, BOS, EOS = "<pad>", "<unk>", "<bos>", "<eos>"
SPACE = "␣"  # whitespace between two digits: "12 34" is two numbers, "1234" is one
SPECIALS = (PAD, UNK, BOS, EOS)
PAD_ID, UNK_ID, BOS_ID, EOS_ID = range(4)

# words (any script), an apostrophe suffix such as 's, one ASCII digit, or one other visible char
_TOKEN = re.compile(r"[^\W\d_]+|'[^\W\d_]+|[0-9]|\S")
_DIGIT_GAP = re.compile(r"(?<=[0-9])\s+(?=[0-9])")
_NO_SPACE_BEFORE = {",", ".", "?", "!", ":", ";", ")", "'s"}


def split(text: str) -> list[str]:
    """Case-fold and split ``text`` into tokens (no vocabulary lookup).

    Digits are single tokens, so whitespace between two digits becomes a :data:`SPACE` token
    (otherwise "5 3 9" would read as "539"). Control and format characters (NUL, zero-width
    joiners, direction marks) separate tokens like spaces do.
    """
    text = unicodedata.normalize("NFKC", text).casefold()
    text = "".join(" " if unicodedata.category(c) in ("Cc", "Cf") else c for c in text)
    return _TOKEN.findall(_DIGIT_GAP.sub(f" {SPACE} ", text))


def detokenize(tokens: Sequence[str]) -> str:
    """Join tokens into text: digits form numbers, punctuation hugs the word before it."""
    return "".join(piece(tokens, i) for i in range(len(tokens)))


def piece(tokens: Sequence[str], i: int) -> str:
    """The text token ``i`` adds after tokens ``0..i-1``: what a stream sends for it."""
    tok = tokens[i]
    prev = tokens[i - 1] if i > 0 else ""
    glue = (
        i == 0
        or tok in _NO_SPACE_BEFORE
        or (tok.isdigit() and (prev.isdigit() or _is_sign(tokens, i - 1)))
        or prev == "("
    )
    return tok if glue else " " + tok


def _is_sign(tokens: Sequence[str], i: int) -> bool:
    """A "-" is a sign (not subtraction) when no number or closing bracket stands before it."""
    if i < 0 or tokens[i] != "-":
        return False
    return i == 0 or not (tokens[i - 1].isdigit() or tokens[i - 1] == ")")


class Vocab:
    """A fixed token <-> id table; ids 0-3 are the special tokens."""

    def __init__(self, tokens: Iterable[str]) -> None:
        self.tokens: list[str] = list(SPECIALS) + sorted(set(tokens) - set(SPECIALS))
        self.index = {tok: i for i, tok in enumerate(self.tokens)}

    def __len__(self) -> int:
        return len(self.tokens)

    def __contains__(self, token: str) -> bool:
        return token in self.index

    def encode(self, tokens: Iterable[str]) -> list[int]:
        return [self.index.get(tok, UNK_ID) for tok in tokens]

    def decode(self, ids: Iterable[int]) -> list[str]:
        return [self.tokens[i] for i in ids]
