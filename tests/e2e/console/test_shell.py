"""The console's shell in a real browser on the local stack: the nav each role sees, a role
without a page gets "not allowed", the integration role has no console access, sign-out, the
session refreshed before the ID token expires (the browser's clock moved on, no hour-long wait),
keyboard-only use of the header, the three message sets, PKCE, screenshots in tr/en/lv."""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Callable
from typing import Any

import pytest

from infra.local.users import PASSWORD, username
from tests.e2e.console.conftest import Console, sign_in

pytestmark = pytest.mark.e2e

# The pages issue 14 gives each role (the nav may show more when a page module allows more).
NAV = {
    "agent": {"nav-queue"},
    "manager": {"nav-queue", "nav-board", "nav-escalations", "nav-reports"},
    "admin": {"nav-queue", "nav-board", "nav-escalations", "nav-categories", "nav-reports", "nav-teams"},
}
# Every page module: the key test loads them all so their messages are registered.
PAGES = ["login", "queue", "ticket", "board", "escalations", "categories", "reports", "teams"]
SHELL_TEXT = {
    "en": ("Sign in", "Sign out", "Language", "Time zone"),
    "tr": ("Oturum aç", "Oturumu kapat", "Dil", "Saat dilimi"),
    "lv": ("Pieteikties", "Iziet", "Valoda", "Laika josla"),
}


def s256(verifier: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()


def nav_links(page: Any) -> set[str]:
    return set(page.eval_on_selector_all("#nav a", "links => links.map(a => a.dataset.testid)"))


@pytest.mark.parametrize("role", ["agent", "manager", "admin"])
def test_each_role_sees_its_own_nav(signed_in: Callable[..., Any], role: str) -> None:
    page = signed_in(role)
    page.wait_for_function("() => document.querySelectorAll('#nav a').length > 0")
    # The nav is exactly the pages whose module lets this role in (the modules' own `roles`)
    allowed = set(
        page.evaluate(
            """async ([pages, role]) => {
              const allowed = [];
              for (const name of pages) {
                try { if ((await import(`./pages/${name}.js`)).roles.includes(role)) allowed.push(`nav-${name}`); }
                catch (e) { /* a page not written yet is not in the nav either */ }
              }
              return allowed;
            }""",
            [["queue", "board", "escalations", "categories", "reports", "teams"], role],
        )
    )
    assert nav_links(page) == allowed
    assert "nav-queue" in allowed
    # The managers' pages are never an agent's (issue 14's roles)
    if role == "agent":
        assert not nav_links(page) & {"nav-board", "nav-escalations", "nav-reports", "nav-teams"}
    else:  # and every page issue 14 gives this role is in its nav, once the page exists
        assert NAV[role] & allowed_modules(page) <= nav_links(page)
    assert page.errors == []


def allowed_modules(page: Any) -> set[str]:
    """The nav entries whose page module exists (loads) in this checkout."""
    return set(
        page.evaluate(
            """async (pages) => {
              const found = [];
              for (const name of pages) { try { await import(`./pages/${name}.js`); found.push(`nav-${name}`); } catch (e) {} }
              return found;
            }""",
            ["queue", "board", "escalations", "categories", "reports", "teams"],
        )
    )


def test_an_agent_opening_a_managers_page_is_told_it_is_not_allowed(
    signed_in: Callable[..., Any], console: Console
) -> None:
    page = signed_in("agent")
    page.goto(f"{console.url}/#/reports")
    page.get_by_test_id("not-allowed").wait_for()
    assert "Your role does not allow this page." in page.get_by_test_id("not-allowed").inner_text()
    assert "nav-reports" not in nav_links(page)


def test_the_integration_role_has_no_console_access(console_page: Any, console: Console) -> None:
    page = console_page
    sign_in(page, console, "integration")
    error = page.get_by_test_id("login-error")
    error.wait_for(state="visible")
    assert error.inner_text() == "This account has no console access."
    # Signed out again: nothing kept, and a page of the console sends back to the login page
    assert page.evaluate("() => sessionStorage.getItem('complaintdesk.session')") is None
    page.goto(f"{console.url}/#/queue")
    page.wait_for_function("() => location.hash.startsWith('#/login')")


def test_sign_out_ends_the_session_and_the_back_button_does_not_bring_it_back(
    signed_in: Callable[..., Any], console: Console
) -> None:
    page = signed_in("manager")
    page.get_by_test_id("sign-out").click()
    page.wait_for_function("() => location.hash.startsWith('#/login')")
    assert page.evaluate("() => sessionStorage.getItem('complaintdesk.session')") is None
    page.get_by_test_id("login-form").wait_for()
    page.go_back()
    page.wait_for_function("() => location.hash.startsWith('#/login')")
    assert page.locator("[data-testid=user-email]").count() == 0


def test_a_page_asked_for_before_signing_in_is_shown_after_it(
    new_page: Callable[..., Any], console: Console
) -> None:
    page = new_page()
    page.goto(f"{console.url}/#/reports")
    page.wait_for_function("() => location.hash.startsWith('#/login?next=')")
    page.get_by_test_id("login-email").fill(username("admin"))
    page.get_by_test_id("login-password").fill(PASSWORD)
    page.get_by_test_id("login-submit").click()
    page.wait_for_function("() => location.hash === '#/reports'")


def test_the_session_is_refreshed_before_the_id_token_expires(
    new_page: Callable[..., Any], console: Console
) -> None:
    # Given an agent signed in, the browser's clock ours to move
    page = new_page()
    page.clock.install()
    sign_in(page, console, "agent")
    page.get_by_test_id("user-email").wait_for()
    first = page.evaluate("() => JSON.parse(sessionStorage.getItem('complaintdesk.session'))")
    refreshes: list[str] = []
    page.on(
        "request",
        lambda r: (
            refreshes.append(r.post_data or "")
            if "InitiateAuth" in (r.headers.get("x-amz-target") or "")
            and "REFRESH_TOKEN_AUTH" in (r.post_data or "")
            else None
        ),
    )
    # When 56 minutes pass (the ID token is valid for 60) and the console calls the API
    page.clock.fast_forward("56:00")
    status = page.evaluate(
        "async () => { const m = await import('./js/api.js'); return (await m.api('/categories'), 'ok'); }"
    )
    # Then it traded the refresh token for a new ID token first, and the API accepted the call
    assert status == "ok"
    assert len(refreshes) == 1
    second = page.evaluate("() => JSON.parse(sessionStorage.getItem('complaintdesk.session'))")
    assert second["idToken"] != first["idToken"]
    assert second["refreshToken"] == first["refreshToken"]


def test_a_401_sends_the_user_to_sign_in_and_back(signed_in: Callable[..., Any], console: Console) -> None:
    page = signed_in("manager")
    page.goto(f"{console.url}/#/queue")
    # A token the API refuses (its signature broken), as when a session was revoked
    page.evaluate(
        """() => { const s = JSON.parse(sessionStorage.getItem('complaintdesk.session'));
        s.idToken = s.idToken.slice(0, -4) + 'AAAA'; sessionStorage.setItem('complaintdesk.session', JSON.stringify(s)); }"""
    )
    page.evaluate(
        "async () => { const m = await import('./js/api.js'); try { await m.api('/categories'); } catch (e) { return e.status; } }"
    )
    page.wait_for_function("() => location.hash === '#/login?next=%23%2Fqueue'")
    sign_in_again = page.get_by_test_id("login-email")
    sign_in_again.fill(username("manager"))
    page.get_by_test_id("login-password").fill(PASSWORD)
    page.get_by_test_id("login-submit").click()
    page.wait_for_function("() => location.hash === '#/queue'")


def test_keyboard_only_reaches_skip_link_nav_pickers_and_sign_out_with_a_visible_focus(
    signed_in: Callable[..., Any], console: Console
) -> None:
    page = signed_in("admin")
    # The shell put the focus on the page it drew (<main>); from there the keyboard goes back up
    # through the header to the skip link, the first stop of the page.
    page.wait_for_function("() => document.activeElement.id === 'view'")
    backwards: list[str] = []
    outlines: dict[str, str] = {}
    for _ in range(40):
        page.keyboard.press("Shift+Tab")
        info = page.evaluate(
            """() => { const e = document.activeElement; const s = getComputedStyle(e);
            return {id: e.dataset.testid || e.id || e.tagName, outline: s.outlineStyle + ' ' + s.outlineWidth}; }"""
        )
        backwards.append(info["id"])
        outlines[info["id"]] = info["outline"]
        if info["id"] == "skip-link":
            break
    reached = list(reversed(backwards))
    assert reached[0] == "skip-link"
    assert any(name.startswith("nav-") for name in reached)
    assert {"lang-picker", "tz-picker", "sign-out"} <= set(reached)
    for name, outline in outlines.items():
        assert outline.startswith("solid") and not outline.endswith(" 0px"), (name, outline)
    # The skip link, shown when focused, moves the focus to the page's content
    page.get_by_test_id("skip-link").focus()
    # it slides in (a 0.1 s transition where the user allows motion): read its place once it is in
    page.wait_for_function(
        "() => document.querySelector('[data-testid=skip-link]').getBoundingClientRect().top >= 0"
    )
    box = page.get_by_test_id("skip-link").bounding_box()
    assert box is not None and box["y"] >= 0
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "view"


def test_the_language_picker_changes_every_word_of_the_shell_and_is_remembered(
    signed_in: Callable[..., Any], console: Console
) -> None:
    page = signed_in("agent")
    for lang, (_, sign_out, language, zone) in SHELL_TEXT.items():
        page.get_by_test_id("lang-picker").focus()
        page.get_by_test_id("lang-picker").select_option(lang)
        page.wait_for_function(f"() => document.documentElement.lang === '{lang}'")
        header = page.locator("header").inner_text()
        assert sign_out in header and language in header and zone in header
        # the focus stays on the picker after the redraw
        assert page.evaluate("() => document.activeElement.id") == "lang-picker"
    page.reload()
    page.get_by_test_id("user-email").wait_for()
    assert page.evaluate("() => document.documentElement.lang") == "lv"


def test_times_are_shown_in_the_zone_the_user_picks(signed_in: Callable[..., Any]) -> None:
    page = signed_in("agent", timezone="Europe/Riga")
    assert page.get_by_test_id("tz-picker").input_value() == "Europe/Riga"  # the browser's zone first
    instant = "2026-03-01T10:00:00Z"
    shown = page.evaluate(f"async () => (await import('./js/i18n.js')).fmtDateTime('{instant}')")
    assert "12:00" in shown  # Riga is UTC+2 in March
    page.get_by_test_id("tz-picker").select_option("Europe/Istanbul")
    shown = page.evaluate(f"async () => (await import('./js/i18n.js')).fmtDateTime('{instant}')")
    assert "13:00" in shown  # Istanbul is UTC+3
    duration = page.evaluate("async () => (await import('./js/i18n.js')).fmtDuration(93784)")
    assert duration == "1 d 2 h"


def test_the_three_message_sets_have_the_same_keys(signed_in: Callable[..., Any]) -> None:
    page = signed_in("admin")
    keys = page.evaluate(
        """async (pages) => {
          const loaded = [];
          for (const name of pages) {
            try { await import(`./pages/${name}.js`); loaded.push(name); } catch (e) { /* not written yet */ }
          }
          const i18n = await import('./js/i18n.js');
          return {loaded, keys: i18n.messageKeys()};
        }""",
        PAGES,
    )
    assert "login" in keys["loaded"]
    en, tr, lv = (set(keys["keys"][code]) for code in ("en", "tr", "lv"))
    assert en - tr == set(), f"missing in tr: {sorted(en - tr)}"
    assert en - lv == set(), f"missing in lv: {sorted(en - lv)}"
    assert tr - en == set() and lv - en == set()


def test_pkce_challenge_and_state_in_the_browser(console_page: Any, console: Console) -> None:
    page = console_page
    page.goto(f"{console.url}/#/login")
    page.get_by_test_id("login-form").wait_for()
    result = page.evaluate(
        """async () => {
          const auth = await import('./js/auth.js');
          const fixed = await auth.pkceChallenge('a-fixed-verifier-of-forty-three-characters-x');
          const verifier = auth.randomString();
          const challenge = await auth.pkceChallenge(verifier);
          // A way back whose state is not the one this tab sent is refused, and no code is exchanged
          sessionStorage.setItem('complaintdesk.pkce', JSON.stringify({verifier, state: 'sent-state', returnTo: '#/queue'}));
          let fetched = 0; const realFetch = window.fetch; window.fetch = (...a) => { fetched += 1; return realFetch(...a); };
          let refused = null;
          try { await auth.completeHostedSignIn('?code=abc&state=forged-state'); } catch (e) { refused = e.key; }
          window.fetch = realFetch;
          return {fixed, verifier, challenge,
                  refused, fetched, pendingLeft: sessionStorage.getItem('complaintdesk.pkce')};
        }"""
    )
    # S256: the challenge is base64url(sha256(verifier)) without padding, checked against Python's hashlib
    assert result["fixed"] == s256("a-fixed-verifier-of-forty-three-characters-x")
    assert result["challenge"] == s256(result["verifier"])
    assert re.fullmatch(r"[A-Za-z0-9_-]{43,128}", result["verifier"])
    assert result["refused"] == "auth.stateMismatch" and result["fetched"] == 0
    assert result["pendingLeft"] is None  # the verifier is used once at most


@pytest.mark.parametrize("lang", ["tr", "en", "lv"])
def test_screenshots_of_the_login_page_and_the_shell(
    new_page: Callable[..., Any],
    signed_in: Callable[..., Any],
    console: Console,
    screenshot: Callable[..., Any],
    lang: str,
) -> None:
    page = new_page(lang)
    page.goto(f"{console.url}/#/login")
    page.get_by_test_id("login-form").wait_for()
    assert SHELL_TEXT[lang][0] in page.locator("main").inner_text()
    if lang != "en":  # no English UI words on the page
        assert not re.search(r"\b(Sign in|Password|Language|Time zone)\b", page.locator("body").inner_text())
    assert screenshot(page, "login", "anonymous", lang).stat().st_size > 0
    page = signed_in("admin", lang)
    page.wait_for_function("() => document.querySelectorAll('#nav a').length > 0")
    assert SHELL_TEXT[lang][1] in page.locator("header").inner_text()
    assert screenshot(page, "shell", "admin", lang).stat().st_size > 0
    narrow = signed_in("agent", lang, viewport={"width": 390, "height": 844})
    assert narrow.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth + 1")
    screenshot(narrow, "shell-narrow", "agent", lang)
