"""Score a cleanup backend on tests/data/cleanup_eval.jsonl.

    python benchmarks/cleanup_eval.py                       # the rule-based cleaner
    python benchmarks/cleanup_eval.py --backend ollama --model llama3.2:1b

Prints JSON: filler_removal_rate (share of must_remove phrases gone from the cleanup),
content_word_retention (share of must_keep phrases still there), guard_trips (answers the
guard rejected), fallbacks (server errors), latency_ms median/p90 (best of --repeat runs
per item), items, and the ids of items that lost a word or kept a filler.
"""

import argparse
import json
import statistics
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from desktop.engine.cleanup import Cleaner, CleanupOptions, CleanupResult, guard, resolve_host
from desktop.engine.cleanup.options import DEFAULT_MODEL

DATA = Path(__file__).resolve().parents[1] / "tests" / "data" / "cleanup_eval.jsonl"
GUARD_REASONS = {guard.EMPTY, guard.CUT_OFF, guard.ANSWERED, guard.ADDED, guard.DROPPED,
                 guard.REWROTE, guard.MOVED, guard.LOOPED, guard.LANGUAGE}


@dataclass(frozen=True)
class Score:
    """How one cleanup did on one item."""

    removed: int
    to_remove: int
    kept: int
    to_keep: int


def load(path: Path = DATA) -> list[dict[str, Any]]:
    """Return the evaluation items."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def contains(text: str, phrase: str) -> bool:
    """Return whether ``phrase`` occurs in ``text`` as whole words, ignoring case and commas."""
    return f" {' '.join(guard.words(phrase))} " in f" {' '.join(guard.words(text))} "


def score(item: dict[str, Any], cleaned: str) -> Score:
    """Return how many fillers went and how many content phrases stayed."""
    fillers = [p for p in item["must_remove"] if contains(item["raw"], p)]
    return Score(
        removed=sum(not contains(cleaned, p) for p in fillers),
        to_remove=len(fillers),
        kept=sum(contains(cleaned, p) for p in item["must_keep"]),
        to_keep=len(item["must_keep"]),
    )


def evaluate(cleaner: Cleaner, items: list[dict[str, Any]], repeat: int = 1) -> dict[str, Any]:
    """Clean every item ``repeat`` times and return the report."""
    results: list[CleanupResult] = []
    latencies: list[float] = []
    for item in items:
        runs = [cleaner.clean(item["raw"]) for _ in range(repeat)]
        results.append(runs[-1])
        latencies.append(min(r.ms for r in runs))
    scores = [score(item, r.cleaned) for item, r in zip(items, results, strict=True)]
    ordered = sorted(latencies)
    return {
        "backend": "ollama" if cleaner.options.enabled else "rules",
        "model": cleaner.options.model if cleaner.options.enabled else None,
        "items": len(items),
        "filler_removal_rate": _rate(sum(s.removed for s in scores),
                                     sum(s.to_remove for s in scores)),
        "content_word_retention": _rate(sum(s.kept for s in scores),
                                        sum(s.to_keep for s in scores)),
        "guard_trips": sum(r.fallback_reason in GUARD_REASONS for r in results),
        "fallbacks": sum(r.fallback_reason not in GUARD_REASONS | {None} for r in results),
        "latency_ms": {"median": round(statistics.median(ordered), 1),
                       "p90": round(ordered[int(0.9 * (len(ordered) - 1))], 1)},
        "kept_a_filler": [i["id"] for i, s in zip(items, scores, strict=True)
                          if s.removed < s.to_remove],
        "lost_a_word": [i["id"] for i, s in zip(items, scores, strict=True) if s.kept < s.to_keep],
    }


def main(argv: list[str] | None = None) -> int:
    """Run the evaluation and print the JSON report."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=("rules", "ollama"), default="rules")
    parser.add_argument("--host", default="", help="Ollama URL (default: $OLLAMA_HOST or local)")
    parser.add_argument("--model", default=DEFAULT_MODEL)
    parser.add_argument("--preset", default="clean")
    parser.add_argument("--timeout", type=float, default=60.0)
    parser.add_argument("--repeat", type=int, default=1, help="runs per item; the best counts")
    parser.add_argument("--data", type=Path, default=DATA)
    args = parser.parse_args(argv)
    options = CleanupOptions(host=resolve_host(args.host), model=args.model, preset=args.preset,
                             timeout=args.timeout, enabled=args.backend == "ollama")
    report = evaluate(Cleaner(options), load(args.data), max(1, args.repeat))
    print(json.dumps(report, indent=2, ensure_ascii=False))
    return 0


def _rate(done: int, total: int) -> float:
    return round(done / total, 3) if total else 1.0


if __name__ == "__main__":
    sys.exit(main())
