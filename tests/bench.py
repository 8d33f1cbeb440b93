"""Pytest plugin: the Linux test bench with no sound card and no screen.

Fixtures:
    pulse_mic: a private PulseAudio daemon whose null sink ``mic`` is what the default
        source (``mic.monitor``) hears; ``pulse_mic.play(path)`` plays a file into it.
        PortAudio reaches it through ALSA's pulse plugin, the real capture path.
    xvfb_display: a private Xvfb server; its DISPLAY string (":N").

When a binary is missing the fixtures skip, except with ``CI=true``, where they fail:
CI must prove the real stack. Load with ``pytest_plugins = ["tests.bench"]``.
"""

import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

PULSE_BINARIES = ("pulseaudio", "pactl", "paplay", "parec")
START_TIMEOUT = 10.0


@dataclass(frozen=True)
class PulseMic:
    """A running private PulseAudio with a null-sink microphone.

    Attributes:
        env: environment for processes that should use it (XDG_RUNTIME_DIR set).
        runtime_dir: the daemon's private runtime folder.
    """

    env: dict[str, str]
    runtime_dir: Path

    def play(self, path: Path) -> subprocess.Popen[bytes]:
        """Start playing ``path`` into the microphone; wait() on the result to finish."""
        return subprocess.Popen(["paplay", "--device=mic", str(path)], env=self.env)

    def pactl(self, *args: str) -> str:
        """Run pactl against this daemon and return its output."""
        return subprocess.run(["pactl", *args], env=self.env, check=True,
                              capture_output=True, text=True, timeout=START_TIMEOUT).stdout


def require(*binaries: str) -> None:
    """Skip (fail on CI) unless every binary is on PATH."""
    missing = [b for b in binaries if shutil.which(b) is None]
    if missing:
        message = f"test bench needs {', '.join(missing)} (see DESIGN.md, the test bench)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)


@pytest.fixture(scope="session")
def pulse_mic(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PulseMic]:
    """Start a private PulseAudio daemon for the test session and stop it afterwards."""
    require(*PULSE_BINARIES)
    runtime = tmp_path_factory.mktemp("pulse-runtime")
    runtime.chmod(0o700)
    env = {**os.environ, "XDG_RUNTIME_DIR": str(runtime), "PULSE_RUNTIME_PATH": str(runtime)}
    log = (runtime / "pulseaudio.log").open("wb")
    daemon = subprocess.Popen(
        ["pulseaudio", "--daemonize=no", "--exit-idle-time=-1", "-n", "--use-pid-file=no",
         "--load=module-native-protocol-unix", "--load=module-null-sink sink_name=mic"],
        env=env, stdout=subprocess.DEVNULL, stderr=log)
    mic = PulseMic(env, runtime)
    keepalive: subprocess.Popen[bytes] | None = None
    try:
        _wait_until_ready(mic, daemon)
        mic.pactl("set-default-sink", "mic")
        mic.pactl("set-default-source", "mic.monitor")
        # An idle null sink renders in 2-s blocks, so a stream opened on its monitor may
        # get its first block ~2 s late whatever its latency (measured: about half of the
        # first opens in a process). A low-latency reader keeps it ticking every 20 ms, as
        # a hardware microphone's periods do.
        keepalive = subprocess.Popen(["parec", "-d", "mic.monitor", "--latency-msec=20"],
                                     env=env, stdout=subprocess.DEVNULL)
        with pytest.MonkeyPatch.context() as mp:
            mp.setenv("XDG_RUNTIME_DIR", str(runtime))
            mp.setenv("PULSE_RUNTIME_PATH", str(runtime))
            yield mic
    finally:
        for process in (keepalive, daemon):
            if process is not None:
                process.terminate()
                _reap(process)
        log.close()


def _reap(process: subprocess.Popen[bytes]) -> None:
    try:
        process.wait(timeout=START_TIMEOUT)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@pytest.fixture(scope="session")
def xvfb_display() -> Iterator[str]:
    """Start a private Xvfb server and return its DISPLAY (":N")."""
    require("Xvfb")
    read_fd, write_fd = os.pipe()
    server = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write_fd), "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
        pass_fds=(write_fd,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(write_fd)
    try:
        with os.fdopen(read_fd) as pipe:
            number = pipe.readline().strip()  # Xvfb writes it once it accepts clients
        if not number:
            pytest.fail("Xvfb did not start")
        yield f":{number}"
    finally:
        server.terminate()
        server.wait(timeout=START_TIMEOUT)


def _wait_until_ready(mic: PulseMic, daemon: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if daemon.poll() is not None:
            log = (mic.runtime_dir / "pulseaudio.log").read_text(errors="replace")
            pytest.fail(f"pulseaudio exited at start: {log.strip()[-500:]}")
        probe = subprocess.run(["pactl", "info"], env=mic.env, capture_output=True,
                               timeout=START_TIMEOUT)
        if probe.returncode == 0:
            return
        time.sleep(0.05)
    pytest.fail("pulseaudio did not accept connections within 10 s")
