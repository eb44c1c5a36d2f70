"""Text from people (typed, pasted, or sent to another front-end) made safe for a terminal.

Whatever a widget shows goes to the terminal as it is. Textual and Rich remove only a few
control characters (BEL, BS, CR and the like): an ESC in a prompt would start an escape
sequence that moves the cursor, clears the screen, renames the window or writes the
clipboard (OSC 52). With ``mini-reasoner tui --serve``, prompts from the web API and Discord
reach the traffic panel, so that would be anyone's to send.
"""

from __future__ import annotations

import unicodedata


def safe_text(text: str) -> str:
    """``text`` with each control character (C0, DEL, C1) replaced by a space.

    A space is how the model reads a control character anyway, so the prompt means the same.
    """
    if text.isprintable():  # the common case, and fast
        return text
    return "".join(" " if unicodedata.category(c) == "Cc" else c for c in text)
