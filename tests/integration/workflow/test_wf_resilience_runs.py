"""Executions that survive, run for real in moto: a silent customer is reminded and the ticket
closes (or the step escalates), and a publish that fails once is retried instead of failing the run.

Waits are hours in the plan and seconds here (the driver's time_scale 3600).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from botocore.awsrequest import AWSResponse

from complaintdesk.workflow import customer_wait_clock
from tests.integration.workflow.driver import WorkflowDriver
from tests.integration.workflow.plans import three_step

# Real executions whose SLA timers run in seconds: spread among the other tests (tests/conftest.py).
pytestmark = pytest.mark.waits

# One working hour on the 24x7 calendar = one second at the driver's scale.
SILENT_HOUR = {"remind_after": "1h", "reminders": 1}


def test_a_silent_customer_is_reminded_then_the_ticket_closes(driver: WorkflowDriver) -> None:
    # Given a plan that reminds a silent customer once, then closes
    definition = three_step(customer_wait={**SILENT_HOUR, "then": "close"})
    ticket = driver.start("C-2026-000201", driver.publish(definition, version=1))
    triage = driver.next_task(ticket)

    # When the team parks the step for the customer with the clock computed in Python
    clock = customer_wait_clock(definition, "triage", datetime.now(UTC), time_scale=driver.time_scale)
    assert clock["seconds"] == [1, 1, 1]
    driver.answer(triage, "waiting_for_customer", clock)

    # Then the customer waits, is reminded, waits again, and the ticket is closed
    parked = driver.next_task(ticket)
    assert (parked.state, parked.kind) == ("Wait for customer — Triage", "customer_wait")
    again = driver.next_task(ticket)
    assert (again.state, again.kind) == ("Wait for customer (reminder 1) — Triage", "customer_wait")
    assert driver.wait_finished(ticket) == "SUCCEEDED"
    reminder, closed = driver.events(ticket, 2)
    assert reminder["event_type"] == reminder["_attributes"]["event_type"] == "customer.reminder"
    assert (reminder["data"]["step"], reminder["data"]["reminder"], reminder["data"]["then"]) == (
        "triage",
        1,
        "close",
    )
    assert reminder["ticket_id"] == ticket.ticket_id and reminder["event_id"]
    assert (closed["event_type"], closed["data"]["last_outcome"]) == ("ticket.closed", "waiting_for_customer")
    assert driver.ticket_item(ticket)["status"] == {"S": "closed"}
    assert driver.entered_states(ticket)[-3:] == [
        "Wait for customer (reminder 1) — Triage",
        "Close",
        "Notify closed",
    ]


def test_a_silent_customer_escalates_the_step_when_the_category_says_so(driver: WorkflowDriver) -> None:
    # Given a plan that escalates when the customer stays silent (no reminder)
    definition = three_step(customer_wait={"remind_after": "1h", "reminders": 0, "then": "escalate"})
    ticket = driver.start("C-2026-000202", driver.publish(definition, version=1))
    driver.complete(ticket, driver.next_task(ticket))
    investigate = driver.next_task(ticket)

    # When step 2 is parked for the customer at level 0 and nobody answers
    clock = customer_wait_clock(definition, "investigate", datetime.now(UTC), time_scale=driver.time_scale)
    driver.answer(investigate, "waiting_for_customer", clock)
    assert driver.next_task(ticket).state == "Wait for customer — Investigate"

    # Then the step escalates to L1 with L1's own time (1 h = 1 s), read from the same clock
    after_l1 = driver.next_task(ticket)
    assert (after_l1.state, after_l1.kind, after_l1.level) == (
        "Investigate — Billing team (after L1)",
        "escalation_wait",
        1,
    )
    assert after_l1.clock is not None and after_l1.clock.seconds[1] == 1
    (escalated,) = driver.events(ticket, 1)
    assert (escalated["event_type"], escalated["data"]["level"]) == ("step.escalated", 1)


def test_an_answer_without_the_customer_clock_still_parks_the_step(driver: WorkflowDriver) -> None:
    # Given an older caller that parks the step with the step's own clock (no customer entries)
    ticket = driver.start("C-2026-000203", driver.publish(three_step(), version=1))
    triage = driver.next_task(ticket)
    assert triage.clock is not None
    driver.answer(triage, "waiting_for_customer", triage.clock.model_dump())

    # Then the execution does not fail on the missing entry: the category's durations apply (3 days)
    parked = driver.next_task(ticket)
    assert parked.clock is not None and parked.clock.seconds == [1, 3 * 24 * 3600, 3 * 24 * 3600]
    assert driver.entered_states(ticket)[-2:] == ["Customer clock — Triage", "Wait for customer — Triage"]
    assert driver.no_task_for(ticket, 1.0)


class FailingPublish:
    """Makes the executor's SNS client answer the first ``times`` Publish calls with a throttling error."""

    def __init__(self, times: int) -> None:
        self.left = times
        self.failed = 0

    def __call__(self, **_: Any) -> tuple[AWSResponse, dict[str, Any]] | None:
        if self.left <= 0:
            return None
        self.left -= 1
        self.failed += 1
        error = {"Code": "Throttled", "Message": "Rate exceeded"}
        return AWSResponse("https://sns.local", 400, {}, None), {
            "Error": error,
            "ResponseMetadata": {"HTTPStatusCode": 400, "RequestId": "injected"},
        }


def test_a_publish_that_fails_once_is_retried_and_the_run_finishes(
    driver: WorkflowDriver, monkeypatch: pytest.MonkeyPatch
) -> None:
    from moto.stepfunctions.parser.asl.component.state.exec.state_task.service import (
        state_task_service_sns as sns_task,
    )

    failing = FailingPublish(times=1)
    original = sns_task.boto_client_for

    def client_for(*args: Any, **kwargs: Any) -> Any:
        client = original(*args, **kwargs)
        client.meta.events.register("before-call.sns.Publish", failing)
        return client

    monkeypatch.setattr(sns_task, "boto_client_for", client_for)

    # Given a ticket whose only step escalates once (an SNS publish) before it breaches
    definition = three_step()
    steps = [s.model_dump() for s in definition.steps]
    steps[0]["sla"], steps[0]["escalation"] = (
        "1h",
        [{"label": "Billing lead", "notify": [{"kind": "manager", "value": "billing"}], "extra": "1h"}],
    )
    ticket = driver.start("C-2026-000204", driver.publish(three_step(steps=steps), version=1))

    # When the escalation's publish is throttled once
    assert driver.next_task(ticket).level == 0
    after_l1 = driver.next_task(ticket)

    # Then it was retried: the event went out once, and the plan goes on to the next wait
    assert (after_l1.state, after_l1.level) == ("Triage — Billing team (after L1)", 1)
    assert failing.failed == 1
    history = driver.history(ticket)
    failures = [e["taskFailedEventDetails"]["error"] for e in history if e["type"] == "TaskFailed"]
    assert failures == ["SNS.ThrottledException"], " ".join(event["type"] for event in history)
    assert [e["event_type"] for e in driver.events(ticket, 1)] == ["step.escalated"]

    # And closing the ticket by hand finishes the run
    driver.answer(after_l1, "close", after_l1.clock.model_dump() if after_l1.clock else {"seconds": [1]})
    assert driver.wait_finished(ticket) == "SUCCEEDED"
