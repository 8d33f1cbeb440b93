"""Spoken commands in the forms Whisper writes them, and the same words as text."""

import pytest

from desktop.engine.commands import Command, CommandOptions, Found, apply, find, join

ON = CommandOptions()
PUNCTUATION = CommandOptions(punctuation=True)


@pytest.mark.parametrize(("heard", "written"), [
    ("Dear Tom, new line, thanks for the notes.", "Dear Tom\nthanks for the notes."),
    ("First item. New line. Second item.", "First item.\nSecond item."),
    ("First item, newline, second item.", "First item\nsecond item."),
    ("Fine. New line.", "Fine.\n"),
    ("That was the intro. New paragraph. Now the details.",
     "That was the intro.\n\nNow the details."),
    ("That was the intro, new paragraph, now the details.",
     "That was the intro\n\nNow the details."),
    ("That was the intro. New paragraph? now the details.",
     "That was the intro.\n\nNow the details."),
    ("New paragraph. Hello.", "\n\nHello."),
    ("I like apples. Scratch that! I like pears.", "I like pears."),
    ("I like apples. I like plums, scratch that, I like pears.", "I like apples. I like pears."),
    ("One. Two.\n\nThree. Four. Scratch that.", "One. Two.\n\nThree."),
    ("Scratch that. Hello.", "Hello."),
    ("The plan is fine. Scratch that.", ""),
])
def test_commands_as_whisper_writes_them(heard: str, written: str) -> None:
    assert apply(heard, ON) == written


@pytest.mark.parametrize("text", [
    "We need a new paragraph about safety.",
    "Don't scratch that surface.",
    "Start a new line of products.",
    "new paragraph about safety comes next",
    "I will scratch that off the list.",
    "Put it on a new line please.",
])
def test_the_same_words_mid_sentence_are_text(text: str) -> None:
    assert find(text, PUNCTUATION) == []
    assert apply(text, PUNCTUATION) == text


@pytest.mark.parametrize(("heard", "written"), [
    ("It works period", "It works."),
    ("It works, period. And it is fast.", "It works. And it is fast."),
    ("It works. Period.", "It works."),
    ("Is it ready question mark", "Is it ready?"),
    ("Is it ready? Question mark.", "Is it ready?"),
    ("Hello, comma, world.", "Hello, world."),
    ("The list, colon, eggs and milk.", "The list: eggs and milk."),
    ("It works full stop", "It works."),
])
def test_spoken_punctuation_when_on(heard: str, written: str) -> None:
    assert apply(heard, PUNCTUATION) == written


@pytest.mark.parametrize("text", [
    "It works period",
    "Hello, comma, world.",
    "Is it ready question mark",
])
def test_spoken_punctuation_is_text_when_off(text: str) -> None:
    assert apply(text, ON) == text


@pytest.mark.parametrize("text", [
    "It was a long period.",
    "The last period.",
    "Use the Oxford comma.",
    "Put a question mark.",
    "Add a semi colon.",
    "The period of time was short.",
    "Comma separated values are fine.",
])
def test_punctuation_words_used_as_nouns_stay(text: str) -> None:
    assert apply(text, PUNCTUATION) == text


def test_nothing_applies_when_disabled() -> None:
    text = "Intro. New paragraph. Scratch that."
    assert find(text, CommandOptions(enabled=False, punctuation=True)) == []
    assert apply(text, CommandOptions(enabled=False)) == text


def test_found_spans_hold_the_punctuation_that_belongs_to_the_command() -> None:
    text = "Dear Tom, new line, thanks. New paragraph. Bye"
    found = find(text, ON)
    assert found == [Found(8, 20, Command.NEW_LINE), Found(27, 43, Command.NEW_PARAGRAPH)]
    assert [text[f.start : f.end] for f in found] == [", new line, ", " New paragraph. "]


def test_spans_of_adjacent_commands_do_not_overlap() -> None:
    text = "Intro. New paragraph, new paragraph. Body."
    first, second = find(text, ON)
    assert first.end == second.start
    assert apply(text, ON) == "Intro.\n\nBody."


def test_after_applies_one_command_to_the_text_before_it() -> None:
    assert Command.NEW_LINE.after("Dear Tom ") == "Dear Tom\n"
    assert Command.NEW_PARAGRAPH.after("The intro.\n") == "The intro.\n\n"
    assert Command.SCRATCH_THAT.after("Keep this. Drop this ") == "Keep this."
    assert Command.PERIOD.after("It works, ") == "It works."
    assert Command.QUESTION_MARK.after("") == ""


def test_join_capitalises_after_a_sentence_end_or_paragraph_only() -> None:
    assert join("It works.", "and then") == "It works. And then"
    assert join("Intro.\n\n", "now") == "Intro.\n\nNow"
    assert join("Dear Tom\n", "thanks") == "Dear Tom\nthanks"
    assert join("It works", ", really") == "It works, really"
    assert join("", "hello") == "Hello"
