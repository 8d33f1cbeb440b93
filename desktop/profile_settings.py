"""What a per-app profile does to the settings of one dictation.

A profile is a set of overrides of settings that exist already (``cleanup.preset``,
``paste.mode``, ``whisper.language``, ``cleanup.enabled``), so it is checked by the same
schema as the settings file and applied as a copy of the settings, which the dictation
then turns into engine options like any other.
"""

import json
from typing import Any

from desktop.config import Error, Settings
from desktop.engine.profiles import InvalidProfileError, Profile, ProfileFile

SETTING_OF = {  # profile attribute: the setting it overrides
    "preset": "cleanup.preset",
    "paste_mode": "paste.mode",
    "language": "whisper.language",
    "cleanup": "cleanup.enabled",
}


def overrides(profile: Profile) -> dict[str, Any]:
    """Return the dotted settings the profile sets, with their values."""
    return {key: getattr(profile, attr) for attr, key in SETTING_OF.items()
            if getattr(profile, attr) is not None}


def describe(profile: Profile) -> str:
    """Return what the profile sets, for people: ``paste.mode = "off", cleanup.enabled = false``."""
    return ", ".join(f"{key} = {json.dumps(value)}" for key, value in
                     overrides(profile).items()) or "nothing (the settings apply)"


def apply(settings: Settings, profile: Profile | None) -> Settings:
    """Return ``settings`` as a dictation under ``profile`` uses them (None: unchanged).

    Raises:
        InvalidProfileError: a value the setting does not accept, with the reason.
    """
    if profile is None:
        return settings
    for key, value in overrides(profile).items():
        try:
            settings = settings.with_value(key, value)
        except Error as e:
            raise InvalidProfileError(profile.name, str(e).rstrip(".")) from None
    return settings


def load(file: ProfileFile) -> list[Profile]:
    """Return the usable profiles of ``file``; the others are added to ``file.problems``.

    Raises:
        desktop.engine.profiles.ProfileFileError: the file is not readable TOML.
    """
    usable = []
    for profile in file.load():
        try:
            apply(Settings(), profile)
        except InvalidProfileError as e:
            file.problems.append(f"{e} It is skipped.")
            continue
        usable.append(profile)
    return usable
