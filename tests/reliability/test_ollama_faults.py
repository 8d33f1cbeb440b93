"""A hostile or broken Ollama on loopback, against the real ``dictara clean`` process.

Each case is a real HTTP server misbehaving on a real socket: a byte a second on
``/api/show`` or ``/api/chat``, answers of hundreds of megabytes, a connection closed
mid-answer, a redirect to another computer. Each must end, within the cleanup's deadline
and a bounded amount of memory, in the rule-based cleanup plus one sentence, exit code 0,
no traceback.
"""

import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from desktop.config import Settings, SettingsFile
from desktop.engine.cleanup import RuleCleaner
from desktop.paths import AppPaths
from tests.fake_ollama import FakeOllama

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"),
                                reason="peak memory comes from /proc")

ROOT = Path(__file__).resolve().parents[2]
RAW = "um so I was thinking we could uh meet on tuesday to go over the budget numbers"
RULES = RuleCleaner().clean(RAW)  # what the user sees when the model is not used
TIMEOUT = 2.0  # the ollama.timeout setting: seconds the whole cleanup may take
STARTUP = 4.0  # seconds a Python process takes to start and import, with room to spare
BASELINE_MB = 90  # peak memory of `dictara clean` against a server that is not there
HUGE = 512 * 2**20  # a server that never stops sends this much before giving up


@dataclass(frozen=True)
class Run:
    """A finished ``dictara clean``: exit code, output, wall time and peak memory."""

    code: int
    out: str
    err: str
    seconds: float
    peak_mb: float


# `python -m desktop ARGS` that writes its peak memory (VmHWM, kB, Linux) to a file at exit;
# the rusage of a child would count the forked test process's pages as its own.
MEASURED = """
import runpy, sys
peak_file = sys.argv.pop(1)
try:
    runpy.run_module("desktop", run_name="__main__", alter_sys=True)
finally:
    with open("/proc/self/status") as status, open(peak_file, "w") as out:
        out.write(next(line for line in status if line.startswith("VmHWM")).split()[1])
"""


def clean(tmp_path: Path, host: str, *args: str) -> Run:
    """Run ``dictara clean --host HOST ARGS RAW`` with ollama.timeout = TIMEOUT."""
    home = tmp_path / "home"
    paths = AppPaths.under(home / "config", home / "data", home / "logs")
    SettingsFile(paths.config_file).save(Settings().with_value("ollama.timeout", TIMEOUT))
    env = {**os.environ, "DICTARA_HOME": str(home)}
    peak = tmp_path / "peak.txt"
    start = time.monotonic()
    try:
        done = subprocess.run([sys.executable, "-c", MEASURED, str(peak), "clean", "--host",
                               host, *args, RAW], env=env, capture_output=True, text=True,
                              timeout=60, cwd=ROOT)
    except subprocess.TimeoutExpired:
        pytest.fail("dictara clean was still running after 60 s")
    seconds = time.monotonic() - start
    return Run(done.returncode, done.stdout, done.stderr, seconds, int(peak.read_text()) / 1024)


def assert_one_sentence_fallback(run: Run, *phrases: str) -> str:
    """Assert the run shows the rules with exactly one sentence that says ``phrases``."""
    assert run.code == 0, run.err
    assert "Traceback" not in run.err, run.err
    assert run.out.strip() == RULES
    (line,) = run.err.strip().splitlines()
    assert line.startswith("note: ") and line.endswith(".") and ". " not in line, line
    for phrase in phrases:
        assert phrase in line, line
    return line


@pytest.mark.parametrize("where", ["show", "chat"])
def test_a_byte_a_second_cannot_hold_the_cleanup_past_its_deadline(
    fake_ollama: FakeOllama, tmp_path: Path, where: str
) -> None:
    # Every byte restarts httpx's read timeout, so only the cleanup's own deadline ends it.
    if where == "show":
        fake_ollama.show_mode = "trickle"
    else:
        fake_ollama.mode = "trickle"
    run = clean(tmp_path, fake_ollama.url)
    assert_one_sentence_fallback(run, f"did not answer within {TIMEOUT:g} s")
    assert run.seconds < TIMEOUT + STARTUP
    assert len(fake_ollama.bodies(f"/api/{where}")) == 1


@pytest.mark.parametrize("where", ["show", "chat"])
def test_a_huge_answer_is_not_read_into_memory(
    fake_ollama: FakeOllama, tmp_path: Path, where: str
) -> None:
    fake_ollama.huge_bytes = HUGE
    if where == "show":
        fake_ollama.show_mode = "huge"  # /api/show is a few kilobytes from a real Ollama
    else:
        fake_ollama.mode = "huge"  # one line with no end, as a runaway answer would be
    run = clean(tmp_path, fake_ollama.url)
    assert_one_sentence_fallback(run, "sent more than", "for one answer")
    assert run.peak_mb < BASELINE_MB + 64, f"peak memory {run.peak_mb:.0f} MB"
    assert run.seconds < TIMEOUT + STARTUP


def test_a_connection_closed_mid_answer(fake_ollama: FakeOllama, tmp_path: Path) -> None:
    fake_ollama.mode = "cut"
    run = clean(tmp_path, fake_ollama.url)
    assert_one_sentence_fallback(run, "broke off mid-answer")


def test_a_redirect_to_another_computer_is_not_followed(
    fake_ollama: FakeOllama, tmp_path: Path
) -> None:
    fake_ollama.redirect_to = "http://10.1.2.3:11434"  # TEST-NET style: nothing answers
    run = clean(tmp_path, fake_ollama.url)
    assert_one_sentence_fallback(run, "http://10.1.2.3:11434 is not on this computer",
                                 "allow_remote")
    assert run.seconds < STARTUP  # refused at once, not after a connection attempt
