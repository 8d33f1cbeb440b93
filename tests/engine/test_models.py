"""Model resolution, validation and import, without any network."""

import shutil
from pathlib import Path

import pytest

from desktop.engine import models


def test_empty_setting_is_the_bundled_tiny_en(tmp_path: Path) -> None:
    ref = models.resolve("", tmp_path)
    assert ref.bundled and ref.name == "tiny.en" and (ref.path / "model.bin").is_file()
    assert models.resolve("tiny.en", tmp_path) == ref


def test_missing_size_name_says_how_to_download(tmp_path: Path) -> None:
    with pytest.raises(models.ModelMissingError) as info:
        models.resolve("base.en", tmp_path)
    assert str(info.value).count("dictara models download base.en") == 1


def test_unknown_name_lists_the_known_ones(tmp_path: Path) -> None:
    with pytest.raises(models.ModelMissingError, match="large-v3-turbo"):
        models.resolve("gigantic", tmp_path)


def test_broken_folder_says_what_is_missing(tmp_path: Path) -> None:
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "config.json").write_text("{}")
    with pytest.raises(models.BrokenModelError, match=r"missing model\.bin"):
        models.resolve(str(broken), tmp_path)


def test_import_copies_and_lists(tmp_path: Path) -> None:
    source = tmp_path / "my-tiny"
    shutil.copytree(models.bundled_model().path, source)
    store = tmp_path / "models"
    ref = models.import_model(source, store)
    assert ref.path == store / "my-tiny" and models.resolve("my-tiny", store).path == ref.path
    assert {f.stat().st_mode & 0o777 for f in ref.path.rglob("*")} == {0o600}  # user-only
    names = [m.ref.name for m in models.installed(store)]
    assert names == ["tiny.en", "my-tiny"]
    with pytest.raises(FileExistsError):
        models.import_model(source, store)


def test_corrupt_model_bin_fails_to_load_with_a_sentence(tmp_path: Path) -> None:
    bad = tmp_path / "bad"
    shutil.copytree(models.bundled_model().path, bad)
    (bad / "model.bin").write_bytes(b"\0" * 4096)
    with pytest.raises(models.BrokenModelError) as info:
        models.load(models.ModelRef("bad", bad), models.ModelOptions(device="cpu"))
    assert "cannot be used" in str(info.value) and "\n" not in str(info.value)
