"""Executions that survive: every service task retries transient errors (and never the SLA's
States.Timeout), every wait has a timeout unless the compiler lists it with its reason, and a step
parked for the customer reminds them, then closes or escalates, on a clock computed in Python."""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from complaintdesk.categories import (
    CategoryDefinition,
    CategoryError,
    load_default_categories,
    parse_category,
)
from complaintdesk.workflow import (
    AslError,
    WorkflowResources,
    compile_category,
    customer_wait_clock,
    customer_wait_index,
    step_schedule,
    validate_asl,
)
from complaintdesk.workflow.compiler import (
    CALLBACK,
    CLOSE,
    DDB_UPDATE,
    SNS_PUBLISH,
    TRANSIENT_ERRORS,
    customer_clock_state,
    customer_wait_state,
    reminder_state,
    unbounded_waits,
    wait_state,
)
from complaintdesk.workflow.contract import Clock
from complaintdesk.workflow.validate import NEVER_RETRIED

RESOURCES = WorkflowResources("https://sqs.example/callbacks", "arn:aws:sns:us-east-1:1:events", "table")
DEFAULTS = load_default_categories()
SERVICE_OF = {CALLBACK: "sqs", SNS_PUBLISH: "sns", DDB_UPDATE: "dynamodb"}


def tasks(asl: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {name: s for name, s in asl["States"].items() if s["Type"] == "Task"}


@pytest.mark.parametrize("definition", DEFAULTS, ids=lambda d: d.id)
def test_every_task_retries_transient_errors_and_never_the_sla_timeout(
    definition: CategoryDefinition,
) -> None:
    for name, state in tasks(compile_category(definition, 1, RESOURCES)).items():
        service = SERVICE_OF[state["Resource"]]
        assert state.get("Retry"), f"{name} has no Retry"
        for retrier in state["Retry"]:
            errors = set(retrier["ErrorEquals"])
            assert not errors & NEVER_RETRIED, f"{name} retries {errors & NEVER_RETRIED}"
            assert errors == set(TRANSIENT_ERRORS[service]), name
            assert retrier["BackoffRate"] > 1 and retrier["JitterStrategy"] == "FULL"
            assert retrier["MaxAttempts"] >= 3 and retrier["MaxDelaySeconds"] <= 60
        for catcher in state.get("Catch", []):
            assert catcher["ErrorEquals"] == ["States.Timeout"], f"{name} catches more than its timeout"


@pytest.mark.parametrize("definition", DEFAULTS, ids=lambda d: d.id)
def test_every_wait_has_a_timeout_or_a_stated_reason(definition: CategoryDefinition) -> None:
    asl = compile_category(definition, 1, RESOURCES)
    untimed = {
        name
        for name, state in tasks(asl).items()
        if state["Resource"] == CALLBACK and not {"TimeoutSeconds", "TimeoutSecondsPath"} & set(state)
    }
    allowed = unbounded_waits(definition)
    assert untimed == set(allowed)
    # only the breached waits and the resolution, never a customer wait
    breached = {wait_state(definition, s, len(s.escalation), breached=True) for s in definition.steps}
    assert set(allowed) == breached | {"Resolve"}
    assert all(reason for reason in allowed.values())
    for name, state in tasks(asl).items():
        if state["Resource"] == CALLBACK and name not in allowed:
            assert [c["ErrorEquals"] for c in state["Catch"]] == [["States.Timeout"]], name


@pytest.mark.parametrize("definition", DEFAULTS, ids=lambda d: d.id)
def test_every_customer_wait_reads_its_own_entry_of_the_clock(definition: CategoryDefinition) -> None:
    states = compile_category(definition, 1, RESOURCES)["States"]
    policy = definition.customer_wait
    for step in definition.steps:
        top = len(step.escalation)
        phases = [(level, False) for level in range(top + 1)] + [(top, True)]
        for level, breached in phases:
            for reminder in range(policy.waits):
                wait = states[customer_wait_state(step, level, breached, reminder)]
                index = customer_wait_index(step, reminder)
                assert wait["TimeoutSecondsPath"] == f"$.reply.clock.seconds[{index}]"
                assert wait["Parameters"]["MessageBody"]["kind"] == "customer_wait"
            fallback = states[customer_clock_state(step, level, breached)]
            assert len(fallback["Result"]["seconds"]) == customer_wait_index(step, policy.reminders) + 1


def three_steps(**customer_wait: Any) -> CategoryDefinition:
    data = copy.deepcopy(next(d for d in DEFAULTS if d.id == "billing-error").model_dump(exclude_none=True))
    data["customer_wait"] = customer_wait
    return parse_category(data)


def test_reminders_then_close() -> None:
    definition = three_steps(remind_after="2d", reminders=2, then="close")
    states = compile_category(definition, 1, RESOURCES)["States"]
    step = definition.step("investigate")
    first = states[customer_wait_state(step, 1)]
    assert first["Catch"][0]["Next"] == reminder_state(step, 1, False, 1)
    reminder = states[reminder_state(step, 1, False, 1)]
    assert reminder["Resource"] == SNS_PUBLISH
    message = reminder["Parameters"]["Message"]
    assert message["event_type"] == "customer.reminder"
    assert reminder["Parameters"]["MessageAttributes"]["event_type"]["StringValue"] == "customer.reminder"
    assert (message["data"]["step"], message["data"]["reminder"], message["data"]["reminders"]) == (
        "investigate",
        1,
        2,
    )
    assert reminder["Next"] == customer_wait_state(step, 1, False, 1)
    assert states[customer_wait_state(step, 1, False, 1)]["Catch"][0]["Next"] == reminder_state(
        step, 1, False, 2
    )
    last = states[customer_wait_state(step, 1, False, 2)]
    assert last["Catch"][0]["Next"] == CLOSE
    assert last["Next"] == "Outcome — Investigate (after L1)"  # an answer routes as from any wait


def test_escalate_goes_to_the_next_level_the_breach_path_or_tells_managers_again() -> None:
    definition = three_steps(reminders=0, then="escalate")
    states = compile_category(definition, 1, RESOURCES)["States"]
    step = definition.step("investigate")  # two escalation levels
    assert states[customer_wait_state(step, 0)]["Catch"][0]["Next"] == "Escalate L1 — Billing lead"
    assert states[customer_wait_state(step, 1)]["Catch"][0]["Next"] == "Escalate L2 — Finance manager"
    assert states[customer_wait_state(step, 2)]["Catch"][0]["Next"] == "Mark breached — Investigate"
    assert states[customer_wait_state(step, 2, True)]["Catch"][0]["Next"] == "Notify breach — Investigate"
    assert not any(name.startswith("Remind customer") for name in states)
    validate_asl(compile_category(definition, 1, RESOURCES))


def test_the_customer_wait_section_is_optional_and_validated() -> None:
    assert three_steps().customer_wait.model_dump() == {"remind_after": "3d", "reminders": 1, "then": "close"}
    for bad in ({"remind_after": "30m"}, {"remind_after": "31d"}, {"reminders": 4}, {"then": "ignore"}):
        with pytest.raises(CategoryError):
            three_steps(**bad)
    assert three_steps(remind_after="1d4h").customer_wait.remind_after == "1d4h"


# ---- the clock the customer wait reads -------------------------------------------------------------

MONDAY = datetime(2026, 3, 2, 7, 0, tzinfo=UTC)  # 10:00 in Istanbul


def test_customer_clock_counts_working_days_of_the_category_calendar() -> None:
    definition = three_steps(remind_after="3d", reminders=1, then="close")
    clock = customer_wait_clock(definition, "investigate", MONDAY)
    Clock.model_validate(clock)
    step = definition.step("investigate")
    first, last = customer_wait_index(step, 0), customer_wait_index(step, 1)
    assert len(clock["seconds"]) == len(clock["deadlines"]) == last + 1 == 5
    assert clock["seconds"][:first] == [1, 1, 1]  # with "close" the step's levels are never used
    # Monday 10:00 + 3 working days = Thursday 10:00; + 3 more = the next Tuesday 10:00
    assert clock["deadlines"][first] == "2026-03-05T07:00:00+00:00"
    assert clock["deadlines"][last] == "2026-03-10T07:00:00+00:00"
    assert clock["seconds"][first] == 3 * 24 * 3600
    assert clock["seconds"][last] == 5 * 24 * 3600  # over the weekend


def test_customer_clock_for_escalate_carries_the_next_levels_from_the_end_of_the_wait() -> None:
    definition = three_steps(remind_after="3d", reminders=1, then="escalate")
    clock = customer_wait_clock(definition, "investigate", MONDAY, level=0)
    silent_until = datetime.fromisoformat(clock["deadlines"][-1])
    after = step_schedule(definition, "investigate", silent_until, level=1)
    assert clock["seconds"][:3] == [1, *after.seconds[1:]]
    assert clock["deadlines"][1:3] == [d.isoformat() for d in after.deadlines[1:]]
    at_top = customer_wait_clock(definition, "investigate", MONDAY, level=2)
    assert at_top["seconds"][:3] == [1, 1, 1]


def test_customer_clock_shrinks_with_the_time_scale() -> None:
    definition = three_steps(remind_after="3d", reminders=1, then="escalate")
    clock = customer_wait_clock(definition, "investigate", MONDAY, time_scale=24 * 3600.0)
    assert clock["seconds"][3:] == [3, 5]
    assert datetime.fromisoformat(clock["deadlines"][-1]) == MONDAY + timedelta(seconds=8)
    assert datetime.fromisoformat(clock["deadlines"][1]) > datetime.fromisoformat(clock["deadlines"][-1])
    with pytest.raises(ValueError):
        customer_wait_clock(definition, "investigate", MONDAY.replace(tzinfo=None))
    with pytest.raises(ValueError):
        customer_wait_clock(definition, "investigate", MONDAY, level=3)


# ---- the checker ---------------------------------------------------------------------------------


def test_checker_refuses_tasks_without_retry_or_retrying_what_must_not_be() -> None:
    asl = compile_category(three_steps(), 1, RESOURCES)
    asl["States"]["Close"].pop("Retry")
    asl["States"]["Notify closed"]["Retry"][0]["ErrorEquals"] = ["States.ALL"]
    asl["States"]["Resolve"]["Retry"][0]["ErrorEquals"].append("States.Timeout")
    asl["States"]["Mark breached — Investigate"]["Retry"][0]["ErrorEquals"].append(
        "DynamoDB.ConditionalCheckFailedException"
    )
    with pytest.raises(AslError) as caught:
        validate_asl(asl)
    assert set(caught.value.problems) == {
        "Task 'Close' has no Retry: one transient error would fail the execution",
        "Task 'Notify closed' retries States.ALL, which must never be retried",
        "Task 'Resolve' retries States.Timeout, which must never be retried",
        "Task 'Mark breached — Investigate' retries DynamoDB.ConditionalCheckFailedException, "
        "which must never be retried",
    }
