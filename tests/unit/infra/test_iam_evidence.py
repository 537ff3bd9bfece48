"""The permissions checker itself (tests/support/iam.py): what a call needs, how a role is evaluated,
what is reported. A small SAM template of its own, translated offline like template.yaml."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import yaml

from infra.local.template import Intrinsics
from tests.support.iam import (
    REPO_ROOT,
    Call,
    CallRecorder,
    Need,
    Policy,
    Statement,
    check,
    needs,
)

REGION, ACCOUNT, STAGE = "us-east-1", "123456789012", "t1"
TABLE = f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/{STAGE}-Orders"
OTHER_TABLE = f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/{STAGE}-Others"


def table(name: str) -> dict[str, Any]:
    return {
        "Type": "AWS::DynamoDB::Table",
        "Properties": {
            "TableName": {"Fn::Sub": "${Stage}-" + name},
            "AttributeDefinitions": [{"AttributeName": "PK", "AttributeType": "S"}],
            "KeySchema": [{"AttributeName": "PK", "KeyType": "HASH"}],
            "BillingMode": "PAY_PER_REQUEST",
        },
    }


TEMPLATE = {
    "AWSTemplateFormatVersion": "2010-09-09",
    "Transform": "AWS::Serverless-2016-10-31",
    "Parameters": {"Stage": {"Type": "String", "Default": "dev"}},
    "Resources": {
        "Orders": table("Orders"),
        "Others": table("Others"),
        "Fn": {
            "Type": "AWS::Serverless::Function",
            "Properties": {
                "CodeUri": "functions/fake/",
                "Handler": "app.lambda_handler",
                "Runtime": "python3.11",
                "Policies": [
                    {"DynamoDBReadPolicy": {"TableName": {"Ref": "Orders"}}},
                    {
                        "Statement": [
                            {
                                "Sid": "StartPlans",
                                "Effect": "Allow",
                                "Action": "states:StartExecution",
                                "Resource": {
                                    "Fn::Sub": "arn:${AWS::Partition}:states:${AWS::Region}:"
                                    "${AWS::AccountId}:stateMachine:cd-${Stage}-*"
                                },
                            },
                            {
                                "Sid": "Tokens",
                                "Effect": "Allow",
                                "Action": "STATES:SendTask*",
                                "Resource": "*",
                            },
                            {
                                "Sid": "Sms",
                                "Effect": "Allow",
                                "Action": "sns:Publish",
                                "NotResource": "arn:aws:sns:*:*:*",
                            },
                            {"Sid": "NoScans", "Effect": "Deny", "Action": "dynamodb:Scan", "Resource": "*"},
                        ]
                    },
                ],
            },
        },
    },
}


@pytest.fixture(scope="module")
def template_path(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("sam") / "template.yaml"
    path.write_text(yaml.safe_dump(TEMPLATE))
    return str(path)


def fake_stack() -> SimpleNamespace:
    """What create_local_resources would hand back for the small template, stage t1."""
    physical = {"Orders": f"{STAGE}-Orders", "Others": f"{STAGE}-Others"}
    intrinsics = Intrinsics(
        template=TEMPLATE,
        parameters={"Stage": STAGE},
        pseudo={"AWS::AccountId": ACCOUNT, "AWS::Region": REGION, "AWS::Partition": "aws"},
        refs=dict(physical),
    )
    return SimpleNamespace(
        intrinsics=intrinsics,
        physical=physical,
        arns={"Orders": TABLE, "Others": OTHER_TABLE},
        template=TEMPLATE,
    )


def recorded(*calls: tuple[str, str, dict[str, Any]]) -> CallRecorder:
    recorder = CallRecorder(template=TEMPLATE)
    recorder.add_stack(fake_stack())
    for service, operation, params in calls:
        made = Call("Fn", service, operation, tuple(needs(service, operation, params, REGION, ACCOUNT)), 0)
        recorder.calls[made] += 1
    return recorder


def test_a_call_whose_action_the_role_lacks_is_refused_with_the_statement_it_needs(
    template_path: str,
) -> None:
    # Given a role with read access to Orders (DynamoDBReadPolicy), and a function that writes there
    recorder = recorded(
        ("dynamodb", "GetItem", {"TableName": f"{STAGE}-Orders"}),
        ("dynamodb", "PutItem", {"TableName": f"{STAGE}-Orders"}),
        ("dynamodb", "PutItem", {"TableName": f"{STAGE}-Orders"}),
    )
    # When the calls are checked
    report = check(recorder, template_path)
    # Then the write is refused, once per distinct call, named in template terms
    assert not report.ok
    (refusal,) = report.refused
    assert (refusal.function, refusal.call, refusal.need.action) == (
        "Fn",
        "dynamodb:PutItem",
        "dynamodb:PutItem",
    )
    assert refusal.needed == {
        "Effect": "Allow",
        "Action": "dynamodb:PutItem",
        "Resource": "${Orders.Arn}",
    }
    assert report.counts["Fn"] == {"dynamodb:GetItem": 1, "dynamodb:PutItem": 2}
    assert any("REFUSED" in line for line in report.lines())


def test_a_policy_template_covers_its_table_and_indexes_not_another_table(template_path: str) -> None:
    report = check(
        recorded(
            ("dynamodb", "Query", {"TableName": f"{STAGE}-Orders", "IndexName": "GSI1"}),
            ("dynamodb", "GetItem", {"TableName": f"{STAGE}-Others"}),
        ),
        template_path,
    )
    assert [(r.call, r.shown) for r in report.refused] == [("dynamodb:GetItem", "${Others.Arn}")]


def test_wildcards_in_actions_and_resources(template_path: str) -> None:
    machine = f"arn:aws:states:{REGION}:{ACCOUNT}:stateMachine"
    report = check(
        recorded(
            ("stepfunctions", "StartExecution", {"stateMachineArn": f"{machine}:cd-{STAGE}-billing-v3"}),
            ("stepfunctions", "SendTaskSuccess", {"taskToken": "t", "output": "{}"}),  # STATES:SendTask* on *
            ("stepfunctions", "StartExecution", {"stateMachineArn": f"{machine}:cd-prod-billing-v3"}),
        ),
        template_path,
    )
    assert [r.shown for r in report.refused] == [
        "arn:aws:states:${AWS::Region}:${AWS::AccountId}:stateMachine:cd-prod-billing-v3"
    ]


def test_transact_write_items_is_authorized_as_each_item_action_on_its_table(template_path: str) -> None:
    params = {
        "TransactItems": [
            {"Put": {"TableName": f"{STAGE}-Orders", "Item": {}}},
            {"ConditionCheck": {"TableName": f"{STAGE}-Orders", "Key": {}}},
            {"Update": {"TableName": f"{STAGE}-Others", "Key": {}}},
        ]
    }
    assert needs("dynamodb", "TransactWriteItems", params, REGION, ACCOUNT) == [
        Need("dynamodb:ConditionCheckItem", TABLE),
        Need("dynamodb:PutItem", TABLE),
        Need("dynamodb:UpdateItem", OTHER_TABLE),
    ]
    report = check(recorded(("dynamodb", "TransactWriteItems", params)), template_path)
    # A read-only role: each item is refused as its own action, none as "TransactWriteItems"
    assert sorted((r.need.action, r.shown) for r in report.refused) == [
        ("dynamodb:ConditionCheckItem", "${Orders.Arn}"),
        ("dynamodb:PutItem", "${Orders.Arn}"),
        ("dynamodb:UpdateItem", "${Others.Arn}"),
    ]


def test_not_resource_covers_sms_only_and_an_explicit_deny_wins(template_path: str) -> None:
    report = check(
        recorded(
            ("sns", "Publish", {"PhoneNumber": "+15555550100", "Message": "hi"}),
            ("sns", "Publish", {"TopicArn": f"arn:aws:sns:{REGION}:{ACCOUNT}:events", "Message": "hi"}),
            ("dynamodb", "Scan", {"TableName": f"{STAGE}-Orders"}),  # granted by the read policy, denied
        ),
        template_path,
    )
    assert sorted(r.call for r in report.refused) == ["dynamodb:Scan", "sns:Publish"]
    (topic,) = [r for r in report.refused if r.call == "sns:Publish"]
    assert topic.need.resource.endswith(":events")


def test_grants_no_call_used_are_listed_not_failed(template_path: str) -> None:
    report = check(recorded(("dynamodb", "GetItem", {"TableName": f"{STAGE}-Orders"})), template_path)
    assert report.ok
    unused = {u.statement: u for u in report.unused["Fn"]}
    reads = next(u for name, u in unused.items() if name.startswith("FnRolePolicy0"))
    assert not reads.whole and "dynamodb:Query" in reads.actions and "dynamodb:GetItem" not in reads.actions
    assert unused["FnRolePolicy1/Sms"].whole and unused["FnRolePolicy1/StartPlans"].whole
    assert "NoScans" not in " ".join(unused)  # a Deny grants nothing


def test_pass_role_is_checked_with_the_service_it_is_passed_to() -> None:
    role = f"arn:aws:iam::{ACCOUNT}:role/workflow"
    create = needs(
        "stepfunctions",
        "CreateStateMachine",
        {"name": "cd-t1-x-v1", "definition": "{}", "roleArn": role, "tags": [{"key": "k", "value": "v"}]},
        REGION,
        ACCOUNT,
    )
    assert [n.action for n in create] == ["states:CreateStateMachine", "states:TagResource", "iam:PassRole"]
    pass_role = create[2]

    def grant(service: str) -> Policy:
        statement = {
            "Effect": "Allow",
            "Action": "iam:PassRole",
            "Resource": role,
            "Condition": {"StringEquals": {"iam:PassedToService": service}},
        }
        return Policy("Fn", [Statement.parse(statement, "pass")])

    assert grant("states.amazonaws.com").decide(pass_role).allowed
    assert not grant("lambda.amazonaws.com").decide(pass_role).allowed


@pytest.mark.parametrize(
    ("service", "operation", "params", "expected"),
    [
        (
            "sqs",
            "DeleteMessageBatch",
            {"QueueUrl": f"https://sqs.{REGION}.amazonaws.com/{ACCOUNT}/work", "Entries": []},
            [Need("sqs:DeleteMessage", f"arn:aws:sqs:{REGION}:{ACCOUNT}:work")],
        ),
        ("s3", "ListObjectsV2", {"Bucket": "mail"}, [Need("s3:ListBucket", "arn:aws:s3:::mail")]),
        (
            "s3",
            "HeadObject",
            {"Bucket": "mail", "Key": "a/b"},
            [Need("s3:GetObject", "arn:aws:s3:::mail/a/b")],
        ),
        (
            "s3",
            "CopyObject",
            {"Bucket": "mail", "Key": "b", "CopySource": {"Bucket": "mail", "Key": "a"}},
            [Need("s3:GetObject", "arn:aws:s3:::mail/a"), Need("s3:PutObject", "arn:aws:s3:::mail/b")],
        ),
        (
            "ses",
            "SendRawEmail",
            {"Source": "Desk <desk@example.com>", "RawMessage": {"Data": b""}},
            [Need("ses:SendRawEmail", f"arn:aws:ses:{REGION}:{ACCOUNT}:identity/desk@example.com")],
        ),
        ("cloudwatch", "PutMetricData", {"Namespace": "x"}, [Need("cloudwatch:PutMetricData", "*")]),
    ],
)
def test_what_a_call_needs_of_iam(
    service: str, operation: str, params: dict[str, Any], expected: list[Need]
) -> None:
    assert needs(service, operation, params, REGION, ACCOUNT) == expected


# ---- attribution: whose code is on the stack


def frame_from(filename: Path | str, inner: Callable[[], Any] = lambda: sys._getframe(1)) -> Any:
    """A frame of code compiled as if it lived in ``filename``, calling ``inner`` from there."""
    namespace: dict[str, Any] = {}
    exec(compile("def entry(inner):\n    return inner()\n", str(filename), "exec"), namespace)
    return namespace["entry"](inner)


def test_a_call_belongs_to_the_innermost_function_code_on_its_stack() -> None:
    recorder = CallRecorder()  # template.yaml's own functions
    handler = REPO_ROOT / "functions" / "notify" / "app.py"
    route = REPO_ROOT / "layers" / "complaintdesk" / "python" / "complaintdesk" / "routes" / "tickets.py"
    assert recorder.function_of(frame_from(handler)) == "NotifyFunction"
    assert recorder.function_of(frame_from(route)) == "ApiFunction"
    # Test code (this file) is nobody's
    assert recorder.function_of(sys._getframe()) is None


def test_moto_calling_services_for_an_execution_is_not_the_function() -> None:
    recorder = CallRecorder()
    handler = REPO_ROOT / "functions" / "publish" / "app.py"
    moto_file = Path(pytest.__file__).parent.parent / "moto" / "stepfunctions" / "models.py"
    # A handler starts an execution; moto's executor, under it on the same stack, calls SQS
    frame = frame_from(handler, lambda: frame_from(moto_file))
    assert recorder.function_of(frame) is None


def test_an_event_source_mapping_polls_with_its_function_role() -> None:
    recorder = CallRecorder()
    poller = REPO_ROOT / "infra" / "local" / "pollers.py"
    namespace: dict[str, Any] = {}
    source = "def poll_once(self):\n    import sys\n    return sys._getframe()\n"
    exec(compile(source, str(poller), "exec"), namespace)
    frame = namespace["poll_once"](SimpleNamespace(function_name="NotifyFunction"))
    assert recorder.function_of(frame) == "NotifyFunction (event source)"


def test_moto_running_a_state_machine_acts_as_the_workflow_role() -> None:
    recorder = CallRecorder()
    executor = Path(pytest.__file__).parent.parent / "moto" / "stepfunctions" / "parser" / "asl" / "task.py"
    # The executor's service integrations (sqs:sendMessage.waitForTaskToken, sns:publish …), on a
    # thread of its own or under a StartExecution: the state machine's role, not the starter's
    assert recorder.function_of(frame_from(executor)) == "WorkflowRole (state machine)"
    handler = REPO_ROOT / "functions" / "publish" / "app.py"
    assert (
        recorder.function_of(frame_from(handler, lambda: frame_from(executor)))
        == "WorkflowRole (state machine)"
    )


def test_a_state_machine_on_a_test_drivers_own_resources_is_not_checked(template_path: str) -> None:
    recorder = recorded()
    queue = f"https://sqs.{REGION}.amazonaws.com/{ACCOUNT}/driver-callbacks"
    needed = tuple(needs("sqs", "SendMessage", {"QueueUrl": queue}, REGION, ACCOUNT))
    recorder.calls[Call("WorkflowRole (state machine)", "sqs", "SendMessage", needed, 0)] += 3
    recorder.calls[Call("Fn", "sqs", "SendMessage", needed, 0)] += 1  # a function is always checked
    report = check(recorder, template_path)
    assert [r.function for r in report.refused] == ["Fn"]
    assert report.unchecked == {
        "WorkflowRole (state machine) sqs:SendMessage (resources not from template.yaml)": 3
    }
