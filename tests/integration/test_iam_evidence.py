"""Permissions from evidence, end to end: real calls of real handlers (moto in-process), recorded
and checked against the roles of the SAM-transformed template.yaml.

The whole suite is checked the same way by the plugin (tests/support/iam_evidence.py); these tests
pin down the paths the rest of the suite does not reach (category publish recovery) and show that
the attribution is right: a function's calls are its own, test code and moto's executor are nobody's.
"""

from __future__ import annotations

import json
import threading

import boto3
import pytest

from tests.integration.test_workflow_api import Flow, plan
from tests.support.aws import reset_caches
from tests.support.faults import inject_faults
from tests.support.iam import CallRecorder, check


@pytest.fixture
def flow(api, stack, deliver, monkeypatch):
    """wf-demo published at a time scale of 3600 (one SLA hour = one second), as test_workflow_api's."""
    from complaintdesk.settings import reset_settings

    monkeypatch.setenv("TIME_SCALE", "3600")
    reset_settings()
    assert api.put("/categories/wf-demo", plan(), role="admin")[0] == 201
    return Flow(api, stack, deliver)


def recording(stack):
    recorder = CallRecorder().start()
    recorder.add_stack(stack)
    reset_caches()  # clients built from here on are hooked
    return recorder


def operations(recorder, function):
    return {f"{c.service}:{c.operation}" for c in recorder.calls if c.function == function}


def test_publish_recovery_updates_a_left_over_machine_and_deletes_a_lost_one(api, stack):
    # Given a state machine a failed publish left behind under the name version 1 will take
    sfn = boto3.client("stepfunctions")
    left_over = f"{stack.env['STATE_MACHINE_PREFIX']}-wf-demo-v1"
    sfn.create_state_machine(
        name=left_over,
        definition=json.dumps({"StartAt": "Idle", "States": {"Idle": {"Type": "Pass", "End": True}}}),
        roleArn=stack.arns["WorkflowRole"],
    )
    recorder = recording(stack)
    try:
        # When the category is published: the left-over machine is brought up to the definition.
        # AWS answers StateMachineAlreadyExists to a create with the name of a machine whose
        # definition differs (CreateStateMachine API reference); moto returns the old machine
        # instead, so the answer is AWS's own, injected.
        with inject_faults() as faults:
            reset_caches()
            faults.hard("stepfunctions", "CreateStateMachine", code="StateMachineAlreadyExists", status=400)
            status, body = api.put("/categories/wf-demo", plan(), role="admin")
        assert status == 201 and body["state_machine_arn"].endswith(left_over)
        definition = json.loads(
            sfn.describe_state_machine(stateMachineArn=body["state_machine_arn"])["definition"]
        )
        assert "Idle" not in definition["States"]
        # And when the next version loses its write (someone else published): its machine is deleted
        with inject_faults() as faults:
            reset_caches()
            faults.hard("dynamodb", "TransactWriteItems", code="TransactionCanceledException", status=400)
            status, _ = api.put("/categories/wf-demo", plan(investigate_sla="5h"), role="admin")
        assert status == 409
    finally:
        recorder.stop()
        reset_caches()
    names = [m["name"] for m in sfn.list_state_machines()["stateMachines"]]
    assert left_over in names and left_over.replace("-v1", "-v2") not in names

    # Then the API function made those calls, and its role allows every one of them
    made = operations(recorder, "ApiFunction")
    assert {
        "stepfunctions:CreateStateMachine",
        "stepfunctions:UpdateStateMachine",
        "stepfunctions:DeleteStateMachine",
    } <= made
    report = check(recorder)
    assert report.refused == [], "\n".join(report.lines())


def test_calls_belong_to_the_function_whose_code_made_them(stack):
    from functions.watch_executions.app import lambda_handler
    from infra.local.pollers import LambdaContext
    from tests.integration.test_watch_executions import sample

    recorder = recording(stack)
    try:
        # Given test code that writes on its own, from this thread and from another one
        table = stack.physical["TicketsTable"]
        dynamodb = boto3.client("dynamodb")
        dynamodb.put_item(TableName=table, Item={"PK": {"S": "TEST#1"}, "SK": {"S": "A"}})
        worker = threading.Thread(
            target=dynamodb.get_item,
            kwargs={"TableName": table, "Key": {"PK": {"S": "TEST#1"}, "SK": {"S": "A"}}},
        )
        worker.start()
        worker.join()
        # When a function handles an event (the sample EventBridge sends for a failed plan)
        event = sample()
        lambda_handler(event, LambdaContext("WatchExecutionsFunction"))
    finally:
        recorder.stop()
        reset_caches()
    # Then only the handler's call is the function's; the test's own calls are nobody's
    assert {c.function for c in recorder.calls} == {"WatchExecutionsFunction"}
    assert operations(recorder, "WatchExecutionsFunction") == {"dynamodb:PutItem"}
    assert recorder.unattributed[("dynamodb", "PutItem")] == 1
    assert recorder.unattributed[("dynamodb", "GetItem")] == 1
    assert check(recorder).ok


def test_an_emailed_reply_answers_step_functions_from_the_intake_function(flow):
    from complaintdesk import signing
    from tests.integration.mail.conftest import message
    from tests.integration.test_workflow_api import complaint, waiting_on

    # Given a step parked for the customer
    api, stack = flow.api, flow.stack
    tid = api.post("/tickets", complaint())[1]["ticket_id"]
    flow.until(tid, waiting_on("triage"), "triage")
    api.post(f"/tickets/{tid}/steps/triage/complete", {})
    flow.until(tid, waiting_on("investigate"), "investigate")
    api.post(
        f"/tickets/{tid}/steps/investigate/complete", {"outcome": "waiting_for_customer", "notes": "Invoice?"}
    )
    flow.until(tid, lambda t: t["workflow"]["waiting_for"] == "customer_wait", "the customer wait")
    recorder = recording(stack)
    try:
        # When the customer's reply arrives the way SES stores it (S3 → queue → the intake function)
        reply = message(
            sender="Elif Şahin <elif@example.com>",
            to=signing.reply_address(tid),
            subject=f"Re: [{tid}] Billed twice",
            body="It is INV-2026-11-0042.",
        )
        boto3.client("s3").put_object(
            Bucket=stack.physical["MailBucket"], Key="inbound/reply-1", Body=reply.as_bytes()
        )
        assert flow.deliver("InboundMailQueue") >= 1  # the reply (and S3's one-off test event)
        assert "s3:GetObject" in operations(recorder, "EmailIngestFunction"), "the intake never read the mail"
        flow.until(tid, waiting_on("investigate"), "the step to resume")
    finally:
        recorder.stop()
        reset_caches()
    # Then the intake function answered the task token, and its role allows it
    assert "stepfunctions:SendTaskSuccess" in operations(recorder, "EmailIngestFunction")
    report = check(recorder)
    assert report.refused == [], "\n".join(report.lines())
