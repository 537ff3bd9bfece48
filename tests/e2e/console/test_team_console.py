"""Team membership, the ticket's own plan and cut lists in a real browser on the running local stack
(issue 14):

- an agent who is no member of the ticket's owner team sees no complete / wait / resolve / take
  control on the ticket page nor a take button in the team's queue, and the API refuses the step
  and the take with the agent's own session (403); once an admin puts them in the team, the
  controls are there;
- the ticket page's plan line is the plan version the ticket runs: a version published later with
  another step list changes new tickets only;
- the board and the escalations page say when more exist than they show, and show the rest.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

import pytest

from tests.e2e.conftest import RunningStack, wait_for
from tests.e2e.console.conftest import forced_post
from tests.e2e.console.test_agent_console import AGENT, MANAGER, TEAM, api_ticket, ensure_members, settled

pytestmark = pytest.mark.e2e

PLAN_CATEGORY = "plan-version-e2e"  # this module's own categories: the shipped ones stay as they are
ESCALATION_CATEGORY = "escalation-e2e"


def members_of(stack: RunningStack, team: str) -> list[str]:
    status, found = stack.call("GET", f"/teams/{team}", role="admin")
    assert status == 200, found
    return [m if isinstance(m, str) else m["email"] for m in found.get("members", [])]


def put_members(stack: RunningStack, team: str, people: list[str]) -> None:
    status, answer = stack.call("PUT", f"/teams/{team}/members", {"members": sorted(people)}, role="admin")
    assert status == 200, answer


def open_ticket(page: Any, ticket_id: str) -> None:
    page.goto(page.url.split("#")[0] + f"#/tickets/{ticket_id}")
    # the page of this ticket (another ticket's page, open before, has a title too)
    page.wait_for_function(
        "id => (document.querySelector('[data-testid=ticket-title]') || {}).textContent?.includes(id)",
        arg=ticket_id,
    )
    settled(page)


def test_a_non_member_agent_sees_no_step_controls_and_is_refused(
    running_stack: RunningStack, signed_in: Any, screenshot: Any
) -> None:
    stack = running_stack
    mark = uuid.uuid4().hex[:6]
    ticket = api_ticket(stack, f"Not my team {mark}", name="Kerem Aydın")
    ticket_id, step = ticket["ticket_id"], ticket["current_step"]
    before = members_of(stack, TEAM)
    # Given the agent is no member of the owner team (the stack's other tests put them in it)
    put_members(stack, TEAM, [m for m in before if m != AGENT])
    try:
        page = signed_in("agent", "en")
        # When the agent opens the ticket page
        open_ticket(page, ticket_id)
        # Then no control completes the step, parks it for the customer or resolves the ticket,
        # and the page says who works on it
        assert page.get_by_test_id("step-complete").count() == 0
        assert page.get_by_test_id("step-wait").count() == 0
        assert page.get_by_test_id("resolve-do").count() == 0
        assert page.get_by_test_id("ticket-take").count() == 0
        assert "Only the members of Billing team" in page.get_by_test_id("step-not-member").inner_text()
        screenshot(page, "ticket-not-member", "agent", "en")

        # When the agent posts the completion anyway with the console's own session (its ID token)
        answer = forced_post(page, f"/tickets/{ticket_id}/steps/{step}/complete", {"notes": "forced"})
        # Then it is refused, and the step is still waiting
        assert answer == {"status": 403, "code": "forbidden"}, answer
        _, now = stack.call("GET", f"/tickets/{ticket_id}")
        assert now["current_step"] == step and now["status"] == "open"
        # And taking it anyway is refused too: nobody has it
        taken = forced_post(page, f"/tickets/{ticket_id}/take", {"version": now["version"]})
        assert taken == {"status": 403, "code": "forbidden"}, taken
        assert stack.call("GET", f"/tickets/{ticket_id}")[1].get("assignee") in (None, "")
        # And the team's queue lists the ticket without a take button
        page.goto(page.url.split("#")[0] + f"#/queue?team={TEAM}&q={mark}")
        page.get_by_test_id(f"queue-row-{ticket_id}").wait_for()
        assert page.get_by_test_id(f"queue-take-{ticket_id}").count() == 0
        open_ticket(page, ticket_id)

        # When an admin puts the agent in the team, the same session sees the controls on a refresh
        put_members(stack, TEAM, sorted({*before, AGENT}))
        page.get_by_test_id("ticket-refresh").click()
        page.get_by_test_id("step-complete").wait_for()
        settled(page)
        assert (
            page.get_by_test_id("step-wait").count() == 1 and page.get_by_test_id("resolve-do").count() == 1
        )
        assert page.get_by_test_id("step-not-member").count() == 0
        assert page.get_by_test_id("ticket-take").count() == 1
        assert page.errors == []
    finally:
        put_members(stack, TEAM, before)


def publish_billing_copy(
    stack: RunningStack, category_id: str, names: dict[str, str], change: Callable[[dict[str, Any]], None]
) -> int:
    """The shipped billing plan published as ``category_id`` after ``change`` (a function of its
    definition); returns the version published."""
    status, shipped = stack.call("GET", "/categories/billing-error", role="admin")
    assert status == 200, shipped
    data = dict(shipped["definition"])
    data["id"], data["names"] = category_id, names
    change(data)
    status, published = stack.call("PUT", f"/categories/{category_id}", data, role="admin")
    assert status in (200, 201), published
    return int(published["current_version"])


def publish_plan(stack: RunningStack, steps: int) -> int:
    """The shipped billing plan as this module's category, with its first ``steps`` steps; returns
    the version published."""
    names = {"tr": "Plan sürümü denemesi", "en": "Plan version check", "lv": "Plāna versijas pārbaude"}
    return publish_billing_copy(
        stack, PLAN_CATEGORY, names, lambda data: data.update(steps=data["steps"][:steps])
    )


def publish_quick_escalation(stack: RunningStack) -> None:
    """The shipped billing plan whose first step runs out after one SLA hour on the wall clock (a
    second here) instead of a working day (which, outside the team's hours, starts the next morning):
    its tickets reach the billing lead at once and stay there for the lead's extra time."""

    def first_step_due_in_an_hour(data: dict[str, Any]) -> None:
        first = dict(data["steps"][0], sla="1h", clock="calendar")
        first["escalation"] = [dict(first["escalation"][0], extra="5d"), *first["escalation"][1:]]
        data["steps"] = [first, *data["steps"][1:]]

    names = {
        "tr": "Hızlı yükseltme denemesi",
        "en": "Quick escalation check",
        "lv": "Ātras eskalācijas pārbaude",
    }
    publish_billing_copy(stack, ESCALATION_CATEGORY, names, first_step_due_in_an_hour)


def plan_ticket(stack: RunningStack) -> dict[str, Any]:
    status, ticket = stack.call(
        "POST",
        "/tickets",
        {
            "channel": "api",
            "category": PLAN_CATEGORY,
            "subject": f"Plan version {uuid.uuid4().hex[:6]}",
            "description": "Charged twice for one invoice.",
            "customer": {"name": "Līga Bērziņa", "email": f"liga.{uuid.uuid4().hex[:8]}@example.com"},
            "fields": {
                "invoice_number": f"INV-{uuid.uuid4().hex[:6]}",
                "disputed_amount": 80,
                "currency": "EUR",
                "error_type": "double_charge",
            },
        },
        role="integration",
    )
    assert status == 201, ticket
    return ticket


def plan_steps(page: Any) -> list[str]:
    steps = page.locator("[data-testid=ticket-plan] li[data-step]")
    return [steps.nth(i).get_attribute("data-step") for i in range(steps.count())]


def test_the_plan_line_is_the_version_the_ticket_runs(
    running_stack: RunningStack, signed_in: Any, screenshot: Any
) -> None:
    stack = running_stack
    ensure_members(stack, TEAM, AGENT)
    # Given a ticket started on a three-step plan
    old_version = publish_plan(stack, 3)
    old = plan_ticket(stack)
    assert old["category_version"] == old_version
    # When the business publishes a version with two steps
    new_version = publish_plan(stack, 2)
    assert new_version == old_version + 1
    new = plan_ticket(stack)
    assert new["category_version"] == new_version
    page = signed_in("agent", "en")
    # Then the running ticket's page shows the three steps it runs, and says which version
    open_ticket(page, old["ticket_id"])
    assert plan_steps(page) == ["investigate", "correct", "confirm"]
    assert page.get_by_test_id("plan-version").get_attribute("data-version") == str(old_version)
    screenshot(page, "ticket-plan-version", "agent", "en")
    # And the new ticket's page the two of the new version
    open_ticket(page, new["ticket_id"])
    assert plan_steps(page) == ["investigate", "correct"]
    assert page.get_by_test_id("plan-version").get_attribute("data-version") == str(new_version)
    assert page.errors == []


def test_the_board_says_more_steps_exist_and_shows_them(running_stack: RunningStack, signed_in: Any) -> None:
    stack = running_stack
    ensure_members(stack, TEAM, AGENT, MANAGER)
    for n in range(2):
        api_ticket(stack, f"Board page {n} {uuid.uuid4().hex[:6]}", name="Ali Demir")
    page = signed_in("manager", "en")
    # Given the billing board read one step at a time (?limit= in the address)
    page.goto(page.url.split("#")[0] + f"#/board?team={TEAM}&limit=1")
    cut = page.get_by_test_id("board-cut")
    cut.wait_for()
    tickets = page.locator("[data-testid^=board-ticket-]")
    # Then it shows one and says more exist
    assert tickets.count() == 1
    assert "more open steps than shown" in cut.inner_text()
    assert "Open: 1" in page.get_by_test_id("board-totals").inner_text()
    first = tickets.first.get_attribute("data-testid")
    # When the manager asks for more, the next step joins the first, counted with it
    page.get_by_test_id("board-more").click()
    page.wait_for_function("() => document.querySelectorAll('[data-testid^=board-ticket-]').length === 2")
    assert "Open: 2" in page.get_by_test_id("board-totals").inner_text()
    shown = {tickets.nth(i).get_attribute("data-testid") for i in range(2)}
    assert first in shown and len(shown) == 2
    assert page.errors == []


def test_the_escalations_page_says_more_exist_and_shows_them(
    running_stack: RunningStack, signed_in: Any
) -> None:
    stack = running_stack
    ensure_members(stack, TEAM, AGENT, MANAGER)
    publish_quick_escalation(stack)
    ids = [
        api_ticket(
            stack, f"Escalate {n} {uuid.uuid4().hex[:6]}", name="Selin Kaya", category=ESCALATION_CATEGORY
        )["ticket_id"]
        for n in range(2)
    ]

    # Given two tickets escalated to the billing manager (SLA hours run as seconds: their first step
    # is due in an hour, and the lead's extra time outlasts the test)
    def escalated() -> list[dict[str, Any]] | None:
        _, received = stack.call("GET", "/escalations?manager=me", role="manager")
        rows = received["escalations"]
        return rows if {e["ticket_id"] for e in rows} >= set(ids) else None

    wait_for(escalated, 180, "both tickets escalated to the manager", interval=2)
    page = signed_in("manager", "en")
    # When the manager's escalations are shown one at a time
    page.goto(page.url.split("#")[0] + "#/escalations?limit=1")
    cut = page.get_by_test_id("escalations-cut")
    cut.wait_for()
    # Then one row is there and the page says more exist
    assert page.locator("[data-testid^=escalation-]").count() == 1
    assert "More escalations exist" in cut.inner_text()
    found = page.locator("[data-testid^=escalation-]")
    first = found.first.get_attribute("data-testid")
    # And the next page follows it below, no row twice (the list moves on while SLA seconds run:
    # the place the cursor names, not a count, says where the next page starts)
    page.get_by_test_id("escalations-more").click()
    page.wait_for_function("() => document.querySelectorAll('[data-testid^=escalation-]').length === 2")
    shown = [found.nth(i).get_attribute("data-testid") for i in range(2)]
    assert shown[0] == first and len(set(shown)) == 2
    assert page.errors == []
