"""Keep a long file's peak memory that of one window, not of all the windows before it.

Each window of a long file runs Silero VAD (onnxruntime), the features and the decoder on
arrays of slightly different sizes. glibc serves allocations up to 32 MB from its heaps
(its mmap threshold rises to the largest block freed), keeps the freed blocks there, and
the next window's differently sized arrays no longer fit them: a 33-minute file peaked
125 MB above an 11-minute one, and the peak varied by 20 MB from run to run. With blocks
over 2 MiB always mapped (and unmapped when freed) and the heaps trimmed between windows,
the peak is about that of one window (tiny.en, measured: 452 MB for 33 minutes of speech,
434 MB for 11). A 256-KiB threshold flattened it further (421 / 403 MB) but made the
transcription 1.8 times slower: every decode step maps and zeroes fresh pages. Elsewhere
than glibc (macOS, Windows, musl) this does nothing.
"""

import ctypes
import ctypes.util
import functools
import logging
import sys
from typing import Any

log = logging.getLogger(__name__)

M_MMAP_THRESHOLD = -3  # mallopt parameter (malloc.h)
MMAP_THRESHOLD = 2 * 1024 * 1024  # fixed: glibc no longer raises it up to 32 MB


def keep_heap_small() -> None:
    """Map large blocks of their own from now on, for the whole process. Any thread."""
    _configure()


def release_free_memory() -> None:
    """Return the C heap's free memory to the operating system. Any thread."""
    libc = _glibc()
    if libc is not None:
        libc.malloc_trim(0)


@functools.cache
def _configure() -> None:
    libc = _glibc()
    if libc is not None and not libc.mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD):
        log.info("mallopt(M_MMAP_THRESHOLD) refused; large blocks stay in the heap")


@functools.cache
def _glibc() -> Any:
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        libc.malloc_trim  # noqa: B018 (glibc only)
        libc.mallopt  # noqa: B018
    except (OSError, AttributeError):  # not glibc
        log.info("Not glibc: freed memory stays with the process between windows")
        return None
    return libc
