"""The ``stack`` fixture's moto is one per process, yet each test starts from nothing of another's.

tests/support/aws.py ``MotoSession``: a test's stage lives in backends emptied at its start; only the
Cognito pool (with the role users), the KMS key and the IAM roles are kept, and they are built again
when a test changed them.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import boto3
import pytest

from tests.support.aws import ACCOUNT, REGION, MotoSession


def leave_traces(stack: Any) -> None:
    """A ticket-table item, a queue message, an SNS SMS and an SES mail, as a test leaves them."""
    boto3.client("dynamodb").put_item(
        TableName=stack.physical["TicketsTable"], Item={"PK": {"S": "TICKET#1"}, "SK": {"S": "META"}}
    )
    boto3.client("sqs").send_message(QueueUrl=stack.physical["NotifyQueue"], MessageBody="{}")
    boto3.client("sns").publish(PhoneNumber="+905551112233", Message="hello")
    boto3.client("ses").send_email(
        Source="support@complaintdesk.example",
        Destination={"ToAddresses": ["a@example.com"]},
        Message={"Subject": {"Data": "s"}, "Body": {"Text": {"Data": "b"}}},
    )


def test_a_test_sees_nothing_an_earlier_test_left(moto_session: MotoSession) -> None:
    from moto.ses.models import ses_backends
    from moto.sns.models import sns_backends

    # Given a test that left an item, a queued message, an SMS and a mail behind
    first = moto_session.begin(stage="isoa")
    try:
        leave_traces(first)
    finally:
        moto_session.end()
    # When the next test starts
    second = moto_session.begin(stage="isob")
    try:
        # Then none of it is there: only the new stage's table and queues, nothing sent
        tables = boto3.client("dynamodb").list_tables()["TableNames"]
        assert first.physical["TicketsTable"] not in tables and second.physical["TicketsTable"] in tables
        assert all("-isob-" in url for url in boto3.client("sqs").list_queues()["QueueUrls"])
        got = boto3.client("sqs").receive_message(QueueUrl=second.physical["NotifyQueue"], WaitTimeSeconds=0)
        assert "Messages" not in got
        assert ses_backends[ACCOUNT][REGION].sent_messages == []
        assert not sns_backends[ACCOUNT][REGION].sms_messages
        # And the costly shared parts were kept
        assert second.user_pool_id == first.user_pool_id
        assert second.arns["WorkflowRole"] == first.arns["WorkflowRole"]
    finally:
        moto_session.end()


def test_shared_parts_a_test_changed_are_built_again(moto_session: MotoSession) -> None:
    # Given a test that disabled a role's user in the shared pool
    first = moto_session.begin(stage="isoc")
    try:
        moto_session.tokens(first)
        boto3.client("cognito-idp").admin_disable_user(
            UserPoolId=first.user_pool_id, Username="agent@complaintdesk.local"
        )
    finally:
        moto_session.end()
    # When the next test starts
    second = moto_session.begin(stage="isod")
    try:
        # Then it gets a new pool whose agent can sign in again
        assert second.user_pool_id != first.user_pool_id
        user = boto3.client("cognito-idp").admin_get_user(
            UserPoolId=second.user_pool_id, Username="agent@complaintdesk.local"
        )
        assert user["Enabled"] is True
        assert set(moto_session.tokens(second)) == {"agent", "manager", "admin", "integration"}
    finally:
        moto_session.end()


def test_a_reads_only_test_gets_the_stage_before_it_only_if_nothing_was_written(
    moto_session: MotoSession,
) -> None:
    # Given a reads_only test that wrote nothing
    first = moto_session.begin(stage="isoe", reuse_untouched=True)
    try:
        assert boto3.client("dynamodb").scan(TableName=first.physical["TicketsTable"])["Count"] == 0
    finally:
        assert moto_session.end(check_untouched=True) is None
    # When the next reads_only test starts, it gets that stage again
    second = moto_session.begin(stage="isof", reuse_untouched=True)
    try:
        assert second is first
        # And when it writes (an item, a message, an SMS, a mail), its end says so: the test fails
        leave_traces(second)
    finally:
        written = moto_session.end(check_untouched=True)
    assert written is not None and written[0] != written[1]
    # Then the reads_only test after it gets a new, empty stage
    third = moto_session.begin(stage="isog", reuse_untouched=True)
    try:
        assert third.physical["TicketsTable"] != first.physical["TicketsTable"]
        assert first.physical["TicketsTable"] not in boto3.client("dynamodb").list_tables()["TableNames"]
        got = boto3.client("sqs").receive_message(QueueUrl=third.physical["NotifyQueue"], WaitTimeSeconds=0)
        assert "Messages" not in got
    finally:
        assert moto_session.end(check_untouched=True) is None
    # And a test not marked reads_only never gets an earlier stage
    fourth = moto_session.begin(stage="isoh")
    try:
        assert fourth.physical["TicketsTable"] != third.physical["TicketsTable"]
    finally:
        assert moto_session.end() is None


def test_a_write_from_elsewhere_keeps_a_stage_from_being_given_again(moto_session: MotoSession) -> None:
    # Given an untouched stage, then something written to it between two tests (a timer, a thread)
    first = moto_session.begin(stage="isoi", reuse_untouched=True)
    moto_session.end(check_untouched=True)
    with mock_aws_kept():
        boto3.client("sqs").send_message(QueueUrl=first.physical["NotifyQueue"], MessageBody="{}")
    # When the next reads_only test starts, then it gets a new stage with no message
    second = moto_session.begin(stage="isoj", reuse_untouched=True)
    try:
        assert second.physical["NotifyQueue"] != first.physical["NotifyQueue"]
        got = boto3.client("sqs").receive_message(QueueUrl=second.physical["NotifyQueue"], WaitTimeSeconds=0)
        assert "Messages" not in got
    finally:
        moto_session.end(check_untouched=True)


@contextmanager
def mock_aws_kept() -> Iterator[None]:
    """moto started without emptying it, as another test's moto would be."""
    from moto import mock_aws

    mock = mock_aws()
    mock.start(reset=False)
    try:
        yield
    finally:
        mock.stop(remove_data=False)


@pytest.mark.waits
def test_an_execution_left_waiting_sends_nothing_into_the_next_stage_of_the_same_name(
    moto_session: MotoSession,
) -> None:
    import json
    import time

    # Given a test whose execution waits two seconds, then sends to the stage's notify queue
    first = moto_session.begin(stage="isok")
    try:
        sfn = boto3.client("stepfunctions")
        definition = {
            "StartAt": "Later",
            "States": {
                "Later": {"Type": "Wait", "Seconds": 2, "Next": "Send"},
                "Send": {
                    "Type": "Task",
                    "Resource": "arn:aws:states:::sqs:sendMessage",
                    "Parameters": {"QueueUrl": first.physical["NotifyQueue"], "MessageBody": "late"},
                    "End": True,
                },
            },
        }
        machine = sfn.create_state_machine(
            name="isok-late", definition=json.dumps(definition), roleArn=first.arns["WorkflowRole"]
        )["stateMachineArn"]
        sfn.start_execution(stateMachineArn=machine)
    finally:
        moto_session.end()
    # When the next test gets a stage of the same name, and the wait is over
    second = moto_session.begin(stage="isok")
    try:
        assert second.physical["NotifyQueue"] == first.physical["NotifyQueue"]
        time.sleep(3)
        # Then the execution was stopped when its test ended, and nothing reached the new queue
        got = boto3.client("sqs").receive_message(QueueUrl=second.physical["NotifyQueue"], WaitTimeSeconds=0)
        assert "Messages" not in got
    finally:
        moto_session.end()


def test_a_stage_has_the_alarms_only_for_a_test_that_asks(moto_session: MotoSession) -> None:
    from infra.local.template import load_template
    from tests.support.aws import ALARM_TYPES

    template_alarms = {
        lid
        for lid, resource in load_template()["Resources"].items()
        if resource["Type"] == "AWS::CloudWatch::Alarm"
    }
    assert len(template_alarms) >= 10 and "AWS::CloudWatch::Alarm" in ALARM_TYPES
    # Given a stage made for a test not marked ``alarms``
    plain = moto_session.begin(stage="plain", with_alarms=False)
    try:
        # Then it has no alarm and no dashboard, and everything else
        cloudwatch = boto3.client("cloudwatch")
        assert cloudwatch.describe_alarms()["MetricAlarms"] == []
        assert cloudwatch.list_dashboards()["DashboardEntries"] == []
        assert not template_alarms & set(plain.physical)
        assert {"TicketsTable", "NotifyQueue", "EventsTopic"} <= set(plain.physical)
    finally:
        moto_session.end()
    # When a test marked ``alarms`` asks for its stage
    watched = moto_session.begin(stage="watched", with_alarms=True)
    try:
        # Then every alarm of the template is there, as on AWS
        names = {alarm["AlarmName"] for alarm in boto3.client("cloudwatch").describe_alarms()["MetricAlarms"]}
        assert names == {watched.physical[lid] for lid in template_alarms}
    finally:
        moto_session.end()
