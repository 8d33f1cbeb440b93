"""Dictara: offline dictation with live Whisper transcription and local LLM cleanup."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("dictara")
except PackageNotFoundError:  # running from a source tree that is not installed
    __version__ = "0.0.0"
