"""The vocabulary store, its import and export, rewriting, and how terms bias Whisper."""

import time
from pathlib import Path

import pytest

from desktop.engine.vocabulary import (
    PROMPT_TOKENS,
    FileError,
    InvalidEntryError,
    Replacement,
    Vocabulary,
    VocabularyFile,
    bias,
    choose_terms,
    is_echo,
    named_in,
    read_import,
    write_export,
)


def count(text: str) -> int:
    """A stand-in tokenizer: one token per three characters, at least one."""
    return max(1, len(text) // 3)


def test_terms_keep_order_and_one_spelling_each() -> None:
    words = Vocabulary().with_terms(["pytorch", "Gutenberg", "  Montreal   Forced Aligner "])
    words = words.with_terms(["PyTorch"])
    assert words.terms == ("Gutenberg", "Montreal Forced Aligner", "PyTorch")


@pytest.mark.parametrize("bad", ["", "   ", "two\nlines", "x" * 101])
def test_unusable_terms_are_refused_with_a_sentence(bad: str) -> None:
    with pytest.raises(InvalidEntryError) as caught:
        Vocabulary().with_terms([bad])
    assert str(caught.value).endswith(".") and "cannot be added" in str(caught.value)


def test_rules_rewrite_whole_words_and_phrases_ignoring_case() -> None:
    words = Vocabulary().with_replacements([("pie torch", "PyTorch"), ("k eight s", "k8s"),
                                            ("torch", "Torch")])
    assert words.rewrite("Pie  torch and pie-torch, not pie torches. A torch.") == (
        "PyTorch and PyTorch, not pie torches. A Torch.")
    assert words.rewrite("We run K eight S.") == "We run k8s."


def test_a_newer_rule_for_the_same_heard_form_replaces_the_old_one() -> None:
    words = Vocabulary().with_replacements([("jason", "JSON"), ("Jason", "Jayson")])
    assert words.replacements == (Replacement("Jason", "Jayson"),)
    assert words.spellings == ("Jayson",)


def test_remove_takes_terms_and_rules_and_reports_unknown_names() -> None:
    words = Vocabulary(("Gutenberg", "Basle"), (Replacement("pie torch", "PyTorch"),))
    left, missing = words.without(["gutenberg", "PIE TORCH", "Paris"])
    assert left == Vocabulary(("Basle",))
    assert missing == ["Paris"]


def test_the_file_round_trips_and_is_readable_toml(tmp_path: Path) -> None:
    store = VocabularyFile.beside(tmp_path / "config.toml")
    words = Vocabulary(('Say "hi", = # ok', "Gutenberg"), (Replacement("pie torch", "PyTorch"),))
    store.save(words)
    assert store.load() == words
    text = store.path.read_text(encoding="utf-8")
    assert '"Gutenberg",\n' in text and '"pie torch" = "PyTorch"' in text
    assert store.path.stat().st_mode & 0o777 == 0o600


def test_a_missing_file_is_an_empty_vocabulary(tmp_path: Path) -> None:
    assert VocabularyFile(tmp_path / "vocabulary.toml").load() == Vocabulary()


@pytest.mark.parametrize(("content", "reason"), [
    ("terms = [", "it is not valid TOML"),
    ("terms = 3", '"terms" must be a list of quoted words'),
    ("[replacements]\na = 1", "[replacements] must hold lines"),
    ('terms = [""]', "it is empty"),
])
def test_a_broken_file_gives_one_sentence(tmp_path: Path, content: str, reason: str) -> None:
    path = tmp_path / "vocabulary.toml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(FileError) as caught:
        VocabularyFile(path).load()
    message = str(caught.value)
    assert message.startswith(f"{path} cannot be used") and reason in message
    assert message.endswith(".") and "\n" not in message


def test_ten_thousand_terms_load_well_under_a_second(tmp_path: Path) -> None:
    listing = tmp_path / "terms.txt"
    listing.write_text("".join(f"Term{i} Name{i}\n" for i in range(10_000)), encoding="utf-8")
    store = VocabularyFile(tmp_path / "vocabulary.toml")
    began = time.perf_counter()
    store.save(store.load().merged(read_import(listing)))
    imported = time.perf_counter() - began
    began = time.perf_counter()
    loaded = store.load()
    took = time.perf_counter() - began
    assert len(loaded.terms) == 10_000 and loaded.terms[-1] == "Term9999 Name9999"
    assert took < 0.3 and imported < 0.6


def test_import_text_one_term_a_line_and_csv_terms_and_rules(tmp_path: Path) -> None:
    text = tmp_path / "words.txt"
    text.write_text("\ufeffGutenberg\n\n# a comment\nSmith, Jones & Co\n", encoding="utf-8")
    assert read_import(text) == Vocabulary(("Gutenberg", "Smith, Jones & Co"))
    table = tmp_path / "words.csv"
    table.write_text('heard,written\npie torch,PyTorch\nSchoeffer\n"a, b",c\n',
                     encoding="utf-8")
    assert read_import(table) == Vocabulary(
        ("Schoeffer",), (Replacement("pie torch", "PyTorch"), Replacement("a, b", "c")))


@pytest.mark.parametrize(("name", "content", "reason"), [
    ("bad.csv", b"a,b,c\n", "line 1 has 3 fields"),
    ("bin.txt", b"\xff\xfe\x00\x01", "it is not UTF-8 text"),
    ("nul.txt", b"a\x00b", "it is not a text file"),
])
def test_bad_import_files_give_one_sentence(tmp_path: Path, name: str, content: bytes,
                                            reason: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(FileError, match=reason):
        read_import(path)


def test_export_csv_round_trips_and_text_holds_the_terms(tmp_path: Path) -> None:
    words = Vocabulary(("Gutenberg", "Smith, Jones"), (Replacement("pie torch", "PyTorch"),))
    write_export(words, tmp_path / "out.csv")
    assert read_import(tmp_path / "out.csv") == words
    write_export(words, tmp_path / "out.txt")
    assert (tmp_path / "out.txt").read_text(encoding="utf-8") == "Gutenberg\nSmith, Jones\n"


def test_terms_already_said_go_first_then_the_newest() -> None:
    terms = ("Alpha", "Bravo", "Charlie", "Delta", "Echo")
    assert choose_terms(terms, "we met bravo today", 100, count) == (
        "Bravo", "Echo", "Delta", "Charlie", "Alpha")
    assert choose_terms(terms, "", count(", Echo") + count(", Delta"), count) == (
        "Echo", "Delta")


def test_a_long_list_is_cut_to_whispers_prompt() -> None:
    terms = tuple(f"Name{i:05d}" for i in range(10_000))
    chosen = bias(terms, "the text so far", "hotwords", count)
    assert chosen.hotwords is not None
    used = count(" the text so far") + sum(count(", " + t) for t in chosen.terms)
    assert PROMPT_TOKENS - 10 < used <= PROMPT_TOKENS
    assert chosen.terms[0] == "Name09999"


def test_bias_by_hotwords_or_prompt() -> None:
    terms = ("Gutenberg", "Schoeffer")
    by_hotwords = bias(terms, "so far", "hotwords", count)
    assert (by_hotwords.hotwords, by_hotwords.initial_prompt) == ("Schoeffer, Gutenberg",
                                                                  "so far")
    by_prompt = bias(terms, None, "prompt", count)
    assert (by_prompt.hotwords, by_prompt.initial_prompt) == (None, "Schoeffer, Gutenberg.")
    assert bias((), "so far", "prompt", count).initial_prompt == "so far"
    with pytest.raises(ValueError, match="use one of hotwords, prompt"):
        bias(terms, None, "loud", count)  # type: ignore[arg-type]


def test_an_echo_of_the_list_is_recognised_but_a_term_said_alone_is_not() -> None:
    terms = ("Gutenberg", "Schoeffer", "Montreal Forced Aligner")
    assert is_echo("Schoeffer, Gutenberg.", terms)
    assert is_echo("Montreal Forced Aligner, Gutenberg", terms)
    assert not is_echo("Gutenberg.", terms)
    assert not is_echo("Gutenberg and Schoeffer printed it.", terms)
    assert not is_echo("Schoeffer, Gutenberg.", ())
    assert is_echo(". . . .", terms) and not is_echo(". . . .", ())


def test_the_cleanup_is_told_the_terms_the_text_names_or_nearly_names() -> None:
    terms = ("Gutenberg", "Montreal Forced Aligner", "Basle", "Schoeffer")
    text = "the guttenberg bible and the montreal forced aligner"
    assert named_in(terms, text, 10) == ("Montreal Forced Aligner", "Gutenberg")
    assert named_in(terms, text, 1) == ("Montreal Forced Aligner",)
