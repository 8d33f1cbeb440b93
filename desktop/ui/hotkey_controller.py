"""Dictating into other apps: key → start, stop or cancel; result → paste.

The :class:`HotkeyController` keeps no dictation state: the one
:class:`~desktop.ui.dictation.Dictation` has it. This module turns the global hotkey
(and ``dictara toggle``, the tray) into its start, stop and cancel, and when a dictation
it started has its raw or cleaned text, pastes or copies it as ``paste.mode`` says (or
the profile of the app that was in front when it started).
"""

import logging
import threading
import time
from collections.abc import Callable

from PySide6.QtCore import QObject, Signal, Slot

from desktop.platform import hotkeys
from desktop.platform.paste import Action, KeySender, action_for
from desktop.ui.dictation import Dictation, Owner, State
from desktop.ui.dictation_window import DictationWindow
from desktop.ui.global_hotkey import GlobalHotkey, ListenerFactory
from desktop.ui.messages import MessageBridge
from desktop.ui.paster import Paster
from desktop.ui.profile_chooser import ProfileChooser
from desktop.ui.settings_model import SettingsModel

log = logging.getLogger(__name__)


class HotkeyController(QObject):
    """Starts dictations from outside the main window and pastes their text. GUI thread only.

    Args:
        dictation: the app's dictation state machine.
        window: the dictation window (told how to stop; it renders the dictation).
        settings: ``hotkey.*``, ``paste.mode`` and ``ui.sounds``.
        messages: where a hotkey or paste problem is reported.
        keys: sends the paste shortcut (tests pass a fake); pynput's when None.
        play: plays ``"start"`` or ``"stop"`` and sets the event once it has been played;
            None for silence. The microphone hears the speakers: the dictation
            transcribes silence while the start sound plays, and the stop sound plays
            once the microphone is closed.
        listener_factory: builds the hotkey listener (tests pass a fake).
        chooser: picks the profile of the app in front for each dictation; None: none.

    Signals:
        pasted(str, float): text pasted, ms from the stop to the keystroke.

    Attributes:
        hotkey_error: why the hotkey is not registered, or None when it is.
        paster: pastes into the focused app.
    """

    pasted = Signal(str, float)

    def __init__(
        self,
        dictation: Dictation,
        window: DictationWindow,
        settings: SettingsModel,
        messages: MessageBridge,
        *,
        keys: KeySender | None = None,
        play: Callable[[str, threading.Event], None] | None = None,
        listener_factory: ListenerFactory | None = None,
        chooser: ProfileChooser | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.dictation = dictation
        self._chooser = chooser
        self.window = window
        self.hotkey_error: str | None = None
        self.paster = Paster(self.modifiers_held, keys=keys, parent=self)
        self._settings = settings
        self._messages = messages
        self._play = play
        self._hotkey = GlobalHotkey(listener_factory, self)
        self._connect()

    @property
    def mode(self) -> str:
        """``toggle`` or ``push_to_talk``."""
        mode: str = self._settings.settings.hotkey.mode
        return mode

    def register_hotkey(self) -> str | None:
        """(Re)register the configured hotkey; returns why it failed, or None.

        Also posts the reason as a warning (the settings dialog shows it too).
        """
        combo = self._settings.settings.hotkey.combo
        try:
            self._hotkey.register(combo)
        except hotkeys.Error as e:
            self.hotkey_error = str(e)
            log.warning("Hotkey %s not registered: %s", combo, e)
            self._messages.warning(self.hotkey_error)
        else:
            self.hotkey_error = None
        self.window.set_hint(self._hint())
        return self.hotkey_error

    def unregister_hotkey(self) -> None:
        """Stop listening to the keyboard."""
        self._hotkey.unregister()

    def modifiers_held(self) -> bool:
        """Whether the hotkey's modifiers are still down (the paste waits for them)."""
        return self._hotkey.modifiers_held()

    def start(self, owner: Owner = Owner.COMMAND) -> None:
        """Start a dictation whose text will be pasted (or say why not)."""
        if self._window_dictates():
            self.window.show_message("The main window is dictating", "Stop it there first.",
                                     brief=True)
        elif self.dictation.state is State.CLEANING and self.dictation.awaits_cleaned:
            self.window.show_cleaning_note("Still cleaning the last one · Esc skips it")
        else:
            profile = self._chooser.choose().profile if self._chooser is not None else None
            self.dictation.start(owner, profile)

    def stop(self) -> None:
        """Stop the dictation that is listening; its text is pasted when ready."""
        if not self._window_dictates():
            self.dictation.stop()

    def toggle(self, owner: Owner = Owner.COMMAND) -> None:
        """Stop the dictation that is listening, else start one."""
        if self.dictation.state.listening and not self._window_dictates():
            self.dictation.stop()
        else:
            self.start(owner)

    def cancel(self) -> None:
        """Esc: drop the dictation under way, or skip the paste of one being finished."""
        if not self._window_dictates():
            self.dictation.cancel()

    def shutdown(self) -> None:
        """Release the keyboard. Idempotent."""
        self.unregister_hotkey()

    def _window_dictates(self) -> bool:
        """Whether the main window's own dictation is listening or finishing."""
        state = self.dictation.state
        return (state.busy and state is not State.CLEANING
                and self.dictation.owner is Owner.WINDOW)

    def _connect(self) -> None:
        h = self._hotkey
        h.activated.connect(self._on_hotkey_activated)
        h.deactivated.connect(self._on_hotkey_deactivated)
        h.escaped.connect(self._on_hotkey_escaped)
        self.dictation.state_changed.connect(self._on_dictation_state_changed)
        self.dictation.microphone_closed.connect(self._on_dictation_microphone_closed)
        self.paster.pasted.connect(self._on_paster_pasted)
        self.paster.failed.connect(self._on_paster_failed)
        self._settings.changed.connect(self._on_settings_changed)

    def _hint(self) -> str:
        label = self._hotkey.label
        if label is None:
            return "`dictara stop` or the tray stops · Esc cancels"
        if self.mode == "push_to_talk":
            return f"Release {label} to stop · Esc cancels"
        return f"{label} stops · Esc cancels"

    def _apply(self, stage: str, text: str) -> None:
        action = action_for(self.dictation.settings.paste.mode, stage)
        if not text.strip() or action is Action.NOTHING:
            return
        if action is Action.COPY:
            self.paster.copy(text)
        else:
            self.paster.paste(text)

    def _sound(self, name: str) -> None:
        if self._play is not None and self._settings.settings.ui.sounds:
            played = threading.Event()
            if name == "start":
                self.dictation.mute_input(played)  # before it can be heard
            self._play(name, played)

    def _ms_since_stop(self) -> float:
        return (time.monotonic() - self.dictation.stopped_at) * 1000

    @Slot()
    def _on_hotkey_activated(self) -> None:
        if self.mode == "push_to_talk":
            if not self.dictation.state.listening:
                self.start(Owner.HOTKEY)
        else:
            self.toggle(Owner.HOTKEY)

    @Slot()
    def _on_hotkey_deactivated(self) -> None:
        if self.mode == "push_to_talk":
            self.stop()

    @Slot()
    def _on_hotkey_escaped(self) -> None:
        if self.dictation.owner.pastes:  # Esc in the main window is the window's own
            self.cancel()

    @Slot(object)
    def _on_dictation_state_changed(self, state: State) -> None:
        dictation = self.dictation
        if not dictation.owner.pastes:
            return
        if state is State.RECORDING:  # audio flows: speak now
            self._sound("start")
        elif state is State.CLEANING and dictation.document is not None:
            self._apply("raw", dictation.said)
        elif state is State.DONE and dictation.document is not None:
            result = dictation.document.result
            if result is not None:
                log.info("Cleaned text (%s) %.0f ms after the stop", result.backend,
                         self._ms_since_stop())
                self._apply("cleaned", result.cleaned)

    @Slot()
    def _on_dictation_microphone_closed(self) -> None:
        if self.dictation.owner.pastes:
            self._sound("stop")

    @Slot(str, float)
    def _on_paster_pasted(self, text: str, _ms: float) -> None:
        ms = self._ms_since_stop()
        log.info("Pasted %d characters %.0f ms after the stop", len(text), ms)
        self.pasted.emit(text, ms)

    @Slot(str)
    def _on_paster_failed(self, message: str) -> None:
        self._messages.warning(message)
        self.window.show_message("Not pasted", message)

    @Slot(str)
    def _on_settings_changed(self, key: str) -> None:
        if key in ("hotkey.combo", "hotkey.mode"):
            self.register_hotkey()

