"""Who may act on a ticket's step is decided by team membership as stored (issue 14).

An agent completes, parks, resolves or reopens a ticket only while they are a member of its owner
team (``PUT /teams/{id}/members``); a manager or admin always. The Cognito ``custom:team`` claim
lets nobody in any more, and a change of membership counts on the agent's next request, with the
token they already hold (docs/decisions.md, "Agents and teams").
"""

from __future__ import annotations

import pytest

from complaintdesk.settings import reset_settings
from tests.integration.test_workflow_api import Flow, complaint, plan, waiting_on

AGENT = "agent@complaintdesk.local"
MANAGER = "manager@complaintdesk.local"


@pytest.fixture
def flow(api, stack, deliver, monkeypatch):
    monkeypatch.setenv("TIME_SCALE", "3600")  # triage's SLA is 24 h: a day of seconds, nothing escalates
    reset_settings()
    assert api.put("/categories/wf-demo", plan(), role="admin")[0] == 201
    flow = Flow(api, stack, deliver)
    # Every team as an admin set it: the manager alone; the agent in none (Flow put them in all)
    for team in ("billing", "finance"):
        assert api.put(f"/teams/{team}/members", {"members": [MANAGER]}, role="admin")[0] == 200
    return flow


def members(api, team: str, *people: str) -> None:
    status, body = api.put(f"/teams/{team}/members", {"members": sorted(people)}, role="admin")
    assert status == 200, body


def on_triage(flow) -> str:
    """A ticket of the wf-demo plan waiting on its first step (owner team: billing)."""
    status, created = flow.api.post("/tickets", complaint())
    assert status == 201
    tid = created["ticket_id"]
    flow.until(tid, waiting_on("triage"), "triage to be assigned")
    return tid


def refused(answer: tuple[int, dict], team: str = "billing") -> None:
    status, body = answer
    assert status == 403, body
    assert body["error"]["code"] == "forbidden" and f"owner team ({team})" in body["error"]["message"]


def test_a_member_of_the_owner_team_may_complete_and_a_non_member_may_not(flow):
    api = flow.api
    tid = on_triage(flow)
    # Given an agent who is in no team: completing, parking for the customer and resolving are refused
    refused(api.post(f"/tickets/{tid}/steps/triage/complete", {"notes": "not mine"}))
    refused(api.post(f"/tickets/{tid}/steps/triage/complete", {"outcome": "waiting_for_customer"}))
    refused(api.post(f"/tickets/{tid}/resolve", {"resolution": "x", "root_cause": "other"}))
    # and the ticket did not move
    still = flow.ticket(tid)
    assert still["workflow"]["current_step"] == "triage" and still["status"] == "open"
    # When an admin puts the agent in billing, the same token completes the step
    members(api, "billing", AGENT, MANAGER)
    status, body = api.post(f"/tickets/{tid}/steps/triage/complete", {"notes": "Double charge confirmed."})
    assert status == 200, body
    # And a manager who is no member of the team completes the next step, as before
    flow.until(tid, waiting_on("investigate"), "investigate to be assigned")
    members(api, "billing", AGENT)
    status, body = api.post(f"/tickets/{tid}/steps/investigate/complete", {}, role="manager")
    assert status == 200, body


def test_a_matching_team_claim_lets_no_non_member_in(flow):
    from complaintdesk.auth import principal_from_claims
    from complaintdesk.errors import Forbidden
    from complaintdesk.services import workflow

    tid = on_triage(flow)
    # Given an agent's claims that name the owner team, but no membership stored
    claims = {"sub": "u-1", "email": AGENT, "cognito:groups": ["agent"], "custom:team": "billing"}
    # Then completing the step is refused all the same
    with pytest.raises(Forbidden, match=r"owner team \(billing\)"):
        workflow.complete_step(tid, "triage", {"notes": "claim"}, principal_from_claims(claims))
    assert flow.ticket(tid)["workflow"]["current_step"] == "triage"


def test_a_member_moved_to_another_team_loses_the_ticket_at_once(flow):
    api = flow.api
    members(api, "billing", AGENT, MANAGER)
    tid = on_triage(flow)
    # Given an agent of billing who could act on the ticket (taking it proves the membership)
    version = flow.ticket(tid)["version"]
    assert api.post(f"/tickets/{tid}/take", {"version": version})[0] == 200
    # When an admin moves them from billing to finance (no new sign-in: the same ID token)
    members(api, "billing", MANAGER)
    members(api, "finance", AGENT, MANAGER)
    # Then their next request on the billing step is refused
    refused(api.post(f"/tickets/{tid}/steps/triage/complete", {"notes": "moved"}))
    refused(api.post(f"/tickets/{tid}/resolve", {"resolution": "x", "root_cause": "other"}))
    # And back in billing, it is theirs again
    members(api, "billing", AGENT, MANAGER)
    status, body = api.post(f"/tickets/{tid}/steps/triage/complete", {"notes": "back"})
    assert status == 200, body
