"""The /help and /about texts, from what the engine reports about its model."""

from __future__ import annotations

from engine.service import Info, Status
from engine.traffic import Traffic

# Task families with a label and an example prompt, in the order /help lists them.
EXAMPLES = {
    "addition": ("addition", "what is 3 plus 4?"),
    "subtraction": ("subtraction", "what is 3 minus 7?"),
    "parity": ("even or odd", "is 7 even or odd?"),
    "ordering": ("comparing", "which number is larger, 3 or 8?"),
    "sorting": ("sorting", "sort 12, 7, 300"),
    "successor": ("counting up or down", "what comes after 4?"),
    "multiplication": ("multiplication", "what is 6 times 7?"),
    "multistep": ("several steps", "what is 3 plus 4 minus 2?"),
}
# Names for the accuracy groups that are not task families people ask about by name.
_GROUPS = {"out_of_scope": "declining the rest", "seed": "the seed's one-digit tasks"}


def help_text(info: Info | None) -> str:
    """The task families this model was trained on (all of them while it is still loading)."""
    families = [f for f in EXAMPLES if info is None or f in info.accuracy]
    lines = [
        "**Mini Reasoner** answers small number questions with a short chain of thought, "
        "ending in *therefore the answer is X.*",
        "Ask with `/ask prompt:` — for example:",
        *(f"• {EXAMPLES[f][0]}: `{EXAMPLES[f][1]}`" for f in families),
        "Anything else gets a polite *sorry*. `/about` shows the model behind the answers.",
    ]
    return "\n".join(lines)


def about_text(info: Info | None, status: Status, traffic: Traffic) -> str:
    """Model facts (size, accuracy, training time, uptime), or progress while starting."""
    if info is None:
        progress = f" ({status.progress:.0%})" if status.state == "training" else ""
        return f"**Mini Reasoner** is starting: {status.message}{progress}."
    dims = ", ".join(f"{k} {v}" for k, v in info.model.items())
    accuracy = ", ".join(
        f"{_GROUPS.get(group, group)} {acc:.1%}" for group, acc in info.accuracy.items()
    )
    source = (
        f"loaded from the cache in {info.load_seconds:.2f} s" if info.from_cache else "trained now"
    )
    served = ", ".join(f"{s or 'other'} {n}" for s, n in sorted(traffic.by_source.items()))
    lines = [
        "**Mini Reasoner**: a small sequence-to-sequence network trained from scratch on "
        "synthetic questions. The network writes every word of each answer.",
        f"parameters: {info.parameters:,} ({dims})",
        f"training: {info.training_steps:,} steps in {duration(info.training_seconds)}; {source}",
        f"held-out accuracy: {accuracy or 'not measured'}",
        f"checkpoint: `{info.checkpoint}`",
        f"uptime: {duration(info.uptime_seconds)}; requests served: {served or 'none yet'}",
    ]
    return "\n".join(lines)


def duration(seconds: float) -> str:
    """``seconds`` for people: "42 s", "3 min 5 s", "2 h 7 min"."""
    whole = int(seconds)
    if whole < 60:
        return f"{seconds:.0f} s" if seconds >= 1 else f"{seconds:.1f} s"
    minutes, secs = divmod(whole, 60)
    if minutes < 60:
        return f"{minutes} min {secs} s"
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return f"{hours} h {minutes} min"
    days, hours = divmod(hours, 24)
    return f"{days} d {hours} h"
