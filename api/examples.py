"""Example prompts per task family, for the web UI's suggestions (``GET /api/info``)."""

from __future__ import annotations

from engine.service import Info

EXAMPLES: dict[str, list[str]] = {
    "addition": ["What is 3 plus 4?", "what's 347 + 235?"],
    "subtraction": ["What is 3 minus 7?", "How much is 52 - 19?"],
    "parity": ["Is 7 even or odd?", "Is 42 an even number?"],
    "ordering": ["Which number is larger, 3 or 8?", "Is 120 smaller than 98?"],
    "sorting": ["Sort 12, 7, 300", "Put 5, 81, 23, 9 in descending order"],
    "successor": ["What comes after 4?", "What number comes before 100?"],
    "multiplication": ["What is 6 times 7?", "What's 9 * 8?"],
    "multistep": ["What is 3 plus 4 minus 2?", "What is 9 - 5 + 7?"],
    "out_of_scope": ["What is the capital of France?"],
}


def examples_for(info: Info | None) -> dict[str, list[str]]:
    """The examples of the families the loaded model was trained on (all before it loads)."""
    if info is None or not info.accuracy:
        return EXAMPLES
    return {family: prompts for family, prompts in EXAMPLES.items() if family in info.accuracy}
