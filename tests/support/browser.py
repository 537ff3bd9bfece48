"""Debian's Chromium for the browser tests, driven by Playwright (no `playwright install`).

Both the customer pages' tests and the staff console's use it: the same flags (a headless browser
on a closed network, no background calls home), the same rule when it is missing (skip, saying
why; fail instead with COMPLAINTDESK_REQUIRE_BROWSER=1, as in CI).

Which Chromium: Debian's ``chromium-headless-shell`` when installed (``make browser`` installs it),
else Debian's ``chromium``; ``COMPLAINTDESK_CHROMIUM=<path>`` names another. Both are built from
the same Chromium source and version, and draw a page with the same engine (Blink): the
screenshots of the two differ only in the times and generated codes printed on them. The
headless shell is Chromium's own headless mode without the desktop browser around it (what
Playwright itself runs headless).
For the same 24 console tests it used 20 CPU-s against the full browser's 54 (renderers 9 against
29, the browser process 6 against 18), and Chromium had been the suite's largest cost after the
test workers.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str | None:
    named = os.environ.get("COMPLAINTDESK_CHROMIUM")
    if named:
        return named
    for name in ("chromium-headless-shell", "chromium", "chromium-browser"):
        path = f"/usr/bin/{name}"
        found = path if os.access(path, os.X_OK) else shutil.which(name)
        if found:
            return found
    return None


@contextmanager
def launched_chromium() -> Iterator[Any]:
    """A headless Chromium (Playwright's Browser), closed after; skips or fails when there is none."""
    path = chromium_path()
    if path is not None and not os.access(path, os.X_OK):
        pytest.fail(f"COMPLAINTDESK_CHROMIUM names {path}, which is not an executable file")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        path, missing = None, "the playwright package is not installed (make install)"
    else:
        missing = (
            "no Chromium (neither /usr/bin/chromium-headless-shell nor /usr/bin/chromium; "
            "make test installs Debian's chromium-headless-shell when run as root)"
        )
    if path is None:
        if os.environ.get("COMPLAINTDESK_REQUIRE_BROWSER") == "1":
            pytest.fail(f"COMPLAINTDESK_REQUIRE_BROWSER=1 but {missing}")
        pytest.skip(missing)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


_shared: dict[str, Any] = {}


def shared_chromium() -> Any:
    """One Chromium per test process for every browser test (each test takes its own context, so
    its own storage): a launch costs about 1.3 CPU-seconds. ``close_shared_chromium`` ends it once
    the e2e tests are done (tests/conftest.py), so no browser idles beside the rest of the suite."""
    if "browser" not in _shared:
        launched = launched_chromium()
        _shared["browser"] = launched.__enter__()
        _shared["launched"] = launched
    return _shared["browser"]


def close_shared_chromium() -> None:
    launched = _shared.pop("launched", None)
    _shared.pop("browser", None)
    if launched is not None:
        launched.__exit__(None, None, None)
