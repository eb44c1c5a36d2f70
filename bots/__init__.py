"""The Discord bot: slash commands (/ask, /help, /about) over the shared Engine.

Only the engine is imported here; the CLI (``cli/bot.py``) wires the bot into a process.
"""
