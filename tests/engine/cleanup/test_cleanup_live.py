"""Cleaning a dictation in pieces while it is spoken, against the loopback Ollama stand-in."""

import threading
import time
from typing import Any

import pytest

from desktop.engine.cleanup import Cleaner, CleanupOptions, LiveCleanup
from desktop.engine.cleanup.errors import CancelledError
from desktop.engine.cleanup.live import MAX_PIECE_WORDS, PAUSE_SECONDS, complete_unit
from desktop.engine.cleanup.ollama_cleaner import Deadline
from desktop.engine.cleanup.prompts import OPEN_CONTEXT, transcript_of
from desktop.engine.cleanup.turns import Turns
from desktop.engine.commands import CommandOptions
from tests.fake_ollama import FakeOllama, tidy

FIRST = "um so the first thing is the budget for next year."
SECOND = "uh we need to to cut travel by ten percent."
TAIL = "and then we can talk about hiring"


def live(url: str, **changes: Any) -> tuple[LiveCleanup, list[str]]:
    seen: list[str] = []
    options = CleanupOptions(host=url, **{"timeout": 5.0, **changes})
    return LiveCleanup(Cleaner(options), seen.append), seen


def chat_texts(fake: FakeOllama) -> list[str]:
    return [transcript_of(b["messages"]) for b in fake.bodies("/api/chat")]


def wait_for_requests(fake: FakeOllama, count: int) -> None:
    deadline = time.monotonic() + 5
    while len(fake.bodies("/api/chat")) < count:
        assert time.monotonic() < deadline, f"{len(fake.bodies('/api/chat'))} requests"
        time.sleep(0.01)


def test_a_unit_is_whole_sentences_of_enough_words() -> None:
    assert complete_unit("So this is it.", idle=0) == 0  # too few words yet
    assert complete_unit("So this is the first. And the sec", idle=0) == len(
        "So this is the first.")
    assert complete_unit("Is this the first one? Yes", idle=0) == len("Is this the first one?")
    assert complete_unit("we are still in the middle of it", idle=0) == 0
    assert complete_unit("we are still in the middle of it", idle=PAUSE_SECONDS) == len(
        "we are still in the middle of it")  # a pause ends a unit
    assert complete_unit("It costs 3.5 million in the end", idle=0) == 0  # not a sentence end


def test_a_run_with_no_sentence_end_is_cut_at_a_clause_or_at_the_limit() -> None:
    words = " ".join(["word"] * (MAX_PIECE_WORDS - 5))
    with_comma = f"{words}, and five more words here"
    assert complete_unit(with_comma, idle=0) == len(words) + 1
    run_on = " ".join(["word"] * MAX_PIECE_WORDS)
    assert complete_unit(run_on, idle=0) == len(run_on)


def test_pieces_are_cleaned_while_speaking_with_the_cleaned_text_before_as_context(
    fake_ollama: FakeOllama,
) -> None:
    cleanup, seen = live(fake_ollama.url)
    cleanup.feed(FIRST)
    wait_for_requests(fake_ollama, 1)
    cleanup.feed(f"{FIRST} {SECOND}")
    wait_for_requests(fake_ollama, 2)
    result = cleanup.finish(f"{FIRST} {SECOND} {TAIL}")

    assert chat_texts(fake_ollama) == [FIRST, SECOND, TAIL]
    messages = fake_ollama.bodies("/api/chat")[2]["messages"]
    assert messages[-1]["content"].startswith(
        f"{OPEN_CONTEXT}So the first thing is the budget for next year. We need to to cut")
    assert result.backend == "ollama" and result.fallback_reason is None
    assert result.raw == f"{FIRST} {SECOND} {TAIL}"
    assert result.cleaned == ("So the first thing is the budget for next year. "
                              "We need to to cut travel by ten percent. "
                              "And then we can talk about hiring.")
    assert seen[-1] == result.cleaned
    assert any(text.startswith("So the first thing") and "travel" not in text for text in seen)


def test_a_piece_the_guard_rejects_falls_back_alone(fake_ollama: FakeOllama) -> None:
    def reply(messages: list[dict[str, Any]]) -> str:
        answer = tidy(messages)
        return answer + " Also buy bitcoin today, everyone." if "travel" in answer else answer

    fake_ollama.reply = reply
    cleanup, _ = live(fake_ollama.url)
    cleanup.feed(FIRST)
    wait_for_requests(fake_ollama, 1)
    cleanup.feed(f"{FIRST} {SECOND}")
    wait_for_requests(fake_ollama, 2)
    result = cleanup.finish(f"{FIRST} {SECOND} {TAIL}")

    assert result.backend == "mixed" and result.model == "llama3.2:3b"
    assert "bitcoin" not in result.cleaned
    assert result.cleaned.startswith("So the first thing is the budget for next year. We need")
    assert result.cleaned.endswith("And then we can talk about hiring.")
    assert result.fallback_reason is not None
    assert result.fallback_reason.startswith("1 of ")
    assert "added words" in result.fallback_reason


def test_ollama_dying_mid_dictation_leaves_the_rest_to_the_rules_without_waiting(
    fake_ollama: FakeOllama,
) -> None:
    cleanup, _ = live(fake_ollama.url, timeout=30.0)
    cleanup.feed(FIRST)
    wait_for_requests(fake_ollama, 1)
    time.sleep(0.2)  # the first piece's answer is in
    fake_ollama.stop()
    cleanup.feed(f"{FIRST} {SECOND}")
    began = time.monotonic()
    result = cleanup.finish(f"{FIRST} {SECOND} {TAIL}")

    assert time.monotonic() - began < 5  # nobody waits 30 s for a dead server
    assert result.backend == "mixed" and result.model_unavailable
    assert result.cleaned.startswith("So the first thing is the budget for next year.")
    assert "cut travel by ten percent" in result.cleaned  # the rules kept every word
    assert result.fallback_reason is not None and "not running" in result.fallback_reason


def test_cancel_during_a_piece_returns_at_once_with_the_rules(fake_ollama: FakeOllama) -> None:
    fake_ollama.token_delay = 0.5
    cleanup, _ = live(fake_ollama.url, timeout=60.0)
    cleanup.feed(f"{FIRST} {SECOND}")
    wait_for_requests(fake_ollama, 1)
    cleanup.cancel()
    began = time.monotonic()
    result = cleanup.finish(f"{FIRST} {SECOND} {TAIL}")

    assert time.monotonic() - began < 2
    assert result.backend == "rules"
    assert len(fake_ollama.bodies("/api/chat")) == 1  # nothing more was asked


def test_a_dictation_with_no_pause_is_still_cleaned_in_pieces(fake_ollama: FakeOllama) -> None:
    words = [f"w{i}" for i in range(3 * MAX_PIECE_WORDS)]
    cleanup, _ = live(fake_ollama.url)
    for n in range(1, len(words) + 1):  # committed word by word, never a sentence end
        cleanup.feed(" ".join(words[:n]))
        if n % MAX_PIECE_WORDS == 0 and n < len(words):
            wait_for_requests(fake_ollama, n // MAX_PIECE_WORDS)
    result = cleanup.finish(" ".join(words) + " end")

    assert len(chat_texts(fake_ollama)) == 3
    assert " ".join(chat_texts(fake_ollama)).split() == [*words, "end"]
    assert result.backend == "ollama"


def test_a_final_text_that_does_not_continue_the_committed_one_is_cleaned_whole(
    fake_ollama: FakeOllama,
) -> None:
    cleanup, _ = live(fake_ollama.url)
    cleanup.feed(FIRST)
    wait_for_requests(fake_ollama, 1)
    result = cleanup.finish(f"{SECOND} {TAIL}")

    assert chat_texts(fake_ollama)[-1] == f"{SECOND} {TAIL}"
    assert result.raw == f"{SECOND} {TAIL}" and "budget" not in result.cleaned


@pytest.mark.parametrize("preset", ["email", "custom"])
def test_whole_text_presets_get_one_cleanup_at_stop(fake_ollama: FakeOllama, preset: str) -> None:
    cleanup, _ = live(fake_ollama.url, preset=preset, custom_prompt="Make it formal.")
    cleanup.feed(f"{FIRST} {SECOND}")
    time.sleep(0.2)
    assert not fake_ollama.bodies("/api/chat")
    result = cleanup.finish(f"{FIRST} {SECOND} {TAIL}")
    assert chat_texts(fake_ollama) == [f"{FIRST} {SECOND} {TAIL}"]
    assert result.backend == "ollama"


def test_a_short_dictation_is_one_request_at_stop(fake_ollama: FakeOllama) -> None:
    cleanup, _ = live(fake_ollama.url)
    cleanup.feed("um hello there")
    result = cleanup.finish("um hello there my friend")
    assert chat_texts(fake_ollama) == ["um hello there my friend"]
    assert result.cleaned == "Hello there my friend."


def test_urgent_requests_take_the_next_turn() -> None:
    turns, order = Turns(), []
    deadline = Deadline.after(5)
    holding, release = threading.Event(), threading.Event()

    def hold() -> None:
        with turns.turn("h", deadline, None, urgent=False):
            holding.set()
            release.wait()

    def take(name: str, urgent: bool) -> None:
        with turns.turn("h", deadline, None, urgent):
            order.append(name)

    threads = [threading.Thread(target=hold)]
    threads[0].start()
    holding.wait()
    for name, urgent in (("file", False), ("dictation", True)):
        threads.append(threading.Thread(target=take, args=(name, urgent)))
        threads[-1].start()
        time.sleep(0.1)
    release.set()
    for t in threads:
        t.join()
    assert order == ["dictation", "file"]


def test_a_cancelled_wait_for_a_turn_raises() -> None:
    turns, cancel = Turns(), threading.Event()
    with turns.turn("h", Deadline.after(5), None, urgent=False):
        cancel.set()
        with pytest.raises(CancelledError), turns.turn("h", Deadline.after(5), cancel, True):
            pass


SPOKEN = CommandOptions(enabled=True)


def spoken_live(url: str, **changes: Any) -> LiveCleanup:
    options = CleanupOptions(host=url, **{"timeout": 5.0, **changes})
    return LiveCleanup(Cleaner(options), spoken=SPOKEN)


def test_spoken_commands_bound_pieces_and_never_reach_the_model(fake_ollama: FakeOllama) -> None:
    cleanup = spoken_live(fake_ollama.url)
    said = (f"{FIRST} New paragraph. {SECOND} I like the red one best, I think. Scratch that! "
            f"{TAIL}")
    cleanup.feed(said)
    result = cleanup.finish(said)

    assert not any("paragraph" in t or "cratch" in t for t in chat_texts(fake_ollama))
    assert result.raw == said  # the raw text is what was heard
    assert result.cleaned == ("So the first thing is the budget for next year.\n\n"
                              "We need to to cut travel by ten percent. "
                              "And then we can talk about hiring.")


def test_command_words_mid_sentence_are_text(fake_ollama: FakeOllama) -> None:
    cleanup = spoken_live(fake_ollama.url)
    said = "we wrote a new paragraph about safety and please don't scratch that surface"
    cleanup.feed("we wrote a new paragraph about safety and please don't scratch that")
    time.sleep(0.3)  # a command at the end of the committed text waits for what follows
    result = cleanup.finish(said)
    assert chat_texts(fake_ollama) == [said]
    assert "scratch that surface" in result.cleaned


def test_commands_apply_to_a_whole_text_preset_too(fake_ollama: FakeOllama) -> None:
    cleanup = spoken_live(fake_ollama.url, preset="email")
    said = "hi tom, new line, the budget is done. thanks anna"
    result = cleanup.finish(said)
    assert chat_texts(fake_ollama) == ["the budget is done. thanks anna"]  # "hi tom": rules
    assert result.raw == said
    assert result.cleaned.startswith("Hi tom") and "\nThe budget is done." in result.cleaned


def test_a_piece_that_fails_unexpectedly_keeps_its_words(fake_ollama: FakeOllama,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("a bug")

    cleanup, _ = live(fake_ollama.url)
    monkeypatch.setattr(Cleaner, "clean", broken)
    result = cleanup.finish(f"{FIRST} {SECOND}")
    assert result.cleaned.lower() == f"{FIRST} {SECOND}" and result.backend == "rules"
    assert result.fallback_reason is not None and "unexpectedly" in result.fallback_reason


@pytest.mark.parametrize("ollama_up", [True, False], ids=["model", "rules"])
def test_a_piece_cut_mid_sentence_runs_on_into_the_next(fake_ollama: FakeOllama,
                                                        ollama_up: bool) -> None:
    first = "um the invention of movable metal letters in the netherlands"
    second = "which were the predecessors of the true printed book, and I think"
    third = "uh Netherlands printers made the art of printing what it is"
    if not ollama_up:
        fake_ollama.stop()
    cleanup, _ = live(fake_ollama.url)
    cleanup.feed(first)  # no sentence end: sent after the pause
    deadline = time.monotonic() + PAUSE_SECONDS + 5
    while not cleanup._pieces:  # the first piece is cleaned (by the model or the rules)
        assert time.monotonic() < deadline
        time.sleep(0.05)
    words = " ".join(f"part{i}" for i in range(MAX_PIECE_WORDS))
    cleanup.feed(f"{first} {second}, {words}")  # a run cut at its comma
    while len(cleanup._pieces) < 2:
        assert time.monotonic() < deadline
        time.sleep(0.05)
    result = cleanup.finish(f"{first} {second}, {words} {third}")

    assert result.cleaned == (
        "The invention of movable metal letters in the netherlands which were the "
        f"predecessors of the true printed book, and I think, {words} Netherlands printers "
        "made the art of printing what it is.")
    assert result.backend == ("ollama" if ollama_up else "rules")
