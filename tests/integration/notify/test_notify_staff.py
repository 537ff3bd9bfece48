"""Teams and managers: who is told about an assignment and each escalation level, and with what."""

from __future__ import annotations

import json

import pytest

from complaintdesk.categories import NotifyTarget, parse_category
from complaintdesk.services import recipients
from tests.integration.notify.conftest import REPO, demo_category


def test_escalation_goes_once_to_each_target_of_the_level(notify):
    tid = notify.ticket()["ticket_id"]
    notify.api.post(f"/tickets/{tid}/comments", {"body": "Asked the bank for the statement."})
    deadlines = ["2026-11-26T15:00:00.000Z", "2026-11-27T15:00:00.000Z", "2026-11-30T15:00:00.000Z"]
    clock = {"seconds": [64800, 32400, 32400], "deadlines": deadlines}
    level_2 = {
        "category": "notify-demo", "version": 1, "execution": "arn:aws:states:::execution:x:" + tid,
        "step": "investigate", "step_title": "Investigate", "team": "billing", "level": 2,
        "label": "Finance manager", "clock": clock,
        "notify": [{"kind": "manager", "value": "finance"}, {"kind": "role", "value": "cfo_office"},
                   {"kind": "email", "value": "Aylin.Lead@example.com"}, {"kind": "manager", "value": "billing"}],
    }  # fmt: skip
    event_id = f"{tid}/Escalate L2 — Finance manager/2026-11-27T15:00:00.100Z"
    # When the state machine publishes the level-2 escalation a day after the step was due
    notify.fire("step.escalated", tid, level_2, event_id=event_id)
    staff = [s for s in notify.emails() if s.to != ["ayse@example.com"]]
    # Then each distinct address of the level hears once (the billing manager is named twice)
    assert sorted(s.to[0] for s in staff) == [
        "aylin.lead@example.com",
        "cfo_office@complaintdesk.example",
        "finance-lead@complaintdesk.example",
    ]
    text = staff[0].text
    assert "Faturanın incelenmesi" in staff[0].subject and "2" in staff[0].subject
    assert "Asked the bank for the statement." in text  # what was tried, in the staff's own words
    assert "Kime yükseltildi: Finans müdürü" in text  # the level, as the category names it
    assert "UTC" not in text and "T15:00" not in text  # history times in Istanbul time, in Turkish
    assert "30 Kasım 2026" in text  # the new deadline, in Istanbul time, in the category's language
    assert all(s.message["Auto-Submitted"] == "auto-generated" for s in staff)
    # And the timeline records them as internal notifications, never shown to the customer
    notes = notify.notes(tid, "notification.sent")[1:]
    assert len(notes) == 3 and {n["visibility"] for n in notes} == {"internal"}
    assert {n["data"]["recipient"] for n in notes} == {"manager of finance", "role cfo_office", "address"}
    # A replay of the same escalation sends nothing
    notify.fire("step.escalated", tid, level_2, event_id=event_id)
    assert len(notify.emails()) == 4


def test_addresses_follow_the_category():
    defn = parse_category(demo_category())
    assert recipients.team_address(defn, "billing") == "billing-desk@example.com"
    assert recipients.team_address(defn, "finance") == "finance@complaintdesk.example"
    assert recipients.manager_address(defn, "billing") == "aylin.lead@example.com"
    assert recipients.manager_address(defn, "finance") == "finance-lead@complaintdesk.example"
    assert recipients.team_name(defn, "billing", "lv") == "Norēķinu komanda"
    assert recipients.staff_language(defn) == "tr"
    assert recipients.staff_language(parse_category(demo_category(calendar="lv-riga"))) == "lv"
    assert recipients.staff_language(None) == "en"
    targets = [
        NotifyTarget(kind="team", value="billing"),
        NotifyTarget(kind="email", value="BILLING-DESK@example.com"),
    ]
    assert [r.address for r in recipients.escalation_recipients(defn, targets)] == [
        "billing-desk@example.com"
    ]


@pytest.mark.parametrize(
    ("sample", "expected"),
    [
        (
            "step_assigned.json",
            {("step.started", "customer"), ("step.assigned", "billing@complaintdesk.example")},
        ),
        ("step_escalated.json", {("step.escalated", "billing-lead@complaintdesk.example")}),
        ("ticket_resolved.json", {("ticket.resolved", "customer")}),
        ("ticket_survey.json", {("ticket.followup", "customer"), ("ticket.survey", "customer")}),
    ],
)
def test_sample_events_run_through_the_notify_function(notify, sample, expected):
    from functions.notify.app import lambda_handler
    from infra.local.pollers import LambdaContext

    ticket = notify.ticket({"name": "Jānis", "email": "janis@example.lv", "language": "lv"})
    event = json.loads((REPO / "events" / "notify" / sample).read_text(encoding="utf-8"))
    body = json.loads(event["Records"][0]["body"])
    body["ticket_id"] = ticket["ticket_id"]
    event["Records"][0]["body"] = json.dumps(body)
    assert lambda_handler(event, LambdaContext("NotifyFunction")) == {"batchItemFailures": []}
    sent = notify.notes(ticket["ticket_id"], "notification.sent")[1:]
    assert {(n["data"]["template"], n["data"]["audience"] if n["data"]["audience"] == "customer" else n["data"]["to"])
            for n in sent} == expected  # fmt: skip
