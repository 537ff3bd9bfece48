"""The owner team is reminded before a step falls due: once per step, level and due time.

Real plans run in moto (API → Step Functions → callback queue → step-assignment function); the
reminder run reads GSI5, claims the ticket, writes the timeline and publishes ``step.reminder``;
the notify function e-mails the team. Ticket state only moves when a test drains the callback
queue, so the windows below are exact.
"""

from __future__ import annotations

import email
import json
import threading
import time
from datetime import timedelta
from email import policy
from pathlib import Path
from typing import Any

import boto3
import pytest

from complaintdesk import clock
from complaintdesk.settings import reset_settings
from infra.local.pollers import LambdaContext
from tests.integration.membership import in_every_team
from tests.integration.workflow.plans import three_step

EVENTS = Path(__file__).resolve().parents[2] / "events"
TEAM_ADDRESS = "billing@complaintdesk.example"


def plan(l1_extra: str = "1h") -> dict[str, Any]:
    data = json.loads(three_step().model_dump_json(exclude_none=True))
    data["steps"][1]["escalation"][0]["extra"] = l1_extra
    return data


class Desk:
    """Tickets on the wf-demo plan, the events published, the e-mails sent."""

    def __init__(self, api: Any, stack: Any, deliver: Any) -> None:
        from moto.ses.models import ses_backends

        self.api, self.deliver = api, deliver
        in_every_team()  # the agent works every team of the plan (membership decides who completes)
        self.ses = ses_backends["123456789012"]["us-east-1"]
        sqs = boto3.client("sqs")
        self.spy = sqs.create_queue(QueueName="reminder-spy")["QueueUrl"]
        arn = sqs.get_queue_attributes(QueueUrl=self.spy, AttributeNames=["QueueArn"])["Attributes"][
            "QueueArn"
        ]
        boto3.client("sns").subscribe(
            TopicArn=stack.env["EVENTS_TOPIC_ARN"],
            Protocol="sqs",
            Endpoint=arn,
            Attributes={"RawMessageDelivery": "true"},
        )
        self.seen: list[dict[str, Any]] = []

    def ticket(self, tid: str) -> dict[str, Any]:
        status, body = self.api.get(f"/tickets/{tid}")
        assert status == 200
        return body

    def until(self, tid: str, step: str, kind: str = "step", level: int = 0, timeout: float = 20.0) -> dict:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.deliver("CallbackQueue")
            flow = self.ticket(tid)["workflow"]
            if (flow["current_step"], flow["waiting_for"], flow["escalation_level"]) == (step, kind, level):
                return self.ticket(tid)
            time.sleep(0.05)
        raise AssertionError(f"timed out waiting for {step} {kind} L{level} on {tid}")

    def on_step(self, step: str) -> dict[str, Any]:
        """A new complaint, worked up to ``step`` (triage or investigate) and waiting there."""
        status, created = self.api.post(
            "/tickets",
            {
                "channel": "phone",
                "subject": "Billed twice",
                "description": "Two charges for one invoice.",
                "category": "wf-demo",
                "customer": {"name": "Elif Şahin", "email": "elif@example.com", "language": "tr"},
            },
        )
        assert status == 201
        tid = created["ticket_id"]
        ticket = self.until(tid, "triage")
        if step == "investigate":
            assert self.api.post(f"/tickets/{tid}/steps/triage/complete", {})[0] == 200
            ticket = self.until(tid, "investigate")
        return ticket

    def published(self, event_type: str) -> list[dict[str, Any]]:
        self.deliver("outbox")
        sqs = boto3.client("sqs")
        while batch := sqs.receive_message(QueueUrl=self.spy, MaxNumberOfMessages=10).get("Messages", []):
            for message in batch:
                self.seen.append(json.loads(message["Body"]))
                sqs.delete_message(QueueUrl=self.spy, ReceiptHandle=message["ReceiptHandle"])
        return [e for e in self.seen if e["event_type"] == event_type]

    def reminder_emails(self) -> list[tuple[str, Any]]:
        found = []
        for sent in self.ses.sent_messages:
            message = email.message_from_bytes(sent.raw_data.encode(), policy=policy.default)
            if "Reminder" in str(message["Subject"]):
                found.append((message["To"].addresses[0].addr_spec, message))
        return found

    def timeline(self, tid: str, event_type: str) -> list[dict[str, Any]]:
        events = self.api.get(f"/tickets/{tid}/timeline")[1]["events"]
        return [e for e in events if e["type"] == event_type]


@pytest.fixture
def desk(api, stack, deliver, monkeypatch) -> Desk:
    # One SLA hour is one real hour: nothing falls due or escalates while a test runs.
    monkeypatch.setenv("TIME_SCALE", "1")
    monkeypatch.delenv("REMINDER_LEAD_MINUTES", raising=False)
    reset_settings()
    status, _ = api.put("/categories/wf-demo", plan(), role="admin")
    assert status == 201
    return Desk(api, stack, deliver)


def test_a_step_due_within_the_lead_time_is_reminded_once(desk):
    from complaintdesk.services import reminders
    from functions.remind.app import lambda_handler

    # Given one ticket whose step is due in 1 h and one whose step is due in 4 h (lead time: 2 h)
    soon = desk.on_step("investigate")
    later = desk.on_step("triage")
    # When the scheduled function runs, and runs again
    first = lambda_handler(json.loads((EVENTS / "remind/schedule.json").read_text()), LambdaContext("Remind"))
    second = reminders.run()
    # Then only the ticket due soon is reminded, and only once
    assert first["reminded"] == [soon["ticket_id"]] and first["checked"] == 1
    assert second["reminded"] == [] and second["skipped"] == {"already reminded": 1}
    (event,) = desk.published("step.reminder")
    assert event["ticket_id"] == soon["ticket_id"]
    data = event["data"]
    assert {k: data[k] for k in ("category", "version", "step", "step_title", "team", "level", "due_at")} == {
        "category": "wf-demo",
        "version": 1,
        "step": "investigate",
        "step_title": "Investigate",
        "team": "billing",
        "level": 0,
        "due_at": soon["workflow"]["due_at"],
    }
    assert 55 <= data["minutes_left"] <= 60
    # And the timeline says so, internally, once
    (record,) = desk.timeline(soon["ticket_id"], "step.reminder")
    assert record["visibility"] == "internal" and record["data"]["due_at"] == soon["workflow"]["due_at"]
    assert desk.timeline(later["ticket_id"], "step.reminder") == []
    # And the owner team gets one e-mail, even when the notify queue is drained again
    desk.deliver("NotifyQueue")
    desk.deliver("NotifyQueue")
    (to, message), *others = desk.reminder_emails()
    assert others == [] and to == TEAM_ADDRESS
    assert message["Subject"] == f"[{soon['ticket_id']}] Reminder: Investigate is due soon"
    body = message.get_body(("plain",)).get_content()
    assert "Time left: 1 hour" in body or "Time left: 59 minutes" in body
    # And the ticket later comes into the window too, once its due time is near
    due_later = clock.parse_iso(later["workflow"]["due_at"])
    third = reminders.run(now=due_later - timedelta(minutes=30))
    assert third["reminded"] == [later["ticket_id"]]


def test_a_paused_or_completed_step_is_not_reminded(desk):
    from complaintdesk.services import reminders

    # Given a step parked for the customer (its clock stopped)
    paused = desk.on_step("investigate")
    tid = paused["ticket_id"]
    status, parked = desk.api.post(
        f"/tickets/{tid}/steps/investigate/complete",
        {"outcome": "waiting_for_customer", "notes": "Please send the invoice number."},
    )
    assert status == 200 and parked["status"] == "waiting_customer"
    desk.until(tid, "investigate", kind="customer_wait")
    # When reminders run at any time before its old due time
    due = clock.parse_iso(paused["workflow"]["due_at"])
    for now in (clock.now(), due - timedelta(minutes=5)):
        assert reminders.run(now=now) == {"checked": 0, "reminded": [], "skipped": {}, "failed": []}
    # Given a step completed, whose next step's assignment has not been applied yet
    done = desk.on_step("investigate")
    assert desk.api.post(f"/tickets/{done['ticket_id']}/steps/investigate/complete", {})[0] == 200
    # When reminders run inside the old step's window
    result = reminders.run()
    # Then neither is reminded
    assert result["reminded"] == [] and result["skipped"] == {"no step waiting": 1}
    assert desk.published("step.reminder") == []


def test_two_runs_that_read_the_same_ticket_remind_it_once(desk):
    from complaintdesk.services import reminders
    from complaintdesk.store import repository as repo
    from complaintdesk.store.models import Ticket

    ticket = desk.on_step("investigate")
    start = clock.now()
    end = start + timedelta(hours=2)
    # Given two runs that both read the ticket before either wrote
    one = repo.find(Ticket, Ticket.key(ticket["ticket_id"]))
    two = repo.find(Ticket, Ticket.key(ticket["ticket_id"]))
    # When both try to remind it
    outcomes = [reminders.remind(one, start, end), reminders.remind(two, start, end)]
    # Then the conditional write lets one through; the other reads again and stands down
    assert outcomes == ["reminded", "already reminded"]
    assert len(desk.published("step.reminder")) == 1
    assert len(desk.timeline(ticket["ticket_id"], "step.reminder")) == 1


def test_each_escalation_level_is_reminded_before_its_own_deadline(api, stack, deliver, monkeypatch):
    from complaintdesk.services import reminders

    # Given SLA hours run as seconds (lead time 2 h = 2 s) and investigate escalates after 1 s
    monkeypatch.setenv("TIME_SCALE", "3600")
    monkeypatch.delenv("REMINDER_LEAD_MINUTES", raising=False)
    reset_settings()
    assert api.put("/categories/wf-demo", plan(l1_extra="8h"), role="admin")[0] == 201
    desk = Desk(api, stack, deliver)
    ticket = desk.on_step("investigate")
    tid = ticket["ticket_id"]
    assert reminders.lead_time() == timedelta(seconds=2)
    # When reminders run just before level 0 is due
    due0 = clock.parse_iso(ticket["workflow"]["due_at"])
    assert reminders.run(now=due0 - timedelta(seconds=1))["reminded"] == [tid]
    # And the step escalates to L1 with a new deadline, and reminders run before that one
    escalated = desk.until(tid, "investigate", kind="escalation_wait", level=1)
    due1 = clock.parse_iso(escalated["workflow"]["due_at"])
    assert due1 > due0
    assert reminders.run(now=due1 - timedelta(seconds=1))["reminded"] == [tid]
    assert reminders.run(now=due1 - timedelta(seconds=1))["reminded"] == []
    # Then each level was reminded once, with its own due time
    reminded = [(e["data"]["level"], e["data"]["due_at"]) for e in desk.published("step.reminder")]
    assert reminded == [(0, ticket["workflow"]["due_at"]), (1, escalated["workflow"]["due_at"])]
    # And the team hears only the reminder that is still current (level 0 had moved on)
    desk.deliver("NotifyQueue")
    (to, message), *others = desk.reminder_emails()
    assert others == [] and to == TEAM_ADDRESS
    assert message["Subject"] == f"[{tid}] Reminder: Investigate is due soon"


def test_the_lead_time_setting(monkeypatch):
    from complaintdesk.services.reminders import lead_time

    monkeypatch.setenv("TIME_SCALE", "1")
    reset_settings()
    monkeypatch.delenv("REMINDER_LEAD_MINUTES", raising=False)
    assert lead_time() == timedelta(hours=2)
    monkeypatch.setenv("REMINDER_LEAD_MINUTES", "45")
    assert lead_time() == timedelta(minutes=45)
    for bad in ("soon", "0", "-5", "nan"):
        monkeypatch.setenv("REMINDER_LEAD_MINUTES", bad)
        with pytest.raises(ValueError, match="REMINDER_LEAD_MINUTES"):
            lead_time()
    reset_settings()


# --- the local stand-in for the EventBridge rule ---------------------------------------------------


def test_schedule_rates_become_local_intervals():
    from infra.local.scheduler import interval_for, rate_seconds, schedule_event_sources
    from infra.local.template import load_template

    assert rate_seconds("rate(15 minutes)") == 900
    assert rate_seconds("rate(1 hour)") == 3600 and rate_seconds("rate(2 days)") == 172800
    for bad in ("rate(1 minutes)", "rate(5 minute)", "rate(0 minutes)", "cron(0 * * * ? *)"):
        with pytest.raises(ValueError):
            rate_seconds(bad)
    assert interval_for("rate(15 minutes)", 1) == 900
    assert interval_for("rate(15 minutes)", 3600) == 1.0  # never faster than once a second
    assert interval_for("rate(1 day)", 3600) == 24
    (source,) = schedule_event_sources(load_template())
    assert (source.function, source.expression, source.module, source.attr) == (
        "RemindFunction",
        "rate(15 minutes)",
        "functions.remind.app",
        "lambda_handler",
    )


def test_the_scheduler_calls_its_handler_with_schedule_events_until_stopped():
    from infra.local.scheduler import Scheduler

    calls: list[dict[str, Any]] = []
    twice = threading.Event()
    errors: list[str] = []

    def handler(event: dict[str, Any], context: Any) -> None:
        calls.append(event)
        if len(calls) == 2:
            twice.set()
        if len(calls) == 1:
            raise RuntimeError("a failed run does not stop the schedule")

    scheduler = Scheduler(handler, "RemindFunction", 0.2, on_error=lambda name, exc: errors.append(name))
    assert scheduler.interval == 1.0
    scheduler.interval = 0.05  # tests only: below the one-second floor
    scheduler.start()
    try:
        assert twice.wait(5), "the scheduler did not fire twice"
    finally:
        scheduler.stop()
        scheduler.join(5)
    assert not scheduler.is_alive() and errors == ["RemindFunction"]
    event = calls[0]
    assert event["detail-type"] == "Scheduled Event" and event["source"] == "aws.events"
    assert event["resources"] == ["arn:aws:events:us-east-1:123456789012:rule/RemindFunctionSchedule"]
    sample = json.loads((EVENTS / "remind/schedule.json").read_text())
    assert set(event) == set(sample)
