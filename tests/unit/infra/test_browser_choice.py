"""Which Chromium the browser tests drive (tests/support/browser.py ``chromium_path``): Debian's
headless shell first, the desktop package's binary when only that is installed, and the one
COMPLAINTDESK_CHROMIUM names above both; a named file that cannot run fails the test, saying so."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.support import browser


def installed(monkeypatch: pytest.MonkeyPatch, *names: str) -> None:
    """As if only these binaries were in /usr/bin (and nothing of the kind elsewhere on PATH)."""
    present = {f"/usr/bin/{name}" for name in names}
    monkeypatch.setattr(browser.os, "access", lambda path, mode: str(path) in present)
    monkeypatch.setattr(browser.shutil, "which", lambda name: None)
    monkeypatch.delenv("COMPLAINTDESK_CHROMIUM", raising=False)


def test_the_headless_shell_is_chosen_over_the_desktop_browser(monkeypatch):
    installed(monkeypatch, "chromium", "chromium-headless-shell")
    assert browser.chromium_path() == "/usr/bin/chromium-headless-shell"


def test_the_desktop_browser_serves_where_the_shell_is_not_installed(monkeypatch):
    installed(monkeypatch, "chromium")
    assert browser.chromium_path() == "/usr/bin/chromium"


def test_without_either_there_is_no_browser(monkeypatch):
    installed(monkeypatch)
    assert browser.chromium_path() is None


def test_a_named_browser_comes_first(monkeypatch, tmp_path):
    installed(monkeypatch, "chromium", "chromium-headless-shell")
    monkeypatch.setenv("COMPLAINTDESK_CHROMIUM", str(tmp_path / "my-chromium"))
    assert browser.chromium_path() == str(tmp_path / "my-chromium")


def test_a_named_file_that_cannot_run_fails_the_test_saying_so(monkeypatch, tmp_path: Path):
    named = tmp_path / "chromium"
    named.write_text("not a program")
    monkeypatch.setenv("COMPLAINTDESK_CHROMIUM", str(named))
    assert not os.access(named, os.X_OK)
    with pytest.raises(pytest.fail.Exception, match="not an executable file"), browser.launched_chromium():
        pass
