"""App overhead of file transcription: Dictara's engine vs a bare faster-whisper loop.

Runs both on the same files with the same model and settings in one process, repeats,
keeps the minimum of each, and prints JSON with the ratio (target: overhead <= 5 %).
Where a ``manifest.tsv`` (file, text) sits beside the files, it also prints both WERs.

    python benchmarks/transcribe_files.py [FILE ...] [--repeat 3]
"""

import argparse
import csv
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

    texts: dict[str, dict[Path, str]] = {"app": {}, "bare": {}}

    def app() -> None:
        for f in files:
            texts["app"][f] = transcriber.transcribe_file(f, options).text

    def bare() -> None:
        for f in files:
            segments, _info = model.transcribe(str(f), language="en",
                                               beam_size=args.beam_size, vad_filter=True)
            texts["bare"][f] = " ".join(s.text.strip() for s in segments)

    bare()  # warm caches once
    app_s = min(_timed(app) for _ in range(args.repeat))
    bare_s = min(_timed(bare) for _ in range(args.repeat))
    print(json.dumps({
        **_wers(files, texts),
        "files": len(files),
        "model": transcriber.ref.name,
        "repeat": args.repeat,
        "app_s": round(app_s, 3),
        "bare_s": round(bare_s, 3),
        "ratio": round(app_s / bare_s, 4),
        "overhead_percent": round(100 * (app_s / bare_s - 1), 2),
    }))


def _wers(files: list[Path], texts: dict[str, dict[Path, str]]) -> dict[str, float]:
    refs: dict[Path, str] = {}
    for manifest in {f.parent / "manifest.tsv" for f in files}:
        if manifest.exists():
            with manifest.open(newline="", encoding="utf-8") as fh:
                refs.update({manifest.parent / r["file"]: r["text"]
                             for r in csv.DictReader(fh, delimiter="\t")})
    scored = [f for f in files if f in refs]
    if not scored:
        return {}
    import jiwer
    from whisper_normalizer.english import EnglishTextNormalizer

    norm = EnglishTextNormalizer()
    truth = [norm(refs[f]) for f in scored]
    return {
        f"wer_{side}": round(100 * jiwer.wer(truth, [norm(texts[side][f]) for f in scored]), 2)
        for side in ("app", "bare")
    }


def _timed(run: Callable[[], None]) -> float:
    start = time.perf_counter()
    run()
    return time.perf_counter() - start


if __name__ == "__main__":
    main()
