"""Hotkey dictation: hotkey (or IPC, or tray) → dictation → window → cleanup → paste.

The :class:`HotkeyController` owns no dictation machinery of its own: it drives the main
:class:`~desktop.ui.controller.Controller` (the same session, cleanup and history the
main window uses) and adds what a dictation into another app needs — the global hotkey,
the small dictation window, the paste into the focused app, sounds, and one state for the
tray and for ``dictara toggle``'s reply.
"""

import enum
import logging
import time
from collections.abc import Callable
from typing import Any, Protocol

from PySide6.QtCore import QObject, Signal, Slot

from desktop.engine.cleanup import CleanupResult
from desktop.platform import hotkeys
from desktop.platform.paste import Action, action_for
from desktop.ui.controller import Controller, Document
from desktop.ui.dictation_window import DictationWindow
from desktop.ui.paster import Paster

log = logging.getLogger(__name__)


class State(enum.Enum):
    """Where hotkey dictation is; the tray and ``dictara toggle`` show it."""

    IDLE = "idle"
    RECORDING = "recording"
    WORKING = "working"


class Listener(Protocol):
    """What the controller needs from :class:`desktop.platform.hotkeys.HotkeyListener`."""

    combo: hotkeys.Combo

    def start(self) -> None: ...
    def stop(self) -> None: ...
    def modifiers_held(self) -> bool: ...


ListenerFactory = Callable[
    [str, Callable[[], None], Callable[[], None], Callable[[], None]], Listener]


class _HotkeySignals(QObject):
    """Carries the listener thread's callbacks to the GUI thread."""

    activated = Signal()
    deactivated = Signal()
    escaped = Signal()


class HotkeyController(QObject):
    """Runs dictations started outside the main window. GUI thread only.

    Args:
        controller: the app's dictation/cleanup/history controller.
        window: the dictation window.
        paster: pastes into the focused app.
        play: plays ``"start"`` or ``"stop"`` (sounds); None for silence.
        listener_factory: builds the hotkey listener (tests pass a fake).

    Signals:
        state_changed(str): a :class:`State` value.
        hotkey_changed(str): the hotkey was (re)registered: ``""`` when it works, else
            one sentence saying why not (the settings dialog shows it).
        show_requested(): a second instance (or the tray) asked for the main window.
        pasted(str, float): text pasted, ms from the stop to the keystroke.

    Attributes:
        state: the current :class:`State`.
        hotkey_error: why the hotkey is not registered, or None when it is.
    """

    state_changed = Signal(str)
    hotkey_changed = Signal(str)
    show_requested = Signal()
    pasted = Signal(str, float)

    def __init__(
        self,
        controller: Controller,
        window: DictationWindow,
        paster: Paster,
        *,
        play: Callable[[str], None] | None = None,
        listener_factory: ListenerFactory | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.controller = controller
        self.window = window
        self.paster = paster
        self.state = State.IDLE
        self.hotkey_error: str | None = None
        self._settings = controller.services.settings
        self._play = play
        self._make_listener = listener_factory or _real_listener
        self._listener: Listener | None = None
        self._signals = _HotkeySignals(self)
        self._ours = False  # the dictation on the controller is one of ours
        self._waiting_for_model = False
        self._cancel_when_started = False
        self._mic_open = False
        self._document: Document | None = None
        self._failure = ""
        self._stopped_at = 0.0
        paster.modifiers_held = self._modifiers_held
        self._connect()

    @property
    def mode(self) -> str:
        """``toggle`` or ``push_to_talk``."""
        mode: str = self._settings.settings.hotkey.mode
        return mode

    def register_hotkey(self) -> str | None:
        """(Re)register the configured hotkey; returns why it failed, or None.

        Also posts the reason as a warning and emits ``hotkey_changed``.
        """
        self.unregister_hotkey()
        combo = self._settings.settings.hotkey.combo
        s = self._signals
        try:
            listener = self._make_listener(combo, s.activated.emit, s.deactivated.emit,
                                           s.escaped.emit)
            listener.start()
        except hotkeys.Error as e:
            self.hotkey_error = str(e)
            log.warning("Hotkey %s not registered: %s", combo, e)
            self.controller.services.messages.warning(self.hotkey_error)
        else:
            self._listener = listener
            self.hotkey_error = None
        self.controller.services.hotkey_problem = self.hotkey_error
        self.hotkey_changed.emit(self.hotkey_error or "")
        return self.hotkey_error

    def unregister_hotkey(self) -> None:
        """Stop listening to the keyboard."""
        if self._listener is not None:
            self._listener.stop()
            self._listener = None

    @Slot()
    def toggle(self) -> None:
        """Start if idle, else stop (or, while waiting for the model, give up)."""
        if self.state is State.IDLE:
            self.start()
        else:
            self.stop()

    @Slot()
    def start(self) -> bool:
        """Start a dictation that will be pasted; returns whether it is starting."""
        if self.state is not State.IDLE:
            return False
        if self.controller.recording:
            self.window.show_message("The main window is dictating",
                                     "Stop it there first.", brief=True)
            return False
        self._reset(ours=True)
        self._set_state(State.RECORDING)
        if not self.controller.ready:
            self._waiting_for_model = True
            self.window.show_waiting("Loading the speech model…")
            return True
        return self._begin()

    @Slot()
    def stop(self) -> None:
        """Stop listening; the text is pasted when ready. Idle: nothing happens."""
        if self.state is not State.RECORDING:
            return
        if self._waiting_for_model:
            self._waiting_for_model = False
            self._finish_idle()
            self.window.dismiss()
            return
        self._stopped_at = time.monotonic()
        self.controller.stop_recording()
        self._set_state(State.WORKING)
        self.window.show_working()
        self._sound("stop")

    @Slot()
    def cancel(self) -> None:
        """Esc: drop a running dictation, or skip the paste of one being finished."""
        if self.state is State.RECORDING:
            if self._waiting_for_model:
                self._waiting_for_model = False
            elif self._mic_open:
                self.controller.session.cancel()
            else:
                self._cancel_when_started = True
            self.window.show_message("Cancelled", "Nothing was pasted; the recording is kept.",
                                     brief=True)
        elif self.state is State.WORKING:
            self.controller.cleanup.cancel()
            self.window.show_message("Cancelled", "Nothing was pasted.", brief=True)
        else:
            return
        log.info("Hotkey dictation cancelled")
        self._finish_idle()

    @Slot(str)
    def handle_command(self, command: str) -> None:
        """Carry out an IPC command (``toggle``, ``start``, ``stop``, ``cancel``, ``show``)."""
        actions: dict[str, Callable[[], Any]] = {
            "toggle": self.toggle, "start": self.start, "stop": self.stop,
            "cancel": self.cancel, "show": self.show_requested.emit,
        }
        actions[command]()

    def status(self) -> str:
        """The state's name (the IPC reply carries it)."""
        return self.state.value

    def shutdown(self) -> None:
        """Release the keyboard. Idempotent."""
        self.unregister_hotkey()

    def _connect(self) -> None:
        c, s, w = self.controller, self._signals, self.window
        s.activated.connect(self._on_hotkey_activated)
        s.deactivated.connect(self._on_hotkey_deactivated)
        s.escaped.connect(self._on_hotkey_escaped)
        c.session.level_changed.connect(w.set_level)
        c.session.partial_changed.connect(self._on_session_partial_changed)
        c.session.committed.connect(self._on_session_committed)
        c.session.failed.connect(self._on_session_failed)
        c.model_ready.connect(self._on_controller_model_ready)
        c.model_failed.connect(self._on_controller_model_failed)
        c.recording_started.connect(self._on_controller_recording_started)
        c.recording_stopped.connect(self._on_controller_recording_stopped)
        c.document_changed.connect(self._on_controller_document_changed)
        c.cleanup_text.connect(self._on_controller_cleanup_text)
        c.cleanup_done.connect(self._on_controller_cleanup_done)
        self.paster.pasted.connect(self._on_paster_pasted)
        self.paster.failed.connect(self._on_paster_failed)
        self._settings.changed.connect(self._on_settings_changed)

    def _begin(self) -> bool:
        if not self.controller.start_recording():
            self.window.show_message("Dictation could not start",
                                     "The speech model is not ready; see the main window.")
            self._finish_idle()
            return False
        self.window.show_listening(self._hint())
        self._sound("start")
        return True

    def _hint(self) -> str:
        if self._listener is None:
            return "`dictara stop` or the tray stops · Esc cancels"
        label = self._listener.combo.label
        if self.mode == "push_to_talk":
            return f"Release {label} to stop · Esc cancels"
        return f"{label} stops · Esc cancels"

    def _apply(self, stage: str, text: str) -> None:
        action = action_for(self._settings.settings.paste.mode, stage)
        if not text.strip() or action is Action.NOTHING:
            return
        if action is Action.COPY:
            self.paster.copy(text)
        else:
            self.paster.paste(text)

    def _reset(self, ours: bool) -> None:
        self._ours = ours
        self._document = None
        self._failure = ""
        self._cancel_when_started = False
        self._mic_open = False

    def _finish_idle(self) -> None:
        self._ours = False
        self._set_state(State.IDLE)

    def _set_state(self, state: State) -> None:
        if state is not self.state:
            self.state = state
            self.state_changed.emit(state.value)

    def _sound(self, name: str) -> None:
        if self._play is not None and self._settings.settings.ui.sounds:
            self._play(name)

    def _modifiers_held(self) -> bool:
        return self._listener.modifiers_held() if self._listener is not None else False

    @Slot()
    def _on_hotkey_activated(self) -> None:
        if self.mode == "push_to_talk":
            self.start()
        else:
            self.toggle()

    @Slot()
    def _on_hotkey_deactivated(self) -> None:
        if self.mode == "push_to_talk":
            self.stop()

    @Slot()
    def _on_hotkey_escaped(self) -> None:
        if self._ours:
            self.cancel()

    @Slot(str)
    def _on_session_partial_changed(self, text: str) -> None:
        if self._ours:
            self.window.show_partial(text)

    @Slot(str, float, float)
    def _on_session_committed(self, text: str, start: float, end: float) -> None:
        if self._ours:
            self.window.add_committed(text, start, end)

    @Slot(str)
    def _on_session_failed(self, message: str) -> None:
        if self._ours:
            self._failure = message

    @Slot(str)
    def _on_controller_model_ready(self, name: str) -> None:
        log.info("Hotkey dictation ready (model %s)", name)
        if self._waiting_for_model and self._ours:
            self._waiting_for_model = False
            self._begin()

    @Slot(str)
    def _on_controller_model_failed(self, message: str) -> None:
        if self._waiting_for_model and self._ours:
            self._waiting_for_model = False
            self.window.show_message("Dictation could not start", message)
            self._finish_idle()

    @Slot()
    def _on_controller_recording_started(self) -> None:
        self._mic_open = True
        if self._ours:
            log.info("Hotkey dictation listening (microphone open)")
        if self._ours and self._cancel_when_started:
            self.controller.session.cancel()

    @Slot()
    def _on_controller_recording_stopped(self) -> None:
        self._mic_open = False
        if not self._ours or self._document is not None:
            return
        if self._failure:
            self.window.show_message("Dictation failed", self._failure)
        else:
            self.window.show_message("No speech was heard",
                                     "Nothing was pasted; check the microphone.", brief=True)
        self._finish_idle()

    @Slot(object)
    def _on_controller_document_changed(self, document: Document) -> None:
        if not self._ours or self.state is not State.WORKING or self._document is not None:
            return
        self._document = document
        raw = document.transcript.text
        log.info("Raw text %.0f ms after the stop", (time.monotonic() - self._stopped_at) * 1000)
        self.window.show_raw(raw)
        self._apply("raw", raw)

    @Slot(str)
    def _on_controller_cleanup_text(self, text: str) -> None:
        if self._ours and self._document is not None:
            self.window.show_cleaning(text)

    @Slot(object)
    def _on_controller_cleanup_done(self, result: CleanupResult) -> None:
        document = self._document
        if not self._ours or document is None or self.controller.document is not document:
            return
        log.info("Cleaned text (%s) %.0f ms after the stop", result.backend,
                 (time.monotonic() - self._stopped_at) * 1000)
        self.window.show_cleaned(result.cleaned, result.fallback_reason or "")
        self._apply("cleaned", result.cleaned)
        self._finish_idle()

    @Slot(str, float)
    def _on_paster_pasted(self, text: str, _ms: float) -> None:
        ms = (time.monotonic() - self._stopped_at) * 1000
        log.info("Pasted %d characters %.0f ms after the stop", len(text), ms)
        self.pasted.emit(text, ms)

    @Slot(str)
    def _on_paster_failed(self, message: str) -> None:
        self.controller.services.messages.warning(message)
        self.window.show_message("Not pasted", message)

    @Slot(str)
    def _on_settings_changed(self, key: str) -> None:
        if key in ("hotkey.combo", "hotkey.mode"):
            self.register_hotkey()


def _real_listener(
    combo: str,
    on_activate: Callable[[], None],
    on_deactivate: Callable[[], None],
    on_escape: Callable[[], None],
) -> Listener:
    return hotkeys.HotkeyListener(combo, on_activate, on_deactivate, on_escape)
