"""Decoding: every malformed input ends in one clear sentence, never a traceback."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import av
import numpy as np
import pytest

from desktop.engine import decode


@pytest.fixture
def bad_files(tmp_path: Path, data_dir: Path) -> Path:
    """A folder of the malformed inputs a user can drop on Dictara."""
    (tmp_path / "empty.wav").write_bytes(b"")
    (tmp_path / "truncated.wav").write_bytes((data_dir / "LJ001-0001.wav").read_bytes()[:40000])
    (tmp_path / "random.mp3").write_bytes(bytes(range(256)) * 200)
    (tmp_path / "doc.pdf").write_bytes(b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n")
    (tmp_path / "folder").mkdir()
    return tmp_path


@pytest.mark.parametrize(
    ("name", "error"),
    [
        ("empty.wav", decode.EmptyFileError),
        ("random.mp3", decode.NotMediaError),
        ("doc.pdf", decode.NotMediaError),
        ("folder", decode.IsFolderError),
        ("missing.wav", decode.FileMissingError),
    ],
)
def test_malformed_input_raises_one_sentence(bad_files: Path, name: str, error: type) -> None:
    with pytest.raises(error) as info, decode.AudioFile(bad_files / name) as media:
        list(media.chunks())
    message = str(info.value)
    assert message.startswith(str(bad_files / name) + ": ")
    assert "\n" not in message and "Traceback" not in message


def test_unsupported_type_names_the_supported_ones(bad_files: Path) -> None:
    with pytest.raises(decode.NotMediaError) as info:
        decode.AudioFile(bad_files / "doc.pdf")
    message = str(info.value)
    assert "not an audio or video file" in message
    names = re.findall(r"\b[0-9a-z]+\b", message.split("types:")[1])
    assert [f".{name}" for name in names if name != "or"] == list(decode.MEDIA_SUFFIXES)


def test_damaged_file_of_a_supported_type_says_so(bad_files: Path) -> None:
    with pytest.raises(decode.NotMediaError) as info:
        decode.AudioFile(bad_files / "random.mp3")
    assert "may be damaged" in str(info.value) and ".mp3" in str(info.value)
    assert "types:" not in str(info.value)


def test_media_suffixes_are_lower_case_with_a_dot_and_unique() -> None:
    assert all(re.fullmatch(r"\.[0-9a-z]+", s) for s in decode.MEDIA_SUFFIXES)
    assert len(set(decode.MEDIA_SUFFIXES)) == len(decode.MEDIA_SUFFIXES)


def test_media_filter_lists_every_suffix_then_all_files() -> None:
    media, everything = decode.media_filter().split(";;")
    match = re.fullmatch(r"Audio and video \(([^()]*)\)", media)
    assert match and match.group(1).split() == [f"*{s}" for s in decode.MEDIA_SUFFIXES]
    assert everything == "All files (*)"


# How to write a one-second clip of each advertised type: (container, codec, sample rate).
# Each entry proves PyAV's FFmpeg reads that type; a new suffix needs a line here.
ENCODINGS = {
    ".wav": ("wav", "pcm_s16le", 16000),
    ".mp3": ("mp3", "libmp3lame", 16000),
    ".m4a": ("ipod", "aac", 16000),
    ".flac": ("flac", "flac", 16000),
    ".ogg": ("ogg", "libopus", 48000),
    ".oga": ("ogg", "libopus", 48000),
    ".opus": ("opus", "libopus", 48000),
    ".webm": ("webm", "libopus", 48000),
    ".mp4": ("mp4", "aac", 16000),
    ".mkv": ("matroska", "aac", 16000),
    ".mov": ("mov", "aac", 16000),
    ".aac": ("adts", "aac", 16000),
    ".wma": ("asf", "wmav2", 16000),
    ".aiff": ("aiff", "pcm_s16be", 16000),
    ".aif": ("aiff", "pcm_s16be", 16000),
    ".amr": ("amr", "libopencore_amrnb", 8000),
    ".3gp": ("3gp", "aac", 16000),
    ".m4v": ("mp4", "aac", 16000),  # Apple's .m4v is an MP4 container
    ".avi": ("avi", "pcm_s16le", 16000),
}


def test_every_media_suffix_has_an_encoding_below() -> None:
    assert set(ENCODINGS) == set(decode.MEDIA_SUFFIXES)


def _write_tone(path: Path, container: str, codec: str, rate: int) -> None:
    tone = 0.3 * np.sin(2 * np.pi * 440 * np.arange(rate) / rate)
    frame = av.AudioFrame.from_ndarray((tone * 32767).astype(np.int16)[None, :],
                                       format="s16", layout="mono")
    frame.sample_rate = rate
    with av.open(str(path), mode="w", format=container) as out:
        stream = out.add_stream(codec, rate=rate)
        stream.layout = "mono"
        stream.bit_rate = 64000  # wmav2 refuses to open without one
        for packet in [*stream.encode(frame), *stream.encode(None)]:
            out.mux(packet)


@pytest.mark.parametrize("suffix", decode.MEDIA_SUFFIXES)
def test_every_media_suffix_decodes(tmp_path: Path, suffix: str) -> None:
    container, codec, rate = ENCODINGS[suffix]
    if codec not in av.codecs_available:
        pytest.skip(f"this FFmpeg build has no {codec} encoder")
    clip = tmp_path / f"tone{suffix}"
    _write_tone(clip, container, codec, rate)
    with decode.AudioFile(clip) as media:
        audio = np.concatenate(list(media.chunks()))
    assert media.decoded_seconds == pytest.approx(1.0, abs=0.1)
    assert not media.warnings
    assert float(abs(audio).max()) > 0.1


@pytest.mark.skipif(shutil.which("ffmpeg") is None, reason="needs the ffmpeg binary")
def test_video_without_audio_track(tmp_path: Path) -> None:
    video = tmp_path / "silent.mp4"
    subprocess.run(["ffmpeg", "-loglevel", "error", "-f", "lavfi", "-i",
                    "color=c=black:s=32x32:d=1", str(video)], check=True)
    with pytest.raises(decode.NoAudioStreamError, match="no audio track"):
        decode.AudioFile(video)


def test_truncated_wav_decodes_what_is_there_and_warns(bad_files: Path) -> None:
    with decode.AudioFile(bad_files / "truncated.wav") as media:
        audio = list(media.chunks())
    assert 0.5 < media.decoded_seconds < 1.5
    assert sum(len(a) for a in audio) == pytest.approx(media.decoded_seconds * 16000)
    assert len(media.warnings) == 1 and "truncated" in media.warnings[0]


@pytest.mark.parametrize("name", ["LJ001-0001.wav", "jfk.flac", "common_voice_en_22058264.mp3"])
def test_formats_decode_to_16k_mono_float(data_dir: Path, name: str) -> None:
    with decode.AudioFile(data_dir / name) as media:
        audio = list(media.chunks(seconds=2.0))
    assert all(a.dtype.name == "float32" and a.ndim == 1 for a in audio)
    assert all(len(a) <= 2.0 * 16000 + 4096 for a in audio)
    assert media.duration == pytest.approx(media.decoded_seconds, abs=0.1)
    assert not media.warnings
    assert max(float(abs(a).max()) for a in audio) > 0.1


LONG_FILE_PROBE = """
import resource, sys
from pathlib import Path
from desktop.engine import decode
with decode.AudioFile(Path(sys.argv[1])) as media:
    longest = max(len(chunk) for chunk in media.chunks())
print(media.decoded_seconds, longest, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("sox") is None, reason="needs sox to make the 3-hour file")
def test_three_hour_file_streams_in_bounded_memory(tmp_path: Path) -> None:
    long_file = tmp_path / "three-hours.flac"
    subprocess.run(["sox", "-n", "-r", "16000", "-c", "1", str(long_file), "synth", "3:00:00",
                    "sine", "440", "vol", "0.01"], check=True)
    out = subprocess.run([sys.executable, "-c", LONG_FILE_PROBE, str(long_file)],
                         check=True, capture_output=True, text=True).stdout.split()
    seconds, longest, max_rss_kb = float(out[0]), int(out[1]), int(out[2])
    assert seconds == pytest.approx(3 * 3600, abs=1)
    assert longest <= 31 * 16000
    # The whole file as float32 would be 691 MB (twice that while faster-whisper's
    # decode_audio concatenates); streaming keeps the process at the size of its libraries
    # plus one chunk: 200-260 MB measured, most of it PyAV's and numpy's code.
    assert max_rss_kb < 350_000, f"peak RSS {max_rss_kb} kB"
