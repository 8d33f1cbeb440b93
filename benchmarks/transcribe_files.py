"""App overhead of file transcription: Dictara's engine vs a bare faster-whisper loop.

Runs both on the same files with the same model and settings in one process, repeats,
keeps the minimum of each, and prints JSON with the ratio (target: overhead <= 5 %).

    python benchmarks/transcribe_files.py [FILE ...] [--repeat 3]
"""

import argparse
import json
import time
from collections.abc import Callable
from pathlib import Path

from desktop.engine import models
from desktop.engine.transcriber import TranscribeOptions, Transcriber

DEFAULT_SET = Path(__file__).resolve().parents[2] / "shared" / "data" / "speech" / "en-read"


def main() -> None:
    """Measure and print one JSON object."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--beam-size", type=int, default=5)
    args = parser.parse_args()
    files = args.files or sorted(p for p in DEFAULT_SET.iterdir() if p.suffix != ".tsv"
                                 and p.suffix != ".md")
    transcriber = Transcriber(models.bundled_model(), models.ModelOptions())
    model = transcriber.model()
    options = TranscribeOptions(language="en", beam_size=args.beam_size)

    def app() -> None:
        for f in files:
            transcriber.transcribe_file(f, options)

    def bare() -> None:
        for f in files:
            segments, _info = model.transcribe(str(f), language="en",
                                               beam_size=args.beam_size, vad_filter=True)
            list(segments)

    bare()  # warm caches once
    app_s = min(_timed(app) for _ in range(args.repeat))
    bare_s = min(_timed(bare) for _ in range(args.repeat))
    print(json.dumps({
        "files": len(files),
        "model": transcriber.ref.name,
        "repeat": args.repeat,
        "app_s": round(app_s, 3),
        "bare_s": round(bare_s, 3),
        "ratio": round(app_s / bare_s, 4),
        "overhead_percent": round(100 * (app_s / bare_s - 1), 2),
    }))


def _timed(run: Callable[[], None]) -> float:
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


if __name__ == "__main__":
    main()
