"""What /ask says, and how any text is made to fit Discord's 2,000-character messages.

The completion is shown exactly as the model wrote it (markdown characters escaped so Discord
shows them literally); the bold answer line repeats the X of "therefore the answer is X.".
"""

from __future__ import annotations

import math

from discord.utils import escape_markdown

from bots.config import MESSAGE_LIMIT
from engine.errors import EngineBusy, EngineClosed, EngineError, EngineNotReady, InvalidRequest
from engine.results import Completion

WRITING_MARKER = "✏️ *still writing…*"
CUT_MARKER = "… *(cut: too long for Discord)*"
ECHO_CHARS = 300  # the question is quoted above the answer, up to this many characters
GENERIC_FAILURE = (
    "Sorry, something went wrong while answering. The cause has been logged; please try again."
)


def quote(prompt: str) -> str:
    """The question as a one-line markdown quote, shortened visibly if long."""
    line = " ".join(prompt.split())
    if len(line) > ECHO_CHARS:
        line = line[: ECHO_CHARS - 1].rstrip() + "…"
    return "> " + escape_markdown(line)


def answer_text(prompt: str, completion: Completion) -> str:
    """The finished reply: the question, the model's chain of thought, the final answer."""
    lines = [quote(prompt), escape_markdown(completion.text)]
    if completion.finish_reason == "length":
        lines.append("*(stopped at the length limit before the answer)*")
    elif completion.answer is not None:
        lines.append(f"answer: **{escape_markdown(completion.answer)}**")
    return "\n".join(lines)


def writing_text(prompt: str, partial: str, limit: int = MESSAGE_LIMIT) -> str:
    """The reply while the model writes: the text so far (its end, if long) and the marker."""
    head, body, tail = quote(prompt) + "\n", escape_markdown(partial), "\n" + WRITING_MARKER
    if len(head) + len(body) + len(tail) > limit:
        head = ""
    room = limit - len(head) - len(tail)
    if len(body) > room:
        body = "…" + body[len(body) - room + 1 :]
    return head + body + tail


def truncate(text: str, limit: int = MESSAGE_LIMIT) -> str:
    """``text`` cut to ``limit`` characters with a visible marker (unchanged if it fits)."""
    if len(text) <= limit:
        return text
    return text[: limit - len(CUT_MARKER)].rstrip() + CUT_MARKER


def paginate(text: str, limit: int = MESSAGE_LIMIT, max_messages: int = 1) -> list[str]:
    """Split ``text`` into at most ``max_messages`` messages of at most ``limit`` characters.

    Cuts fall on a line break or a space where possible; what does not fit in the last
    message is cut with a visible marker.
    """
    pages: list[str] = []
    rest = text
    while len(rest) > limit and len(pages) < max_messages - 1:
        cut = _cut_point(rest, limit)
        page, rest = rest[:cut].rstrip(), rest[cut:].lstrip()
        if page:
            pages.append(page)
    if rest or not pages:
        pages.append(truncate(rest, limit))
    return pages


def _cut_point(text: str, limit: int) -> int:
    """Where to end a page of ``text``: the last line break, else space, in its second half."""
    for separator in ("\n", " "):
        at = text.rfind(separator, limit // 2, limit + 1)
        if at > 0:
            return at
    return limit


def error_text(exc: EngineError) -> str:
    """A polite, user-safe reply for an engine error."""
    if isinstance(exc, EngineBusy):
        return f"The model is busy right now; please try again in {exc.retry_after} s."
    if isinstance(exc, EngineNotReady):
        if exc.progress > 0:
            return (
                f"The model is still training ({exc.progress:.0%} done); "
                "please try again in a little while."
            )
        return "The model is not ready yet; please try again in a little while."
    if isinstance(exc, InvalidRequest):
        return f"I can't take that question: {exc}."
    if isinstance(exc, EngineClosed):
        return "The bot is shutting down; please try again in a minute."
    return GENERIC_FAILURE


def cooldown_text(seconds: float) -> str:
    return f"You're asking quickly! Please try again in {math.ceil(seconds)} s."


def crowded_text(limit: int, in_server: bool) -> str:
    where = "This server already has" if in_server else "You already have"
    return f"{where} {limit} questions being answered; please try again in a few seconds."
