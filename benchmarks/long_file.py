"""Peak memory, time and WER of one long real-speech file: Dictara's engine vs bare
faster-whisper, each in a fresh process, in one run.

The long file is made by joining a recording with itself (default: the 222-s LJ001
chapter three times, 11 min); its reference is the recording's, repeated. Peak memory is
the child's high-water mark (``VmHWM``); "idle" is the same process with the model loaded,
before the file. Prints one JSON object (targets: app peak <= 500 MB with tiny.en, WER <=
bare + 1 point, time <= 1.05 x bare).

``--with-dictation`` also runs live dictations (a clip replayed in real time, again and
again) while the app transcribes, as the window does when both happen at once.

    python benchmarks/long_file.py [--source FILE] [--times 3] [--repeat 1]
                                   [--with-dictation]
"""

import argparse
import csv
import json
import subprocess
import sys
import tempfile
import threading
import time
import wave
from pathlib import Path

import faster_whisper
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from desktop.engine import models  # noqa: E402
from desktop.engine.decode import SAMPLE_RATE, AudioFile  # noqa: E402
from desktop.engine.streaming import StreamingOptions, StreamingSession  # noqa: E402
from desktop.engine.transcriber import TranscribeOptions, Transcriber  # noqa: E402

SOURCE = ROOT.parent / "shared" / "data" / "speech" / "long" / "lj001-chapter.flac"
OPTIONS = TranscribeOptions(language="en", beam_size=5)


def main() -> None:
    """Measure and print one JSON object (or, as a child, one side's figures)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=SOURCE)
    parser.add_argument("--times", type=int, default=3, help="how often to join the source")
    parser.add_argument("--repeat", type=int, default=1, help="runs; the fastest is kept")
    parser.add_argument("--with-dictation", action="store_true",
                        help="dictate live beside the app's file job")
    parser.add_argument("--child", choices=("app", "bare"), help=argparse.SUPPRESS)
    parser.add_argument("--file", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(run_child(args.child, args.file, args.with_dictation)))
        return
    reference = " ".join([_reference(args.source)] * args.times)
    with tempfile.TemporaryDirectory(prefix="dictara-long-") as folder:
        path = Path(folder) / f"{args.source.stem}-x{args.times}.wav"
        seconds = join(args.source, args.times, path)
        extra = ["--with-dictation"] if args.with_dictation else []
        sides = {side: best(side, path, args.repeat, extra) for side in ("app", "bare")}
    for figures in sides.values():
        figures["wer"] = wer(reference, str(figures.pop("text")))
    print(json.dumps({
        "file_seconds": round(seconds, 1),
        "with_dictation": args.with_dictation,
        "model": "tiny.en",
        **sides,
        "time_ratio": round(sides["app"]["seconds"] / sides["bare"]["seconds"], 3),
    }))


def best(side: str, path: Path, repeat: int, extra: list[str]) -> dict[str, object]:
    """Run one side ``repeat`` times in fresh processes; keep the fastest run."""
    runs = []
    for _ in range(repeat):
        out = subprocess.run([sys.executable, __file__, "--child", side, "--file", str(path),
                              *(extra if side == "app" else [])],
                             capture_output=True, text=True, check=True, cwd=ROOT).stdout
        runs.append(json.loads(out.splitlines()[-1]))
    return min(runs, key=lambda r: float(r["seconds"]))


def run_child(side: str, path: Path, with_dictation: bool = False) -> dict[str, object]:
    """Transcribe ``path`` once in this process and report peak memory, time and text."""
    ref, options = models.bundled_model(), models.ModelOptions()
    if side == "app":
        transcriber = Transcriber(ref, options)
        transcriber.model()
    else:  # faster-whisper as it comes, none of Dictara's changes to it
        bare = faster_whisper.WhisperModel(str(ref.path), device=options.device,
                                           compute_type=options.compute_type,
                                           cpu_threads=options.threads)
    idle = high_water_mb()
    start = time.perf_counter()
    if side == "app":
        done = threading.Event()
        dictations = threading.Thread(target=dictate_until, args=(transcriber, done),
                                      daemon=True)
        if with_dictation:
            dictations.start()
        text = transcriber.transcribe_file(path, OPTIONS).text
        done.set()
        if with_dictation:
            dictations.join()
    else:
        segments, _info = bare.transcribe(str(path), language="en", beam_size=5,
                                          vad_filter=True)
        text = " ".join(s.text.strip() for s in segments)
    return {"seconds": round(time.perf_counter() - start, 2), "idle_rss_mb": idle,
            "peak_rss_mb": high_water_mb(), "text": text}


def dictate_until(transcriber: Transcriber, done: threading.Event) -> None:
    """Replay a clip as live dictations, one after another, until ``done`` is set."""
    with AudioFile(ROOT / "tests" / "data" / "LJ001-0001.wav") as media:
        clip = np.concatenate(list(media.chunks(30.0)))
    block = int(0.02 * SAMPLE_RATE)
    options = StreamingOptions(TranscribeOptions(language="en"))
    while not done.is_set():
        with transcriber.live_priority():
            session = StreamingSession(transcriber, options, lambda _event: None)
            session.start()
            start = time.monotonic()
            for i in range(0, len(clip), block):
                time.sleep(max(0.0, start + i / SAMPLE_RATE - time.monotonic()))
                session.feed(clip[i : i + block])
            session.finish()
        done.wait(2.0)  # a breath between dictations, when the file job goes on


def high_water_mb() -> int:
    """This process's peak resident memory so far, in MB (Linux)."""
    status = Path("/proc/self/status").read_text()
    return int(status.split("VmHWM:")[1].split()[0]) // 1024


def join(source: Path, times: int, target: Path) -> float:
    """Write ``source`` ``times`` over as a 16-kHz mono WAV; return its seconds."""
    with AudioFile(source) as media:
        audio = np.concatenate(list(media.chunks(30.0)))
    samples = (np.clip(audio, -1, 1) * 32767).astype("<i2").tobytes()
    with wave.open(str(target), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(SAMPLE_RATE)
        for _ in range(times):
            out.writeframes(samples)
    return len(audio) * times / SAMPLE_RATE


def wer(reference: str, text: str) -> float:
    """Word error rate in percent, after Whisper's English normaliser."""
    import jiwer
    from whisper_normalizer.english import EnglishTextNormalizer

    norm = EnglishTextNormalizer()
    return round(100 * jiwer.wer(norm(reference), norm(text) or "-"), 2)


def _reference(source: Path) -> str:
    with (source.parent / "manifest.tsv").open(newline="", encoding="utf-8") as f:
        return next(r["text"] for r in csv.DictReader(f, delimiter="\t")
                    if r["file"] == source.name)


if __name__ == "__main__":
    main()
