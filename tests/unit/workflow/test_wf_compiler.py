"""The category → ASL compiler: golden files, our own checker, and cfn-lint's state-machine schema.

Regenerate the golden files after a reviewed compiler or category change with
``UPDATE_GOLDEN=1 .venv/bin/pytest tests/unit/workflow/test_wf_compiler.py`` and review the diff.
"""

from __future__ import annotations

import copy
import json
import os
from pathlib import Path
from typing import Any

import pytest

from complaintdesk.categories import CategoryDefinition, load_default_categories
from complaintdesk.workflow import (
    AslError,
    WorkflowResources,
    asl_json,
    compile_category,
    state_machine_name,
    validate_asl,
)
from complaintdesk.workflow.compiler import CALLBACK, DDB_UPDATE, SNS_PUBLISH

GOLDEN = Path(__file__).parent / "golden"
RESOURCES = WorkflowResources(
    callback_queue_url="https://sqs.us-east-1.amazonaws.com/123456789012/complaintdesk-step-callbacks",
    events_topic_arn="arn:aws:sns:us-east-1:123456789012:complaintdesk-ticket-events",
    table_name="complaintdesk",
)
DEFAULTS = load_default_categories()


def by_id(category_id: str) -> CategoryDefinition:
    return next(d for d in DEFAULTS if d.id == category_id)


@pytest.mark.parametrize("definition", DEFAULTS, ids=lambda d: d.id)
def test_compiled_asl_matches_its_golden_file(definition: CategoryDefinition) -> None:
    text = asl_json(compile_category(definition, 1, RESOURCES)) + "\n"
    path = GOLDEN / f"{definition.id}.asl.json"
    if os.environ.get("UPDATE_GOLDEN") == "1":
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"no golden file for {definition.id}: run with UPDATE_GOLDEN=1 and review it"
    assert text == path.read_text(encoding="utf-8"), f"{path.name} changed: review, then UPDATE_GOLDEN=1"


@pytest.mark.parametrize("definition", DEFAULTS, ids=lambda d: d.id)
def test_every_default_passes_our_checker_and_uses_no_lambda(definition: CategoryDefinition) -> None:
    asl = compile_category(definition, 3, RESOURCES)
    validate_asl(asl)
    resources = {s["Resource"] for s in asl["States"].values() if s["Type"] == "Task"}
    assert resources <= {CALLBACK, SNS_PUBLISH, DDB_UPDATE}
    assert all(len(name) <= 80 for name in asl["States"])
    assert (
        asl["StartAt"]
        == f"{definition.steps[0].title} — {definition.team(definition.steps[0].owner_team).name}"
    )


@pytest.mark.costly
def test_every_default_passes_cfn_lint_and_a_broken_definition_does_not() -> None:
    from cfnlint.api import lint_all

    # One cfn-lint run for all of them (loading its rules and schemas again per test cost seconds).
    # Each definition goes in as the JSON text Step Functions receives (DefinitionString): cfn-lint
    # checks it against the same ASL schema as an inline Definition, but as plain JSON, without
    # walking every value as a place a CloudFormation function could be; that walk was three
    # quarters of the CPU. billing-error carries one field ASL does not know, which proves in the
    # same run that the definitions were really checked.
    definitions = {definition.id: compile_category(definition, 1, RESOURCES) for definition in DEFAULTS}
    definitions["billing-error"]["States"]["Resolve"]["TimeoutAfter"] = 5  # not an ASL field
    template = {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Resources": {
            category_id.replace("-", ""): {
                "Type": "AWS::StepFunctions::StateMachine",
                "Properties": {
                    "StateMachineName": state_machine_name(category_id, 1),
                    "StateMachineType": "STANDARD",
                    "RoleArn": "arn:aws:iam::123456789012:role/complaintdesk-workflows",
                    "DefinitionString": asl_json(definition),
                },
            }
            for category_id, definition in definitions.items()
        },
    }
    findings: dict[str, list[str]] = {logical_id: [] for logical_id in template["Resources"]}
    for match in lint_all(json.dumps(template)):
        if match.rule.id[0] in "EW":
            # A finding outside a machine (the template as a whole) is listed under its own path.
            path = [str(part) for part in match.path]
            owner = path[1] if path[:1] == ["Resources"] and len(path) > 1 else "/".join(path)
            findings.setdefault(owner, []).append(f"{match} at {'/'.join(path[2:])}")
    # The field put in billing-error is its one finding (an error elsewhere in it would be another) ...
    broken = findings.pop("billingerror")
    assert len(broken) == 1 and broken[0].startswith("[E3601"), broken
    assert broken[0].endswith("Properties/DefinitionString/States/Resolve/TimeoutAfter"), broken
    # ... and no other default has an error or a warning (the dict names the machine that has one).
    # cfn-lint 1.58 reports an error inside a list of a DefinitionString as E1101 (building its
    # message fails on the list index): lint that machine as a Definition to read the error itself.
    assert findings == {logical_id: [] for logical_id in findings}


def test_billing_error_reads_like_the_plan() -> None:
    states = compile_category(by_id("billing-error"), 1, RESOURCES)["States"]
    investigate = states["Investigate — Billing team"]
    assert investigate["Resource"] == CALLBACK
    assert investigate["TimeoutSecondsPath"] == "$.reply.clock.seconds[0]"
    assert investigate["ResultPath"] == "$.reply"
    assert investigate["Catch"] == [
        {"ErrorEquals": ["States.Timeout"], "ResultPath": "$.timeout", "Next": "Escalate L1 — Billing lead"}
    ]
    body = investigate["Parameters"]["MessageBody"]
    assert body["task_token.$"] == "$$.Task.Token"
    assert (body["kind"], body["step"], body["level"]) == ("step", "investigate", 0)
    escalate = states["Escalate L1 — Billing lead"]
    assert escalate["Resource"] == SNS_PUBLISH and escalate["Next"] == "Investigate — Billing team (after L1)"
    assert escalate["Parameters"]["Message"]["data"]["notify"] == [{"kind": "manager", "value": "billing"}]
    assert (
        states["Investigate — Billing team (after L2)"]["Catch"][0]["Next"] == "Mark breached — Investigate"
    )
    assert "TimeoutSecondsPath" not in states["Investigate — Billing team (breached)"]
    # the customer wait reads its own entries of the clock (after the step's levels 0..2)
    parked = states["Wait for customer — Investigate (after L1)"]
    assert parked["TimeoutSecondsPath"] == "$.reply.clock.seconds[3]"
    assert parked["Catch"][0]["Next"] == "Remind customer 1 — Investigate (after L1)"
    route = states["Outcome — Investigate (after L1)"]
    with_clock, *plain = route["Choices"]
    assert with_clock["And"][1] == {"Variable": "$.reply.clock.seconds[4]", "IsPresent": True}
    assert with_clock["Next"] == "Wait for customer — Investigate (after L1)"
    assert {c["StringEquals"]: c["Next"] for c in plain} == {
        "done": "Correct the invoice — Finance",
        "waiting_for_customer": "Customer clock — Investigate (after L1)",
        "resume": "Investigate — Billing team (after L1)",
        "resolved": "Wait for follow-up",
        "close": "Close",
    }
    assert route["Default"] == "Investigate — Billing team (after L1)"
    assert states["Outcome — Confirm with the customer"]["Choices"][1]["Next"] == "Resolve"
    assert states["Notify closed"]["End"] is True


def test_shared_escalation_names_are_qualified_by_step() -> None:
    names = set(compile_category(by_id("service-outage"), 1, RESOURCES)["States"])
    assert {
        "Escalate L2 — CTO on call (Confirm and contain)",
        "Escalate L2 — CTO on call (Recover the customer's data)",
    } <= names


def test_without_a_survey_resolution_goes_straight_to_the_reopen_window() -> None:
    data = by_id("billing-error").model_dump()
    data["closing"]["survey_after_days"] = None
    states = compile_category(CategoryDefinition.model_validate(data), 1, RESOURCES)["States"]
    assert "Follow-up survey" not in states
    assert states["Outcome — Resolve"]["Choices"][-2]["Next"] == "Wait for reopen or auto-close"
    validate_asl({"StartAt": "Investigate — Billing team", "States": states})


def test_state_machine_names_carry_the_version() -> None:
    assert state_machine_name("billing-error", 7) == "complaintdesk-billing-error-v7"
    with pytest.raises(ValueError):
        state_machine_name("x" * 80, 1)


# ---- the checker itself ------------------------------------------------------------------------


def billing_asl() -> dict[str, Any]:
    return copy.deepcopy(compile_category(by_id("billing-error"), 1, RESOURCES))


def problems_of(asl: dict[str, Any]) -> list[str]:
    with pytest.raises(AslError) as caught:
        validate_asl(asl)
    return caught.value.problems


def test_checker_reports_missing_targets_and_unreachable_states() -> None:
    asl = billing_asl()
    asl["States"]["Resolve"]["Next"] = "Nowhere"
    found = problems_of(asl)
    assert "state 'Resolve' goes to 'Nowhere', which does not exist" in found
    assert "state 'Outcome — Resolve' can never be reached from 'Investigate — Billing team'" in found


def test_checker_reports_paths_that_never_end() -> None:
    asl = {
        "StartAt": "A",
        "States": {
            "A": {"Type": "Pass", "Next": "B"},
            "B": {
                "Type": "Choice",
                "Choices": [{"Variable": "$.x", "StringEquals": "y", "Next": "A"}],
                "Default": "A",
            },
        },
    }
    assert problems_of(asl) == ["no path from state 'A' ever ends", "no path from state 'B' ever ends"]


def test_checker_refuses_lambda_and_tokenless_callbacks() -> None:
    asl = billing_asl()
    asl["States"]["Resolve"]["Parameters"]["MessageBody"].pop("task_token.$")
    asl["States"]["Close"]["Resource"] = "arn:aws:states:::lambda:invoke"
    found = problems_of(asl)
    assert "the definition refers to AWS Lambda; use a callback task instead" in found
    assert "callback Task 'Resolve' never sends $$.Task.Token" in found


def test_checker_reports_structure_errors() -> None:
    asl = {
        "StartAt": "Missing",
        "States": {
            "A" * 81: {"Type": "Pass", "End": True},
            "C": {"Type": "Choice", "Choices": []},
            "T": {
                "Type": "Task",
                "Resource": "arn:aws:states:::sns:publish",
                "Next": "C",
                "End": True,
                "TimeoutSeconds": 5,
                "TimeoutSecondsPath": "$.t",
            },
            "X": {"Type": "Teleport"},
        },
    }
    found = problems_of(asl)
    assert "StartAt 'Missing' is not a state" in found
    assert f"state name {'A' * 81!r} is longer than 80 characters" in found
    assert "Choice state 'C' has no Choices" in found
    assert "Choice state 'C' has no Default (an unexpected answer would fail the run)" in found
    assert "state 'T' must have exactly one of Next or End" in found
    assert "Task 'T' has both TimeoutSeconds and TimeoutSecondsPath" in found
    assert "state 'X' has unknown Type 'Teleport'" in found
    assert problems_of({"States": {}}) == ["the definition has no States"]
