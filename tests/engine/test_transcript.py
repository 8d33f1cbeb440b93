"""Joining streamed pieces of text and segments."""

from desktop.engine.transcript import Segment, add_segment, join_text


def test_pieces_join_with_one_space_and_punctuation_attaches() -> None:
    assert join_text([" One sentence", "", "goes on ", ". New one", "."]) == (
        "One sentence goes on. New one.")


def test_a_held_full_stop_moves_to_the_segment_before() -> None:
    segments: list[Segment] = []
    for start, text in ((0.0, "One sentence"), (2.0, ". New one"), (4.0, ".")):
        add_segment(segments, Segment(start, start + 1.0, text))
    assert segments == [Segment(0.0, 1.0, "One sentence."), Segment(2.0, 3.0, "New one.")]
