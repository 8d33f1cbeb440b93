"""The IPC server tests need a Qt application: the same one the window tests use."""

from tests.ui.conftest import qapp  # noqa: F401 (fixture: Xvfb when available, else offscreen)
