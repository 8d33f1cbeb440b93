"""A process that is recording a dictation when the test kills it.

    python -m tests.reliability.crash_spool (CLIP | -)

Opens a real spool in DICTARA_HOME's recordings folder, writes CLIP's audio to it (none
for ``-``, like a dictation killed before its first flush), prints "ready" and waits for
the SIGKILL, holding the spool's lock as a dictation does.
"""

import sys
import time
from pathlib import Path

import numpy as np

from desktop.engine.decode import AudioFile
from desktop.engine.spool import Spool
from desktop.paths import AppPaths


def main() -> None:
    spool = Spool.create(AppPaths.default().recordings_dir)
    if sys.argv[1] != "-":
        with AudioFile(Path(sys.argv[1])) as media:
            spool.write(np.concatenate(list(media.chunks())))
        spool.flush()
    print("ready", flush=True)
    time.sleep(600)


if __name__ == "__main__":
    main()
