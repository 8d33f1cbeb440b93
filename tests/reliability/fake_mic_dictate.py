"""``dictara dictate`` as a user runs it, with the fake microphone playing a clip.

    python -m tests.reliability.fake_mic_dictate CLIP [DICTATE ARGS...]

The real CLI (``desktop.cli.main``) runs unchanged; only the ``sounddevice`` module is
replaced, before anything imports it, by a fake that replays CLIP at real-time pace.
"""

import sys
from pathlib import Path

import numpy as np

from desktop.engine.decode import AudioFile
from tests.fake_sounddevice import FakeSoundDevice


def main() -> int:
    with AudioFile(Path(sys.argv[1])) as media:
        audio = np.concatenate(list(media.chunks()))
    sys.modules["sounddevice"] = FakeSoundDevice(audio)  # type: ignore[assignment]
    from desktop.cli import main as dictara

    return dictara(["dictate", *sys.argv[2:]])


if __name__ == "__main__":
    sys.exit(main())
