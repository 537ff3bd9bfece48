"""The console's API on the running local stack over HTTP (issue 14): the role users have teams from
the start, an agent takes a ticket of their team's queue and finds it as theirs, the lead sees it."""

from __future__ import annotations

import pytest

from infra.local.users import username
from tests.e2e.conftest import RunningStack, once_its_plan_waits

pytestmark = pytest.mark.e2e

AGENT, MANAGER = username("agent"), username("manager")


def test_an_agent_takes_a_ticket_from_the_team_queue_and_the_lead_sees_it(
    running_stack: RunningStack,
) -> None:
    # Given the stack put the agent in the first-step teams of the shipped categories at start
    placed = running_stack.info["teams"]
    assert AGENT in placed["billing"] and MANAGER in placed["billing"]
    # (other e2e tests may change members: the billing team is set again as it started)
    status, team = running_stack.call(
        "PUT", "/teams/billing/members", {"members": placed["billing"]}, role="admin"
    )
    assert status == 200, team
    status, ticket = running_stack.call(
        "POST",
        "/tickets",
        {
            "channel": "phone",
            "subject": "Console queue check",
            "description": "Charged for a cancelled line.",
            "category": "billing-error",
            "customer": {"name": "Līga Ozola", "email": "liga.console@example.lv", "language": "lv"},
            "fields": {
                "invoice_number": "INV-2026-0777",
                "disputed_amount": 19.99,
                "currency": "EUR",
                "error_type": "cancelled_service",
            },
        },
    )
    assert status == 201, ticket
    tid = ticket["ticket_id"]
    # When the agent finds it by a word of the customer's name and takes it
    status, found = running_stack.call("GET", "/tickets?team=billing&q=liga%20cancelled")
    assert status == 200 and tid in [t["ticket_id"] for t in found["tickets"]]
    current = once_its_plan_waits(running_stack, tid)
    status, taken = running_stack.call("POST", f"/tickets/{tid}/take", {"version": current["version"]})
    assert status == 200 and taken["assignee"] == AGENT
    # Then it is in the agent's own queue, and on the team board under the agent's name
    status, mine = running_stack.call("GET", "/tickets?assignee=me&team=billing&limit=100")
    assert status == 200 and tid in [t["ticket_id"] for t in mine["tickets"]]
    status, board = running_stack.call("GET", "/teams/billing/board", role="manager")
    assert status == 200
    people = {p["assignee"]: p for p in board["people"]}
    assert people[AGENT]["open"] >= 1 and tid in [t["ticket_id"] for t in board["tickets"]]
    status, staff = running_stack.call("GET", "/staff", role="manager")
    assert status == 200
    agent = next(s for s in staff["staff"] if s["email"] == AGENT)
    assert agent["roles"] == ["agent"] and "billing" in agent["teams"]
