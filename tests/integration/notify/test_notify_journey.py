"""One complaint through its real plan in moto: acknowledgement → assignment → escalation →
resolution → follow-up and survey → closing. Every message, to whom, in which language, in order;
then every event replayed sends nothing new. SLAs are hours at a time scale of 3600 (1 h = 1 s)."""

from __future__ import annotations

import json
import re
import time

import boto3

from complaintdesk.settings import reset_settings
from tests.integration.membership import in_every_team
from tests.integration.notify.conftest import demo_category


def flow_category() -> dict:
    plan = demo_category(id="notify-flow", calendar="24x7")
    investigate, correct = plan["steps"]
    investigate.update(sla="2h", escalation=[investigate["escalation"][0] | {"extra": "8h"}])
    correct.update(sla="8h")
    plan["closing"] = {"survey_after_days": 1, "auto_close_after_days": 2}
    return plan


def until(notify, ticket_id, predicate, what, timeout=20.0):
    """Play the event-source mappings (callbacks, notifications) until the ticket looks right."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        notify.deliver("CallbackQueue")
        notify.drain()
        ticket = notify.api.get(f"/tickets/{ticket_id}")[1]
        if predicate(ticket):
            return ticket
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}: {ticket['status']} {ticket['workflow']}")


def told(notify, ticket_id, template):
    return any(n["data"]["template"] == template for n in notify.notes(ticket_id, "notification.sent"))


def waiting_on(step, kind="step", level=0):
    return lambda t: t["workflow"]["current_step"] == step and (t["workflow"]["waiting_for"], t["workflow"][
        "escalation_level"]) == (kind, level)  # fmt: skip


def test_a_complaint_keeps_everyone_informed_from_receipt_to_closing(notify, monkeypatch):
    api = notify.api
    monkeypatch.setenv("TIME_SCALE", "3600")
    reset_settings()
    assert api.put("/categories/notify-flow", flow_category(), role="admin")[0] == 201
    in_every_team()  # the agent works every team of the plan (membership decides who completes)
    spy = notify.spy()
    # Given a Latvian customer's complaint in a category whose first step is shown to the customer
    status, ticket = api.post("/tickets", {
        "channel": "web", "subject": "Divreiz iekasēta maksa", "description": "Two charges for one invoice.",
        "category": "notify-flow",
        "customer": {"name": "Līga Ozola", "email": "liga@example.lv", "language": "lv"},
    })  # fmt: skip
    assert status == 201
    tid = ticket["ticket_id"]
    # When the step is assigned, escalates to the billing lead, and is completed
    until(notify, tid, lambda t: t["workflow"]["current_step"] == "investigate", "investigate to be assigned")
    until(notify, tid, waiting_on("investigate", "escalation_wait", 1), "the L1 escalation")
    assert api.post(f"/tickets/{tid}/steps/investigate/complete", {"notes": "Refund approved."})[0] == 200
    until(notify, tid, waiting_on("correct"), "correct to be assigned")
    assert api.post(f"/tickets/{tid}/steps/correct/complete", {"notes": "Credit note CN-1."})[0] == 200
    until(notify, tid, lambda t: t["workflow"]["waiting_for"] == "resolution", "the resolution task")
    # And the decision comes with a compensation; closing days run as seconds from here
    assert api.post(f"/tickets/{tid}/recovery-actions", {"type": "compensation", "compensation_type": "credit",
                                                         "amount": "15", "currency": "EUR"})[0] == 201  # fmt: skip
    monkeypatch.setenv("TIME_SCALE", "86400")
    reset_settings()
    status, _ = api.post(f"/tickets/{tid}/resolve", {"resolution": "We credited the second charge.",
                                                     "root_cause": "billing_system_error"})  # fmt: skip
    assert status == 200
    # The plan closes the ticket ("Close"), then tells about it ("Notify closed"): a busy machine
    # can show the closed ticket before the closing message is out.
    until(notify, tid, lambda t: t["status"] == "closed" and told(notify, tid, "ticket.closed"),
          "the follow-up, survey and closing", timeout=30)  # fmt: skip
    notify.drain()
    # Then exactly these messages went out, to these people, in this order and language
    sent = [
        (n["data"]["template"], n["data"]["to"], n["data"]["language"])
        for n in notify.notes(tid, "notification.sent")
    ]
    customer = [(t, lang) for t, to, lang in sent if to == "liga@example.lv"]
    assert customer == [
        ("ticket.acknowledged", "lv"), ("step.started", "lv"), ("step.completed", "lv"), ("ticket.resolved", "lv"),
        ("ticket.followup", "lv"), ("ticket.survey", "lv"), ("ticket.closed", "lv"),
    ]  # fmt: skip
    # (the escalation and the assignment it follows are published by different parties: any order)
    staff = sorted((t, to) for t, to, lang in sent if to != "liga@example.lv")
    assert staff == [
        ("step.assigned", "billing-desk@example.com"),
        ("step.assigned", "finance@complaintdesk.example"),
        ("step.escalated", "aylin.lead@example.com"),
    ]
    assert {lang for t, to, lang in sent if to != "liga@example.lv"} == {"en"}  # a 24x7 category: English
    mails = notify.emails()
    assert len(mails) == len(sent) == 10 and notify.sms() == []
    resolved = next(m for m in mails if "We credited the second charge." in m.text)
    assert "15,00\xa0€" in resolved.text  # CLDR lv: the amount, then the euro sign
    # And the survey link in the survey e-mail records the answer once
    survey = next(m for m in mails if "/survey/" in m.text)
    token = re.search(r"/survey/([\w.-]+)", survey.text).group(1)
    assert api.post(f"/survey/{token}", {"score": 5, "comment": "Fair"}, role=None)[0] == 201
    assert api.post(f"/survey/{token}", {"score": 2}, role=None)[0] == 409
    # When every event is delivered to the notify function a second time, nothing new is sent
    sqs = boto3.client("sqs")
    replay = notify.published(spy)
    assert {e["event_type"] for e in replay} >= {"ticket.created", "step.assigned", "step.escalated",
                                                 "ticket.resolved", "ticket.survey", "ticket.closed"}  # fmt: skip
    for event in replay:
        sqs.send_message(QueueUrl=notify.stack.physical["NotifyQueue"], MessageBody=json.dumps(event))
    notify.drain()
    assert len(notify.emails()) == 10 and len(notify.notes(tid, "notification.sent")) == 10
