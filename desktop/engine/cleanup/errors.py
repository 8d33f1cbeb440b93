"""What can go wrong between Dictara and an Ollama server, as one sentence each.

Every ``__str__`` says what failed and what to do; the cleaned pane shows it verbatim
next to the rule-based cleanup.
"""

from urllib.parse import urlsplit

_LOCAL_NAMES = ("127.0.0.1", "localhost", "::1")


class Error(Exception):
    """Base class for cleanup errors."""


class RemoteHostError(Error):
    """The configured Ollama is on another computer and remote use is off."""

    def __init__(self, host: str) -> None:
        super().__init__(host)
        self.host = host

    def __str__(self) -> str:
        return (
            f"Ollama at {self.host} is not on this computer, so no text was sent to it; "
            "turn on ollama.allow_remote if you want to use it."
        )


class NotRunningError(Error):
    """Nothing accepts connections at the host."""

    def __init__(self, host: str) -> None:
        super().__init__(host)
        self.host = host

    def __str__(self) -> str:
        if urlsplit(self.host).hostname in _LOCAL_NAMES:
            return (
                f"Ollama is not running on this computer (nothing answers at {self.host}); "
                "start it with `ollama serve` or open the Ollama app, then try again."
            )
        return (
            f"Could not connect to Ollama at {self.host}; start it there with `ollama serve` "
            "or fix the ollama.host setting."
        )


class TimedOutError(Error):
    """The server accepted the request but did not finish in time."""

    def __init__(self, host: str, seconds: float) -> None:
        super().__init__(host, seconds)
        self.host, self.seconds = host, seconds

    def __str__(self) -> str:
        return (
            f"Ollama at {self.host} did not answer within {round(self.seconds, 1):g} s; "
            "try a smaller model or raise ollama.timeout."
        )


class ModelMissingError(Error):
    """The server does not have the configured model."""

    def __init__(self, host: str, model: str) -> None:
        super().__init__(host, model)
        self.host, self.model = host, model

    def __str__(self) -> str:
        return (
            f"The model {self.model} is not installed in Ollama at {self.host}; "
            f"pull it from the settings or run `ollama pull {self.model}`."
        )


class ServerError(Error):
    """The server answered with an error status."""

    def __init__(self, host: str, detail: str, status: int) -> None:
        super().__init__(host, detail, status)
        self.host, self.detail, self.status = host, detail, status

    def __str__(self) -> str:
        code = f" (HTTP {self.status})" if self.status > 0 else ""
        return (
            f"Ollama at {self.host} failed{code}: {self.detail.rstrip('.')}; "
            "check the Ollama log and try again."
        )


class StreamCutError(Error):
    """The answer stopped before the server said it was done."""

    def __init__(self, host: str) -> None:
        super().__init__(host)
        self.host = host

    def __str__(self) -> str:
        return (
            f"The connection to Ollama at {self.host} broke off mid-answer; "
            "try again, and check the Ollama log if it keeps happening."
        )


class TooLargeError(Error):
    """The answer grew past what Dictara reads for it, so the rest was not read."""

    def __init__(self, host: str, limit: int) -> None:
        super().__init__(host, limit)
        self.host, self.limit = host, limit

    def __str__(self) -> str:
        size = f"{self.limit / 2**20:g} MB" if self.limit >= 2**20 else f"{self.limit // 1024} KB"
        return (
            f"The server at {self.host} sent more than {size} for one answer, far more than "
            "Ollama sends; check that ollama.host points at Ollama and try again."
        )


class InvalidResponseError(Error):
    """The server sent something that is not Ollama's JSON."""

    def __init__(self, host: str) -> None:
        super().__init__(host)
        self.host = host

    def __str__(self) -> str:
        return (
            f"The server at {self.host} sent an answer that is not valid Ollama JSON; "
            "check that ollama.host points at Ollama."
        )


class CancelledError(Error):
    """The caller cancelled the cleanup."""

    def __str__(self) -> str:
        return "The cleanup was cancelled; showing the rule-based cleanup."


class OffTaskError(Error):
    """The guard rejected the model's answer; ``reason`` is the guard's sentence."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason

    def __str__(self) -> str:
        return self.reason


class NoCustomPromptError(Error):
    """The custom preset is chosen but has no instructions."""

    def __str__(self) -> str:
        return (
            "The custom cleanup preset has no instructions; write them in "
            "cleanup.custom_prompt or choose another preset."
        )
