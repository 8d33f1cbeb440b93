"""The real ``models.download`` against a loopback stand-in of the Hugging Face hub.

Nothing here reaches the network: every socket connection and name lookup that is not
loopback fails the test, and huggingface_hub's retry sleeps are skipped.
"""

import io
import shutil
import socket
import time
import types
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

import pytest
from faster_whisper.utils import _MODELS, available_models
from huggingface_hub import constants, file_download
from huggingface_hub.utils import _http
from tqdm import tqdm

from desktop.engine import models
from desktop.engine.transcriber import TranscribeOptions, Transcriber
from tests.fake_hub import COMMIT, FakeHub

NAME = "tiny.en"
REPO = _MODELS[NAME]
MODEL_FILES = {"config.json", "model.bin", "tokenizer.json", "vocabulary.txt"}
FAKE_BIN_SIZE = 256 * 1024
LOOPBACK = {"127.0.0.1", "::1", "localhost"}


@pytest.fixture(autouse=True)
def offline_guard(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Allow loopback only, keep huggingface_hub off the user's cache and tokens, skip sleeps."""
    blocked: list[str] = []
    real_connect, real_getaddrinfo = socket.socket.connect, socket.getaddrinfo

    def connect(sock: socket.socket, address: Any) -> None:
        if sock.family in (socket.AF_INET, socket.AF_INET6) and address[0] not in LOOPBACK:
            blocked.append(f"connect {address}")
            raise ConnectionRefusedError(f"test blocked a connection to {address}")
        real_connect(sock, address)

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        name = host.decode() if isinstance(host, bytes) else host
        if name is not None and name not in LOOPBACK:
            blocked.append(f"lookup {name}")
            raise socket.gaierror(socket.EAI_NONAME, f"test blocked a lookup of {name}")
        return real_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)

    for var in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_ENDPOINT", "HF_TOKEN",
                "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy",
                "all_proxy"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("HF_HUB_DISABLE_TELEMETRY", "1")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", False)
    monkeypatch.setattr(constants, "HF_HUB_DISABLE_TELEMETRY", True)
    monkeypatch.setattr(constants, "HF_HUB_DISABLE_IMPLICIT_TOKEN", True)
    monkeypatch.setattr(constants, "HF_HUB_CACHE", str(tmp_path / "hf-cache"))

    def no_xet(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("huggingface_hub tried to download through hf_xet")

    monkeypatch.setattr(file_download, "xet_get", no_xet)

    fast_time = types.SimpleNamespace(**vars(time))
    fast_time.sleep = lambda seconds: None
    monkeypatch.setattr(file_download, "time", fast_time)
    monkeypatch.setattr(_http, "time", fast_time)

    _http.close_session()  # the shared client picks up the proxy settings above
    yield blocked
    _http.close_session()
    assert not blocked, f"non-loopback network use: {blocked}"


def test_guard_blocks_the_real_hub(offline_guard: list[str]) -> None:
    with pytest.raises(OSError):
        socket.create_connection(("huggingface.co", 443), timeout=1)
    with socket.socket() as sock, pytest.raises(OSError):
        sock.connect(("10.255.255.1", 443))
    assert offline_guard == ["lookup huggingface.co", "connect ('10.255.255.1', 443)"]
    offline_guard.clear()


def make_repo(folder: Path, *, real_model_bin: bool = False, bin_size: int = FAKE_BIN_SIZE) -> Path:
    """A copy of the bundled tiny.en as the hub repo holds it, model.bin fake unless asked."""
    bundled = models.bundled_model().path
    folder.mkdir(parents=True)
    for name in ("config.json", "tokenizer.json", "vocabulary.txt"):
        shutil.copyfile(bundled / name, folder / name)
    if real_model_bin:
        shutil.copyfile(bundled / "model.bin", folder / "model.bin")
    else:
        (folder / "model.bin").write_bytes(bytes(range(256)) * (bin_size // 256))
    # In the real repo too; allow_patterns must keep them out.
    (folder / "README.md").write_text("# faster-whisper tiny.en\n")
    (folder / ".gitattributes").write_text("*.bin filter=lfs diff=lfs merge=lfs -text\n")
    return folder


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return make_repo(tmp_path / "repo")


@pytest.fixture
def hub(repo: Path) -> Iterator[FakeHub]:
    with FakeHub({REPO: repo}) as running:
        yield running


@pytest.fixture
def models_dir(tmp_path: Path) -> Path:
    return tmp_path / "models"


def assert_installed(models_dir: Path, repo: Path) -> models.ModelRef:
    ref = models.resolve(NAME, models_dir)
    assert ref == models.ModelRef(NAME, models_dir / NAME)
    assert {p.name for p in ref.path.iterdir()} == MODEL_FILES
    for name in MODEL_FILES:
        assert (ref.path / name).read_bytes() == (repo / name).read_bytes(), name
    assert sorted(p.name for p in models_dir.iterdir()) == [NAME]
    return ref


def test_download_installs_a_model_that_resolve_finds(hub: FakeHub, repo: Path,
                                                      models_dir: Path) -> None:
    ref = models.download(NAME, models_dir, endpoint=hub.url)

    assert ref == models.ModelRef(NAME, models_dir / NAME)
    assert_installed(models_dir, repo)
    assert {f.stat().st_mode & 0o777 for f in ref.path.rglob("*")} == {0o600}  # user-only
    fetched = {r.path.rsplit("/", 1)[-1] for r in hub.requests if "/resolve/" in r.path}
    assert fetched == MODEL_FILES  # README.md and .gitattributes filtered out
    assert f"/api/models/{REPO}/revision/main" in {r.path for r in hub.requests}
    assert all(f"/resolve/{COMMIT}/" in r.path for r in hub.requests if "/resolve/" in r.path)


def test_downloaded_real_model_loads_and_transcribes(tmp_path: Path, models_dir: Path,
                                                     data_dir: Path) -> None:
    repo = make_repo(tmp_path / "real-repo", real_model_bin=True)
    with FakeHub({REPO: repo}) as hub:
        ref = models.download(NAME, models_dir, endpoint=hub.url)
    assert_installed(models_dir, repo)

    transcriber = Transcriber(ref, models.ModelOptions(device="cpu", compute_type="int8"))
    result = transcriber.transcribe_file(data_dir / "jfk.flac", TranscribeOptions())
    assert result.model == NAME
    assert "ask not what your country can do for you" in result.text.lower()


def test_unknown_name_raises_value_error_listing_names(models_dir: Path) -> None:
    with pytest.raises(ValueError, match="no-such-model") as info:
        models.download("no-such-model", models_dir, endpoint="http://127.0.0.1:9")
    for name in available_models():
        assert name in str(info.value)
    assert not models_dir.exists()


@pytest.mark.parametrize("status", [404, 500])
def test_hub_error_is_a_one_sentence_download_error(hub: FakeHub, models_dir: Path,
                                                    status: int) -> None:
    hub.fail_status = status
    with pytest.raises(models.DownloadError) as info:
        models.download(NAME, models_dir, endpoint=hub.url)

    message = str(info.value)
    assert message.startswith(f"Downloading the Whisper model {NAME!r} failed (")
    assert message.endswith("check the network connection and try again.")
    assert str(status) in message
    assert "\n" not in message and "Traceback" not in message
    assert not (models_dir / NAME).exists()


def test_file_error_midway_then_retry_succeeds(hub: FakeHub, repo: Path,
                                               models_dir: Path) -> None:
    hub.file_status = {"model.bin": 500}
    with pytest.raises(models.DownloadError):
        models.download(NAME, models_dir, endpoint=hub.url)
    assert not (models_dir / NAME).exists()

    hub.file_status = {}
    models.download(NAME, models_dir, endpoint=hub.url)
    assert_installed(models_dir, repo)


def test_one_dropped_connection_is_resumed_with_a_range_request(tmp_path: Path,
                                                              models_dir: Path) -> None:
    # huggingface_hub reads in 10 MiB chunks and resumes from the last whole chunk it wrote.
    chunk = constants.DOWNLOAD_CHUNK_SIZE
    repo = make_repo(tmp_path / "big-repo", bin_size=chunk + 2 * FAKE_BIN_SIZE)
    with FakeHub({REPO: repo}) as hub:
        hub.cut, hub.cut_times = {"model.bin": chunk + FAKE_BIN_SIZE}, 1
        models.download(NAME, models_dir, endpoint=hub.url)

    assert_installed(models_dir, repo)
    ranges = [r.range for r in hub.requests if r.method == "GET" and r.path.endswith("model.bin")]
    assert ranges == [None, f"bytes={chunk}-"]


def test_interrupted_download_leaves_no_model_and_retry_succeeds(
        hub: FakeHub, repo: Path, models_dir: Path) -> None:
    hub.cut = {"model.bin": FAKE_BIN_SIZE // 2}  # every attempt, resumes included, drops there
    with pytest.raises(models.DownloadError):
        models.download(NAME, models_dir, endpoint=hub.url)
    assert not (models_dir / NAME).exists()
    assert {p.name for p in models_dir.iterdir()} <= {f"{NAME}.partial"}
    partial = models_dir / f"{NAME}.partial"
    assert not (partial / "model.bin").exists()  # never a truncated model.bin in place

    hub.cut = {}
    models.download(NAME, models_dir, endpoint=hub.url)
    assert_installed(models_dir, repo)


def test_interrupted_download_raises_download_error(hub: FakeHub, models_dir: Path) -> None:
    hub.cut = {"model.bin": FAKE_BIN_SIZE // 2}
    with pytest.raises(models.DownloadError) as info:
        models.download(NAME, models_dir, endpoint=hub.url)
    assert "\n" not in str(info.value)


def test_hub_down_after_an_interrupted_download_is_a_download_error(
        hub: FakeHub, models_dir: Path) -> None:
    hub.file_status = {"model.bin": 500}
    with pytest.raises(models.DownloadError):
        models.download(NAME, models_dir, endpoint=hub.url)
    assert (models_dir / f"{NAME}.partial" / "config.json").exists()

    # The next attempt starts from a clean folder, so a hub that is down is reported as such
    # rather than as a broken half-downloaded model.
    hub.file_status, hub.fail_status = {}, 500
    with pytest.raises(models.DownloadError, match="answered 500") as info:
        models.download(NAME, models_dir, endpoint=hub.url)
    assert "\n" not in str(info.value)
    assert not (models_dir / NAME).exists()


class RecordingBar(tqdm):  # type: ignore[misc]
    """A tqdm that draws into a buffer and remembers every bar made."""

    bars: ClassVar[list["RecordingBar"]] = []

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["file"] = io.StringIO()
        super().__init__(*args, **kwargs)
        RecordingBar.bars.append(self)


def test_tqdm_class_receives_progress(hub: FakeHub, repo: Path, models_dir: Path,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(RecordingBar, "bars", [])
    models.download(NAME, models_dir, endpoint=hub.url, tqdm_class=RecordingBar)

    total = sum((repo / name).stat().st_size for name in MODEL_FILES)
    byte_bars = [b for b in RecordingBar.bars if b.unit == "B"]
    file_bars = [b for b in RecordingBar.bars if b.unit != "B"]
    assert byte_bars and all(b.n == total for b in byte_bars)
    assert [(b.n, b.total) for b in file_bars] == [(len(MODEL_FILES), len(MODEL_FILES))]
