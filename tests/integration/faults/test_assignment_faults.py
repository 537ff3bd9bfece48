"""Faults on the console's writes (issue 14): taking a ticket and changing a team's members.

A failed write must leave the ticket or the team as it was (no half-assignment, no timeline entry
for what did not happen) and be safe to send again with the same version; throttling is absorbed.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.integration.faults.conftest import throttle_dynamodb
from tests.integration.test_console_api import AGENT, MANAGER, complaint
from tests.support.faults import FaultInjector


@pytest.fixture
def desk(api: Any, publish_categories: Any) -> Any:
    publish_categories("billing-error")
    assert api.put("/teams/billing/members", {"members": [AGENT, MANAGER]}, role="admin")[0] == 200
    return api


def assignments(api: Any, ticket_id: str) -> list[dict[str, Any]]:
    status, timeline = api.get(f"/tickets/{ticket_id}/timeline", role="agent")
    assert status == 200, timeline
    return [e for e in timeline["events"] if e["type"] == "ticket.assigned"]


def test_a_take_whose_write_fails_changes_nothing_and_can_be_sent_again(
    desk: Any, faults: FaultInjector
) -> None:
    status, ticket = desk.post("/tickets", complaint())
    assert status == 201, ticket
    tid, version = ticket["ticket_id"], ticket["version"]

    # When the take's transaction fails (not a throttle: botocore does not retry it)
    faults.hard("dynamodb", "TransactWriteItems")
    status, error = desk.post(f"/tickets/{tid}/take", {"version": version})

    # Then the agent gets an error, and the ticket is as it was: nobody has it, no entry says so
    assert status >= 500 and "error" in error, error
    assert faults.tally("dynamodb", "TransactWriteItems").calls >= 1
    after = desk.get(f"/tickets/{tid}", role="agent")[1]
    assert after["assignee"] is None and after["version"] == version
    assert assignments(desk, tid) == []

    # When the agent sends the same take again, it is taken once
    status, taken = desk.post(f"/tickets/{tid}/take", {"version": version})
    assert status == 200 and taken["assignee"] == AGENT
    assert len(assignments(desk, tid)) == 1


def test_takes_and_member_changes_under_throttling_each_happen_once(desk: Any, faults: FaultInjector) -> None:
    status, ticket = desk.post("/tickets", complaint())
    assert status == 201, ticket
    throttle_dynamodb(faults)  # the first attempt of every DynamoDB call is throttled

    status, taken = desk.post(f"/tickets/{ticket['ticket_id']}/take", {"version": ticket["version"]})
    assert status == 200 and taken["assignee"] == AGENT, taken
    status, team = desk.put("/teams/billing/members", {"members": [AGENT]}, role="admin")
    assert status == 200 and team["members"] == [AGENT], team

    assert faults.tally("dynamodb", "TransactWriteItems").retries >= 1
    faults.clear()
    assert len(assignments(desk, ticket["ticket_id"])) == 1
    assert desk.get("/teams/billing", role="admin")[1]["members"] == [AGENT]


def test_a_member_change_whose_write_fails_keeps_the_team_as_it_was(desk: Any, faults: FaultInjector) -> None:
    before = desk.get("/teams/billing", role="admin")[1]
    faults.hard("dynamodb", "PutItem")
    status, error = desk.put(
        "/teams/billing/members", {"members": [AGENT], "version": before["version"]}, role="admin"
    )
    assert status >= 500 and "error" in error, error
    faults.clear()
    unchanged = desk.get("/teams/billing", role="admin")[1]
    assert unchanged["members"] == before["members"] and unchanged["version"] == before["version"]
    # the same request, sent again, is applied once
    status, team = desk.put(
        "/teams/billing/members", {"members": [AGENT], "version": before["version"]}, role="admin"
    )
    assert status == 200 and team["members"] == [AGENT] and team["version"] == before["version"] + 1


def test_a_comment_whose_ticket_is_saved_meanwhile_is_written_once_without_a_conflict(
    desk: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A comment names no version: when someone else (the plan, a poller, a colleague) saves the
    ticket between the comment's read and its write, the agent's words are not refused with a 409."""
    from complaintdesk.services import tickets
    from complaintdesk.store import tickets as stored

    status, ticket = desk.post("/tickets", complaint())
    assert status == 201, ticket
    tid = ticket["ticket_id"]
    real_save, raced = stored.save, []

    def save_after_a_colleague(ticket_read: Any, change: Any) -> Any:
        if not raced:  # the comment's first write: a colleague's change lands just before it
            raced.append(True)
            now = desk.get(f"/tickets/{tid}", role="agent")[1]
            assert now["priority"] != "low", now
            assert desk.patch(f"/tickets/{tid}", {"priority": "low", "version": now["version"]})[0] == 200
        return real_save(ticket_read, change)

    monkeypatch.setattr(tickets.stored, "save", save_after_a_colleague)
    status, comment = desk.post(f"/tickets/{tid}/comments", {"body": "We are on it.", "visibility": "public"})

    # Then the comment is written, once, after the colleague's change (which it did not undo)
    assert status == 201, comment
    assert raced == [True]
    timeline = desk.get(f"/tickets/{tid}/timeline", role="agent")[1]["events"]
    assert [e["type"] for e in timeline].count("comment.public") == 1
    assert [e["type"] for e in timeline][-2:] == ["ticket.updated", "comment.public"], timeline
    after = desk.get(f"/tickets/{tid}", role="agent")[1]
    assert after["priority"] == "low" and after["first_response_at"] is not None
