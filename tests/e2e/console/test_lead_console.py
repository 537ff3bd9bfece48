"""The team lead's console in a real browser on the running local stack: the team board (open, at
risk, breached, per person and unassigned) and reassigning from it, the escalations the manager
received; an agent sees no reassign-to-others control and the API refuses it with the agent's own
token (403). Screenshots of the agent's and the lead's pages in Turkish, English and Latvian, and
no English words of those pages left on the Turkish and Latvian ones.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from tests.e2e.conftest import RunningStack, wait_for
from tests.e2e.console.conftest import forced_post
from tests.e2e.console.test_agent_console import AGENT, MANAGER, TEAM, api_ticket, ensure_members

pytestmark = pytest.mark.e2e

# The shipped billing plan's first step, its SLA on the wall clock and one hour long (a second at
# the stack's time scale): its escalation to the billing lead comes in seconds whatever the day,
# where the shipped step's business day runs until the next working day's end (a minute on a
# Saturday). The lead's level lasts two days (48 s), so the ticket stays in the manager's list.
ESCALATING = "e2e-board-escalation"

# English words of these pages that must not be left on a Turkish or Latvian page.
ENGLISH = {
    "queue": ["Queue", "Apply", "Assignee", "Take", "Priority", "Search"],
    "ticket": ["Reply to the customer", "Internal note", "Timeline", "Resolve the ticket", "Files"],
    "board": ["Team board", "Unassigned", "At risk", "Breached", "Reassign"],
    "escalations": ["Escalations to me", "Level", "Escalated"],
}


def test_a_manager_sees_the_board_and_reassigns_from_it(
    running_stack: RunningStack, signed_in: Any, screenshot: Any
) -> None:
    stack = running_stack
    ensure_members(stack, TEAM, AGENT, MANAGER)
    ticket = api_ticket(stack, f"Board check {uuid.uuid4().hex[:6]}", name="Maija Ozola", language="lv")
    ticket_id = ticket["ticket_id"]
    # and a billing ticket whose step escalates in seconds, for the escalations page at the end
    escalating_id = escalating_ticket(stack)
    page = signed_in("manager", "en")
    base = page.url.split("#")[0]

    # Given the board of the billing team: the ticket is unassigned, counted with the team's totals
    page.goto(base + "#/board")
    page.get_by_test_id("board-team").select_option(TEAM, timeout=60_000)
    page.get_by_test_id("board-show").click()
    unassigned = page.get_by_test_id("board-person-unassigned")
    unassigned.get_by_test_id(f"board-ticket-{ticket_id}").wait_for()
    totals = page.get_by_test_id("board-totals").inner_text()
    for words in ("Open", "At risk", "Breached"):
        assert words in totals, totals
    _, board = stack.call("GET", f"/teams/{TEAM}/board", role="manager")
    assert f"Open: {board_count(board, 'open')}" in totals
    screenshot(page, "board", "manager", "en")

    # When the manager reassigns it to the agent from the board
    page.get_by_test_id(f"board-reassign-to-{ticket_id}").select_option(AGENT)
    page.get_by_test_id(f"board-reassign-{ticket_id}").click()
    # Then it moves under the agent, and the API says the agent has it now
    page.get_by_test_id(f"board-person-{AGENT}").get_by_test_id(f"board-ticket-{ticket_id}").wait_for()
    _, stored = stack.call("GET", f"/tickets/{ticket_id}")
    assert stored["assignee"] == AGENT

    # On the ticket page a manager can reassign too (to anyone of the team)
    page.goto(base + f"#/tickets/{ticket_id}")
    page.get_by_test_id("ticket-reassign-to").select_option(MANAGER)
    page.get_by_test_id("ticket-reassign").click()
    page.wait_for_function(
        "(who) => document.querySelector('[data-testid=ticket-assignee]').textContent === who", arg=MANAGER
    )

    # The escalations the manager received: once the step's deadline passes (SLA hours run as
    # seconds locally), the billing lead's level notifies the manager, and the page lists the ticket
    def escalated() -> dict[str, Any] | None:
        _, received = stack.call("GET", "/escalations?manager=me", role="manager")
        return next((e for e in received["escalations"] if e["ticket_id"] == escalating_id), None)

    escalation = wait_for(escalated, 60, "the ticket escalated to the manager", interval=0.5)
    assert escalation["level"] == 1, escalation
    page.goto(base + "#/escalations")
    row = page.get_by_test_id(f"escalation-{escalating_id}")
    row.wait_for()
    text = row.inner_text()
    assert f"Level {escalation['level']}" in text and "Billing team lead" in text, text
    assert "Investigating the invoice" in text, text  # the step, in the user's language
    assert any(words in text for words in ("On time", "At risk", "Breached")), text
    screenshot(page, "escalations", "manager", "en")
    assert page.errors == []


def board_count(board: dict[str, Any], key: str) -> int:
    return int(board["totals"][key])


def escalating_ticket(stack: RunningStack) -> str:
    """Publishes ``ESCALATING`` from the shipped billing plan (as an admin would) and files a
    ticket in it; returns the ticket's id."""
    status, shipped = stack.call("GET", "/categories/billing-error", role="admin")
    assert status == 200, shipped
    data = dict(shipped["definition"])
    data["id"] = ESCALATING
    data["names"] = {"tr": "Hızlı eskalasyon", "en": "Quick escalation", "lv": "Ātrā eskalācija"}
    first = dict(data["steps"][0])
    lead, *above = first["escalation"]
    first.update(sla="1h", clock="calendar", escalation=[{**lead, "extra": "2d"}, *above])
    data["steps"] = [first]
    status, published = stack.call("PUT", f"/categories/{ESCALATING}", data, role="admin")
    assert status in (200, 201), published
    status, ticket = stack.call(
        "POST",
        "/tickets",
        {
            "channel": "api",
            "category": ESCALATING,
            "subject": f"Escalation check {uuid.uuid4().hex[:6]}",
            "description": "The invoice shows the same charge twice.",
            "customer": {"name": "Maija Ozola", "email": f"maija.{uuid.uuid4().hex[:8]}@example.com"},
            "fields": {
                "invoice_number": f"INV-{uuid.uuid4().hex[:6]}",
                "disputed_amount": 150,
                "currency": "TRY",
                "error_type": "double_charge",
            },
        },
        role="integration",
    )
    assert status == 201, ticket
    return str(ticket["ticket_id"])


def test_an_agent_cannot_reassign_to_others(running_stack: RunningStack, signed_in: Any) -> None:
    stack = running_stack
    ensure_members(stack, TEAM, AGENT, MANAGER)
    ticket = api_ticket(stack, f"Reassign refused {uuid.uuid4().hex[:6]}", name="Can Yılmaz", language="tr")
    ticket_id = ticket["ticket_id"]
    page = signed_in("agent", "en")
    base = page.url.split("#")[0]

    # Given the agent on the ticket page: Take is there, reassigning to others is not
    page.goto(base + f"#/tickets/{ticket_id}")
    page.get_by_test_id("ticket-take").wait_for()
    assert page.get_by_test_id("ticket-reassign").count() == 0
    assert page.get_by_test_id("ticket-reassign-to").count() == 0
    # nor the board in the nav, and the board's address says it is not for them
    assert page.get_by_test_id("nav-board").count() == 0
    page.goto(base + "#/board")
    page.get_by_test_id("not-allowed").wait_for()

    # When the agent calls the API anyway with the console's own session (its ID token)
    answer = forced_post(
        page, f"/tickets/{ticket_id}/assign", {"assignee": MANAGER, "version": ticket["version"]}
    )
    # Then it is refused: 403
    assert answer == {"status": 403, "code": "forbidden"}, answer
    _, stored = stack.call("GET", f"/tickets/{ticket_id}")
    assert stored.get("assignee") is None


@pytest.mark.parametrize("language", ["tr", "en", "lv"])
def test_screenshots_of_every_page_in_each_language(
    running_stack: RunningStack, signed_in: Any, screenshot: Any, language: str
) -> None:
    stack = running_stack
    ensure_members(stack, TEAM, AGENT, MANAGER)
    ticket = api_ticket(
        stack, f"Screenshot {language} {uuid.uuid4().hex[:6]}", name="Elif Demir", language=language
    )
    ticket_id = ticket["ticket_id"]
    pages = {
        "agent": [("queue", "#/queue", "queue-table"), ("ticket", f"#/tickets/{ticket_id}", "ticket-title")],
        "manager": [("board", "#/board", "board"), ("escalations", "#/escalations", "escalations-table")],
    }
    for role, visits in pages.items():
        page = signed_in(role, language)
        base = page.url.split("#")[0]
        for name, hash_, ready in visits:
            page.goto(base + hash_)
            page.get_by_test_id(ready).wait_for()
            page.wait_for_load_state("networkidle")
            assert screenshot(page, name, role, language).stat().st_size > 0
            text = page.locator("main").inner_text()
            if language != "en":
                left = [
                    words
                    for words in ENGLISH[name]
                    if words in text.split("\n") or f" {words} " in f" {text} "
                ]
                assert not left, f"{name} in {language} shows English: {left}"
        page.close()
        assert page.errors == []
