"""A top-level SLA breach on the running stack fires the SLA alarm and tells ops, as on AWS:
assign_step's EMF line → PutMetricData (infra/local/metrics.py) → the local alarm evaluator
(infra/local/alarms.py) → SetAlarmState ALARM → SNS to the ops topic → e-mail in the outbox."""

from __future__ import annotations

import email
import json
from datetime import UTC, datetime, timedelta
from email import policy
from typing import Any

import pytest

from infra.local.state import moto_client
from tests.e2e.conftest import RunningStack, wait_for
from tests.integration.workflow.plans import names, three_step

pytestmark = pytest.mark.e2e

CATEGORY = "e2e-breach"


def one_step_with_one_escalation() -> dict[str, Any]:
    """One step: 1 h, then its only escalation level (+1 h) — at the stack's time scale (3600) the
    last level runs out about two seconds after the ticket is created."""
    plan = json.loads(three_step(id=CATEGORY).model_dump_json(exclude_none=True))
    (step,) = [s for s in plan["steps"] if s["id"] == "investigate"]
    step["escalation"] = [
        {
            "label": "Billing lead",
            "names": names("Faturalama ekip lideri", "Billing lead", "Norēķinu vadītājs"),
            "notify": [{"kind": "manager", "value": "billing"}],
            "extra": "1h",
        }
    ]
    plan["steps"] = [step]
    return plan


def ops_mails(
    stack: RunningStack, alarm_name: str, seen: frozenset[str] = frozenset()
) -> list[email.message.EmailMessage]:
    """The ALARM notices for ``alarm_name`` in the outbox, but for the files named in ``seen``."""
    found = []
    for path in sorted(stack.outbox.glob("sns-*.eml")):
        if path.name in seen:
            continue
        message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
        if str(message["Subject"]).strip().startswith(f'ALARM: "{alarm_name}"'):
            found.append(message)
    return found


def test_a_top_level_breach_sets_the_sla_alarm_and_mails_ops(running_stack: RunningStack) -> None:
    cloudwatch = moto_client(running_stack.info, "cloudwatch")
    alarm_name = running_stack.info["resources"]["SlaBreachTopLevelAlarm"]
    (before,) = cloudwatch.describe_alarms(AlarmNames=[alarm_name])["MetricAlarms"]
    started = datetime.now(UTC) - timedelta(seconds=1)
    # The stack is shared by the e2e tests: notices an earlier breach sent are not this one's (unless
    # the alarm is still in ALARM from it: then no new change, and so no new notice, comes).
    seen = frozenset(
        path.name for path in running_stack.outbox.glob("sns-*.eml") if before["StateValue"] != "ALARM"
    )

    # Given a category whose only step has one escalation level, seconds long at the demo scale
    status, published = running_stack.call(
        "PUT", f"/categories/{CATEGORY}", one_step_with_one_escalation(), role="admin"
    )
    assert status == 201, published
    # When a ticket in it is left alone until the last level runs out
    complaint = {
        "channel": "phone",
        "subject": "Billed twice",
        "description": "Two charges for one invoice.",
        "category": CATEGORY,
        "customer": {"name": "Elif Şahin", "email": "elif.e2e-alarm@example.com", "language": "tr"},
    }
    status, ticket = running_stack.call("POST", "/tickets", complaint)
    assert status == 201, ticket
    ticket_id = ticket["ticket_id"]
    breached = wait_for(
        lambda: (t := running_stack.call("GET", f"/tickets/{ticket_id}")[1])["breached"] and t,
        60,
        "the ticket to breach at its top level",
    )
    assert breached["workflow"]["current_step"] == "investigate"

    # Then assign_step's SLABreached reached CloudWatch with the EMF document's dimensions and unit
    dimensions = [
        {"Name": "category", "Value": CATEGORY},
        {"Name": "level", "Value": "top"},
        {"Name": "step", "Value": "investigate"},
    ]

    def breach_count() -> float:
        points = cloudwatch.get_metric_statistics(
            Namespace="ComplaintDesk",
            MetricName="SLABreached",
            Dimensions=dimensions,
            StartTime=started - timedelta(minutes=1),
            EndTime=datetime.now(UTC) + timedelta(minutes=1),
            Period=60,
            Statistics=["Sum"],
        )["Datapoints"]
        return sum(p["Sum"] for p in points if p.get("Unit", "Count") == "Count")

    assert wait_for(breach_count, 15, "SLABreached in moto CloudWatch") == 1.0

    # And the SLA alarm goes to ALARM in moto CloudWatch, naming why
    alarm = wait_for(
        lambda: [
            a
            for a in cloudwatch.describe_alarms(AlarmNames=[alarm_name])["MetricAlarms"]
            if a["StateValue"] == "ALARM"
        ],
        30,
        "the SLA alarm to go to ALARM",
    )[0]
    assert alarm["StateReason"].startswith("Threshold Crossed")
    if before["StateValue"] != "ALARM":
        assert alarm["StateUpdatedTimestamp"] >= started

    # And ops get CloudWatch's notification by e-mail (the ops topic's subscription → the outbox)
    (mail, *_) = wait_for(lambda: ops_mails(running_stack, alarm_name, seen), 15, "the ops notification")
    assert mail["To"].addresses[0].addr_spec == running_stack.info["ops_email"]
    notice = json.loads(mail.get_content().split("\n\n--\n")[0])
    assert notice["AlarmName"] == alarm_name and notice["NewStateValue"] == "ALARM"
    assert notice["AlarmArn"] == alarm["AlarmArn"]
    assert "SLABreached" in notice["Trigger"]["Metrics"][0]["expression"]
    if before["StateValue"] != "ALARM":
        assert notice["OldStateValue"] == before["StateValue"]
        assert datetime.strptime(notice["StateChangeTime"], "%Y-%m-%dT%H:%M:%S.%f%z") >= started
