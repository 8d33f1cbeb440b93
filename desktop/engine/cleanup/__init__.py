"""Transcript cleanup: a guarded local Ollama model, with a rule-based fallback.

``Cleaner(options).clean(raw)`` is the whole story for callers: it streams the model's
answer, checks it with the guard, and falls back to ``RuleCleaner`` with a one-sentence
reason whenever the server or the model misbehaves. The raw text is never changed.
"""

from desktop.engine.cleanup.cleaner import Cleaner, time_limit
from desktop.engine.cleanup.errors import (
    CancelledError,
    Error,
    InvalidResponseError,
    ModelMissingError,
    NoCustomPromptError,
    NotRunningError,
    OffTaskError,
    RemoteHostError,
    ServerError,
    StreamCutError,
    TimedOutError,
)
from desktop.engine.cleanup.host import check_host_allowed, is_loopback, resolve_host
from desktop.engine.cleanup.live import LiveCleanup
from desktop.engine.cleanup.options import (
    DEFAULT_HOST,
    DEFAULT_MODEL,
    PRESETS,
    CleanupOptions,
    CleanupResult,
)
from desktop.engine.cleanup.rules import RuleCleaner
from desktop.engine.cleanup.server import ServerStatus, list_models, probe_server, pull_model

__all__ = [
    "DEFAULT_HOST",
    "DEFAULT_MODEL",
    "PRESETS",
    "CancelledError",
    "Cleaner",
    "CleanupOptions",
    "CleanupResult",
    "Error",
    "InvalidResponseError",
    "LiveCleanup",
    "ModelMissingError",
    "NoCustomPromptError",
    "NotRunningError",
    "OffTaskError",
    "RemoteHostError",
    "RuleCleaner",
    "ServerError",
    "ServerStatus",
    "StreamCutError",
    "TimedOutError",
    "check_host_allowed",
    "is_loopback",
    "list_models",
    "probe_server",
    "pull_model",
    "resolve_host",
    "time_limit",
]
