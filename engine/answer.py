"""Reading the answer contract: the final sentence ``therefore the answer is X.``.

Clients, benchmarks and the API's ``answer`` field read X from the generated text with this;
it never produces or alters an answer.
"""

from __future__ import annotations

import re

_ANSWER = re.compile(r"therefore the answer is (.+)\.\s*$")


def final_answer(completion: str) -> str | None:
    """The X of a completion's closing ``therefore the answer is X.``, or None if it has none."""
    match = _ANSWER.search(completion)
    return match.group(1) if match else None


def is_decline(completion: str) -> bool:
    """A decline gives no answer and says sorry."""
    return final_answer(completion) is None and completion.startswith("sorry")
