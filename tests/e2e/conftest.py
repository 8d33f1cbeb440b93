"""The end-to-end bench for Dictara as a real process: display, microphone, Ollama, logs.

Dictara runs as a child process on a private Xvfb with the PulseAudio virtual microphone,
cleaning through the loopback Ollama stand-in; its log lines (stderr) are collected so a
test can wait for one.
"""

import os
import re
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from desktop.config import Settings, SettingsFile
from desktop.paths import AppPaths
from tests.bench import PulseMic, require
from tests.fake_ollama import FakeOllama

ROOT = Path(__file__).resolve().parents[2]
READY_TIMEOUT = 120.0


@dataclass
class Proc:
    """A child process whose stderr lines are collected as they come."""

    popen: "subprocess.Popen[str]"
    lines: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.popen.stderr is not None
        for line in self.popen.stderr:
            self.lines.append(line.rstrip())

    def wait_for(self, pattern: str, timeout: float, after: int = 0) -> re.Match[str]:
        found = poll(lambda: next((m for line in self.lines[after:]
                                    if (m := re.search(pattern, line))), None), timeout)
        if found is None:
            tail = "\n".join(self.lines[-40:])
            pytest.fail(f"no log line matching {pattern!r} within {timeout} s:\n{tail}")
        return found

    def stop(self) -> None:
        if self.popen.poll() is None:
            self.popen.terminate()
            try:
                self.popen.wait(10)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait()


@dataclass
class Bench:
    """The display, the microphone, Ollama and the environment for child processes."""

    display: str
    mic: PulseMic
    ollama: FakeOllama
    home: Path
    env: dict[str, str]
    tmp: Path

    def x(self, *args: str) -> str:
        return subprocess.run(list(args), env=self.env, check=True, capture_output=True,
                              text=True, timeout=20).stdout.strip()

    def focus(self) -> str:
        return self.x("xdotool", "getwindowfocus")

    def clipboard(self) -> str:
        return subprocess.run(["xclip", "-o", "-selection", "clipboard"], env=self.env,
                              capture_output=True, text=True, timeout=10).stdout

    def set_clipboard(self, text: str) -> None:
        # xclip stays in the background to serve the selection: no pipes to wait on.
        subprocess.run(["xclip", "-selection", "clipboard", "-i"], input=text.encode(),
                       env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       check=True, timeout=10)

    def dictara(self, *args: str) -> "subprocess.CompletedProcess[str]":
        return subprocess.run([sys.executable, "-m", "desktop", *args], env=self.env,
                              capture_output=True, text=True, timeout=60, cwd=ROOT)


@pytest.fixture
def bench(xvfb_display: str, pulse_mic: PulseMic, fake_ollama: FakeOllama,
          tmp_path: Path) -> Bench:
    require("xdotool", "xclip", "paplay")
    home = tmp_path / "home"
    env = {**os.environ, **pulse_mic.env, "DISPLAY": xvfb_display, "DICTARA_HOME": str(home),
           "QT_QPA_PLATFORM": "xcb"}
    env.pop("OLLAMA_HOST", None)
    return Bench(xvfb_display, pulse_mic, fake_ollama, home, env, tmp_path)


def visible(bench: Bench, name: str) -> bool:
    result = subprocess.run(["xdotool", "search", "--onlyvisible", "--name", f"^{name}$"],
                            env=bench.env, capture_output=True, text=True, timeout=10)
    return bool(result.stdout.strip())


def poll(check: Callable[[], object], timeout: float) -> object:
    """Poll an external process's state (files, X server) until ``check`` is truthy."""
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.05)


def start_app(bench: Bench, *args: str, **settings: object) -> Proc:
    """Start ``dictara ARGS`` with these settings; wait until the speech model is ready."""
    paths = AppPaths.under(bench.home / "config", bench.home / "data", bench.home / "logs")
    values = Settings()
    for key, value in {"ollama.host": bench.ollama.url, "ui.sounds": False,
                       "ui.start_at_login": False, **settings}.items():
        values = values.with_value(key, value)
    SettingsFile(paths.config_file).save(values)
    popen = subprocess.Popen([sys.executable, "-m", "desktop", *args], env=bench.env,
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                             cwd=ROOT)
    app = Proc(popen)
    app.wait_for(r"Speech model .* ready", READY_TIMEOUT)
    return app
