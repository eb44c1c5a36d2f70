"""The chat screen: conversation, prompt, inspector, status and first-start training progress.

Answers stream in a Textual worker (``engine.stream`` on the app's own event loop; the model
itself runs in the engine's decoder thread), so the screen stays responsive. Escape cancels the
worker, which frees the request's slot in the engine's batch.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.command import Provider
from textual.containers import Container, VerticalScroll
from textual.message import Message
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.widgets import Footer, Input, Static

from engine.errors import EngineBusy, EngineError, InvalidRequest
from engine.results import MAX_SEED, Options, TokenEvent
from engine.service import Engine
from engine.traffic import RequestRecord
from tui.commands import ChatCommands
from tui.conversation import Conversation, Turn, default_export_path, write_export
from tui.history import PromptHistory
from tui.screens.export import ExportScreen
from tui.screens.help import HelpScreen, skills
from tui.screens.settings import SettingsScreen
from tui.widgets.activity import ActivityLog
from tui.widgets.inspector import Inspector
from tui.widgets.message import AnswerMessage, PromptMessage
from tui.widgets.prompt_input import PromptInput
from tui.widgets.status_line import StatusLine
from tui.widgets.training import TrainingPanel

log = logging.getLogger(__name__)

SOURCE = "tui"  # how this front-end's requests show in engine.traffic
POLL_SECONDS = 0.25
PLACEHOLDER = "Ask a number question: what is 3 plus 4?"
WELCOME = (
    "Ask a small number question and the model answers with its reasoning: {skills}. "
    "F1 lists what it can do."
)
UNEXPECTED = "something went wrong while answering; the app keeps running, try again"


class ChatScreen(Screen[None]):
    """Where the user talks to the model."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f1", "help", "Help", tooltip="What the model can answer, with examples"),
        Binding("escape", "stop", "Stop", tooltip="Stop the answer being written"),
        Binding("ctrl+r", "regenerate", "Again", tooltip="Generate the last answer again"),
        Binding("ctrl+y", "copy_answer", "Copy", tooltip="Copy the last answer to the clipboard"),
        Binding("ctrl+s", "export", "Export", tooltip="Save the conversation as Markdown"),
        Binding("f2", "toggle_inspector", "Inspect", tooltip="Show or hide the attention map"),
        Binding("f3", "settings", "Settings", tooltip="Temperature, top-k and max tokens"),
        Binding("f4", "toggle_activity", "Traffic", tooltip="Requests from other front-ends"),
        Binding("ctrl+l", "clear", "Clear", tooltip="Clear the conversation", show=False),
    ]
    COMMANDS: ClassVar[set[type[Provider] | Callable[[], type[Provider]]]] = {ChatCommands}
    HORIZONTAL_BREAKPOINTS: ClassVar[list[tuple[int, str]] | None] = [
        (0, "-narrow"),
        (120, "-wide"),
    ]

    class TrafficSeen(Message):
        """A request finished somewhere in the process (posted from the engine's listener)."""

        def __init__(self, record: RequestRecord) -> None:
            super().__init__()
            self.record = record

    def __init__(self, engine: Engine, serving: str = "") -> None:
        super().__init__()
        self.engine = engine
        self.serving = serving  # what else this process serves, e.g. "web API on :8000"
        self.options = Options()
        self.conversation = Conversation()
        self.history = PromptHistory()
        self._state: str | None = None  # the engine state last shown

    # --- layout -----------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield StatusLine(id="status")
        with Container(id="body"):
            yield TrainingPanel(id="training")
            with VerticalScroll(id="conversation"):
                yield Static(id="welcome")
            yield Inspector(id="inspector")
            yield ActivityLog(id="activity")
        yield PromptInput(self.history, id="prompt", placeholder=PLACEHOLDER)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#conversation", VerticalScroll).anchor()
        self.query_one(Inspector).display = False
        activity = self.query_one(ActivityLog)
        activity.display = bool(self.serving)
        activity.border_subtitle = self.serving
        if self.serving:
            self.engine.traffic.add_listener(self._on_traffic)
        self.poll_engine()
        self.set_interval(POLL_SECONDS, self.poll_engine)

    def on_unmount(self) -> None:
        self.engine.traffic.remove_listener(self._on_traffic)

    # --- the engine's state -----------------------------------------------------------------

    def poll_engine(self) -> None:
        """Follow the engine: training progress until it is ready, then the status line."""
        status = self.engine.status
        rate = self.engine.traffic.rate() if self.serving else None
        self.query_one(StatusLine).show(status, self.engine.info, self.options, rate)
        if not status.ready:
            self.query_one(TrainingPanel).show(status)
        if status.state == self._state:
            return
        if status.state == "failed":
            self.notify(status.message, title="the model could not start", severity="error")
        elif status.ready and self._state == "training":
            self.notify("the model is ready: ask away", title="ready")
        self._state = status.state
        self.query_one(TrainingPanel).display = not status.ready
        self.query_one("#conversation").display = status.ready
        prompt = self.query_one(PromptInput)
        prompt.disabled = not status.ready
        prompt.placeholder = (
            PLACEHOLDER if status.ready else "the chat opens when the model is ready"
        )
        if status.ready:
            info = self.engine.info
            if info is not None:
                self.query_one("#welcome", Static).update(WELCOME.format(skills=skills(info)))
            prompt.focus()
            self.refresh_bindings()

    def _on_traffic(self, record: RequestRecord) -> None:
        self.post_message(self.TrafficSeen(record))  # thread-safe, whoever calls

    @on(TrafficSeen)
    def show_traffic(self, message: TrafficSeen) -> None:
        activity = self.query_one(ActivityLog)
        activity.count(self.engine.traffic)
        if message.record.source != SOURCE:
            activity.add(message.record)

    # --- asking -----------------------------------------------------------------------------

    @property
    def answering(self) -> bool:
        last = self.conversation.last
        return last is not None and last.running

    @on(Input.Submitted, "#prompt")
    def send(self, event: Input.Submitted) -> None:
        if not self.engine.status.ready:
            return
        if self.answering:
            self.notify("still answering: press Esc to stop it first", severity="warning")
            return
        try:
            self.engine.tokenize(event.value)
        except InvalidRequest as exc:
            self.notify(str(exc), title="not sent", severity="warning")
            return  # the text stays in the box to be fixed
        self.history.add(event.value)
        event.input.clear()
        turn = self.conversation.add(event.value, self._turn_options())
        conversation = self.query_one("#conversation", VerticalScroll)
        conversation.mount_all([PromptMessage(turn.prompt), AnswerMessage(turn)])
        conversation.anchor()
        self._answer(turn)

    def _turn_options(self) -> Options:
        """The settings, plus a fixed seed when sampling, so the inspector can replay the answer."""
        if self.options.temperature == 0:
            return self.options
        return replace(self.options, seed=random.randrange(MAX_SEED))

    def _view(self, turn: Turn) -> AnswerMessage | None:
        for view in self.query(AnswerMessage):
            if view.turn is turn:
                return view
        return None

    def _show(self, turn: Turn) -> None:
        view = self._view(turn)
        if view is not None:
            view.show()

    @work(group="answer", exclusive=True, exit_on_error=False)
    async def _answer(self, turn: Turn) -> None:
        """Stream one answer into its message; every failure ends as a notice, never a crash."""
        self.refresh_bindings()
        try:
            async for event in self.engine.stream(turn.prompt, turn.options, source=SOURCE):
                if isinstance(event, TokenEvent):
                    turn.text += event.text
                    turn.state = "streaming"
                else:
                    turn.completion, turn.text, turn.state = event, event.text, "done"
                self._show(turn)
        except asyncio.CancelledError:
            turn.state = "stopped"
            self._show(turn)
            raise
        except EngineBusy as exc:
            self._fail(turn, str(exc), "warning")
        except EngineError as exc:
            self._fail(turn, str(exc), "error")
        except Exception:
            log.exception("answering %r failed", turn.prompt)
            self._fail(turn, UNEXPECTED, "error")
        finally:
            self.refresh_bindings()
        if turn.state == "done" and self.query_one(Inspector).display:
            self._inspect(turn)

    def _fail(self, turn: Turn, message: str, severity: SeverityLevel) -> None:
        turn.state, turn.error = "failed", message
        self._show(turn)
        self.notify(message, title="no answer", severity=severity)

    # --- actions ----------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Grey out what cannot be done right now (None keeps the key in the footer)."""
        last = self.conversation.last
        if action == "stop":
            return self.answering or None
        if action == "regenerate":
            return (last is not None and not last.running and self.engine.status.ready) or None
        if action == "copy_answer":
            return (last is not None and bool(last.text)) or None
        if action == "toggle_activity":
            return bool(self.serving)  # False: hidden, there is no other traffic
        return True

    def action_stop(self) -> None:
        self.workers.cancel_group(self, "answer")

    def action_regenerate(self) -> None:
        turn = self.conversation.last
        if turn is None or turn.running:
            return
        if self.options.temperature == 0:
            self.notify("greedy decoding gives the same answer; raise the temperature (F3)")
        turn.restart(self._turn_options())
        self._show(turn)
        self._answer(turn)

    def action_copy_answer(self) -> None:
        turn = self.conversation.last
        if turn is None or not turn.text:
            return
        self.app.copy_to_clipboard(turn.text)
        self.notify("copied the last answer")

    def action_export(self) -> None:
        if not self.conversation.turns:
            self.notify("nothing to export yet", severity="warning")
            return
        model = self.engine.info.checkpoint if self.engine.info else ""

        def save(path: Path) -> Path:
            return write_export(self.conversation, path, model)

        def saved(path: Path | None) -> None:
            if path is not None:
                self.notify(f"saved the conversation to {path}", title="exported")

        self.app.push_screen(ExportScreen(default_export_path(), save), saved)

    def action_toggle_inspector(self) -> None:
        inspector = self.query_one(Inspector)
        inspector.display = not inspector.display
        last = self.conversation.last
        if inspector.display and last is not None and last.state == "done":
            self._inspect(last)

    @work(group="inspect", exclusive=True, exit_on_error=False)
    async def _inspect(self, turn: Turn) -> None:
        """Replay ``turn`` with attention recorded (same options and seed: the same answer)."""
        inspector = self.query_one(Inspector)
        if turn.inspection is None:
            inspector.show_message("inspecting the last answer…")
            try:
                turn.inspection = await self.engine.inspect(
                    turn.prompt, turn.options, source=SOURCE
                )
            except EngineError as exc:
                inspector.show_message(f"could not inspect: {exc}")
                return
            except Exception:
                log.exception("inspecting %r failed", turn.prompt)
                inspector.show_message(f"could not inspect: {UNEXPECTED}")
                return
        if self.conversation.last is turn:
            inspector.show_inspection(turn.inspection)

    def action_toggle_activity(self) -> None:
        activity = self.query_one(ActivityLog)
        activity.display = not activity.display

    def action_settings(self) -> None:
        def chosen(options: Options | None) -> None:
            if options is not None and options != self.options:
                self.options = options
                self.poll_engine()
                self.notify("settings saved for the next answers")

        self.app.push_screen(SettingsScreen(self.options), chosen)

    def action_help(self) -> None:
        def chosen(example: str | None) -> None:
            if example:
                prompt = self.query_one(PromptInput)
                prompt.value = example
                prompt.cursor_position = len(example)
                prompt.focus()

        self.app.push_screen(HelpScreen(self.engine.info, self._key_help()), chosen)

    def _key_help(self) -> list[tuple[str, str]]:
        keys = [
            (self.app.get_key_display(b), b.tooltip)
            for b in self.BINDINGS
            if isinstance(b, Binding) and self.check_action(b.action, ()) is not False
        ]
        return [
            ("enter", "Send the prompt"),
            ("up / down", "Earlier / later prompts"),
            *keys,
            ("ctrl+p", "Command palette: every action by name"),
            ("ctrl+q", "Quit"),
        ]

    def action_clear(self) -> None:
        self.workers.cancel_group(self, "answer")
        self.workers.cancel_group(self, "inspect")
        self.conversation.clear()
        self.query("#conversation > PromptMessage, #conversation > AnswerMessage").remove()
        self.query_one(Inspector).clear()
        self.refresh_bindings()
