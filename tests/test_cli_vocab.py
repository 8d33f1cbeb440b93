"""``dictara vocab``, and spoken commands in ``dictara clean`` and ``dictara dictate``."""

import json
from pathlib import Path

import pytest

from desktop.cli import dictate, main
from desktop.engine.commands import CommandOptions
from desktop.engine.session import Finished
from desktop.engine.transcript import Segment, Transcript
from desktop.paths import AppPaths
from tests.fake_ollama import closed_url


def listed(capsys: pytest.CaptureFixture[str]) -> dict[str, object]:
    capsys.readouterr()
    assert main(["vocab", "list", "--json"]) == 0
    result: dict[str, object] = json.loads(capsys.readouterr().out)
    return result


def test_add_replace_list_remove(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["vocab", "add", "Gutenberg", "Montreal Forced Aligner", "Basle"]) == 0
    assert main(["vocab", "replace", "pie torch", "PyTorch"]) == 0
    assert listed(capsys) == {"terms": ["Gutenberg", "Montreal Forced Aligner", "Basle"],
                              "replacements": [{"heard": "pie torch", "written": "PyTorch"}]}
    assert main(["vocab", "list"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "Gutenberg", "Montreal Forced Aligner", "Basle", "pie torch → PyTorch"]
    assert main(["vocab", "remove", "basle", "PIE TORCH"]) == 0
    assert listed(capsys) == {"terms": ["Gutenberg", "Montreal Forced Aligner"],
                              "replacements": []}
    config = AppPaths.default().config_file
    assert (config.parent / "vocabulary.toml").is_file()


def test_removing_an_unknown_term_says_so(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["vocab", "add", "Gutenberg"]) == 0
    assert main(["vocab", "remove", "Gutenberg", "Paris"]) == 1
    err = capsys.readouterr().err
    assert "error: 'Paris' is neither a term nor a rule's heard form;" in err


def test_import_and_export(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "terms.txt").write_text("Gutenberg\nSchoeffer\n", encoding="utf-8")
    (tmp_path / "rules.csv").write_text("heard,written\npie torch,PyTorch\nBasle\n",
                                        encoding="utf-8")
    assert main(["vocab", "import", str(tmp_path / "terms.txt")]) == 0
    assert main(["vocab", "import", str(tmp_path / "rules.csv")]) == 0
    assert listed(capsys) == {"terms": ["Gutenberg", "Schoeffer", "Basle"],
                              "replacements": [{"heard": "pie torch", "written": "PyTorch"}]}
    assert main(["vocab", "export", str(tmp_path / "all.csv")]) == 0
    assert (tmp_path / "all.csv").read_text(encoding="utf-8") == (
        "Gutenberg\nSchoeffer\nBasle\npie torch,PyTorch\n")
    assert main(["vocab", "export", str(tmp_path / "terms-only.txt")]) == 0
    assert "export to a .csv file to keep them" in capsys.readouterr().err


@pytest.mark.parametrize(("args", "code", "message"), [
    (["add", " "], 2, "error: ' ' cannot be added to the vocabulary: it is empty.\n"),
    (["import", "missing.txt"], 1,
     "error: missing.txt cannot be used as a vocabulary file: there is no such file.\n"),
])
def test_bad_input_is_one_sentence(capsys: pytest.CaptureFixture[str], args: list[str],
                                   code: int, message: str) -> None:
    assert main(["vocab", *args]) == code
    assert capsys.readouterr().err == message


def test_a_broken_vocabulary_file_is_one_sentence(capsys: pytest.CaptureFixture[str]) -> None:
    path = AppPaths.default().config_file.with_name("vocabulary.toml")
    path.parent.mkdir(parents=True)
    path.write_text("terms = [", encoding="utf-8")
    assert main(["vocab", "list"]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"error: {path} cannot be used as a vocabulary file: it is not valid "
                          "TOML") and err.count("\n") == 1


def test_clean_applies_spoken_commands_and_keeps_the_line_breaks(
    capsys: pytest.CaptureFixture[str],
) -> None:
    raw = ("Dear Tom, new line, thanks for the notes. New paragraph. I liked the plans. "
           "Um the budget is too high. Scratch that. See you soon.")
    assert main(["clean", "--host", closed_url(), raw]) == 0
    assert capsys.readouterr().out == (
        "Dear Tom.\nThanks for the notes.\n\nI liked the plans. See you soon.\n")
    assert main(["config", "set", "commands.enabled", "false"]) == 0
    capsys.readouterr()
    assert main(["clean", "--host", closed_url(), "Intro. New paragraph. Body text."]) == 0
    assert capsys.readouterr().out == "Intro. New paragraph. Body text.\n"


def test_dictate_json_gives_the_text_with_commands_and_what_was_heard(
    capsys: pytest.CaptureFixture[str],
) -> None:
    heard = "The intro. New paragraph. It works, period. Bye."
    transcript = Transcript("dictation", 4.0, "en", "tiny.en", (Segment(0.0, 4.0, heard),))
    finished = Finished(transcript, None, 120.0, 1)
    dictate._print_result(finished, None, True, CommandOptions(punctuation=True))
    data = json.loads(capsys.readouterr().out)
    assert (data["text"], data["heard"]) == ("The intro.\n\nIt works. Bye.", heard)
    dictate._print_result(finished, None, False, CommandOptions(enabled=False))
    assert capsys.readouterr().out == heard + "\n"
