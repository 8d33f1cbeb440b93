"""A dictation process fed by the fake microphone, for the crash-recovery test.

    python -m tests.replay_dictation CLIP PROGRESS_FILE

Runs the real Session (spool, streaming, tiny.en) on CLIP replayed at real-time pace,
appends the seconds fed so far to PROGRESS_FILE after every block, and prints
"listening" once audio flows. It never stops by itself: the test kills it.
"""

import sys
from pathlib import Path

import numpy as np

from desktop.engine import models
from desktop.engine.decode import AudioFile
from desktop.engine.session import Event, Listening, Session, SessionOptions
from desktop.engine.transcriber import Transcriber
from desktop.paths import AppPaths
from tests.fake_sounddevice import FakeSoundDevice


def main() -> None:
    clip, progress = Path(sys.argv[1]), Path(sys.argv[2])
    with AudioFile(clip) as media:
        audio = np.concatenate(list(media.chunks()))
    transcriber = Transcriber(models.bundled_model(), models.ModelOptions(compute_type="int8"))
    transcriber.model()

    def on_event(event: Event) -> None:
        if isinstance(event, Listening):
            print("listening", flush=True)

    sd = FakeSoundDevice(audio, progress_file=progress)
    session = Session(transcriber, AppPaths.default().recordings_dir, SessionOptions(),
                      on_event, sd=sd)  # type: ignore[arg-type]
    session.start()
    session.wait()


if __name__ == "__main__":
    main()
