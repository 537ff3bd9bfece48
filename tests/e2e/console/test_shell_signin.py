"""Signing in to the staff console through its login page, in a real browser, on the local stack:
each console role gets its own nav, a wrong password is told next to the form, the integration
role is refused, sign-out ends the session."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from infra.local.users import username
from tests.e2e.console.conftest import Console

pytestmark = pytest.mark.e2e

# Which nav links each role sees (the page modules' `roles` decide).
NAV = {
    "agent": {"nav-queue"},
    "manager": {"nav-queue", "nav-board", "nav-escalations", "nav-reports"},
    "admin": {"nav-queue", "nav-board", "nav-escalations", "nav-categories", "nav-reports", "nav-teams"},
}


def nav_links(page: Any) -> set[str]:
    return set(page.eval_on_selector_all("#nav a", "links => links.map(a => a.dataset.testid)"))


def test_an_agent_signs_in_through_the_login_page_and_lands_on_the_queue(
    signed_in: Callable[..., Any], console: Console
) -> None:
    # Given the agent signed in with e-mail and password on the login page
    page = signed_in("agent")
    # Then the header shows who is signed in, and the start page is the queue
    assert page.get_by_test_id("user-email").inner_text() == username("agent")
    page.wait_for_function("() => location.hash === '#/queue'")
    # And the ID token is kept for this tab only (sessionStorage), never in localStorage
    kept = page.evaluate("() => JSON.parse(sessionStorage.getItem('complaintdesk.session'))")
    assert kept["idToken"].count(".") == 2 and kept["refreshToken"]
    assert page.evaluate("() => Object.keys(localStorage).some(k => k.includes('session'))") is False
    assert page.errors == []


def test_a_wrong_password_is_told_next_to_the_form(console_page: Any, console: Console) -> None:
    page = console_page
    page.goto(f"{console.url}/#/login")
    page.get_by_test_id("login-email").fill(username("agent"))
    page.get_by_test_id("login-password").fill("not-the-password")
    page.get_by_test_id("login-submit").click()
    error = page.get_by_test_id("login-error")
    error.wait_for(state="visible")
    assert error.inner_text() == "The e-mail address or the password is wrong."
    assert error.get_attribute("role") == "alert"
    # Still on the login page, nobody signed in
    assert page.evaluate("() => sessionStorage.getItem('complaintdesk.session')") is None
    assert page.evaluate("() => location.hash").startswith("#/login")
