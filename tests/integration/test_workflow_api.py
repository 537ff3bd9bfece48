"""A ticket runs its category's plan for real: API → Step Functions (moto) → callback queue →
step-assignment function → API. SLAs are hours at a time scale of 3600 (one hour = one second)."""

from __future__ import annotations

import json
import time

import boto3
import pytest

from complaintdesk.settings import reset_settings
from tests.integration.membership import in_every_team
from tests.integration.workflow.plans import names, three_step


def plan(investigate_sla: str = "3h", **changes):
    """The three-step plan; only investigate keeps a short SLA (it is the one that escalates), so a
    busy machine cannot make the other steps time out while a test is still working on them."""
    data = json.loads(three_step(**changes).model_dump_json(exclude_none=True))
    if "steps" not in changes:
        slas = {"triage": "24h", "investigate": investigate_sla, "confirm": "24h"}
        for step in data["steps"]:
            step["sla"] = slas[step["id"]]
    return data


@pytest.fixture
def flow(api, stack, deliver, monkeypatch):
    monkeypatch.setenv("TIME_SCALE", "3600")
    reset_settings()
    status, published = api.put("/categories/wf-demo", plan(), role="admin")
    assert status == 201 and published["current_version"] == 1
    return Flow(api, stack, deliver)


class Flow:
    def __init__(self, api, stack, deliver):
        self.api, self.stack, self.deliver = api, stack, deliver
        in_every_team()  # the agent works every team of the plan (membership decides who completes)
        sqs, sns = boto3.client("sqs"), boto3.client("sns")
        self.spy = sqs.create_queue(QueueName="events-spy")["QueueUrl"]
        arn = sqs.get_queue_attributes(QueueUrl=self.spy, AttributeNames=["QueueArn"])["Attributes"][
            "QueueArn"
        ]
        sns.subscribe(
            TopicArn=stack.env["EVENTS_TOPIC_ARN"],
            Protocol="sqs",
            Endpoint=arn,
            Attributes={"RawMessageDelivery": "true"},
        )
        self.events: list[dict] = []

    def ticket(self, ticket_id):
        status, body = self.api.get(f"/tickets/{ticket_id}")
        assert status == 200
        return body

    def until(self, ticket_id, predicate, what, timeout=20.0):
        """Play the step-assignment function's event-source mapping until the ticket looks right."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.deliver("CallbackQueue")
            ticket = self.ticket(ticket_id)
            if predicate(ticket):
                return ticket
            time.sleep(0.1)
        raise AssertionError(f"timed out waiting for {what}; ticket: {ticket['workflow']}")

    def published(self, event_type, ticket_id=None):
        """The events of a type published so far, in order; only one ticket's when ticket_id is given."""
        self.deliver("outbox")
        sqs = boto3.client("sqs")
        while True:
            batch = sqs.receive_message(QueueUrl=self.spy, MaxNumberOfMessages=10).get("Messages", [])
            if not batch:
                break
            for message in batch:
                self.events.append(json.loads(message["Body"]))
                sqs.delete_message(QueueUrl=self.spy, ReceiptHandle=message["ReceiptHandle"])
        return [
            e
            for e in self.events
            if e["event_type"] == event_type and ticket_id in (None, e.get("ticket_id"))
        ]


def complaint(category="wf-demo"):
    return {
        "channel": "phone",
        "subject": "Billed twice",
        "description": "Two charges for one invoice.",
        "category": category,
        "customer": {"name": "Elif Şahin", "email": "elif@example.com", "language": "tr"},
    }


def waiting_on(step, kind="step", level=0):
    return lambda t: (
        t["workflow"]["current_step"] == step
        and t["workflow"]["waiting_for"] == kind
        and t["workflow"]["escalation_level"] == level
    )


@pytest.mark.waits
def test_a_ticket_follows_its_plan_with_escalations(flow):
    api = flow.api
    # Given a complaint in a three-step category
    status, created = api.post("/tickets", complaint())
    assert status == 201
    tid = created["ticket_id"]
    assert created["category_version"] == 1 and created["workflow"]["current_step"] == "triage"
    assert (
        created["workflow"]["owner_team"] == "billing" and created["workflow"]["next_step"] == "investigate"
    )
    # When step 1 is assigned and completed in time
    flow.until(tid, waiting_on("triage"), "triage to be assigned")
    status, _ = api.post(f"/tickets/{tid}/steps/triage/complete", {"notes": "Double charge confirmed."})
    assert status == 200
    # Then a repeated completion is refused and applied once
    status, error = api.post(f"/tickets/{tid}/steps/triage/complete", {"notes": "again"})
    assert status == 409 and "not waiting" in error["error"]["message"]
    # And step 2 escalates to L1, then to L2, with a new deadline each time
    flow.until(tid, waiting_on("investigate"), "investigate to be assigned")
    l1 = flow.until(tid, waiting_on("investigate", "escalation_wait", 1), "the L1 escalation")
    l2 = flow.until(tid, waiting_on("investigate", "escalation_wait", 2), "the L2 escalation")
    assert l2["workflow"]["due_at"] > l1["workflow"]["due_at"]
    escalated = flow.published("step.escalated", tid)
    assert [(e["data"]["level"], e["data"]["label"]) for e in escalated] == [
        (1, "Billing lead"),
        (2, "Finance manager"),
    ]
    assert escalated[0]["data"]["notify"] == [{"kind": "manager", "value": "billing"}]
    assert escalated[1]["data"]["notify"] == [
        {"kind": "manager", "value": "finance"},
        {"kind": "email", "value": "cfo@example.com"},
    ]
    # When the business edits the plan while this ticket runs
    status, v2 = api.put(
        "/categories/wf-demo",
        plan(closing={"survey_after_days": 2, "auto_close_after_days": 5}),
        role="admin",
    )
    assert status == 201 and v2["current_version"] == 2 and v2["versions"][-1]["changes"]
    # Then the running ticket keeps version 1, and a new ticket starts on version 2
    assert flow.ticket(tid)["category_version"] == 1
    assert api.post("/tickets", complaint())[1]["category_version"] == 2
    # When investigate is completed late (by a manager), the last step follows, then resolution
    assert (
        api.post(f"/tickets/{tid}/steps/investigate/complete", {"notes": "Refund issued."}, role="manager")[0]
        == 200
    )
    flow.until(tid, waiting_on("confirm"), "confirm to be assigned")
    assert api.post(f"/tickets/{tid}/steps/confirm/complete", {})[0] == 200
    flow.until(tid, lambda t: t["workflow"]["waiting_for"] == "resolution", "the resolution task")
    status, resolved = api.post(
        f"/tickets/{tid}/resolve",
        {"resolution": "We refunded the second charge.", "root_cause": "billing_system_error"},
    )
    assert status == 200 and resolved["status"] == "resolved"
    flow.until(tid, lambda t: t["workflow"]["waiting_for"] == "follow_up", "the follow-up wait")
    # Then the timeline tells the whole story, in order
    types = [e["type"] for e in api.get(f"/tickets/{tid}/timeline")[1]["events"]]
    story = [
        "ticket.received",
        "step.assigned",
        "step.completed",
        "step.assigned",
        "step.escalated",
        "step.escalated",
        "step.completed",
        "step.assigned",
        "step.completed",
        "resolution.pending",
        "ticket.resolved",
    ]
    assert [t for t in types if t in set(story)] == story
    # (the version-2 ticket runs too: its triage may be published before this one's confirm)
    assert [e["data"]["step"] for e in flow.published("step.assigned", tid)] == [
        "triage",
        "investigate",
        "confirm",
    ]


@pytest.mark.waits
def test_waiting_for_the_customer_pauses_the_clock(flow):
    api = flow.api
    tid = api.post("/tickets", complaint())[1]["ticket_id"]
    flow.until(tid, waiting_on("triage"), "triage")
    api.post(f"/tickets/{tid}/steps/triage/complete", {})
    flow.until(tid, waiting_on("investigate"), "investigate")
    # When the team needs something from the customer
    status, parked = api.post(
        f"/tickets/{tid}/steps/investigate/complete",
        {"outcome": "waiting_for_customer", "notes": "Please send the invoice number."},
    )
    assert status == 200 and parked["status"] == "waiting_customer"
    flow.until(tid, lambda t: t["workflow"]["waiting_for"] == "customer_wait", "the customer wait")
    # Then nothing escalates while the clock is stopped (the SLA is 3 s at this scale)
    time.sleep(4)
    flow.deliver("CallbackQueue")
    assert flow.ticket(tid)["workflow"]["escalation_level"] == 0 and flow.published("step.escalated") == []
    # When the customer answers, the step resumes with its remaining time, not a fresh one
    status, _ = api.post(f"/tickets/{tid}/comments", {"body": "INV-2026-11-0042", "from_customer": True})
    assert status == 201
    resumed = flow.until(tid, waiting_on("investigate"), "the step to resume")
    assert resumed["status"] == "open"
    flow.deliver("CallbackQueue")
    events = api.get(f"/tickets/{tid}/timeline")[1]["events"]
    types = [e["type"] for e in events]
    assert types.index("customer.waiting") < types.index("customer.replied") < types.index("ticket.resumed")
    # The resumed step is the same assignment: nobody is told twice
    assert [e["data"]["step"] for e in events if e["type"] == "step.assigned"] == ["triage", "investigate"]
    assert [e["data"]["step"] for e in flow.published("step.assigned")] == ["triage", "investigate"]


def test_plans_and_categories_refuse_bad_input(flow):
    api = flow.api
    bad = plan()
    bad["steps"][1]["escalation"][0]["extra"] = "soon"
    status, error = api.put("/categories/wf-demo", bad, role="admin")
    assert status == 400 and "extra" in json.dumps(error)
    assert api.get("/categories/wf-demo")[1]["current_version"] == 1  # nothing published
    assert api.put("/categories/wf-demo", plan(), role="agent")[0] == 403
    # An unchanged definition publishes nothing
    status, same = api.put("/categories/wf-demo", plan(), role="admin")
    assert status == 200 and same["published"] is False and same["current_version"] == 1
    # Unknown categories and fields that break the category's rules are named
    status, error = api.post("/tickets", complaint(category="no-such-thing"))
    assert status == 400 and error["error"]["details"][0]["field"] == "category"
    bare = api.post("/tickets", {**complaint(), "category": None})[1]
    status, error = api.patch(
        f"/tickets/{bare['ticket_id']}", {"version": bare["version"], "category": "no-such-thing"}
    )
    assert status == 400 and error["error"]["details"][0]["field"] == "category"
    listed = api.get("/categories")[1]["categories"]
    assert [c["category_id"] for c in listed] == ["wf-demo"]


def test_preview_shows_every_deadline(flow):
    status, preview = flow.api.post("/categories/wf-demo/preview", {"start": "2026-11-27T16:30:00+03:00"})
    assert status == 200
    steps = preview["steps"]
    assert [s["step_id"] for s in steps] == ["triage", "investigate", "confirm"]
    assert steps[0]["due"].startswith("2026-11-28T13:30")  # 16:30+03:00 + 24 calendar hours, in UTC
    assert len(steps[1]["escalations"]) == 2
    assert flow.api.post("/categories/wf-demo/preview", {"start": "tomorrow"})[0] == 400


def test_priority_and_category_changes_never_restart_a_clock(flow):
    api = flow.api
    tid = api.post("/tickets", complaint())[1]["ticket_id"]
    before = flow.until(tid, waiting_on("triage"), "triage")
    # A higher priority reorders queues but keeps the step's deadline
    status, after = api.patch(f"/tickets/{tid}", {"version": before["version"], "priority": "urgent"})
    assert status == 200 and after["priority"] == "urgent"
    assert after["workflow"]["due_at"] == before["workflow"]["due_at"]
    # The category of a running plan cannot change (its clocks would start again from zero)
    status, error = api.patch(f"/tickets/{tid}", {"version": after["version"], "category": "billing-error"})
    assert status == 409 and "cannot change while the plan runs" in error["error"]["message"]
    # A ticket received without a category gets its plan when an agent picks one
    bare = api.post("/tickets", {**complaint(), "category": None})[1]
    assert bare["workflow"]["current_step"] is None
    status, categorised = api.patch(
        f"/tickets/{bare['ticket_id']}", {"version": bare["version"], "category": "wf-demo"}
    )
    assert status == 200 and categorised["workflow"]["current_step"] == "triage"
    flow.until(bare["ticket_id"], waiting_on("triage"), "the new plan's first step")


def test_a_top_level_breach_in_a_real_execution_emits_what_the_alarm_watches(flow, capsys):
    """The SLA alarm queries SLABreached in namespace ComplaintDesk with dimensions (category, level,
    step) WHERE level = 'top': a real timeout must produce exactly that EMF document."""
    from infra.local.template import load_template

    api = flow.api
    one_step = plan(
        id="wf-breach",
        steps=[
            {
                "id": "call_back",
                "title": "Call back",
                "names": names("Geri arama", "Call back", "Atzvanīšana"),
                "owner_team": "billing",
                "instructions": {"en": "Call."},
                "sla": "1h",
                "clock": "calendar",
            }
        ],
    )
    assert api.put("/categories/wf-breach", one_step, role="admin")[0] == 201
    tid = api.post("/tickets", complaint(category="wf-breach"))[1]["ticket_id"]
    capsys.readouterr()
    breached = flow.until(
        tid,
        lambda t: t["breached"] and t["workflow"]["waiting_for"] == "escalation_wait",
        "the step to breach at its top level",
    )
    assert breached["workflow"]["current_step"] == "call_back" and breached["status"] == "open"
    documents = [json.loads(line) for line in capsys.readouterr().out.splitlines() if '"_aws"' in line]
    (emf,) = [d for d in documents if "SLABreached" in d]
    (directive,) = emf["_aws"]["CloudWatchMetrics"]
    assert directive["Namespace"] == "ComplaintDesk"
    assert sorted(directive["Dimensions"][0]) == ["category", "level", "step"]
    assert (emf["category"], emf["step"], emf["level"]) == ("wf-breach", "call_back", "top")
    alarms = [
        r["Properties"]
        for r in load_template()["Resources"].values()
        if r["Type"] == "AWS::CloudWatch::Alarm"
    ]
    queries = [m.get("Expression", "") for a in alarms for m in a.get("Metrics", [])]
    assert any(
        "SUM(SLABreached)" in q and "category, level, step" in q and "level = 'top'" in q for q in queries
    )
    types = [e["type"] for e in api.get(f"/tickets/{tid}/timeline")[1]["events"]]
    assert "step.breached" in types


def test_an_email_reply_resumes_a_step_waiting_for_the_customer(flow):
    from complaintdesk import signing
    from complaintdesk.services.email_intake import ingest_object
    from tests.integration.mail.conftest import message

    api = flow.api
    tid = api.post("/tickets", complaint())[1]["ticket_id"]
    flow.until(tid, waiting_on("triage"), "triage")
    api.post(f"/tickets/{tid}/steps/triage/complete", {})
    flow.until(tid, waiting_on("investigate"), "investigate")
    api.post(
        f"/tickets/{tid}/steps/investigate/complete", {"outcome": "waiting_for_customer", "notes": "Invoice?"}
    )
    flow.until(tid, lambda t: t["workflow"]["waiting_for"] == "customer_wait", "the customer wait")
    # When the customer answers the e-mail we sent (Reply-To: the signed plus address)
    reply = message(
        sender="Elif Şahin <elif@example.com>",
        to=signing.reply_address(tid),
        subject=f"Re: [{tid}] Billed twice",
        body="It is INV-2026-11-0042.",
    )
    key = "inbound/reply-1"
    boto3.client("s3").put_object(Bucket=flow.stack.physical["MailBucket"], Key=key, Body=reply.as_bytes())
    result = ingest_object(flow.stack.physical["MailBucket"], key)
    # Then it lands on the ticket and the parked step runs again
    assert result.outcome == "interaction" and result.ticket_id == tid
    resumed = flow.until(tid, waiting_on("investigate"), "the step to resume")
    assert resumed["status"] == "open"
    types = [e["type"] for e in api.get(f"/tickets/{tid}/timeline")[1]["events"]]
    assert "ticket.resumed" in types and "email.received" in types
    replied = flow.published("customer.replied")
    assert replied and replied[-1]["data"]["resumed"] is True
