"""macOS privacy permissions Dictara needs, checked up front and explained. No Qt.

macOS silently hands an app without the Microphone permission a stream of zeros, and
drops the key events of one without Accessibility (hotkey and paste): both look like
"Dictara is broken". :func:`missing` says which is missing and which pane of System
Settings turns it on. Elsewhere there is nothing to check and it returns an empty list.
"""

import ctypes
import ctypes.util
import logging
import sys
from collections.abc import Callable
from dataclasses import dataclass

log = logging.getLogger(__name__)

_PANE = "x-apple.systempreferences:com.apple.preference.security?Privacy_"
AUTHORIZED = 3  # AVAuthorizationStatusAuthorized
NOT_DETERMINED = 0  # macOS asks on first use


@dataclass(frozen=True)
class Missing:
    """A permission macOS has not granted.

    Attributes:
        name: ``microphone`` or ``accessibility``.
        message: one sentence: what fails and what to turn on where.
        settings_url: opens the right pane of System Settings.
    """

    name: str
    message: str
    settings_url: str


MICROPHONE = Missing(
    "microphone",
    "macOS has not allowed Dictara to use the microphone, so dictations would be silent; "
    "open System Settings → Privacy & Security → Microphone and turn Dictara on.",
    _PANE + "Microphone")
ACCESSIBILITY = Missing(
    "accessibility",
    "macOS has not given Dictara the Accessibility permission, so the global hotkey and "
    "pasting into other apps cannot work; open System Settings → Privacy & Security → "
    "Accessibility and turn Dictara on (then restart Dictara).",
    _PANE + "Accessibility")


def missing(
    platform: str = sys.platform,
    *,
    microphone_status: Callable[[], int] | None = None,
    accessibility_trusted: Callable[[], bool] | None = None,
) -> list[Missing]:
    """Return the permissions Dictara lacks (empty outside macOS). Any thread.

    A microphone permission macOS has not asked about yet is not reported: macOS asks
    itself when the microphone is first opened.
    """
    if platform != "darwin":
        return []
    result = []
    mic = (microphone_status or _microphone_status)()
    if mic not in (AUTHORIZED, NOT_DETERMINED):
        result.append(MICROPHONE)
    if not (accessibility_trusted or _accessibility_trusted)():
        result.append(ACCESSIBILITY)
    return result


def _accessibility_trusted() -> bool:
    try:
        lib = ctypes.cdll.LoadLibrary(
            "/System/Library/Frameworks/ApplicationServices.framework/ApplicationServices")
        lib.AXIsProcessTrusted.restype = ctypes.c_bool
        return bool(lib.AXIsProcessTrusted())
    except (OSError, AttributeError):
        log.info("Could not ask macOS about Accessibility", exc_info=True)
        return True  # unknown: do not nag


def _microphone_status() -> int:
    """``[AVCaptureDevice authorizationStatusForMediaType:AVMediaTypeAudio]`` via the runtime."""
    try:
        objc = ctypes.cdll.LoadLibrary(ctypes.util.find_library("objc") or "libobjc.dylib")
        avf = ctypes.cdll.LoadLibrary(
            "/System/Library/Frameworks/AVFoundation.framework/AVFoundation")
        objc.objc_getClass.restype = ctypes.c_void_p
        objc.sel_registerName.restype = ctypes.c_void_p
        send = objc.objc_msgSend
        send.restype = ctypes.c_long
        send.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p]
        media = ctypes.c_void_p.in_dll(avf, "AVMediaTypeAudio")
        device = objc.objc_getClass(b"AVCaptureDevice")
        selector = objc.sel_registerName(b"authorizationStatusForMediaType:")
        return int(send(device, selector, media))
    except (OSError, AttributeError, ValueError):
        log.info("Could not ask macOS about the microphone", exc_info=True)
        return AUTHORIZED  # unknown: do not nag
