"""Think-tag stripping across token boundaries, chunking and request sizing."""

import pytest

from desktop.engine.cleanup import prompts
from desktop.engine.cleanup.chunking import chunks
from desktop.engine.cleanup.ollama_cleaner import ThinkFilter, request_options


@pytest.mark.parametrize(
    "pieces",
    [
        ["<think>hmm</think>Hello."],
        ["<thi", "nk>hmm, let me see</th", "ink>", "Hel", "lo."],
        ["Hel", "lo", ".<", "think>x</think>"],
    ],
)
def test_think_blocks_are_hidden_even_when_split(pieces: list[str]) -> None:
    f = ThinkFilter()
    shown = "".join(f.feed(p) for p in pieces) + f.flush()
    assert shown == "Hello."


def test_unclosed_think_block_shows_nothing() -> None:
    f = ThinkFilter()
    assert f.feed("<think>forever") + f.flush() == ""


def test_a_lone_angle_bracket_is_not_swallowed() -> None:
    f = ThinkFilter()
    assert f.feed("a < b") + f.flush() == "a < b"


def test_chunks_are_sentence_aligned_and_lose_no_word() -> None:
    text = " ".join(f"Sentence number {i} has some words." for i in range(100))
    parts = chunks(text, max_words=60)
    assert len(parts) > 5
    assert all(len(p.split()) <= 60 for p in parts)
    assert all(p.endswith(".") for p in parts)
    assert " ".join(parts) == text


def test_unpunctuated_text_is_cut_at_word_boundaries() -> None:
    text = " ".join(["word"] * 250)
    parts = chunks(text, max_words=100)
    assert [len(p.split()) for p in parts] == [100, 100, 50]


def test_context_and_answer_length_grow_with_the_transcript() -> None:
    short, long = "um hello there", " ".join(["word"] * 600)
    small = request_options(prompts.messages(short, "clean"), short)
    large = request_options(prompts.messages(long, "clean"), long)
    assert small["temperature"] == 0 and small["num_ctx"] == 2048
    assert large["num_ctx"] > small["num_ctx"] and large["num_ctx"] % 1024 == 0
    assert large["num_predict"] > len(long) // 4
