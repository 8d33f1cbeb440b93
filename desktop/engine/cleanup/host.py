"""Where the Ollama server is, and whether text may be sent there."""

import ipaddress
import os
from urllib.parse import urlsplit

from desktop.engine.cleanup.errors import RemoteHostError
from desktop.engine.cleanup.options import DEFAULT_HOST

DEFAULT_PORT = 11434
# A server bound to "all interfaces" is reached through loopback from the same machine.
_ANY_ADDRESS = {"0.0.0.0": "127.0.0.1", "::": "::1"}


def resolve_host(setting: str) -> str:
    """Return the Ollama URL to use.

    The setting wins, else ``$OLLAMA_HOST``, else ``http://127.0.0.1:11434``. Short forms
    such as ``localhost:11434``, ``:11434`` or ``0.0.0.0`` become full URLs.

    Args:
        setting: the ``ollama.host`` setting; empty means "not set".

    Returns:
        A URL like ``http://127.0.0.1:11434`` with no trailing slash.
    """
    raw = setting.strip() or os.environ.get("OLLAMA_HOST", "").strip()
    return normalise_host(raw) if raw else DEFAULT_HOST


def normalise_host(text: str) -> str:
    """Return ``text`` as ``scheme://host:port[/path]``, following Ollama's own conventions.

    Raises:
        ValueError: the text is not a host, host:port or URL.
    """
    has_scheme = "://" in text
    parts = urlsplit(text if has_scheme else f"http://{text}")
    if parts.scheme not in ("http", "https"):
        raise ValueError(f"{text!r} is not an Ollama address; use http:// or https://.")
    try:
        port = parts.port
    except ValueError:
        raise ValueError(f"{text!r} has an invalid port number.") from None
    if port is None:
        port = DEFAULT_PORT if not has_scheme else (443 if parts.scheme == "https" else 80)
    name = parts.hostname or "127.0.0.1"
    name = _ANY_ADDRESS.get(name, name)
    if ":" in name:
        name = f"[{name}]"
    return f"{parts.scheme}://{name}:{port}{parts.path.rstrip('/')}"


def is_loopback(host: str) -> bool:
    """Return whether the URL ``host`` names this computer (localhost or a loopback IP)."""
    name = urlsplit(host).hostname or ""
    if name == "localhost" or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def check_host_allowed(host: str, allow_remote: bool) -> None:
    """Raise unless text may be sent to ``host``.

    Raises:
        RemoteHostError: the host is not loopback and remote use is off.
    """
    if not allow_remote and not is_loopback(host):
        raise RemoteHostError(host)
