"""A team's board and the escalations received say when they were cut short, and give the rest a page
at a time (``next_cursor``, as ``GET /tickets`` does): nothing is shown twice, nothing is lost."""

from __future__ import annotations

import time

from complaintdesk.settings import reset_settings
from tests.integration.test_console_api import AGENT, MANAGER, demo_plan, new_ticket


def test_the_board_reads_the_rest_of_a_team_page_by_page(api, publish_categories):
    # Given three active billing steps, one of them the agent's
    publish_categories("billing-error")
    assert api.put("/teams/billing/members", {"members": [AGENT, MANAGER]}, role="admin")[0] == 200
    tickets = [new_ticket(api, subject=f"Billed twice {n}") for n in range(3)]
    assert api.post(f"/tickets/{tickets[1]['ticket_id']}/take", {"version": tickets[1]["version"]})[0] == 200
    status, whole = api.get("/teams/billing/board", role="manager")
    assert status == 200 and whole["truncated"] is False and whole["next_cursor"] is None
    # When a board reads two steps at a time
    status, first = api.get("/teams/billing/board?limit=2", role="manager")
    assert status == 200, first
    # Then it says more exist and where they start
    assert first["truncated"] is True and first["next_cursor"] and len(first["tickets"]) == 2
    status, rest = api.get(f"/teams/billing/board?limit=2&cursor={first['next_cursor']}", role="manager")
    assert status == 200, rest
    assert rest["truncated"] is False and rest["next_cursor"] is None
    # And the pages together are the whole board: every step once, soonest due first, tallies adding up
    paged = first["tickets"] + rest["tickets"]
    assert [t["ticket_id"] for t in paged] == [t["ticket_id"] for t in whole["tickets"]]
    for key in ("open", "at_risk", "breached", "waiting_customer"):
        assert first["totals"][key] + rest["totals"][key] == whole["totals"][key], key
        assert first["unassigned"][key] + rest["unassigned"][key] == whole["unassigned"][key], key
    # An agent of the team pages it too; a cursor it did not give out is refused, naming it
    assert api.get("/teams/billing/board?limit=2")[0] == 200
    status, error = api.get("/teams/billing/board?cursor=bm90LWEta2V5", role="manager")
    assert status == 400 and error["error"]["details"][0]["field"] == "cursor"
    assert api.get("/teams/billing/board?limit=0", role="manager")[0] == 400


def test_the_escalations_received_come_a_page_at_a_time(api, deliver, monkeypatch):
    monkeypatch.setenv("TIME_SCALE", "3600")  # one SLA hour is one second
    reset_settings()
    assert api.put("/categories/wf-demo", demo_plan(), role="admin")[0] == 201
    assert api.put("/teams/billing/members", {"members": [AGENT, MANAGER]}, role="admin")[0] == 200
    ids = [new_ticket(api, category="wf-demo", subject=f"Escalated {n}")["ticket_id"] for n in range(3)]

    def workflow(tid):
        return api.get(f"/tickets/{tid}")[1]["workflow"]

    def until(predicate, what, timeout=30.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            deliver("CallbackQueue")
            if all(predicate(workflow(tid)) for tid in ids):
                return
            time.sleep(0.1)
        raise AssertionError(f"timed out waiting for {what}")

    # Given three tickets whose investigate step escalated to the billing manager (L1)
    until(lambda w: w["current_step"] == "triage" and w["waiting_for"] == "step", "triage")
    for tid in ids:
        assert api.post(f"/tickets/{tid}/steps/triage/complete", {"notes": "ok"})[0] == 200
    until(lambda w: w["current_step"] == "investigate" and w["escalation_level"] >= 1, "the L1 escalations")
    status, whole = api.get("/escalations?manager=me", role="manager")
    assert status == 200 and sorted(e["ticket_id"] for e in whole["escalations"]) == sorted(ids)
    assert whole["next_cursor"] is None and whole["truncated"] is False
    # When the manager reads them two at a time
    status, first = api.get("/escalations?manager=me&limit=2", role="manager")
    assert status == 200 and len(first["escalations"]) == 2 and first["next_cursor"]
    status, rest = api.get(f"/escalations?manager=me&limit=2&cursor={first['next_cursor']}", role="manager")
    assert status == 200 and rest["next_cursor"] is None
    # Then the pages are the whole list, newest first, each ticket once
    paged = [e["ticket_id"] for e in first["escalations"] + rest["escalations"]]
    assert paged == [e["ticket_id"] for e in whole["escalations"]]
    # A cursor it did not give out is refused, naming it
    status, error = api.get("/escalations?manager=me&cursor=%7B%7D", role="manager")
    assert status == 400 and error["error"]["details"][0]["field"] == "cursor"
    status, error = api.get("/escalations?manager=me&cursor=bm90LWpzb24", role="manager")
    assert status == 400 and error["error"]["details"][0]["field"] == "cursor"
