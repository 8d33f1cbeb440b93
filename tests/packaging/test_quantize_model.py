"""The bundle's int8 copy of tiny.en transcribes exactly like the float16 original."""

import sys
from pathlib import Path

from desktop.engine import models
from desktop.engine.transcriber import TranscribeOptions, Transcriber

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "packaging"))
import quantize_model

CLIPS = ["jfk.flac", "LJ001-0001.wav", "local_whisper_dictation.wav"]


def test_int8_copy_is_half_the_size_and_transcribes_identically(
        tmp_path: Path, data_dir: Path, transcriber: Transcriber) -> None:
    source = models.bundled_model().path
    target = tmp_path / "tiny.en-int8"
    quantize_model.convert(source, target)
    models.validate(target)
    assert (target / "model.bin").stat().st_size < 0.55 * (source / "model.bin").stat().st_size
    int8 = Transcriber(models.ModelRef("tiny.en-int8", target), models.ModelOptions())
    options = TranscribeOptions(language="en")
    for clip in CLIPS:
        expected = transcriber.transcribe_file(data_dir / clip, options).text
        assert int8.transcribe_file(data_dir / clip, options).text == expected
