"""Real executions of compiled category workflows in moto (state-machine execution on).

SLAs are hours in the plan and seconds here (time_scale 3600); every wait is polled with a bound.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from botocore.exceptions import ClientError

from complaintdesk.workflow import step_schedule
from complaintdesk.workflow.compiler import wait_state
from tests.integration.workflow.driver import WorkflowDriver
from tests.integration.workflow.plans import three_step

# Real executions whose SLA timers run in seconds: spread among the other tests (tests/conftest.py).
pytestmark = pytest.mark.waits

NO_ESCALATION_BUDGET = 25


def test_three_steps_escalate_twice_then_resolve_survey_and_close(driver: WorkflowDriver) -> None:
    # Given a three-step plan published as version 1 and a ticket started on it
    plan = driver.publish(three_step(), version=1)
    ticket = driver.start("C-2026-000101", plan)

    # When step 1 is completed within its SLA
    triage = driver.next_task(ticket)
    assert (triage.state, triage.kind, triage.level, triage.team) == (
        "Triage — Billing team",
        "step",
        0,
        "billing",
    )
    driver.complete(ticket, triage)

    # Then step 2 starts; nobody answers, so it escalates to L1 and then to L2
    investigate = driver.next_task(ticket)
    assert (investigate.state, investigate.level) == ("Investigate — Billing team", 0)
    after_l1 = driver.next_task(ticket)
    assert (after_l1.state, after_l1.kind, after_l1.level) == (
        "Investigate — Billing team (after L1)",
        "escalation_wait",
        1,
    )
    after_l2 = driver.next_task(ticket)
    assert (after_l2.state, after_l2.level) == ("Investigate — Billing team (after L2)", 2)

    # And the escalation events reached the topic in order, naming the right people
    escalations = driver.events(ticket, 2)
    assert [e["event_type"] for e in escalations] == ["step.escalated", "step.escalated"]
    assert [e["_attributes"]["event_type"] for e in escalations] == ["step.escalated", "step.escalated"]
    assert [(e["data"]["step"], e["data"]["level"], e["data"]["label"]) for e in escalations] == [
        ("investigate", 1, "Billing lead"),
        ("investigate", 2, "Finance manager"),
    ]
    assert escalations[0]["data"]["notify"] == [{"kind": "manager", "value": "billing"}]
    assert escalations[1]["data"]["notify"] == [
        {"kind": "manager", "value": "finance"},
        {"kind": "email", "value": "cfo@example.com"},
    ]
    assert escalations[0]["event_id"] != escalations[1]["event_id"]

    # When the team completes step 2 during L2's extra time, and step 3 in time
    driver.complete(ticket, after_l2)
    confirm = driver.next_task(ticket)
    assert confirm.state == "Confirm — Billing team"
    driver.complete(ticket, confirm)

    # Then resolution, the follow-up wait, the survey and the auto-close follow
    resolution = driver.next_task(ticket)
    assert (resolution.state, resolution.kind) == ("Resolve", "resolution")
    driver.resolve(ticket, resolution)
    assert driver.next_task(ticket).kind == "follow_up"
    window = driver.next_task(ticket)
    assert (window.state, window.kind) == ("Wait for reopen or auto-close", "survey")
    assert driver.wait_finished(ticket) == "SUCCEEDED"
    closing = driver.events(ticket, 4)[2:]
    assert [e["event_type"] for e in closing] == ["ticket.survey", "ticket.closed"]
    item = driver.ticket_item(ticket)
    assert item["status"] == {"S": "closed"}
    assert "breached" not in item

    # And the timeline tells the whole story, in order
    assert driver.story(ticket) == [
        "started: version=1",
        "task: state=Triage — Billing team, kind=step, level=0",
        "answered: state=Triage — Billing team, outcome=done",
        "task: state=Investigate — Billing team, kind=step, level=0",
        "task: state=Investigate — Billing team (after L1), kind=escalation_wait, level=1",
        "task: state=Investigate — Billing team (after L2), kind=escalation_wait, level=2",
        "event: type=step.escalated",
        "event: type=step.escalated",
        "answered: state=Investigate — Billing team (after L2), outcome=done",
        "task: state=Confirm — Billing team, kind=step, level=0",
        "answered: state=Confirm — Billing team, outcome=done",
        "task: state=Resolve, kind=resolution, level=0",
        "answered: state=Resolve, outcome=resolved",
        "task: state=Wait for follow-up, kind=follow_up, level=0",
        "task: state=Wait for reopen or auto-close, kind=survey, level=0",
        "event: type=ticket.survey",
        "event: type=ticket.closed",
    ]


def test_top_level_timeout_flags_the_ticket_breached_and_keeps_it_open(driver: WorkflowDriver) -> None:
    # Given a step whose only escalation level runs out too
    definition = three_step()
    steps = [s.model_dump() for s in definition.steps]
    steps[0]["sla"], steps[0]["escalation"] = (
        "1h",
        [{"label": "Billing lead", "notify": [{"kind": "manager", "value": "billing"}], "extra": "1h"}],
    )
    plan = driver.publish(three_step(steps=steps), version=1)
    ticket = driver.start("C-2026-000102", plan)

    # When nobody acts through level 1
    assert driver.next_task(ticket).level == 0
    assert driver.next_task(ticket).level == 1
    breached = driver.next_task(ticket)

    # Then the ticket is flagged, step.breached is published, and the step still waits for the team
    assert (breached.state, breached.kind, breached.breached) == (
        "Triage — Billing team (breached)",
        "escalation_wait",
        True,
    )
    events = driver.events(ticket, 2)
    assert [e["event_type"] for e in events] == ["step.escalated", "step.breached"]
    item = driver.ticket_item(ticket)
    assert item["breached"] == {"BOOL": True}
    assert item["breached_step"] == {"S": "triage"}
    assert item["version"] == {"N": "2"}  # the state machine's write bumps the optimistic lock
    assert driver.no_task_for(ticket, 1.5)  # no timeout on the breached wait

    # When the team finally completes it, the plan goes on
    driver.complete(ticket, breached)
    assert driver.next_task(ticket).state == "Investigate — Billing team"


def test_waiting_for_customer_stops_the_clock_and_resumes_with_the_remaining_time(
    driver: WorkflowDriver,
) -> None:
    definition = three_step()
    plan = driver.publish(definition, version=1)
    ticket = driver.start("C-2026-000103", plan)
    triage = driver.next_task(ticket)
    assert triage.clock is not None and triage.clock.seconds == [4]

    # When the team parks the step waiting for the customer
    driver.answer(triage, "waiting_for_customer", triage.clock.model_dump())
    parked = driver.next_task(ticket)
    assert (parked.state, parked.kind) == ("Wait for customer — Triage", "customer_wait")

    # Then longer than the whole SLA passes without an escalation (the clock is stopped)
    assert driver.no_task_for(ticket, 4.5)

    # When the customer answers after 3 of the 4 hours were used, the step gets the 1 hour left
    resumed_clock = step_schedule(
        definition, "triage", datetime.now(UTC), time_scale=driver.time_scale, consumed=timedelta(hours=3)
    ).clock()
    driver.answer(parked, "resume", resumed_clock)
    resumed = driver.next_task(ticket)
    assert (resumed.state, resumed.level) == ("Triage — Billing team", 0)
    assert resumed.clock is not None and resumed.clock.seconds == [1]
    # and with only that left, it runs out: no escalation chain, so the ticket is flagged breached
    assert driver.next_task(ticket).breached is True


def test_a_published_edit_does_not_change_a_running_ticket(driver: WorkflowDriver) -> None:
    # Given a ticket running on version 1
    v1 = three_step()
    plan_v1 = driver.publish(v1, version=1)
    old = driver.start("C-2026-000104", plan_v1)
    driver.complete(old, driver.next_task(old))

    # When version 2 renames step 2 and hands it to Finance, and a new ticket starts
    steps = [s.model_dump() for s in v1.steps]
    steps[1]["title"], steps[1]["owner_team"] = "Audit the invoice", "finance"
    plan_v2 = driver.publish(three_step(steps=steps), version=2)
    new = driver.start("C-2026-000105", plan_v2)
    driver.complete(new, driver.next_task(new))

    # Then the running ticket stays on version 1's path and the new one takes version 2's
    old_step2 = driver.next_task(old)
    new_step2 = driver.next_task(new)
    assert (old_step2.state, old_step2.version) == ("Investigate — Billing team", 1)
    assert (new_step2.state, new_step2.version) == ("Audit the invoice — Finance", 2)
    assert plan_v1.arn != plan_v2.arn


def test_a_duplicate_completion_is_never_applied_twice(driver: WorkflowDriver) -> None:
    plan = driver.publish(three_step(), version=1)
    ticket = driver.start("C-2026-000106", plan)
    triage = driver.next_task(ticket)
    driver.complete(ticket, triage)
    investigate = driver.next_task(ticket)
    assert investigate.state == "Investigate — Billing team"

    # When the used token is answered again: AWS refuses it (TaskTimedOut / InvalidToken); moto
    # accepts it silently, so the API's 409 must come from the token stored on the ticket.
    try:
        driver.complete(ticket, triage)
    except ClientError as error:
        assert error.response["Error"]["Code"] in {"TaskTimedOut", "InvalidToken", "TaskDoesNotExist"}

    # Then nothing moves: step 2 is still waiting, and completing it leads to step 3 once
    assert driver.no_task_for(ticket, 0.5)
    driver.complete(ticket, investigate)
    assert driver.next_task(ticket).state == "Confirm — Billing team"
    assert driver.entered_states(ticket).count("Investigate — Billing team") == 1


def test_a_second_start_for_the_same_ticket_is_refused(driver: WorkflowDriver) -> None:
    plan = driver.publish(three_step(), version=1)
    driver.start("C-2026-000107", plan)
    with pytest.raises(ClientError) as caught:
        driver.start("C-2026-000107", plan)
    assert caught.value.response["Error"]["Code"] == "ExecutionAlreadyExists"


def test_reopen_within_the_window_returns_to_the_named_step(driver: WorkflowDriver) -> None:
    definition = three_step()
    plan = driver.publish(definition, version=1)
    ticket = driver.start("C-2026-000108", plan)
    resolution_early = driver.next_task(ticket)
    # An agent may resolve straight from a step (e.g. the answer was obvious)
    driver.resolve(ticket, resolution_early)
    follow_up = driver.next_task(ticket)
    assert follow_up.kind == "follow_up"

    # When the customer reopens, naming step 2
    clock = step_schedule(definition, "investigate", datetime.now(UTC), time_scale=driver.time_scale).clock()
    driver.answer(follow_up, "reopen", clock, step="investigate")
    reopened = driver.next_task(ticket)
    assert reopened.state == wait_state(definition, definition.step("investigate"))

    # And closing it by hand ends the run
    driver.answer(reopened, "close", clock)
    assert driver.wait_finished(ticket) == "SUCCEEDED"
    assert driver.ticket_item(ticket)["status"] == {"S": "closed"}


def test_state_transitions_per_ticket(driver: WorkflowDriver) -> None:
    plan = driver.publish(three_step(), version=1)
    calm = driver.start("C-2026-000109", plan)
    for _ in range(3):
        driver.complete(calm, driver.next_task(calm))
    driver.resolve(calm, driver.next_task(calm))
    assert driver.wait_finished(calm) == "SUCCEEDED"

    stormy = driver.start("C-2026-000110", plan)
    driver.complete(stormy, driver.next_task(stormy))
    driver.next_task(stormy)
    driver.next_task(stormy)
    driver.complete(stormy, driver.next_task(stormy))  # completed after L2
    driver.complete(stormy, driver.next_task(stormy))
    driver.resolve(stormy, driver.next_task(stormy))
    assert driver.wait_finished(stormy) == "SUCCEEDED"

    assert driver.transitions(calm) <= NO_ESCALATION_BUDGET
    assert driver.transitions(stormy) == driver.transitions(calm) + 4  # two escalations + two waits
    assert driver.entered_states(calm)[-2:] == ["Close", "Notify closed"]
