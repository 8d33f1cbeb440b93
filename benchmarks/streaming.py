"""Replay recordings into a streaming session at real-time pace and measure it.

    python benchmarks/streaming.py FILE... [--concat] [--repeat N]

For each recording (or, with --concat, for all FILEs joined into one dictation) this
prints one JSON line: stop_to_final_ms (last block fed → final text), one_shot_ms (one
plain decode of the whole recording, same model and options, same process), their
ratio, the WER of both against the reference (from manifest.tsv next to each file), the
median delay from a word's end in the audio to its first appearance on screen
(committed text + partial), and the CPU the live decoding cost: CPU seconds of the whole
process (every thread) per second of audio, and as a multiple of the CPU of the one-shot
decode. A last line gives the medians over all runs.
No microphone is needed: blocks are fed from a thread on a real-time clock.
"""

import argparse
import csv
import difflib
import json
import re
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

import jiwer
import numpy as np
from whisper_normalizer.english import EnglishTextNormalizer

from desktop.engine import models
from desktop.engine.decode import SAMPLE_RATE, AudioArray, AudioFile
from desktop.engine.streaming import (
    Partial,
    StreamEvent,
    StreamingOptions,
    StreamingSession,
)
from desktop.engine.transcriber import TranscribeOptions, Transcriber

BLOCK_SECONDS = 0.02
normalise = EnglishTextNormalizer()
verbose = False


def log(message: str) -> None:
    """Print details (what was decoded at the stop, both texts) to stderr with --verbose."""
    if verbose:
        print(message, file=sys.stderr, flush=True)


def load(path: Path) -> AudioArray:
    with AudioFile(path) as media:
        return np.concatenate(list(media.chunks()))


def reference(path: Path) -> str | None:
    manifest = path.parent / "manifest.tsv"
    if not manifest.is_file():
        return None
    with manifest.open(newline="", encoding="utf-8") as f:
        rows = {row["file"]: row["text"] for row in csv.DictReader(f, delimiter="\t")}
    return rows.get(path.name)


def recordings(files: list[Path], concat: bool) -> list[tuple[str, AudioArray, str | None]]:
    """Return (name, audio, reference) per file, or one item of them all joined."""
    items = [(f.name, load(f), reference(f)) for f in files]
    if not concat:
        return items
    refs = [r for _, _, r in items]
    return [(f"{len(items)} files joined", np.concatenate([a for _, a, _ in items]),
             None if None in refs else " ".join(r for r in refs if r))]


def wer(ref: str | None, hyp: str) -> float | None:
    if ref is None:
        return None
    return round(100 * jiwer.wer(normalise(ref), normalise(hyp) or "-"), 2)


def words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9']+", text.lower())


def replay(transcriber: Transcriber, audio: AudioArray, options: StreamingOptions
           ) -> tuple[str, float, float, list[tuple[float, str]], StreamingSession]:
    """Feed ``audio`` in real time.

    Returns:
        The final text, stop→final ms, CPU seconds of the process, screen texts, session.
    """
    shown: list[tuple[float, str]] = []
    start = time.monotonic()

    def on_event(event: StreamEvent) -> None:
        if isinstance(event, Partial):  # one follows every commit
            shown.append((time.monotonic() - start, event.shown))

    session = StreamingSession(transcriber, options, on_event)
    cpu = time.process_time()
    session.start()
    step = int(BLOCK_SECONDS * SAMPLE_RATE)
    for i in range(0, len(audio), step):
        time.sleep(max(0.0, start + (i + step) / SAMPLE_RATE - time.monotonic()))
        session.feed(audio[i : i + step])
    last_block = time.monotonic()
    decoded = len(session.decodes)
    text = session.finish()
    stop_ms = (time.monotonic() - last_block) * 1000
    cpu = time.process_time() - cpu
    log(f"stop {stop_ms:.0f} ms; decodes after the last block: {session.decodes[decoded:]}")
    return text, stop_ms, cpu, shown, session


def word_ends(transcriber: Transcriber, audio: AudioArray, options: TranscribeOptions
              ) -> list[tuple[str, float]]:
    model = transcriber.model()
    segments, _ = model.transcribe(audio, language=options.language, beam_size=options.beam_size,
                                   vad_filter=options.vad, word_timestamps=True)
    return [(w, word.end) for s in segments for word in s.words or [] for w in words(word.word)]


def partial_delay(ends: list[tuple[str, float]], shown: list[tuple[float, str]]) -> float | None:
    """Median seconds from a word's end in the audio to its first appearance on screen."""
    first_seen: dict[int, float] = {}
    spoken = [w for w, _ in ends]
    for at, text in shown:
        matcher = difflib.SequenceMatcher(None, spoken, words(text), autojunk=False)
        for block in matcher.get_matching_blocks():
            for k in range(block.a, block.a + block.size):
                first_seen.setdefault(k, at)
    delays = [first_seen[k] - ends[k][1] for k in first_seen]
    return round(statistics.median(delays), 3) if delays else None


def run_one(transcriber: Transcriber, name: str, audio: AudioArray, ref: str | None,
            options: StreamingOptions) -> dict[str, object]:
    began, cpu = time.monotonic(), time.process_time()
    one_shot = " ".join(
        s.text for s in transcriber.transcribe_audio(audio, options.transcribe).segments)
    one_shot_ms = (time.monotonic() - began) * 1000
    one_shot_cpu = time.process_time() - cpu
    ends = word_ends(transcriber, audio, options.transcribe)
    text, stop_ms, live_cpu, shown, session = replay(transcriber, audio, options)
    duration = len(audio) / SAMPLE_RATE
    log(f"one-shot: {one_shot}\nstreamed: {text}\n"
        f"commits at {[round(c.end, 1) for c in session.committed]}")
    return {
        "file": name, "duration": round(duration, 2),
        "stop_to_final_ms": round(stop_ms, 1), "one_shot_ms": round(one_shot_ms, 1),
        "ratio": round(stop_ms / one_shot_ms, 3),
        "wer_streamed": wer(ref, text), "wer_one_shot": wer(ref, one_shot),
        "partial_delay_median_s": partial_delay(ends, shown),
        "cpu_per_audio_s": round(live_cpu / duration, 3),
        "cpu_vs_one_shot": round(live_cpu / one_shot_cpu, 2),
        "decodes": dict(Counter(kind for kind, _, _ in session.decodes)),
        "decode_s": {kind: round(sum(ms for k, _, ms in session.decodes if k == kind) / 1000, 2)
                     for kind in dict.fromkeys(k for k, _, _ in session.decodes)},
        "committed_segments": session.spans,
        "text": text,
    }


def summary(results: list[dict[str, object]]) -> dict[str, object]:
    def med(key: str) -> float | None:
        values = [float(r[key]) for r in results if r[key] is not None]  # type: ignore[arg-type]
        return round(statistics.median(values), 3) if values else None

    keys = ("stop_to_final_ms", "one_shot_ms", "ratio", "wer_streamed", "wer_one_shot",
            "partial_delay_median_s", "cpu_per_audio_s", "cpu_vs_one_shot")
    out: dict[str, object] = {"overall": True, "runs": len(results)}
    out.update({f"median_{k}": med(k) for k in keys})
    out["min_stop_to_final_ms"] = min(float(r["stop_to_final_ms"]) for r in results)  # type: ignore[arg-type]
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--concat", action="store_true", help="join FILEs into one dictation")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--commit-silence", type=float, default=StreamingOptions.commit_silence)
    parser.add_argument("--max-span", type=float, default=StreamingOptions.max_span)
    parser.add_argument("--spec-silence", type=float, default=StreamingOptions.spec_silence)
    parser.add_argument("--eager-span", type=float, default=StreamingOptions.eager_span)
    parser.add_argument("--partial-interval", type=float,
                        default=StreamingOptions.partial_interval)
    parser.add_argument("--partial-load", type=float, default=StreamingOptions.partial_load)
    parser.add_argument("--partial-padding", type=float,
                        default=StreamingOptions.partial_padding,
                        help="seconds; a negative value encodes the full 30-s window")
    parser.add_argument("--partial-window", type=float,
                        default=StreamingOptions.partial_window,
                        help="seconds; a negative value decodes the whole open span")
    parser.add_argument("--agreement", action=argparse.BooleanOptionalAction,
                        default=StreamingOptions.agreement)
    parser.add_argument("--encoder-padding", type=float, default=StreamingOptions.encoder_padding,
                        help="seconds; a negative value encodes the full 30-s window")
    parser.add_argument("--language", default="en")
    parser.add_argument("--verbose", action="store_true", help="details on stderr")
    args = parser.parse_args()
    global verbose
    verbose = args.verbose
    transcriber = Transcriber(models.bundled_model(), models.ModelOptions(compute_type="int8"))
    options = StreamingOptions(TranscribeOptions(language=args.language),
                               commit_silence=args.commit_silence, max_span=args.max_span,
                               spec_silence=args.spec_silence, eager_span=args.eager_span,
                               agreement=args.agreement,
                               partial_interval=args.partial_interval,
                               partial_load=args.partial_load,
                               partial_padding=(None if args.partial_padding < 0
                                                else args.partial_padding),
                               partial_window=(None if args.partial_window < 0
                                               else args.partial_window),
                               encoder_padding=(None if args.encoder_padding < 0
                                                else args.encoder_padding))
    transcriber.transcribe_audio(load(args.files[0])[:SAMPLE_RATE * 3], options.transcribe)
    items = recordings(args.files, args.concat)
    results = []
    for _ in range(args.repeat):
        for name, audio, ref in items:
            result = run_one(transcriber, name, audio, ref, options)
            print(json.dumps(result), flush=True)
            results.append(result)
    print(json.dumps(summary(results)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
