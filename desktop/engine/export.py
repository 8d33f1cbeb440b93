"""Writing transcripts as txt, srt, vtt, json or md."""

import json
from collections.abc import Callable
from pathlib import Path

from desktop.engine.transcript import Transcript

FORMATS = ("txt", "srt", "vtt", "json", "md")


def render(transcript: Transcript, fmt: str, cleaned: str | None = None) -> str:
    """Return the transcript in a format.

    Args:
        transcript: what to write.
        fmt: one of :data:`FORMATS`.
        cleaned: the cleaned text, written beside the raw one where the format has room.

    Raises:
        ValueError: an unknown format, listing the accepted ones.
    """
    try:
        writer = _WRITERS[fmt]
    except KeyError:
        raise ValueError(f"Unknown format {fmt!r}; choose one of {', '.join(FORMATS)}") from None
    return writer(transcript, cleaned)


def write(transcript: Transcript, fmt: str, folder: Path, cleaned: str | None = None,
          *, stem: str | None = None) -> Path:
    """Write ``<stem>.<fmt>`` into ``folder`` and return its path.

    Args:
        transcript: what to write.
        fmt: one of :data:`FORMATS`.
        folder: where to write (created if needed).
        cleaned: the cleaned text, written beside the raw one where the format has room.
        stem: the file name without suffix; the source's by default.

    Raises:
        OSError: the folder or the file cannot be written; no partial file is left.
    """
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{stem or Path(transcript.source).stem}.{fmt}"
    tmp = target.with_name(target.name + ".tmp")
    try:
        tmp.write_text(render(transcript, fmt, cleaned), encoding="utf-8")
        tmp.replace(target)
    except OSError:
        tmp.unlink(missing_ok=True)
        raise
    return target


def as_dict(transcript: Transcript, cleaned: str | None = None) -> dict[str, object]:
    """Return the JSON shape: file, duration, language, model, text, segments."""
    data: dict[str, object] = {
        "file": transcript.source,
        "duration": round(transcript.duration, 3),
        "language": transcript.language,
        "model": transcript.model,
        "text": transcript.text,
        "segments": [
            {"start": round(s.start, 3), "end": round(s.end, 3), "text": s.text}
            for s in transcript.segments
        ],
    }
    if cleaned is not None:
        data["cleaned"] = cleaned
    if transcript.warnings:
        data["warnings"] = list(transcript.warnings)
    return data


def timestamp(seconds: float, separator: str) -> str:
    """Format seconds as ``HH:MM:SS<sep>mmm`` (``,`` for SRT, ``.`` for VTT)."""
    millis = round(max(seconds, 0.0) * 1000)
    hours, millis = divmod(millis, 3_600_000)
    minutes, millis = divmod(millis, 60_000)
    secs, millis = divmod(millis, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}{separator}{millis:03d}"


def _txt(transcript: Transcript, cleaned: str | None) -> str:
    return (cleaned if cleaned is not None else transcript.text) + "\n"


def _srt(transcript: Transcript, _cleaned: str | None) -> str:
    cues = [
        f"{i}\n{timestamp(s.start, ',')} --> {timestamp(s.end, ',')}\n{s.text}\n"
        for i, s in enumerate(transcript.segments, start=1)
    ]
    return "\n".join(cues)


def _vtt(transcript: Transcript, _cleaned: str | None) -> str:
    cues = [
        f"{timestamp(s.start, '.')} --> {timestamp(s.end, '.')}\n{s.text}\n"
        for s in transcript.segments
    ]
    return "WEBVTT\n\n" + "\n".join(cues)


def _json(transcript: Transcript, cleaned: str | None) -> str:
    return json.dumps(as_dict(transcript, cleaned), ensure_ascii=False, indent=2) + "\n"


def _md(transcript: Transcript, cleaned: str | None) -> str:
    title = Path(transcript.source).name
    lines = [f"# {title}", "", f"*{transcript.duration:.1f} s, language {transcript.language}, "
             f"model {transcript.model}*", ""]
    if cleaned is not None:
        lines += ["## Cleaned", "", cleaned, "", "## Raw", ""]
    lines += [f"**[{timestamp(s.start, '.')[:8]}]** {s.text}  " for s in transcript.segments]
    return "\n".join(lines).rstrip() + "\n"


_WRITERS: dict[str, Callable[[Transcript, str | None], str]] = {
    "txt": _txt, "srt": _srt, "vtt": _vtt, "json": _json, "md": _md,
}
