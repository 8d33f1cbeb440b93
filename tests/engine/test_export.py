"""Export formats."""

import json
from pathlib import Path

import pytest

from desktop.engine import export
from desktop.engine.transcript import Segment, Transcript

TRANSCRIPT = Transcript(
    source="/tmp/talk.wav", duration=3725.5, language="en", model="tiny.en",
    segments=(Segment(0.0, 1.25, "Hello there."), Segment(3601.5, 3725.5, "Goodbye.")),
)


def test_srt_numbers_cues_with_comma_millis() -> None:
    assert export.render(TRANSCRIPT, "srt") == (
        "1\n00:00:00,000 --> 00:00:01,250\nHello there.\n\n"
        "2\n01:00:01,500 --> 01:02:05,500\nGoodbye.\n"
    )


def test_vtt_has_header_and_dot_millis() -> None:
    out = export.render(TRANSCRIPT, "vtt")
    assert out.startswith("WEBVTT\n\n00:00:00.000 --> 00:00:01.250\nHello there.\n")


def test_json_carries_the_cli_fields() -> None:
    data = json.loads(export.render(TRANSCRIPT, "json", cleaned="Hello there. Goodbye."))
    assert set(data) >= {"file", "duration", "language", "model", "text", "segments"}
    assert data["segments"][1] == {"start": 3601.5, "end": 3725.5, "text": "Goodbye."}
    assert data["cleaned"] == "Hello there. Goodbye."


def test_txt_and_md() -> None:
    assert export.render(TRANSCRIPT, "txt") == "Hello there. Goodbye.\n"
    md = export.render(TRANSCRIPT, "md", cleaned="Hi.")
    assert md.startswith("# talk.wav") and "## Cleaned\n\nHi." in md and "[01:00:01]" in md


def test_write_names_file_after_source(tmp_path: Path) -> None:
    target = export.write(TRANSCRIPT, "srt", tmp_path / "out")
    assert target == tmp_path / "out" / "talk.srt" and target.read_text().startswith("1\n")


def test_unknown_format_lists_choices() -> None:
    with pytest.raises(ValueError, match="txt, srt, vtt, json, md"):
        export.render(TRANSCRIPT, "docx")
