"""``dictara --self-test``: prove that this installation of Dictara works, frozen or not.

The release pipeline runs it on every bundle it builds, and a user can run it when the app
misbehaves. Each check prints one line; the exit code is 0 when all pass, 1 otherwise.

Checks, in order:

1. ``model``: the bundled tiny.en model resolves and loads (CTranslate2).
2. ``transcribe``: a short real-speech clip shipped in ``resources/selftest`` is decoded
   (PyAV), filtered by Silero VAD (onnxruntime) and transcribed; the text must contain
   the expected words.
3. ``platform``: PortAudio loads (sounddevice) and pynput's backend for this platform is
   present (hotkeys and paste), without needing a display or a microphone.
4. ``window``: the main window opens, loads the model, and closes, with a throwaway
   settings and history folder. Qt draws offscreen unless ``QT_QPA_PLATFORM`` says
   otherwise, so nothing flashes on the user's screen.

Nothing here touches the network: the only peer the window may try is Ollama on loopback.
"""

import argparse
import importlib.machinery
import importlib.util
import os
import re
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from desktop import __version__

RESOURCES = Path(__file__).resolve().parents[1] / "resources"
CLIP = RESOURCES / "selftest" / "jfk.flac"
# Words tiny.en must find in the clip (normalised: lower case, no punctuation).
EXPECTED = "ask not what your country can do for you"
WINDOW_TIMEOUT_MS = 60_000
PYNPUT_BACKEND = {"win32": "win32", "darwin": "darwin"}.get(sys.platform, "xorg")


@dataclass(frozen=True)
class CheckResult:
    """The outcome of one check.

    Attributes:
        name: short name of the check.
        ok: whether it passed.
        detail: what was seen, or why it failed.
        seconds: how long it took.
    """

    name: str
    ok: bool
    detail: str
    seconds: float


def run(argv: Sequence[str]) -> int:
    """Run the checks, print one line for each, and return the exit code.

    Args:
        argv: ``--self-test`` plus options; see ``--help``.
    """
    args = _parser().parse_args(list(argv))
    frozen = "frozen" if getattr(sys, "frozen", False) else "from source"
    print(f"dictara {__version__} self-test ({frozen}, {sys.platform})", flush=True)
    checks: list[tuple[str, Callable[[], str]]] = [
        ("model", check_model),
        ("transcribe", lambda: check_transcribe(args.clip)),
        ("platform", check_platform),
    ]
    if not args.no_window:
        checks.append(("window", check_window))
    results = [_timed(name, check) for name, check in checks]
    failed = [r.name for r in results if not r.ok]
    if failed:
        print(f"self-test FAILED: {', '.join(failed)}", flush=True)
        return 1
    total = sum(r.seconds for r in results)
    print(f"self-test passed in {total:.1f} s", flush=True)
    return 0


def check_model() -> str:
    """Resolve and load the bundled model; return where it came from."""
    from desktop.engine import models

    ref = models.bundled_model()
    models.validate(ref.path)
    models.load(ref, models.ModelOptions(device="cpu"))
    return f"{ref.name} from {ref.path}"


def check_transcribe(clip: Path) -> str:
    """Transcribe ``clip`` with the bundled model and VAD; return the text.

    Raises:
        AssertionError: the expected words are not in the text.
    """
    from desktop.engine import models
    from desktop.engine.transcriber import TranscribeOptions, Transcriber

    transcriber = Transcriber(models.bundled_model(), models.ModelOptions(device="cpu"))
    transcript = transcriber.transcribe_file(clip, TranscribeOptions(language="en", vad=True))
    text = transcript.text
    if EXPECTED not in normalise(text):
        raise AssertionError(f"expected {EXPECTED!r} in the transcript, got {text!r}")
    return repr(text)


def check_platform() -> str:
    """Load PortAudio and find pynput's backend; return the PortAudio version.

    Raises:
        OSError: PortAudio is missing.
        AssertionError: the pynput backend modules are not installed (or not bundled).
    """
    import sounddevice

    missing = [name for name in (f"pynput.keyboard._{PYNPUT_BACKEND}",
                                 f"pynput.mouse._{PYNPUT_BACKEND}")
               if not module_present(name)]
    if missing:
        raise AssertionError(f"missing {', '.join(missing)}")
    return f"{sounddevice.get_portaudio_version()[1]}; pynput {PYNPUT_BACKEND} backend"


def check_window() -> str:
    """Open the main window on a throwaway profile, wait for the model, and close it.

    Raises:
        AssertionError: the window never showed, or the model failed to load in it.
    """
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    existing = QApplication.instance()
    qapp = existing if isinstance(existing, QApplication) else QApplication(["dictara"])
    with tempfile.TemporaryDirectory(prefix="dictara-selftest-") as root:
        outcome = _open_and_close(qapp, Path(root))
    if outcome != "ready":
        raise AssertionError(outcome)
    return f"opened, model ready, closed ({qapp.platformName()} platform)"


def module_present(name: str) -> bool:
    """Whether module ``name`` is installed (or bundled), without importing its packages.

    pynput's packages pick a backend when imported, which fails with no display; looking
    the file up through the path finders (PyInstaller's included) avoids that.
    """
    top, *middle, _leaf = name.split(".")
    spec = importlib.util.find_spec(top)
    if spec is None or not spec.submodule_search_locations:
        return False
    locations = [os.path.join(location, *middle) for location in spec.submodule_search_locations]
    return importlib.machinery.PathFinder.find_spec(name, locations) is not None


def normalise(text: str) -> str:
    """Lower-case ``text`` and replace punctuation with spaces, collapsing runs."""
    return " ".join(re.sub(r"[^\w']+", " ", text.lower()).split())


def _open_and_close(qapp: object, root: Path) -> str:
    """Show a DictaraApp under ``root``; return "ready" or what went wrong. GUI thread."""
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from desktop.app import DictaraApp
    from desktop.paths import AppPaths

    assert isinstance(qapp, QApplication)
    app = DictaraApp(qapp, AppPaths.under(root / "config", root / "data", root / "logs"))
    outcome = ["the model did not load within 60 s"]
    loop = QEventLoop()

    def finish(result: str) -> None:
        outcome[0] = result
        loop.quit()

    app.speech_model.ready.connect(lambda _name: finish("ready"))
    app.speech_model.failed.connect(lambda message: finish(f"model failed: {message}"))
    QTimer.singleShot(WINDOW_TIMEOUT_MS, loop.quit)
    try:
        app.show()
        loop.exec()
        if app.shown_at is None:
            outcome[0] = "the window was never shown"
    finally:
        app.window.hide()
        app.shutdown()
        app.window.deleteLater()
        qapp.processEvents()
    return outcome[0]


def _timed(name: str, check: Callable[[], str]) -> CheckResult:
    """Run one check, print its line, and return its result."""
    started = time.monotonic()
    try:
        detail, ok = check(), True
    except Exception as e:  # the point of a self-test: report anything and go on
        detail, ok = f"{type(e).__name__}: {e}", False
        traceback.print_exc(file=sys.stderr)
    result = CheckResult(name, ok, detail, time.monotonic() - started)
    mark = "ok  " if ok else "FAIL"
    print(f"{mark} {name:<10} {result.seconds:5.1f} s  {detail}", flush=True)
    return result


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="dictara --self-test",
        description="Check that the bundled model, audio decoding, VAD and the window work.",
    )
    parser.add_argument("--self-test", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--clip", type=Path, default=CLIP, help="speech clip to transcribe")
    parser.add_argument("--no-window", action="store_true", help="skip the window check")
    return parser
