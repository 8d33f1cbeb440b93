"""The cleanup evaluation set and the benchmark that scores backends on it."""

from typing import Any

import pytest

from benchmarks import cleanup_eval
from desktop.engine.cleanup import Cleaner, CleanupOptions, RuleCleaner
from desktop.engine.cleanup.prompts import transcript_of
from tests.fake_ollama import FakeOllama

ITEMS = cleanup_eval.load()


def test_the_set_covers_what_small_models_get_wrong() -> None:
    assert len(ITEMS) >= 40
    assert len({i["id"] for i in ITEMS}) == len(ITEMS)
    kinds = {i["kind"] for i in ITEMS}
    assert {"spontaneous", "question", "instruction", "list", "email", "dictation"} <= kinds
    for item in ITEMS:
        assert set(item) == {"id", "raw", "must_remove", "must_keep", "kind"}
        assert item["must_keep"], item["id"]
        assert all(cleanup_eval.contains(item["raw"], p) for p in item["must_remove"]), item["id"]
        assert all(cleanup_eval.contains(item["raw"], p) for p in item["must_keep"]), item["id"]


def test_rule_cleaner_figures() -> None:
    report = cleanup_eval.evaluate(Cleaner(CleanupOptions(enabled=False)), ITEMS)
    assert report["backend"] == "rules" and report["items"] == len(ITEMS)
    assert report["filler_removal_rate"] >= 0.95
    assert report["content_word_retention"] == 1.0
    assert report["guard_trips"] == report["fallbacks"] == 0


@pytest.mark.parametrize("item", ITEMS, ids=[i["id"] for i in ITEMS])
def test_guard_accepts_a_faithful_cleanup_of_every_item(
    fake_ollama: FakeOllama, item: dict[str, Any]
) -> None:
    fake_ollama.reply = lambda messages: RuleCleaner().clean(transcript_of(messages))
    result = Cleaner(CleanupOptions(host=fake_ollama.url, timeout=5)).clean(item["raw"])
    assert result.fallback_reason is None


def test_benchmark_scores_an_ollama_backend(
    fake_ollama: FakeOllama, capsys: pytest.CaptureFixture[str]
) -> None:
    fake_ollama.reply = lambda messages: "Sure! " + transcript_of(messages)
    assert cleanup_eval.main(["--backend", "ollama", "--host", fake_ollama.url]) == 0
    out = capsys.readouterr().out
    assert '"backend": "ollama"' in out and '"guard_trips": ' in out
    report = cleanup_eval.evaluate(
        Cleaner(CleanupOptions(host=fake_ollama.url, timeout=5)), ITEMS[:10]
    )
    assert report["guard_trips"] == sum(len(i["raw"].split()) >= 4 for i in ITEMS[:10])
