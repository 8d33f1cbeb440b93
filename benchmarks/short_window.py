"""Compare decoding short clips on the full 30-s window and on a shortened one.

    python benchmarks/short_window.py [FOLDER...] [--padding S] [--max-seconds N]

Decodes every clip of at most N seconds listed in each FOLDER's manifest.tsv the way a
live span's final decode does (beam 5, no timestamps, no VAD), once with faster-whisper's
full window and once with ``encoder_padding=S`` (:mod:`desktop.engine.short_window`).
Prints one JSON line per clip whose texts differ, then a summary: the WER of each, their
total time, and how many shortened decodes fell back to the full window.
"""

import argparse
import csv
import json
import logging
import sys
import time
from pathlib import Path

import jiwer
import numpy as np
from whisper_normalizer.english import EnglishTextNormalizer

from desktop.engine import models
from desktop.engine.decode import AudioFile
from desktop.engine.transcriber import TranscribeOptions, Transcriber

SPEECH = Path(__file__).resolve().parents[2] / "shared" / "data" / "speech"
DEFAULT_FOLDERS = [SPEECH / "en-read", SPEECH / "en-spontaneous", SPEECH / "en-voice"]
normalise = EnglishTextNormalizer()


class _FallbackCounter(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        if "looped" in record.getMessage():
            self.count += 1


def clips(folders: list[Path], max_seconds: float) -> list[tuple[Path, str]]:
    found = []
    for folder in folders:
        with (folder / "manifest.tsv").open(newline="", encoding="utf-8") as f:
            for row in csv.DictReader(f, delimiter="\t"):
                if float(row["seconds"]) <= max_seconds:
                    found.append((folder / row["file"], row["text"]))
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folders", nargs="*", type=Path, default=DEFAULT_FOLDERS)
    parser.add_argument("--padding", type=float, default=10.0)
    parser.add_argument("--max-seconds", type=float, default=28.0)
    args = parser.parse_args()
    counter = _FallbackCounter()
    logging.getLogger("desktop.engine.transcriber").addHandler(counter)
    logging.getLogger("desktop.engine.transcriber").setLevel(logging.INFO)
    transcriber = Transcriber(models.bundled_model(), models.ModelOptions(compute_type="int8"))
    options = TranscribeOptions(language="en", vad=False, without_timestamps=True)
    refs: list[str] = []
    hyps: dict[str, list[str]] = {"full": [], "short": []}
    seconds = {"full": 0.0, "short": 0.0}
    for path, ref in clips(args.folders, args.max_seconds):
        with AudioFile(path) as media:
            audio = np.concatenate(list(media.chunks()))
        texts = {}
        for mode, padding in (("full", None), ("short", args.padding)):
            began = time.monotonic()
            decoded = transcriber.transcribe_audio(audio, options, encoder_padding=padding)
            segments = decoded.segments
            seconds[mode] += time.monotonic() - began
            texts[mode] = " ".join(s.text for s in segments)
            hyps[mode].append(normalise(texts[mode]) or "-")
        refs.append(normalise(ref))
        if hyps["full"][-1] != hyps["short"][-1]:
            print(json.dumps({"file": path.name, **texts}), flush=True)
    print(json.dumps({
        "overall": True, "clips": len(refs), "padding_s": args.padding,
        "wer_full": round(100 * jiwer.wer(refs, hyps["full"]), 2),
        "wer_short": round(100 * jiwer.wer(refs, hyps["short"]), 2),
        "seconds_full": round(seconds["full"], 1), "seconds_short": round(seconds["short"], 1),
        "fallbacks": counter.count,
    }))
    return 0


if __name__ == "__main__":
    sys.exit(main())
