"""The watch_executions function: a stopped category execution goes on its ticket's timeline once."""

from __future__ import annotations

import copy
import json
import os
from pathlib import Path
from typing import Any

import pytest

from infra.local.pollers import LambdaContext

SAMPLES = Path(__file__).resolve().parents[2] / "events" / "watch_executions"


def sample(name: str = "execution_failed.json") -> dict[str, Any]:
    """The sample event, its state machine renamed into this test stack's prefix."""
    event = json.loads((SAMPLES / name).read_text())
    prefix = os.environ["STATE_MACHINE_PREFIX"]
    for key in ("executionArn", "stateMachineArn"):
        event["detail"][key] = event["detail"][key].replace("complaintdesk-dev", prefix)
    return event


def failures_on(ticket_id: str) -> list[Any]:
    from complaintdesk.store import repository as repo

    items, _ = repo.timeline(ticket_id, limit=50, cursor=None)
    return [item for item in items if item.event_type == "workflow.failed"]


@pytest.mark.parametrize("name", sorted(p.name for p in SAMPLES.glob("*.json")))
def test_every_sample_runs_through_the_handler(stack: Any, name: str) -> None:
    from functions.watch_executions.app import lambda_handler

    assert lambda_handler(sample(name), LambdaContext("WatchExecutionsFunction"))["result"] == "recorded"


def test_a_failed_execution_is_recorded_once_and_counted_once(
    stack: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    from functions.watch_executions.app import lambda_handler

    # Given the event EventBridge sends when a plan's execution fails
    event = sample()
    ticket_id = event["detail"]["name"]

    # When it is delivered, then delivered again (EventBridge delivers at least once)
    first = lambda_handler(event, LambdaContext("WatchExecutionsFunction"))
    second = lambda_handler(copy.deepcopy(event), LambdaContext("WatchExecutionsFunction"))

    # Then the ticket's timeline says so once, with the error, and the metric counts it once
    assert (first, second) == ({"result": "recorded"}, {"result": "already recorded"})
    (record,) = failures_on(ticket_id)
    assert record.data["status"] == "FAILED" and record.data["error"] == "SNS.ThrottledException"
    assert record.data["execution"] == event["detail"]["executionArn"]
    assert "billing-error plan failed" in record.summary
    emitted = [json.loads(line) for line in capsys.readouterr().out.splitlines() if '"PlansFailed"' in line]
    assert len(emitted) == 1
    assert (emitted[0]["category"], emitted[0]["status"], emitted[0]["PlansFailed"]) == (
        "billing-error",
        "FAILED",
        [1.0],
    )

    # And a different stop of the same ticket (another event id) is a record of its own
    timed_out = sample()
    timed_out["id"], timed_out["detail"]["status"] = "b3a1", "TIMED_OUT"
    assert lambda_handler(timed_out, LambdaContext("WatchExecutionsFunction")) == {"result": "recorded"}
    assert len(failures_on(ticket_id)) == 2


def test_executions_not_named_after_a_ticket_are_ignored(stack: Any) -> None:
    from complaintdesk.services.executions import record_stopped

    event = sample()
    event["detail"]["name"] = "manual-test-run"
    assert record_stopped(event) == "ignored"
    event = sample()
    event["detail"]["status"] = "SUCCEEDED"
    assert record_stopped(event) == "ignored"


def test_every_function_event_type_is_played_locally_or_explained() -> None:
    from infra.local.stack import NOT_PLAYED_LOCALLY, unplayed_event_sources
    from infra.local.template import load_template

    template = load_template()
    played = {"Api", "SQS", "DynamoDB", "Schedule"}
    types = {
        event["Type"]
        for resource in template["Resources"].values()
        if resource["Type"] == "AWS::Serverless::Function"
        for event in (resource["Properties"].get("Events") or {}).values()
    }
    assert types <= played | set(NOT_PLAYED_LOCALLY)
    assert ("WatchExecutionsFunction", "ExecutionStopped") in {
        (f, e) for f, e, _ in unplayed_event_sources(template)
    }
