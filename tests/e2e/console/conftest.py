"""The staff console in a real browser: headless Chromium (Debian's ``chromium-headless-shell``, or
``chromium``: tests/support/browser.py), driven by Playwright's sync API, against the running local
stack's console URL.

Fixtures for every console test (tests/e2e/console/test_*.py):
- ``console``: the console's URL plus the stack (``console.url``, ``console.stack``).
- ``browser``: the test process's one Chromium (tests/support/browser.py ``shared_chromium``);
  ``console_page``: a fresh context (its own sessionStorage and localStorage) and page at 1280×800.
- ``signed_in(role, language="en")``: a page signed in through the login page as a person would
  (types the e-mail and password, presses Sign in), in that language, on the role's start page.
- ``screenshot(page, name, role, lang)``: build/screenshots/console/<name>-<role>-<lang>.png.

Chromium is the system's, never one Playwright downloads. Without it the tests skip, saying why —
unless COMPLAINTDESK_REQUIRE_BROWSER=1 (CI), then they fail.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from infra.local.users import PASSWORD, username
from tests.e2e.conftest import REPO, RunningStack
from tests.support.browser import shared_chromium

SCREENSHOTS = REPO / "build" / "screenshots" / "console"
VIEWPORT = {"width": 1280, "height": 800}
# The shell has put a page (or its not-allowed / error view) into <main>.
VIEW_DRAWN = "() => !!document.querySelector('#view > .page, #view > .shell-message')"
# How long a page may take to show something on a busy machine (milliseconds).
TIMEOUT_MS = 20_000


@dataclass
class Console:
    url: str
    stack: RunningStack


@pytest.fixture
def browser() -> Any:
    return shared_chromium()


@pytest.fixture
def console(running_stack: RunningStack) -> Console:
    return Console(url=running_stack.console_url, stack=running_stack)


@pytest.fixture
def new_page(browser: Any, console: Console) -> Iterator[Callable[..., Any]]:
    """Makes pages, each in its own browser context (own storage), closed after the test.
    ``errors`` on each page collects uncaught page errors (a test asserts there are none)."""
    contexts: list[Any] = []

    def make(lang: str = "en", viewport: dict[str, int] | None = None, timezone: str | None = None) -> Any:
        context = browser.new_context(
            viewport=viewport or VIEWPORT,
            locale={"en": "en-GB", "tr": "tr-TR", "lv": "lv-LV"}[lang],
            timezone_id=timezone or "Europe/Istanbul",
        )
        contexts.append(context)
        context.set_default_timeout(TIMEOUT_MS)
        # The language the user chose earlier, as the console remembers it: set before the first
        # script runs, and left alone once the user picks another (a reload keeps their pick).
        context.add_init_script(
            "try { if (!localStorage.getItem('complaintdesk.lang')) "
            f"localStorage.setItem('complaintdesk.lang', '{lang}'); }} catch (e) {{}}"
        )
        page = context.new_page()
        page.errors = []
        page.on("pageerror", lambda error: page.errors.append(str(error)))
        return page

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def console_page(new_page: Callable[..., Any]) -> Any:
    return new_page()


def sign_in(page: Any, console: Console, role: str) -> None:
    """Through the login page, as a person would."""
    page.goto(f"{console.url}/#/login")
    page.get_by_test_id("login-email").fill(username(role))
    page.get_by_test_id("login-password").fill(PASSWORD)
    page.get_by_test_id("login-submit").click()


@pytest.fixture
def signed_in(new_page: Callable[..., Any], console: Console) -> Callable[..., Any]:
    """``signed_in(role, language='en')`` → a page signed in as the role's local user, on its
    start page (the header shows the user's e-mail)."""

    def make(role: str, language: str = "en", **options: Any) -> Any:
        page = new_page(language, **options)
        sign_in(page, console, role)
        page.get_by_test_id("user-email").wait_for()
        page.wait_for_function("() => !location.hash.startsWith('#/login')")
        # The start page drawn (the shell moves the focus to it once it is): tests begin from there.
        page.wait_for_function(VIEW_DRAWN)
        return page

    return make


@pytest.fixture
def screenshot() -> Callable[..., Path]:
    def take(page: Any, name: str, role: str, lang: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}-{role}-{lang}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


def forced_post(page: Any, path: str, body: dict[str, Any]) -> dict[str, Any]:
    """POST with the console's own session (its ID token), as a user bypassing the page would:
    {"status": 200} or the refusal's status and code."""
    answer: dict[str, Any] = page.evaluate(
        """async ([path, body]) => {
            const { api } = await import('./js/api.js');
            try {
                await api(path, { method: 'POST', body });
                return { status: 200 };
            } catch (error) {
                return { status: error.status, code: error.code };
            }
        }""",
        [path, body],
    )
    return answer
