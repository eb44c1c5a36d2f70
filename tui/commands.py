"""Command palette entries for the chat screen's actions, made from its key bindings.

Every binding with a description becomes a searchable command, so the palette, the footer and
the help screen can never disagree about what the app can do.
"""

from __future__ import annotations

from functools import partial

from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider


class ChatCommands(Provider):
    """The screen's bound actions that are currently available."""

    def _available(self) -> list[Binding]:
        screen = self.screen
        return [
            binding
            for binding in screen.BINDINGS
            if isinstance(binding, Binding)
            and binding.description
            and screen.check_action(binding.action, ())
        ]

    def _hit_parts(self, binding: Binding) -> tuple[str, str, partial[object]]:
        name = f"{binding.description} ({self.app.get_key_display(binding)})"
        return name, binding.tooltip, partial(self.screen.run_action, binding.action)

    async def discover(self) -> Hits:
        for binding in self._available():
            name, help_text, command = self._hit_parts(binding)
            yield DiscoveryHit(name, command, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for binding in self._available():
            name, help_text, command = self._hit_parts(binding)
            score = max(matcher.match(name), matcher.match(help_text))
            if score > 0:
                yield Hit(score, matcher.highlight(name), command, text=name, help=help_text)
