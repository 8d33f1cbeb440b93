"""Tests of the self-test, the PyInstaller spec and the installer scripts."""
