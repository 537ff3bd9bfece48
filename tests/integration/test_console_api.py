"""The API the console needs (issue 14), against moto in-process: teams and their members, the staff,
taking and reassigning tickets, search over the queue, a team's board, escalations received."""

from __future__ import annotations

import json
import time

import pytest

from complaintdesk.settings import reset_settings
from infra.local.users import username
from tests.integration.workflow.plans import three_step

AGENT, MANAGER, ADMIN = username("agent"), username("manager"), username("admin")


def complaint(**overrides):
    body = {
        "channel": "web",
        "subject": "Billed twice for October",
        "description": "Two charges for one invoice on my card.",
        "category": "billing-error",
        "customer": {"name": "Ayşe Yılmaz", "email": "ayse@example.com", "phone": "+90 532 123 45 67"},
    }
    body.update(overrides)
    if body["category"] == "billing-error":
        body["fields"] = {
            "invoice_number": "INV-2026-1031",
            "disputed_amount": 129.9,
            "currency": "TRY",
            "error_type": "double_charge",
        }
    return body


@pytest.fixture
def desk(api, publish_categories):
    """The billing category published; the agent and the manager work in the billing team."""
    publish_categories("billing-error")
    status, team = api.put("/teams/billing/members", {"members": [AGENT, MANAGER]}, role="admin")
    assert status == 200, team
    return api


def new_ticket(api, **overrides):
    status, ticket = api.post("/tickets", complaint(**overrides))
    assert status == 201, ticket
    assert ticket["owner_team"] == "billing" and ticket["assignee"] is None
    return ticket


# --- teams and the staff --------------------------------------------------------------------------


def test_teams_are_the_published_categories_teams_with_their_members(desk):
    status, listed = desk.get("/teams")
    assert status == 200
    teams = {t["team_id"]: t for t in listed["teams"]}
    assert set(teams) == {"billing", "finance"}
    assert teams["billing"]["names"]["tr"] == "Faturalama ekibi" and teams["billing"]["names"]["lv"]
    assert teams["billing"]["members"] == sorted([AGENT, MANAGER])
    assert teams["billing"]["categories"] == ["billing-error"] and teams["billing"]["version"] == 1
    assert teams["finance"]["members"] == [] and teams["finance"]["version"] == 0
    status, one = desk.get("/teams/billing")
    assert status == 200 and one == teams["billing"]
    assert desk.get("/teams/nobody")[0] == 404


def test_members_must_be_staff_and_only_admins_change_them(desk):
    # A user outside the staff groups (and a stranger) are refused, each named
    body = {"members": [AGENT, username("integration"), "ghost@example.com"]}
    status, error = desk.put("/teams/finance/members", body, role="admin")
    assert status == 400
    assert [d["field"] for d in error["error"]["details"]] == ["members.1", "members.2"]
    assert "ghost@example.com" in error["error"]["message"]
    status, error = desk.put("/teams/finance/members", {"members": ["not an address"]}, role="admin")
    assert status == 400 and error["error"]["details"][0]["field"] == "members.0"
    # Only an admin may change members
    assert desk.put("/teams/finance/members", {"members": [AGENT]}, role="manager")[0] == 403
    assert desk.put("/teams/nobody/members", {"members": [AGENT]}, role="admin")[0] == 404
    # A stale version is a conflict; the current one replaces the members
    status, _ = desk.put("/teams/billing/members", {"members": [AGENT], "version": 0}, role="admin")
    assert status == 409
    status, team = desk.put("/teams/billing/members", {"members": [AGENT], "version": 1}, role="admin")
    assert status == 200 and team["members"] == [AGENT] and team["version"] == 2


def test_staff_lists_the_pools_staff_with_roles_and_teams(desk):
    status, staff = desk.get("/staff", role="manager")
    assert status == 200
    people = {s["email"]: s for s in staff["staff"]}
    assert set(people) == {AGENT, MANAGER, ADMIN}  # the integration user is no staff
    assert people[AGENT]["roles"] == ["agent"] and people[AGENT]["teams"] == ["billing"]
    assert people[ADMIN]["teams"] == []
    assert desk.get("/staff", role="agent")[0] == 403


# --- who has the ticket -------------------------------------------------------------------------------


def test_an_agent_of_the_team_takes_a_ticket_and_a_manager_reassigns_it(desk):
    ticket = new_ticket(desk)
    tid = ticket["ticket_id"]
    # When the agent takes it, they have it now
    status, taken = desk.post(f"/tickets/{tid}/take", {"version": ticket["version"]})
    assert status == 200 and taken["assignee"] == AGENT and taken["version"] == ticket["version"] + 1
    # A stale version is refused like PATCH
    status, error = desk.post(f"/tickets/{tid}/take", {"version": ticket["version"]})
    assert status == 409 and "version" in error["error"]["message"]
    # The agent may not give it to someone else; the manager may, to a member of the team only
    body = {"assignee": MANAGER, "version": taken["version"]}
    assert desk.post(f"/tickets/{tid}/assign", body)[0] == 403
    status, error = desk.post(
        f"/tickets/{tid}/assign", {"assignee": ADMIN, "version": taken["version"]}, role="manager"
    )
    assert status == 400 and error["error"]["details"][0]["field"] == "assignee"
    status, moved = desk.post(f"/tickets/{tid}/assign", body, role="manager")
    assert status == 200 and moved["assignee"] == MANAGER
    # Now the agent may not hand the manager's ticket back; the manager may
    assert desk.post(f"/tickets/{tid}/unassign", {"version": moved["version"]})[0] == 403
    status, back = desk.post(f"/tickets/{tid}/unassign", {"version": moved["version"]}, role="manager")
    assert status == 200 and back["assignee"] is None
    # The timeline says who gave it to whom
    _, timeline = desk.get(f"/tickets/{tid}/timeline")
    assigned = [e for e in timeline["events"] if e["type"] == "ticket.assigned"]
    assert [(e["data"]["from"], e["data"]["to"]) for e in assigned] == [
        (None, AGENT),
        (AGENT, MANAGER),
        (MANAGER, None),
    ]
    assert assigned[1]["actor"] == f"{MANAGER} (manager)"
    assert "Reassigned from" in assigned[1]["summary"]


def test_take_refuses_non_members_bad_bodies_unknown_tickets_and_the_integration_role(desk):
    ticket = new_ticket(desk)
    tid, version = ticket["ticket_id"], ticket["version"]
    assert desk.post(f"/tickets/{tid}/take", {"version": version}, role="admin")[0] == 403  # not a member
    status, error = desk.post(f"/tickets/{tid}/take", {"version": "1"})
    assert status == 400 and error["error"]["details"][0]["field"] == "version"
    status, error = desk.post(f"/tickets/{tid}/assign", {"version": version}, role="manager")
    assert status == 400 and error["error"]["details"][0]["field"] == "assignee"
    assert desk.post("/tickets/C-2026-999999/take", {"version": 1})[0] == 404
    assert desk.post(f"/tickets/{tid}/take", {"version": version}, role="integration")[0] == 403
    # A ticket without a plan has no team: nobody can take it
    status, loose = desk.post("/tickets", complaint(category=None))
    assert status == 201
    status, error = desk.post(f"/tickets/{loose['ticket_id']}/take", {"version": loose["version"]})
    assert status == 409


# --- the queue: search, filters, flags ------------------------------------------------------------------


def test_search_finds_words_in_subject_description_and_customer(desk):
    first = new_ticket(desk)
    second = new_ticket(
        desk,
        subject="Wrong tariff",
        description="The invoice uses the old tariff.",
        channel="phone",
        customer={"name": "Jānis Bērziņš", "email": "janis@example.lv", "phone": "+371 2912 3456"},
    )
    new_ticket(desk, subject="Late fee", description="A late fee although I paid on time.", priority="low")

    def found(**query):
        text = "&".join(f"{k}={v}" for k, v in query.items())
        status, page = desk.get(f"/tickets?{text}")
        assert status == 200, page
        return [t["ticket_id"] for t in page["tickets"]], page

    # Accents and case do not matter; every word must appear
    third = found(priority="low", team="billing")[0]
    assert sorted(found(q="AYSE")[0]) == sorted([first["ticket_id"], *third])
    assert found(q="janis%20tariff")[0] == [second["ticket_id"]]
    assert found(q="janis%20refund")[0] == []
    # The customer's e-mail and phone digits are searched too
    assert found(q="janis@example.lv")[0] == [second["ticket_id"]]
    assert found(q="29123456")[0] == [second["ticket_id"]]
    # Combined with the filters
    ids, page = found(q="invoice", team="billing", channel="phone")
    assert ids == [second["ticket_id"]]
    assert page["scanned"] == 3 and page["stopped_early"] is False and page["next_cursor"] is None
    row = page["tickets"][0]
    assert row["assignee"] is None and row["at_risk"] is False and row["breached"] is False


def test_search_pages_with_a_cursor_and_filters_by_assignee(desk):
    tickets = [new_ticket(desk, subject=f"Billed twice #{n}") for n in range(3)]
    status, taken = desk.post(f"/tickets/{tickets[1]['ticket_id']}/take", {"version": tickets[1]["version"]})
    assert status == 200
    # The team queue is soonest due first; a search pages through it with a cursor
    status, page1 = desk.get("/tickets?team=billing&q=twice&limit=2")
    assert status == 200 and len(page1["tickets"]) == 2 and page1["next_cursor"]
    status, page2 = desk.get(f"/tickets?team=billing&q=twice&limit=2&cursor={page1['next_cursor']}")
    assert status == 200 and len(page2["tickets"]) == 1 and page2["next_cursor"] is None
    seen = [t["ticket_id"] for t in page1["tickets"] + page2["tickets"]]
    assert sorted(seen) == sorted(t["ticket_id"] for t in tickets)
    dues = [t["due_at"] for t in page1["tickets"] + page2["tickets"]]
    assert dues == sorted(dues)
    # assignee=me, none, or a person
    assert [t["ticket_id"] for t in desk.get("/tickets?assignee=me")[1]["tickets"]] == [taken["ticket_id"]]
    assert desk.get("/tickets?assignee=me", role="manager")[1]["tickets"] == []
    mine = desk.get(f"/tickets?team=billing&assignee={AGENT}", role="manager")[1]["tickets"]
    assert [t["assignee"] for t in mine] == [AGENT]
    assert len(desk.get("/tickets?team=billing&assignee=none")[1]["tickets"]) == 2
    # Bad values are named
    status, error = desk.get("/tickets?assignee=someone")
    assert status == 400 and error["error"]["details"][0]["field"] == "assignee"
    status, error = desk.get("/tickets?q=x&channel=fax")
    assert status == 400 and {d["field"] for d in error["error"]["details"]} == {"q", "channel"}
    status, error = desk.get("/tickets?q=twice&cursor=bm90LWEta2V5")
    assert status == 400 and error["error"]["details"][0]["field"] == "cursor"


def test_a_search_reads_a_bounded_number_of_tickets(desk, monkeypatch):
    from complaintdesk.services import queues

    monkeypatch.setattr(queues, "SEARCH_BUDGET", 2)
    tickets = [new_ticket(desk, subject=f"Charge {n}") for n in ("alpha", "beta", "gamma")]
    wanted = tickets[0]["ticket_id"]
    found, cursor, pages = [], None, 0
    while True:
        query = f"/tickets?team=billing&q=charge%20alpha{'&cursor=' + cursor if cursor else ''}"
        status, page = desk.get(query)
        assert status == 200 and page["scanned"] <= 2
        found += [t["ticket_id"] for t in page["tickets"]]
        pages += 1
        cursor = page["next_cursor"]
        if not cursor:
            break
        assert page["stopped_early"] is True  # its budget ran out before the page was full
    assert found == [wanted] and pages == 2


# --- the team's board ------------------------------------------------------------------------------------


def test_the_board_counts_open_at_risk_and_breached_per_person(desk, monkeypatch):
    tickets = [new_ticket(desk) for _ in range(3)]
    assert desk.post(f"/tickets/{tickets[0]['ticket_id']}/take", {"version": tickets[0]["version"]})[0] == 200
    # A reminder lead longer than any SLA puts every open step at risk
    monkeypatch.setenv("REMINDER_LEAD_MINUTES", str(60 * 24 * 30))
    reset_settings()
    status, board = desk.get("/teams/billing/board")
    assert status == 200, board
    assert board["totals"]["open"] == 3 and board["totals"]["at_risk"] == 3
    assert board["totals"]["breached"] == 0
    assert board["unassigned"]["open"] == 2
    people = {p["assignee"]: p for p in board["people"]}
    assert people[AGENT]["open"] == 1 and people[MANAGER]["open"] == 0
    assert [t["due_at"] for t in board["tickets"]] == sorted(t["due_at"] for t in board["tickets"])
    assert all(t["at_risk"] for t in board["tickets"])
    # Managers see any board; an agent only their own team's
    assert desk.get("/teams/finance/board", role="manager")[0] == 200
    assert desk.get("/teams/finance/board")[0] == 403
    assert desk.get("/teams/nobody/board", role="manager")[0] == 404
    assert desk.get("/teams/billing/board", role="integration")[0] == 403


# --- escalations received ----------------------------------------------------------------------------------


def demo_plan():
    data = json.loads(three_step().model_dump_json(exclude_none=True))
    for step in data["steps"]:
        step["sla"] = {"triage": "24h", "investigate": "1h", "confirm": "24h"}[step["id"]]
        for level in step.get("escalation", []):
            level["extra"] = "24h"  # the test reads level 1 before it can move on
    return data


def test_a_manager_sees_the_escalations_they_received(api, deliver, monkeypatch):
    monkeypatch.setenv("TIME_SCALE", "3600")  # one SLA hour is one second
    reset_settings()
    assert api.put("/categories/wf-demo", demo_plan(), role="admin")[0] == 201
    assert api.put("/teams/billing/members", {"members": [AGENT, MANAGER]}, role="admin")[0] == 200
    status, ticket = api.post("/tickets", complaint(category="wf-demo"))
    assert status == 201
    tid = ticket["ticket_id"]

    def ticket_now():
        return api.get(f"/tickets/{tid}")[1]

    def until(predicate, what, timeout=20.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            deliver("CallbackQueue")
            current = ticket_now()
            if predicate(current["workflow"]):
                return current
            time.sleep(0.1)
        raise AssertionError(f"timed out waiting for {what}")

    # Given the ticket's step escalated to L1 (the billing team's manager)
    until(lambda w: w["current_step"] == "triage" and w["waiting_for"] == "step", "triage")
    assert api.post(f"/tickets/{tid}/steps/triage/complete", {"notes": "ok"})[0] == 200
    until(lambda w: w["current_step"] == "investigate" and w["escalation_level"] >= 1, "the L1 escalation")
    # Then the billing manager received it, with its level and due time
    status, received = api.get("/escalations?manager=me", role="manager")
    assert status == 200
    (row,) = received["escalations"]
    assert row["ticket_id"] == tid and row["level"] >= 1 and row["due_at"] and row["escalated_at"]
    assert row["label"] in ("Billing lead", "Finance manager")
    # named as the version the ticket runs names its step, in each language
    assert row["category_version"] == ticket_now()["category_version"]
    assert row["step_names"] == {"tr": "İnceleme", "en": "Investigate", "lv": "Izpēte"}
    # An admin may look at the manager's; a manager not at someone else's; agents not at all
    status, theirs = api.get(f"/escalations?manager={MANAGER}", role="admin")
    assert status == 200 and [e["ticket_id"] for e in theirs["escalations"]] == [tid]
    assert api.get(f"/escalations?manager={ADMIN}", role="manager")[0] == 403
    assert api.get("/escalations")[0] == 403
    status, error = api.get("/escalations?manager=nobody", role="admin")
    assert status == 400 and error["error"]["details"][0]["field"] == "manager"
    # The admin is in no team: nothing reached them
    assert api.get("/escalations", role="admin")[1]["escalations"] == []

    # When the business publishes a version whose first level notifies the admins instead
    changed = demo_plan()
    (investigate,) = [step for step in changed["steps"] if step["id"] == "investigate"]
    investigate["escalation"][0]["notify"] = [{"kind": "role", "value": "admin"}]
    investigate["names"] = {"tr": "Araştırma", "en": "Research", "lv": "Pētījums"}
    investigate["escalation"][0]["label"] = "Admins"
    investigate["escalation"][0]["names"] = {"tr": "Yöneticiler", "en": "Admins", "lv": "Administratori"}
    published = api.put("/categories/wf-demo", changed, role="admin")
    assert published[0] in (200, 201), published
    # Then the running ticket keeps the ladder it started with: still the manager's, not the admins'
    still = api.get("/escalations?manager=me", role="manager")[1]["escalations"]
    assert [(e["ticket_id"], e["label"], e["step_names"]) for e in still] == [
        (tid, row["label"], row["step_names"])
    ]
    assert api.get("/escalations", role="admin")[1]["escalations"] == []


def test_the_local_role_users_get_teams_once(api, publish_categories):
    from infra.local.users import ensure_role_teams

    # Given two published categories whose first steps belong to billing and customer-care
    publish_categories("billing-error", "late-delivery")
    placed = ensure_role_teams()
    # Then the agent is in the first steps' teams, the manager in every team
    status, listed = api.get("/teams")
    assert status == 200
    teams = {t["team_id"]: t["members"] for t in listed["teams"]}
    assert placed == teams and MANAGER in teams["finance"] and AGENT not in teams["finance"]
    assert AGENT in teams["billing"] and AGENT in teams["customer-care"] and AGENT not in teams["logistics"]
    # And a second run leaves what is stored alone
    assert api.put("/teams/billing/members", {"members": [MANAGER]}, role="admin")[0] == 200
    assert ensure_role_teams() == {}
    assert api.get("/teams/billing")[1]["members"] == [MANAGER]
