"""``dictara profile add | list | remove`` in process, with the test's DICTARA_HOME."""

import json
import os
import subprocess
import sys
from typing import Any

import pytest

from desktop.cli import main
from desktop.paths import AppPaths


def test_add_list_remove(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["profile", "add", "terminal", "--app", "*term*", "--paste-mode", "off",
                 "--no-cleanup"]) == 0
    assert main(["profile", "add", "mail", "--app", "thunderbird", "--title", "Write:*",
                 "--preset", "email", "--language", "de"]) == 0
    capsys.readouterr()
    assert main(["profile", "list", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert listed == [
        {"name": "terminal", "app": "*term*", "title": "", "preset": None,
         "paste_mode": "off", "language": None, "cleanup": False},
        {"name": "mail", "app": "thunderbird", "title": "Write:*", "preset": "email",
         "paste_mode": None, "language": "de", "cleanup": None},
    ]
    assert main(["profile", "list"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "terminal: app '*term*' → paste.mode = \"off\", cleanup.enabled = false",
        "mail: app 'thunderbird' and title 'Write:*' → cleanup.preset = \"email\", "
        "whisper.language = \"de\"",
    ]
    assert main(["profile", "remove", "terminal"]) == 0
    assert [p["name"] for p in _listed(capsys)] == ["mail"]
    assert AppPaths.default().profiles_file.exists()


@pytest.mark.parametrize(("args", "message"), [
    (["nopattern"], "needs an app pattern, a title pattern or both"),
    (["x", "--app", "y", "--language", "zz"], "'zz' is not a valid value for whisper.language"),
])
def test_a_profile_that_cannot_be_used_is_refused(
        args: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["profile", "add", *args]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and message in err and err.count("\n") == 1
    assert _listed(capsys) == []


def test_names_are_unique_and_removing_a_missing_one_says_so(
        capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["profile", "add", "x", "--app", "y"]) == 0
    assert main(["profile", "add", "x", "--app", "z"]) == 2
    assert "exists already" in capsys.readouterr().err
    assert main(["profile", "remove", "nope"]) == 2
    assert "no profile named 'nope'" in capsys.readouterr().err


def test_a_broken_file_is_one_sentence(capsys: pytest.CaptureFixture[str]) -> None:
    path = AppPaths.default().profiles_file
    path.parent.mkdir(parents=True)
    path.write_text("[[profile]\n", encoding="utf-8")
    assert main(["profile", "list"]) == 1
    err = capsys.readouterr().err
    assert "cannot be used" in err and "Traceback" not in err


def _listed(capsys: pytest.CaptureFixture[str]) -> list[dict[str, object]]:
    capsys.readouterr()
    assert main(["profile", "list", "--json"]) == 0
    result: list[dict[str, object]] = json.loads(capsys.readouterr().out)
    return result


def test_doctor_shows_the_app_in_front_and_its_profile(
        xvfb_display: str, monkeypatch: pytest.MonkeyPatch) -> None:
    import Xlib.display
    import Xlib.X

    assert main(["profile", "add", "quiet", "--app", "quiet*", "--paste-mode", "off"]) == 0
    display = Xlib.display.Display(xvfb_display)
    try:
        screen = display.screen()
        window = screen.root.create_window(0, 0, 50, 50, 0, screen.root_depth)
        window.set_wm_class("quietapp", "QuietApp")
        window.map()
        display.sync()
        window.set_input_focus(Xlib.X.RevertToParent, Xlib.X.CurrentTime)
        display.sync()
        monkeypatch.setenv("DISPLAY", xvfb_display)
        monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
        monkeypatch.setenv("XDG_SESSION_TYPE", "x11")
        seen = _doctor()["front_app"]
    finally:
        display.close()
    assert seen == {"available": True, "app": "QuietApp", "aliases": ["quietapp"],
                    "title": "", "profile": "quiet", "profiles": 1}
    monkeypatch.setenv("XDG_SESSION_TYPE", "wayland")
    seen = _doctor()["front_app"]
    assert seen["available"] is False and "Wayland" in seen["error"]


def _doctor() -> dict[str, Any]:
    result = subprocess.run([sys.executable, "-m", "desktop", "doctor", "--json"],
                            capture_output=True, text=True, env=os.environ.copy(), timeout=300)
    report: dict[str, Any] = json.loads(result.stdout)
    return report
