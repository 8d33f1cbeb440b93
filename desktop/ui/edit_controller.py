"""Edit by voice: the edit hotkey → the selection → a spoken instruction → the rewrite, pasted.

Pressed with text selected in any app, the edit hotkey (``hotkey.edit``) reads the
selection (:class:`~desktop.ui.selection_reader.SelectionReader`) while the one
:class:`~desktop.ui.dictation.Dictation` records the instruction (owner ``EDIT``: not
cleaned, not kept in the history); the dictation window shows what will be edited. At the
stop (the key again, or its release in push-to-talk) the local model rewrites the
selection (:func:`desktop.engine.edit.rewrite`) in a pool thread, and the rewrite is pasted
over the selection with the clipboard given back; with ``paste.mode`` off (the profile of
the app may say so) it is only copied. Nothing selected, no Ollama or an answer that cannot
be used: the window says why and nothing changes.
"""

import logging
import threading

from PySide6.QtCore import QObject, Signal, Slot

from desktop.engine import edit
from desktop.engine.edit import EditResult
from desktop.options import cleanup_options
from desktop.platform import hotkeys
from desktop.platform.paste import KeySender
from desktop.ui.dictation import Dictation, Owner, State
from desktop.ui.dictation_window import DictationWindow
from desktop.ui.global_hotkey import GlobalHotkey, ListenerFactory
from desktop.ui.jobs import JobRunner, describe_error
from desktop.ui.messages import MessageBridge
from desktop.ui.paster import Paster
from desktop.ui.profile_chooser import ProfileChooser
from desktop.ui.selection_reader import SelectionReader
from desktop.ui.settings_model import SettingsModel

log = logging.getLogger(__name__)

NOT_CHANGED = "Nothing was changed"


class EditController(QObject):
    """Runs one edit by voice at a time. GUI thread only.

    Args:
        dictation: the app's dictation state machine (records the instruction).
        window: the dictation window.
        settings: ``hotkey.edit``, ``hotkey.mode`` and the Ollama settings.
        messages: where a hotkey problem is reported.
        runner: runs the rewrite off the GUI thread.
        paster: pastes over the selection (the hotkey controller's: one clipboard).
        chooser: the profile of the app in front (its paste mode and language apply).
        keys: sends the copy shortcut (tests pass a fake); pynput's when None.
        listener_factory: builds the hotkey listener (tests pass a fake).

    Signals:
        edited(str): the rewrite was pasted (or copied) in place of the selection.

    Attributes:
        hotkey_error: why the edit hotkey is not registered, or None.
        selection: the selected text of the edit under way ("" until read).
    """

    edited = Signal(str)

    def __init__(
        self,
        dictation: Dictation,
        window: DictationWindow,
        settings: SettingsModel,
        messages: MessageBridge,
        runner: JobRunner,
        paster: Paster,
        chooser: ProfileChooser,
        *,
        keys: KeySender | None = None,
        listener_factory: ListenerFactory | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.dictation = dictation
        self.window = window
        self.hotkey_error: str | None = None
        self.selection = ""
        self._settings = settings
        self._messages = messages
        self._runner = runner
        self._paster = paster
        self._chooser = chooser
        self._hotkey = GlobalHotkey(listener_factory, self)
        self._reader = SelectionReader(self.modifiers_held, keys=keys, parent=self)
        self._editing = False  # from the key press until the rewrite is in (or not)
        self._instruction: str | None = None  # known once the dictation is DONE
        self._selected = False  # the selection has been read
        self._paste_mode = "cleaned"  # the edit's, as its profile says
        self._cancel: threading.Event | None = None  # the rewrite under way
        self._connect()

    def register_hotkey(self) -> str | None:
        """(Re)register ``hotkey.edit`` (empty: off); returns why it failed, or None."""
        self.unregister_hotkey()
        combo = self._settings.settings.hotkey.edit
        self.hotkey_error = None
        if not combo:
            return None
        try:
            self._hotkey.register(combo)
        except hotkeys.Error as e:
            self.hotkey_error = f"The edit hotkey is off: {e}"
            log.warning("Edit hotkey %s not registered: %s", combo, e)
            if not isinstance(e, hotkeys.UnavailableError):  # the dictation hotkey says it
                self._messages.warning(self.hotkey_error)
        return self.hotkey_error

    def unregister_hotkey(self) -> None:
        """Stop listening to the keyboard."""
        self._hotkey.unregister()

    def modifiers_held(self) -> bool:
        """Whether the edit hotkey's modifiers are still down (the copy waits for them)."""
        return self._hotkey.modifiers_held()

    def start(self) -> None:
        """Start an edit of the selection in the app in front (or say why not)."""
        choice = self._chooser.choose()
        if self._editing or not self.dictation.start(Owner.EDIT, choice.profile):
            if self.dictation.state is not State.FAILED:  # else the window says why
                self.window.show_message("Dictara is busy", "Finish what it is doing "
                                         "first; nothing was changed.", brief=True)
            return
        self._editing, self._selected, self._instruction = True, False, None
        self.selection = ""
        self._paste_mode = self.dictation.settings.paste.mode
        self.window.set_edit_target("")
        self._reader.start(choice.app,
                           patient=self._settings.settings.hotkey.mode == "push_to_talk")

    def stop(self) -> None:
        """Stop recording the instruction; the rewrite follows."""
        if self.dictation.owner is Owner.EDIT:
            self.dictation.stop()

    def cancel(self) -> None:
        """Esc: drop the edit under way; nothing changes."""
        if self._cancel is not None:
            self._end()
            self.window.show_message("Cancelled", "The selection was left as it was.",
                                     brief=True)
        elif self._editing:
            self.dictation.cancel()  # its IDLE ends the edit

    def shutdown(self) -> None:
        """Release the keyboard and stop waiting for the model. Idempotent."""
        self.unregister_hotkey()
        self._end()

    def _connect(self) -> None:
        h = self._hotkey
        h.activated.connect(self._on_hotkey_activated)
        h.deactivated.connect(self._on_hotkey_deactivated)
        h.escaped.connect(self._on_hotkey_escaped)
        self._reader.read.connect(self._on_reader_read)
        self._reader.failed.connect(self._on_reader_failed)
        self.dictation.state_changed.connect(self._on_dictation_state_changed)
        self._settings.changed.connect(self._on_settings_changed)

    def _end(self) -> None:
        """The edit is over (done, cancelled or refused): stop what still runs for it."""
        self._editing = False
        self._reader.cancel()
        if self._cancel is not None:
            self._cancel.set()
            self._cancel = None

    def _rewrite_when_ready(self) -> None:
        """Both the selection and the instruction are known: ask the model."""
        if not self._selected or self._instruction is None or self._cancel is not None:
            return
        selection, instruction = self.selection, self._instruction
        try:
            options = cleanup_options(self.dictation.settings)
        except ValueError as e:
            self._end()
            self.window.show_message(NOT_CHANGED, str(e))
            return
        cancel = self._cancel = threading.Event()
        self.window.show_raw(instruction, "Rewriting the selection…", ("Instruction", "Rewrite"))
        log.info("Rewriting %d characters as told: %r", len(selection), instruction)
        self._runner.submit(lambda: edit.rewrite(selection, instruction, options, cancel),
                            self._on_rewrite_done)

    def _put(self, text: str) -> str:
        """Paste (or only copy, with paste mode off) the rewrite; return what was done."""
        if self._paste_mode == "off":
            self._paster.copy(text)
            return "Copied: paste it over the selection"
        self._paster.paste(text)
        return "Pasted over the selection"

    @Slot()
    def _on_hotkey_activated(self) -> None:
        listening = self.dictation.owner is Owner.EDIT and self.dictation.state.listening
        if self._settings.settings.hotkey.mode == "push_to_talk":
            if not listening:
                self.start()
        elif listening:
            self.stop()
        else:
            self.start()

    @Slot()
    def _on_hotkey_deactivated(self) -> None:
        if self._settings.settings.hotkey.mode == "push_to_talk":
            self.stop()

    @Slot()
    def _on_hotkey_escaped(self) -> None:
        self.cancel()

    @Slot(str)
    def _on_reader_read(self, text: str) -> None:
        if not self._editing:
            return  # cancelled meanwhile
        if not text.strip():
            self._end()
            self.dictation.cancel()
            self.window.show_message(NOT_CHANGED, edit.NOTHING_SELECTED)
            return
        self.selection, self._selected = text, True
        self.window.set_edit_target(text)
        self._rewrite_when_ready()

    @Slot(str)
    def _on_reader_failed(self, message: str) -> None:
        if self._editing:
            self._end()
            self.dictation.cancel()
            self.window.show_message(NOT_CHANGED, message)

    @Slot(object)
    def _on_dictation_state_changed(self, state: State) -> None:
        dictation = self.dictation
        if not self._editing or dictation.owner is not Owner.EDIT:
            return
        if state is State.DONE and dictation.document is not None:
            self._instruction = dictation.document.transcript.text
            if not self._selected:
                self.window.show_working("Reading the selection…")
            self._rewrite_when_ready()
        elif state in (State.FAILED, State.IDLE):  # no speech, or Esc: nothing changes
            self._end()

    @Slot(object, object)
    def _on_rewrite_done(self, result: EditResult | None, error: BaseException | None) -> None:
        if self._cancel is None or self._cancel.is_set():
            return  # cancelled: the selection stays as it was
        self._cancel = None
        self._editing = False
        if error is not None or result is None:
            self.window.show_message(NOT_CHANGED, describe_error(error or RuntimeError()))
            return
        if result.text is None:
            log.info("Edit not applied: %s", result.reason)
            self.window.show_message(NOT_CHANGED, result.reason or "")
            return
        note = self._put(result.text)
        log.info("Edit applied: %d characters in %.0f ms (%s)", len(result.text), result.ms,
                 note)
        self.window.show_cleaned(result.text.strip(), note)
        self.edited.emit(result.text)

    @Slot(str)
    def _on_settings_changed(self, key: str) -> None:
        if key == "hotkey.edit":
            self.register_hotkey()
