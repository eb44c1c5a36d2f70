"""The terminal front-end: a full-screen Textual chat over the shared Engine."""

from tui.app import MiniReasonerApp

__all__ = ["MiniReasonerApp"]
