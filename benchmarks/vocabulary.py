"""Term recall and WER with and without the vocabulary, hotwords against the prompt.

    python benchmarks/vocabulary.py [--terms FILE] [--rest N] [--streaming] [--long]
                                    [--distractors N] [--modes none,hotwords,prompt]

Clips come from the shared speech set (``en-read`` and ``en-spontaneous``): every clip
whose reference holds a term, and ``--rest`` clips that hold none, for the WER on the
rest. Each is transcribed as a file (and with ``--streaming`` also fed to a streaming
session as fast as it decodes) with no vocabulary, with the terms as faster-whisper
hotwords, and with the terms in the initial prompt. ``--long`` also transcribes the
222-s dictation of ``long/`` as one file (Whisper decodes it in 30-s windows; biased, it
lost the words at window ends, so the transcriber leaves audio longer than one window
unbiased, and this shows it unchanged). ``--distractors N`` adds N made-up
names after the terms (newer than them), so the list overflows Whisper's prompt and the
choice of terms is tested. It also times loading 10,000 terms from ``vocabulary.toml`` and
importing them from a text file (best of ``--repeat``). Prints one JSON object.
"""

import argparse
import csv
import dataclasses
import json
import random
import re
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import jiwer
import numpy as np
from whisper_normalizer.english import EnglishTextNormalizer

from desktop.engine import models, vocabulary
from desktop.engine.decode import SAMPLE_RATE, AudioFile
from desktop.engine.streaming import StreamingOptions, StreamingSession
from desktop.engine.transcriber import TranscribeOptions, Transcriber

SPEECH = Path(__file__).resolve().parents[2] / "shared" / "data" / "speech"
FOLDERS = ("en-read", "en-spontaneous")
# Words the bundled tiny.en gets wrong in the shared speech set: names of early printers
# and places (LJ001), rare words (LibriSpeech) and the jargon of the MFA recordings.
TERMS = ("Gutenberg", "aforesaid", "missal", "missals", "psalters", "Schoeffer", "Basle",
         "Sweynheim", "Pannartz", "Subiaco", "idylls", "Birket", "trivialities", "corpus",
         "aligner")
MODES = ("none", "hotwords", "prompt")
_WORD = re.compile(r"[a-z0-9']+")
normalise = EnglishTextNormalizer()


@dataclasses.dataclass(frozen=True)
class Clip:
    path: Path
    reference: str


def clips(terms: tuple[str, ...], rest: int) -> tuple[list[Clip], list[Clip]]:
    """Return the clips whose reference holds a term, and ``rest`` clips without one."""
    keys = {t.lower() for t in terms}
    with_terms: list[Clip] = []
    without: list[Clip] = []
    for folder in FOLDERS:
        with (SPEECH / folder / "manifest.tsv").open(newline="", encoding="utf-8") as f:
            for row in csv.DictReader(f, delimiter="\t"):
                clip = Clip(SPEECH / folder / row["file"], row["text"])
                if row["language"] != "en":
                    continue
                (with_terms if keys & set(words(clip.reference)) else without).append(clip)
    return with_terms, without[:: max(1, len(without) // rest)][:rest]


def words(text: str) -> list[str]:
    return _WORD.findall(text.lower().replace("’", "'"))


def recall(terms: tuple[str, ...], references: list[str], hypotheses: list[str]) -> list[int]:
    """Return [found, said]: term occurrences in the references that the hypotheses hold."""
    keys = {t.lower() for t in terms}
    found = said = 0
    for ref, hyp in zip(references, hypotheses, strict=True):
        want = Counter(w for w in words(ref) if w in keys)
        got = Counter(w for w in words(hyp) if w in keys)
        said += sum(want.values())
        found += sum(min(n, got[w]) for w, n in want.items())
    return [found, said]


def wer(references: list[str], hypotheses: list[str]) -> float:
    refs = [normalise(r) for r in references]
    hyps = [normalise(h) for h in hypotheses]
    return round(100 * jiwer.wer(refs, hyps), 2)


def distractors(n: int) -> tuple[str, ...]:
    """Return ``n`` made-up names (seeded), such as "Valdorin" or "Kestamur"."""
    rng = random.Random(13)
    syllables = ["val", "dor", "in", "kes", "ta", "mur", "bri", "lo", "zen", "qua", "rik",
                 "sol", "fen", "ar", "mo", "thu", "gal", "ny", "pe", "vor"]
    return tuple("".join(rng.choice(syllables) for _ in range(3)).capitalize()
                 for _ in range(n))


def transcribe(transcriber: Transcriber, clip: Clip, options: TranscribeOptions,
               streaming: bool) -> str:
    if not streaming:
        return transcriber.transcribe_file(clip.path, options).text
    with AudioFile(clip.path) as media:
        audio = np.concatenate(list(media.chunks()))
    session = StreamingSession(transcriber, StreamingOptions(transcribe=options),
                               lambda event: None)
    session.start()
    step = int(0.02 * SAMPLE_RATE)
    for i in range(0, len(audio), step):
        session.feed(audio[i : i + step])
    return session.finish()


def options_for(mode: str, spellings: tuple[str, ...]) -> TranscribeOptions:
    words_ = vocabulary.Vocabulary(spellings if mode != "none" else ())
    return TranscribeOptions(language="en", vocabulary=words_,
                             bias="prompt" if mode == "prompt" else "hotwords")


def long_clips() -> list[Clip]:
    with (SPEECH / "long" / "manifest.tsv").open(newline="", encoding="utf-8") as f:
        return [Clip(SPEECH / "long" / row["file"], row["text"])
                for row in csv.DictReader(f, delimiter="\t")]


def run_long(transcriber: Transcriber, mode: str, spellings: tuple[str, ...],
             terms: tuple[str, ...]) -> dict[str, object]:
    clips_ = long_clips()
    began = time.monotonic()
    hyps = [transcribe(transcriber, c, options_for(mode, spellings), False) for c in clips_]
    found, said = recall(terms, [c.reference for c in clips_], hyps)
    return {"term_recall": round(found / said, 3) if said else None, "terms_found": found,
            "terms_said": said, "wer": wer([c.reference for c in clips_], hyps),
            "seconds": round(time.monotonic() - began, 1)}


def run_mode(transcriber: Transcriber, mode: str, spellings: tuple[str, ...],
             terms: tuple[str, ...], term_clips: list[Clip], rest: list[Clip],
             streaming: bool) -> dict[str, object]:
    options = options_for(mode, spellings)
    began = time.monotonic()
    hyps = [transcribe(transcriber, c, options, streaming) for c in term_clips + rest]
    term_hyps, rest_hyps = hyps[: len(term_clips)], hyps[len(term_clips) :]
    found, said = recall(terms, [c.reference for c in term_clips], term_hyps)
    return {
        "term_recall": round(found / said, 3) if said else None,
        "terms_found": found,
        "terms_said": said,
        "wer_term_clips": wer([c.reference for c in term_clips], term_hyps),
        "wer_rest": wer([c.reference for c in rest], rest_hyps) if rest else None,
        "seconds": round(time.monotonic() - began, 1),
        "texts": {c.path.name: h for c, h in zip(term_clips, term_hyps, strict=True)},
    }


def load_times(count: int, repeat: int) -> dict[str, float]:
    """Return the best ms to load ``count`` terms from vocabulary.toml and to import them."""
    terms = [f"{name} {i}" for i, name in enumerate(distractors(count))]
    with tempfile.TemporaryDirectory() as folder:
        text_file = Path(folder) / "terms.txt"
        text_file.write_text("".join(f"{t}\n" for t in terms), encoding="utf-8")
        store = vocabulary.VocabularyFile(Path(folder) / vocabulary.FILE_NAME)
        imports, loads = [], []
        for _ in range(repeat):
            began = time.perf_counter()
            store.save(store.load().merged(vocabulary.read_import(text_file)))
            imports.append(time.perf_counter() - began)
            began = time.perf_counter()
            loaded = store.load()
            loads.append(time.perf_counter() - began)
        assert len(loaded.terms) == count
    return {"terms": count, "import_ms": round(min(imports) * 1000, 1),
            "load_ms": round(min(loads) * 1000, 1)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--terms", type=Path, help="a file of terms, one a line")
    parser.add_argument("--rest", type=int, default=12, help="clips without a term")
    parser.add_argument("--streaming", action="store_true", help="also stream each clip")
    parser.add_argument("--long", action="store_true", help="also the 222-s dictation")
    parser.add_argument("--distractors", type=int, default=0, help="made-up names added")
    parser.add_argument("--modes", default=",".join(MODES), help="comma-separated modes")
    parser.add_argument("--load-terms", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    terms = TERMS if args.terms is None else vocabulary.read_import(args.terms).terms
    spellings = terms + distractors(args.distractors)
    term_clips, rest = clips(terms, args.rest)
    transcriber = Transcriber(models.bundled_model(), models.ModelOptions(compute_type="int8"))
    transcriber.load()
    result: dict[str, object] = {
        "model": transcriber.ref.name, "terms": len(terms), "vocabulary": len(spellings),
        "term_clips": len(term_clips), "rest_clips": len(rest),
        "load": load_times(args.load_terms, args.repeat),
    }
    for kind in ("file", "streaming") if args.streaming else ("file",):
        result[kind] = {
            mode: run_mode(transcriber, mode, spellings, terms, term_clips, rest,
                           kind == "streaming")
            for mode in args.modes.split(",")
        }
        print(json.dumps({kind: {m: {k: v for k, v in r.items() if k != "texts"}
                                 for m, r in result[kind].items()}}), file=sys.stderr)
    if args.long:
        result["long"] = {mode: run_long(transcriber, mode, spellings, terms)
                          for mode in args.modes.split(",")}
        print(json.dumps({"long": result["long"]}), file=sys.stderr)
    print(json.dumps(result, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
