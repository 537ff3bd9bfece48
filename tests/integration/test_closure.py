"""ISO 10002 receipt and closure, for real: the API, Step Functions (moto, executing), the callback
queue, the notify function and SES. The customer asks for a remedy at receipt; the resolution mail
carries a signed link to accept (the plan closes) or reject (the complaint is reviewed again, the
review team and the customer are told, with the customer's recourse); a reply after resolution is
recorded and the owner team told, but reopens nothing."""

from __future__ import annotations

import email
import re
import time
from email import policy

import boto3
import pytest

from complaintdesk.settings import reset_settings
from tests.integration.test_workflow_api import Flow, complaint, waiting_on

ACCOUNT, REGION = "123456789012", "us-east-1"
RECOURSE = {
    "kind": "external",
    "names": {
        "tr": "Tüketici Hakem Heyeti",
        "en": "Consumer Arbitration Committee",
        "lv": "Patērētāju strīdu komisija",
    },
    "url": "https://tuketici.example.gov.tr",
}


def category() -> dict:
    """One step owned by billing; a rejected resolution is reviewed by quality."""
    return {
        "id": "closure-demo",
        "names": {"tr": "Fatura", "en": "Billing", "lv": "Rēķini"},
        "calendar": "24x7",
        "teams": [
            {
                "id": "billing",
                "name": "Billing team",
                "names": {"tr": "Fatura ekibi", "en": "Billing team", "lv": "Rēķinu komanda"},
                "email": "billing@desk.example",
            },
            {
                "id": "quality",
                "name": "Quality team",
                "names": {"tr": "Kalite ekibi", "en": "Quality team", "lv": "Kvalitātes komanda"},
                "email": "quality@desk.example",
            },
        ],
        "steps": [
            {
                "id": "handle",
                "title": "Handle",
                "names": {"tr": "İnceleme", "en": "Handle", "lv": "Izskatīšana"},
                "owner_team": "billing",
                "instructions": {"en": "Find and fix the wrong charge."},
                "sla": "24h",
                "clock": "calendar",
            }
        ],
        # A day is 24 s at this time scale: the follow-up wait outlasts a slow test machine.
        "closing": {"survey_after_days": 10, "auto_close_after_days": 20},
        "review": {"team": "quality", "recourse": [RECOURSE]},
    }


@pytest.fixture
def flow(api, stack, deliver, monkeypatch):
    monkeypatch.setenv("TIME_SCALE", "3600")
    reset_settings()
    status, _ = api.put("/categories/closure-demo", category(), role="admin")
    assert status == 201
    return Flow(api, stack, deliver)


def sent_mail() -> list:
    from moto.ses.models import ses_backends

    return ses_backends[ACCOUNT][REGION].sent_messages


def mails(flow, ticket_id: str, to: str | None = None) -> list[email.message.EmailMessage]:
    """Run the notify function; the messages about the ticket (to ``to``), parsed."""
    flow.deliver("NotifyQueue")
    found = []
    for sent in sent_mail():
        message = email.message_from_bytes(sent.raw_data.encode(), policy=policy.default)
        if f"[{ticket_id}]" in str(message["Subject"]) and (to is None or to in str(message["To"])):
            found.append(message)
    return found


def text(message) -> str:
    return message.get_body(("plain",)).get_content()


def decision_token(flow, ticket_id: str) -> str:
    """The token of the newest decision link the customer was sent."""
    links = [
        link
        for message in mails(flow, ticket_id)
        for link in re.findall(r"/decision/([A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]+)", text(message))
    ]
    assert links, "the resolution mail carries no decision link"
    return links[-1]


def resolved(flow, remedy: dict | None = None) -> str:
    """A complaint in the plan, its step done and resolved, waiting in the follow-up."""
    api = flow.api
    body = {**complaint("closure-demo"), **({"requested_remedy": remedy} if remedy else {})}
    status, created = api.post("/tickets", body)
    assert status == 201, created
    tid = created["ticket_id"]
    flow.until(tid, waiting_on("handle"), "the step")
    assert api.post(f"/tickets/{tid}/steps/handle/complete", {"notes": "Second charge found."})[0] == 200
    flow.until(tid, lambda t: t["workflow"]["waiting_for"] == "resolution", "the resolution task")
    status, _ = api.post(
        f"/tickets/{tid}/resolve",
        {"resolution": "We refunded the second charge.", "root_cause": "billing-system-error"},
    )
    assert status == 200
    flow.until(tid, lambda t: t["workflow"]["waiting_for"] == "follow_up", "the follow-up wait")
    return tid


def finished(tid: str, timeout: float = 30.0) -> str:
    """The status of the ticket's execution once it is no longer running (bounded wait)."""
    from complaintdesk.services.tickets import load

    sfn, arn = boto3.client("stepfunctions"), load(tid).execution_arn
    deadline = time.monotonic() + timeout
    while (status := sfn.describe_execution(executionArn=arn)["status"]) == "RUNNING":
        assert time.monotonic() < deadline, "the plan did not finish"
        time.sleep(0.2)
    return status


def timeline(api, tid: str) -> list[dict]:
    return api.get(f"/tickets/{tid}/timeline")[1]["events"]


def test_the_requested_remedy_is_recorded_at_receipt_and_shown_to_staff(flow):
    api = flow.api
    remedy = {"type": "refund", "details": "Pay back the second charge of 250 TL."}
    status, created = api.post("/tickets", {**complaint(None), "requested_remedy": remedy})
    assert status == 201
    tid = created["ticket_id"]
    assert api.get(f"/tickets/{tid}")[1]["requested_remedy"] == remedy
    received = next(e for e in timeline(api, tid) if e["type"] == "ticket.received")
    assert received["data"]["requested_remedy"] == remedy
    assert flow.published("ticket.created")[-1]["data"]["requested_remedy"] == remedy
    # Without one, nothing is made up
    plain = api.post("/tickets", complaint(None))[1]["ticket_id"]
    assert api.get(f"/tickets/{plain}")[1]["requested_remedy"] is None
    # Bad remedies are 400s naming the field, and nothing is stored
    for bad, field in (({"type": "cash"}, "requested_remedy.type"), ({"type": "other"}, "requested_remedy")):
        status, error = api.post("/tickets", {**complaint(None), "requested_remedy": bad})
        assert status == 400, error
        assert any(d["field"].startswith(field) for d in error["error"]["details"]), error


def test_accepting_the_resolution_closes_the_plan(flow):
    api = flow.api
    tid = resolved(flow)
    # The customer's resolution mail (Turkish, their language) carries the decision link
    mail = mails(flow, tid, to="elif@example.com")
    assert any("kabul" in text(m).lower() and "/decision/" in text(m) for m in mail)
    token = decision_token(flow, tid)
    status, view = api.get(f"/decision/{token}", role=None)
    assert status == 200
    assert view["decided"] is None and view["resolution"] == "We refunded the second charge."
    assert view["language"] == "tr" and view["answer_by"]
    assert [r["kind"] for r in view["recourse"]] == ["internal", "external"]
    assert view["recourse"][1] == {
        "kind": "external",
        "name": "Tüketici Hakem Heyeti",
        "url": RECOURSE["url"],
    }
    # When the customer accepts
    status, view = api.post(f"/decision/{token}", {"decision": "accept"}, role=None)
    assert status == 200 and view["decided"] == "accepted"
    # Then the plan's closing wait is answered: the execution ends and the ticket is closed
    closed = flow.ticket(tid)
    assert closed["status"] == "closed" and closed["decisions"][0]["decision"] == "accepted"
    assert finished(tid) == "SUCCEEDED"
    assert flow.ticket(tid)["status"] == "closed"  # the plan's own "Close" agrees
    assert "resolution.accepted" in [e["type"] for e in timeline(api, tid)]
    assert flow.published("ticket.closed")[-1]["data"]["last_outcome"] == "close"
    # And a second decision is refused
    status, error = api.post(
        f"/decision/{token}", {"decision": "reject", "reason": "changed my mind"}, role=None
    )
    assert status == 409 and error["error"]["code"] == "conflict"
    assert api.get(f"/decision/{token}", role=None)[1]["decided"] == "accepted"


def test_rejecting_reopens_to_the_review_team_and_tells_both_sides(flow):
    api = flow.api
    tid = resolved(flow)
    token = decision_token(flow, tid)
    # When the customer rejects, with a reason
    reason = "The refund never reached my card."
    status, view = api.post(f"/decision/{token}", {"decision": "reject", "reason": reason}, role=None)
    assert status == 200 and view["decided"] == "rejected"
    # Then the complaint is open again, in the review team's queue, waiting for a new resolution
    ticket = flow.until(tid, lambda t: t["workflow"]["waiting_for"] == "resolution", "back to Resolve")
    assert ticket["status"] == "open" and ticket["owner_team"] == "quality"
    queue = api.get("/tickets?team=quality")[1]["tickets"]
    assert tid in [t["ticket_id"] for t in queue]
    rejected = flow.published("resolution.rejected")[-1]["data"]
    assert rejected["reason"] == reason and rejected["review_team"] == "quality"
    # And the review team and the customer (in Turkish, with their recourse) are told
    review = mails(flow, tid, to="quality@desk.example")
    assert review and reason in text(review[-1]) and "We refunded the second charge." in text(review[-1])
    told = [m for m in mails(flow, tid, to="elif@example.com") if "yeniden incelen" in str(m["Subject"])]
    assert told, "the customer was not told what happens next"
    body = text(told[-1])
    assert "Tüketici Hakem Heyeti: https://tuketici.example.gov.tr" in body
    assert "Şikâyet inceleme birimimiz" in body and reason in body
    # A second decision on the same link is refused
    assert api.post(f"/decision/{token}", {"decision": "accept"}, role=None)[0] == 409
    # When the review team resolves again, the new resolution has a new link; accepting it closes
    status, _ = api.post(
        f"/tickets/{tid}/resolve", {"resolution": "Refund sent again.", "root_cause": "bank-delay"}
    )
    assert status == 200
    flow.until(tid, lambda t: t["workflow"]["waiting_for"] == "follow_up", "the follow-up wait")
    second = decision_token(flow, tid)
    assert second != token
    assert api.get(f"/decision/{token}", role=None)[1]["decided"] == "rejected"
    assert api.post(f"/decision/{second}", {"decision": "accept"}, role=None)[0] == 200
    assert finished(tid) == "SUCCEEDED" and flow.ticket(tid)["status"] == "closed"


def test_a_ticket_without_a_plan_closes_on_acceptance(flow):
    api = flow.api
    tid = api.post("/tickets", complaint(None))[1]["ticket_id"]
    resolution = {"resolution": "We explained the charge.", "root_cause": "misunderstanding"}
    assert api.post(f"/tickets/{tid}/resolve", resolution, role="manager")[0] == 200
    token = decision_token(flow, tid)
    assert api.post(f"/decision/{token}", {"decision": "accept"}, role=None)[0] == 200
    assert api.get(f"/tickets/{tid}")[1]["status"] == "closed"
    assert flow.published("ticket.closed")[-1]["data"]["last_outcome"] == "accepted"


def test_tampered_expired_or_wrong_purpose_links_are_refused(flow):
    from complaintdesk import signing
    from complaintdesk.services import closure

    api = flow.api
    tid = api.post("/tickets", complaint(None))[1]["ticket_id"]
    api.post(f"/tickets/{tid}/resolve", {"resolution": "Done.", "root_cause": "x"}, role="manager")
    good = closure.decision_token(tid, 0)
    body, _, signature = good.partition(".")
    forged = signing.sign_token("decision", f"{tid}#0", 3600, secret="not-our-key")
    refused = {
        "tampered": f"{body}.{signature[:-2]}{'AA' if signature[-2:] != 'AA' else 'BB'}",
        "forged": forged,
        "status link": signing.sign_token("status", tid, 3600),
        "expired": closure.decision_token(tid, 0, now=0),
        "garbage": "not-a-token",
    }
    for what, token in refused.items():
        for method, sent in (("GET", None), ("POST", {"decision": "accept"})):
            status, error = api.call(method, f"/decision/{token}", sent, role=None)
            assert status == 403 and error["error"]["code"] == "forbidden", (what, method, error)
    assert api.get(f"/tickets/{tid}")[1]["status"] == "resolved"  # nothing was decided
    # A valid link with a bad body is a 400 naming the field
    status, error = api.post(f"/decision/{good}", {"decision": "maybe"}, role=None)
    assert status == 400 and error["error"]["details"][0]["field"] == "decision"


def test_a_reply_after_resolution_is_recorded_and_told_but_does_not_reopen(flow):
    from complaintdesk import signing
    from complaintdesk.services.email_intake import ingest_object
    from tests.integration.mail.conftest import message

    api = flow.api
    tid = resolved(flow)
    # When the customer writes "thanks, all fine" to the resolution mail
    reply = message(
        sender="Elif Şahin <elif@example.com>",
        to=signing.reply_address(tid),
        subject=f"Re: [{tid}] Billed twice",
        body="Paldies, viss kārtībā.",
    )
    key = "inbound/after-resolution"
    boto3.client("s3").put_object(Bucket=flow.stack.physical["MailBucket"], Key=key, Body=reply.as_bytes())
    result = ingest_object(flow.stack.physical["MailBucket"], key)
    # Then it is on the timeline, and the ticket stays resolved in its follow-up wait
    assert result.outcome == "interaction" and result.reason == "after resolution"
    ticket = flow.ticket(tid)
    assert ticket["status"] == "resolved" and ticket["workflow"]["waiting_for"] == "follow_up"
    types = [e["type"] for e in timeline(api, tid)]
    assert "email.received" in types and "ticket.reopened" not in types
    assert flow.published("ticket.reopened") == []
    # And the owner team is told, with the reply and the one call that reopens
    told = flow.published("resolution.replied")
    assert told and told[-1]["data"]["team"] == "billing"
    notice = mails(flow, tid, to="billing@desk.example")
    body = text([m for m in notice if "after the resolution" in str(m["Subject"])][-1])
    assert "Paldies, viss kārtībā." in body and re.search(rf"POST https?://\S+/tickets/{tid}/reopen", body)
    # When the team decides it needs more work, that one call reopens it
    status, reopened = api.post(f"/tickets/{tid}/reopen", {"reason": "the customer asked again"})
    assert status == 200 and reopened["status"] == "open"
