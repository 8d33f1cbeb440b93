"""The rule-based cleaner: removes fillers and stutters, keeps meaning."""

import pytest

from desktop.engine.cleanup import RuleCleaner


@pytest.mark.parametrize(
    ("raw", "cleaned"),
    [
        ("um so what do you think about the uh the new hires",
         "So what do you think about the new hires?"),
        ("I was, um, thinking we could, you know, go to the the store",
         "I was thinking we could go to the store."),
        ("I-I-I think th- the plan is is fine", "I think the plan is fine."),
        ("I think I think we should go", "I think we should go."),
        ("Like, I mean, it is, like, huge.", "It is huge."),
        ("montreal forced uh um uh hm hm um forced aligner", "Montreal forced aligner."),
        ("we're just yknow there's some speech errors", "We're just there's some speech errors."),
        ("Hello , world .How are you", "Hello, world. How are you?"),
        ("i'm sure i can do it", "I'm sure I can do it."),
    ],
)
def test_clean_removes_disfluencies(raw: str, cleaned: str) -> None:
    assert RuleCleaner().clean(raw) == cleaned


@pytest.mark.parametrize(
    "text",
    [
        "I like pizza.",
        "You know the answer.",
        "I mean it.",
        "What I mean is simple.",
        "I know that that works.",
        "My number is five five five one two.",
        "It looks like rain.",
    ],
)
def test_clean_keeps_words_that_carry_meaning(text: str) -> None:
    assert RuleCleaner().clean(text) == text


def test_verbatim_keeps_every_word() -> None:
    assert RuleCleaner("verbatim").clean("um i think uh i think yes") == (
        "Um I think uh I think yes."
    )


def test_notes_puts_each_sentence_on_a_bullet() -> None:
    assert RuleCleaner("notes").clean("um first point. second, uh, point") == (
        "- First point.\n- Second point."
    )


def test_line_breaks_survive() -> None:
    assert RuleCleaner().clean("uh hello\n\num bye") == "Hello.\n\nBye."


def test_empty_text_stays_empty() -> None:
    assert RuleCleaner().clean("  um  ") == ""
