"""GUI responsiveness: event-loop stalls during a dictation plus a file job, start-up, memory.

Measures, with the real window and engine (tiny.en), a replayed microphone and the
loopback Ollama stand-in:

* the longest gap of a 5 ms QTimer probe while a dictation of ``--seconds`` (default 60)
  and a file transcription run together (target <= 50 ms);
* launch to window shown (target <= 1.5 s) and to ready-to-dictate, in a fresh process;
* resident memory when idle with tiny.en loaded (target <= 300 MB).

    QT_QPA_PLATFORM=offscreen python benchmarks/ui_latency.py [--seconds 60] [--repeat 3]

To find what blocks the loop, ``--stall-log FILE`` writes every stall over 20 ms with its
``time.monotonic()`` start and end, the thread names, and a 100 ms busy marker to align a
``py-spy record --gil -t -f chrometrace`` trace with; ``--no-file`` / ``--no-dictation``
run one workload alone.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:
    pass

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PROBE_MS = 5
LOGGED_STALL_MS = 20
MARKER_SECONDS = 0.1
SPEECH = ROOT.parent / "shared" / "data" / "speech"
CLIPS = sorted(ROOT.glob("tests/data/*.wav")) + sorted(ROOT.glob("tests/data/*.flac"))


def rss_mb() -> float:
    """This process's resident memory in MB (Linux)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def speech(seconds: float) -> "object":
    """Return ``seconds`` of real speech (the test clips, repeated) at 16 kHz."""
    import numpy as np

    from tests.ui.conftest import read_clip

    parts, total = [], 0
    while total < seconds * 16000:
        for clip in CLIPS:
            audio = read_clip(clip)
            parts += [audio, np.zeros(8000, dtype=np.float32)]
            total += len(audio) + 8000
    return np.concatenate(parts)[: int(seconds * 16000)]


def child_startup(fake_url: str) -> None:
    """Run in a fresh process: print when the window showed and when dictation is ready."""
    launched = float(os.environ["DICTARA_BENCH_LAUNCHED"])
    from PySide6.QtWidgets import QApplication

    from desktop.app import DictaraApp

    qapp = QApplication(["dictara"])
    app = DictaraApp(qapp)
    times: dict[str, float] = {}
    app.window.shown.connect(lambda: times.setdefault("shown", time.monotonic()))
    app.speech_model.ready.connect(lambda _n: (times.setdefault("ready", time.monotonic()),
                                               qapp.quit()))
    app.speech_model.failed.connect(qapp.quit)
    app.show()
    qapp.exec()
    if app.speech_model.error is not None:
        raise RuntimeError(app.speech_model.error)
    idle_start = time.monotonic()
    while time.monotonic() - idle_start < 2.0:
        qapp.processEvents()
        time.sleep(0.05)
    print(json.dumps({"shown_ms": (times["shown"] - launched) * 1000,
                      "ready_ms": (times["ready"] - launched) * 1000, "rss_mb": rss_mb()}))
    app.shutdown()


def startup(fake_url: str) -> dict[str, float]:
    """Launch a fresh process and return its start-up figures."""
    home = tempfile.mkdtemp(prefix="dictara-bench-")
    env = {**os.environ, "DICTARA_HOME": home,
           "DICTARA_BENCH_LAUNCHED": repr(time.monotonic())}
    _write_settings(Path(home), fake_url)
    out = subprocess.run([sys.executable, __file__, "--child", fake_url], env=env,
                         capture_output=True, text=True, timeout=120, check=True).stdout
    return dict(json.loads(out.strip().splitlines()[-1]))


@dataclass
class Workload:
    """What runs while the probe measures.

    Attributes:
        seconds: how long the run (and the dictation) lasts.
        dictate: whether to dictate.
        file: the file transcribed meanwhile, or None.
        stall_log: where to write the stall log (see the module docstring), or None.
    """

    seconds: float
    dictate: bool
    file: Path | None
    stall_log: Path | None


def stalls(work: Workload, fake_url: str) -> dict[str, object]:
    """Dictate while a file is transcribed; return the worst stall of the event loop."""
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QApplication

    from benchmarks.qt_wait import wait_until
    from desktop.app import DictaraApp
    from desktop.paths import AppPaths
    from desktop.ui.dictation import Owner, State
    from tests.fake_sounddevice import FakeSoundDevice

    qapp = QApplication.instance() or QApplication(["dictara"])
    home = Path(tempfile.mkdtemp(prefix="dictara-bench-"))
    os.environ["DICTARA_HOME"] = str(home)
    _write_settings(home, fake_url)
    mic: Any = FakeSoundDevice(speech(work.seconds))  # type: ignore[arg-type]
    app = DictaraApp(cast(QApplication, qapp), AppPaths.default(), sounddevice=mic)
    app.show()
    model, dictation = app.speech_model, app.dictation
    wait_until(lambda: model.is_ready or model.error is not None, [model.ready, model.failed],
               "speech model", 300_000)
    if model.error is not None:
        raise RuntimeError(model.error)
    marker = _trace_marker()
    probe = _Probe()
    if work.file is not None:
        app.window.add_files([work.file])
    if work.dictate:
        dictation.start(Owner.WINDOW)
    loop = QEventLoop()
    QTimer.singleShot(int(work.seconds * 1000), loop.quit)
    loop.exec()
    if work.dictate:
        cleaned: list[object] = []
        app.documents.cleanup_done.connect(cleaned.append)
        dictation.stop()
        wait_until(lambda: bool(cleaned) or dictation.state is State.FAILED,
                   [app.documents.cleanup_done, dictation.state_changed], "cleaned text",
                   300_000)
        if dictation.state is State.FAILED:
            raise RuntimeError(f"The dictation failed: {dictation.message}")
    probe.stop()
    gaps = [gap for _at, gap in probe.gaps]
    rows = app.window.files.rows()
    result: dict[str, object] = {
        "max_stall_ms": max(gaps), "p99_stall_ms": sorted(gaps)[int(len(gaps) * 0.99)],
        "file_state": rows[0].state if rows else "none",
        "dictation_words": len(app.window.compare.raw.plain.split()),
        "stalls_over_50ms": [(round(at - probe.started, 2), round(gap))
                             for at, gap in probe.gaps if gap > 50]}
    if work.stall_log is not None:
        work.stall_log.write_text(json.dumps({
            "marker": marker, "probe_started": probe.started,
            "stalls": [(at - gap / 1000, at, gap) for at, gap in probe.gaps
                       if gap > LOGGED_STALL_MS],
            "pid": os.getpid(),
            "threads": {t.ident: t.name for t in threading.enumerate()},
            "native_threads": {t.native_id: t.name for t in threading.enumerate()}}, indent=1))
    app.window.hide()  # closing it would quit
    app.shutdown()
    return result


class _Probe:
    """A PROBE_MS timer that records how late each tick came. GUI thread only.

    Attributes:
        started: ``time.monotonic()`` of the first tick.
        gaps: ``(time.monotonic() of the tick, ms beyond PROBE_MS)`` per tick.
    """

    def __init__(self) -> None:
        from PySide6.QtCore import QTimer

        self.started = self._last = time.monotonic()
        self.gaps: list[tuple[float, float]] = []
        self._timer = QTimer()
        self._timer.setInterval(PROBE_MS)
        self._timer.timeout.connect(self._on_timeout)
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    def _on_timeout(self) -> None:
        now = time.monotonic()
        self.gaps.append((now, (now - self._last) * 1000 - PROBE_MS))
        self._last = now


def _trace_marker() -> float:
    """Spin MARKER_SECONDS holding the GIL, so a py-spy trace can be aligned; return start."""
    start = time.monotonic()
    while time.monotonic() - start < MARKER_SECONDS:
        pass
    return start


def _write_settings(home: Path, fake_url: str) -> None:
    from desktop.config import Settings, SettingsFile

    SettingsFile(home / "config" / "config.toml").save(
        Settings().with_value("ollama.host", fake_url))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0, help="dictation length")
    parser.add_argument("--repeat", type=int, default=1, help="runs; the minimum is reported")
    parser.add_argument("--file", type=Path, default=SPEECH / "long",
                        help="file (or folder: its first file) transcribed meanwhile")
    parser.add_argument("--no-file", action="store_true", help="dictate only")
    parser.add_argument("--no-dictation", action="store_true", help="transcribe the file only")
    parser.add_argument("--no-startup", action="store_true", help="skip the start-up runs")
    parser.add_argument("--switch-interval", type=float, metavar="S",
                        help="sys.setswitchinterval() for the run (default 0.005)")
    parser.add_argument("--stall-log", type=Path, metavar="FILE",
                        help="write the stalls over 20 ms and a py-spy alignment marker")
    parser.add_argument("--child", metavar="URL", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.switch_interval:
        sys.setswitchinterval(args.switch_interval)
    if args.child:
        child_startup(args.child)
        return 0
    from tests.fake_ollama import FakeOllama

    fake = FakeOllama().start()
    file = args.file
    if file.is_dir():
        file = sorted(p for p in file.iterdir() if p.suffix in (".wav", ".flac", ".mp3"))[0]
    work = Workload(args.seconds, not args.no_dictation, None if args.no_file else file,
                    args.stall_log)
    try:
        starts = [] if args.no_startup else [startup(fake.url) for _ in range(args.repeat)]
        runs = [stalls(work, fake.url) for _ in range(args.repeat)]
    finally:
        fake.stop()
    best = min(runs, key=lambda r: float(r["max_stall_ms"]))  # type: ignore[arg-type]
    print(f"file job: {work.file.name if work.file else 'none'}; dictation "
          f"{args.seconds if work.dictate else 0:.0f} s; runs {args.repeat}")
    print("longest stall per run (ms): "
          + ", ".join(f"{r['max_stall_ms']:.0f}" for r in runs))
    print(f"longest event-loop stall: {best['max_stall_ms']:.0f} ms "
          f"(p99 {best['p99_stall_ms']:.0f} ms; target <= 50 ms); file {best['file_state']}, "
          f"{best['dictation_words']} words dictated")
    print(f"stalls over 50 ms (s since start, ms): {best['stalls_over_50ms']}")
    if not starts:
        sys.stdout.flush()
        os._exit(0)
    print(f"launch to window shown:   {min(s['shown_ms'] for s in starts):.0f} ms "
          "(target <= 1500 ms)")
    print(f"launch to ready:          {min(s['ready_ms'] for s in starts):.0f} ms")
    print(f"idle RSS, tiny.en loaded: {min(s['rss_mb'] for s in starts):.0f} MB "
          "(target <= 300 MB)")
    sys.stdout.flush()
    # Skip interpreter teardown: PySide6 and nanobind (soxr) objects destroyed in random
    # order at exit have crashed it ("bool_dealloc"); there is nothing left to clean up.
    os._exit(0)


if __name__ == "__main__":
    sys.exit(main())
