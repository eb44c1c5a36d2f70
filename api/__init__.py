"""The web API: the seed's contract, a token stream, inspection and OpenAI-compatible routes."""

from api.app import create_app

__all__ = ["create_app"]
