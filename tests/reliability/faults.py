"""Shared tools of the fault suite: the CLI as a subprocess, a small real filesystem.

A full disk is a real tmpfs of a few MiB, mounted for the test and filled up, wherever
the machine lets the tests mount (CI and the dev machines run as root). Elsewhere the
closest real fault is used: the kernel's per-process file size limit (RLIMIT_FSIZE) on
the command, under which a write past the limit fails with EFBIG just as a write to a
full disk fails with ENOSPC; both reach Dictara as an OSError from the same call.
"""

import contextlib
import os
import resource
import signal
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DISK_BYTES = 4 * 2**20


@dataclass(frozen=True)
class Result:
    """A finished command."""

    code: int
    out: str
    err: str


def run(*args: str, home: Path, module: str = "desktop", stdin: str | None = None,
        limit: int | None = None, timeout: float = 300) -> Result:
    """Run ``python -m MODULE ARGS`` with DICTARA_HOME=home and the usual umask (0o022).

    Args:
        args: the command line.
        home: the DICTARA_HOME folder.
        module: ``desktop`` for ``dictara``, or a test wrapper around it.
        stdin: text for the command's standard input.
        limit: the largest file (bytes) the command may write (the full-disk fallback).
        timeout: seconds before the test fails.
    """
    def prepare() -> None:
        os.umask(0o022)
        if limit is not None:
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # EFBIG instead of a kill
            resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    proc = subprocess.run([sys.executable, "-m", module, *args], cwd=ROOT, input=stdin,
                          capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, "DICTARA_HOME": str(home)},
                          preexec_fn=prepare)
    return Result(proc.returncode, proc.stdout, proc.stderr)


def assert_one_sentence(result: Result, prefix: str, *expected: str) -> str:
    """Assert stderr has exactly one ``PREFIX: ...`` line, holding ``expected``, no traceback."""
    assert "Traceback" not in result.err, result.err
    lines = [line for line in result.err.splitlines() if line.startswith(f"{prefix}: ")]
    assert len(lines) == 1, result.err
    for text in expected:
        assert text in lines[0], lines[0]
    return lines[0]


@dataclass
class Disk:
    """A small filesystem that can be filled up.

    Attributes:
        path: a folder on it.
        real: True for a mounted tmpfs; False for the RLIMIT_FSIZE fallback.
        limit: the file size limit to run commands with (fallback only, once filled).
    """

    path: Path
    real: bool
    limit: int | None = None

    def fill(self, leave: int = 0) -> None:
        """Use up the space, leaving about ``leave`` bytes."""
        if not self.real:
            self.limit = leave
            return
        filler = self.path / f".filler-{uuid.uuid4().hex}"
        with filler.open("wb", buffering=0) as f, contextlib.suppress(OSError):
            while True:
                f.write(b"\0" * 4096)
        if leave:
            os.truncate(filler, max(0, filler.stat().st_size - leave))


@contextlib.contextmanager
def small_disk(folder: Path) -> Iterator[Disk]:
    """Mount a DISK_BYTES tmpfs on ``folder`` (created), or fall back to RLIMIT_FSIZE."""
    folder.mkdir(parents=True, exist_ok=True)
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={DISK_BYTES},mode=0755",
                              "tmpfs", str(folder)], capture_output=True).returncode == 0
    try:
        yield Disk(folder, mounted)
    finally:
        if mounted:
            subprocess.run(["umount", "-l", str(folder)], check=True)


def kill_when_ready(command: list[str], ready: str, home: Path,
                    then: Callable[[], None] = lambda: None) -> None:
    """Start ``command``, wait for a stdout line holding ``ready``, run ``then``, SIGKILL it."""
    proc = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, text=True,
                            env={**os.environ, "DICTARA_HOME": str(home)})
    assert proc.stdout is not None
    for line in proc.stdout:
        if ready in line:
            break
    else:
        raise AssertionError(f"{command} ended without printing {ready!r}")
    then()
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    proc.stdout.close()
