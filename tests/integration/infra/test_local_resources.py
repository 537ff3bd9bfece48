"""create_local_resources builds template.yaml's resources in moto, matching the template."""

from __future__ import annotations

import json
import shutil
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote_plus

import boto3
import pytest
from moto import mock_aws

from infra.local.resources import (
    LocalResources,
    UnsupportedTemplateError,
    create_local_resources,
    function_environment,
)
from infra.local.template import load_template

REPO_ROOT = Path(__file__).resolve().parents[3]
TEMPLATE = REPO_ROOT / "template.yaml"
REGION = "us-east-1"


@pytest.fixture(scope="module")
def template() -> dict[str, Any]:
    return load_template(TEMPLATE)


@pytest.fixture(scope="module")
def local() -> Iterator[LocalResources]:
    """One moto in-process account with the whole template created in it (read-only tests share it)."""
    with pytest.MonkeyPatch.context() as env, mock_aws():
        env.setenv("AWS_DEFAULT_REGION", REGION)
        env.setenv("AWS_REGION", REGION)
        yield create_local_resources(
            boto3.Session(region_name=REGION), stage="it", api_url="http://127.0.0.1:9999"
        )


@pytest.fixture
def aws(local: LocalResources) -> Any:
    session = boto3.Session(region_name=REGION)
    return session.client


def receive_all(sqs: Any, url: str) -> list[str]:
    messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=0).get(
        "Messages", []
    )
    for message in messages:
        sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    return [message["Body"] for message in messages]


def test_tables_have_the_templates_keys_indexes_stream_and_ttl(
    local: LocalResources, aws: Any, template: dict[str, Any]
) -> None:
    dynamodb = aws("dynamodb")
    expected = template["Resources"]["TicketsTable"]["Properties"]
    table = dynamodb.describe_table(TableName=local.physical["TicketsTable"])["Table"]
    assert table["KeySchema"] == expected["KeySchema"]
    assert table["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    created = {
        gsi["IndexName"]: (gsi["KeySchema"], gsi["Projection"]) for gsi in table["GlobalSecondaryIndexes"]
    }
    assert created == {
        gsi["IndexName"]: (gsi["KeySchema"], gsi["Projection"]) for gsi in expected["GlobalSecondaryIndexes"]
    }
    assert table["StreamSpecification"] == {"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"}
    assert local.arns["TicketsTable"] == table["TableArn"]
    ttl = dynamodb.describe_time_to_live(TableName=local.physical["TicketsTable"])["TimeToLiveDescription"]
    assert (ttl["AttributeName"], ttl["TimeToLiveStatus"]) == ("expires_at", "ENABLED")
    backups = dynamodb.describe_continuous_backups(TableName=local.physical["TicketsTable"])
    pitr = backups["ContinuousBackupsDescription"]["PointInTimeRecoveryDescription"]
    assert pitr["PointInTimeRecoveryStatus"] == "ENABLED"
    idempotency = dynamodb.describe_time_to_live(TableName=local.physical["IdempotencyTable"])
    assert idempotency["TimeToLiveDescription"]["AttributeName"] == "expiration"


@pytest.mark.parametrize(
    ("queue", "dlq"),
    [("CallbackQueue", "CallbackDLQ"), ("NotifyQueue", "NotifyDLQ"), ("InboundMailQueue", "InboundMailDLQ")],
)
def test_queues_redrive_to_their_dlq(local: LocalResources, aws: Any, queue: str, dlq: str) -> None:
    attributes = aws("sqs").get_queue_attributes(QueueUrl=local.physical[queue], AttributeNames=["All"])[
        "Attributes"
    ]
    assert json.loads(attributes["RedrivePolicy"]) == {
        "deadLetterTargetArn": local.arns[dlq],
        "maxReceiveCount": 5,
    }
    assert attributes["VisibilityTimeout"] == "180"


def test_every_queues_arn_is_the_one_sqs_reports(local: LocalResources, aws: Any, template: Any) -> None:
    queues = [k for k, v in template["Resources"].items() if v["Type"] == "AWS::SQS::Queue"]
    assert len(queues) >= 6
    for queue in queues:
        reported = aws("sqs").get_queue_attributes(
            QueueUrl=local.physical[queue], AttributeNames=["QueueArn"]
        )
        assert local.arns[queue] == reported["Attributes"]["QueueArn"], queue


def test_events_reach_the_notify_queue_raw(local: LocalResources, aws: Any) -> None:
    # Given the notify subscription with raw delivery
    sqs = aws("sqs")
    (subscription,) = aws("sns").list_subscriptions_by_topic(TopicArn=local.arns["EventsTopic"])[
        "Subscriptions"
    ]
    attributes = aws("sns").get_subscription_attributes(SubscriptionArn=subscription["SubscriptionArn"])
    assert attributes["Attributes"]["RawMessageDelivery"] == "true"
    assert subscription["Endpoint"] == local.arns["NotifyQueue"]
    # When an event is published
    event = {"type": "ticket.created", "id": "evt-1", "ticket_id": "C-2026-000001"}
    aws("sns").publish(TopicArn=local.env["EVENTS_TOPIC_ARN"], Message=json.dumps(event))
    # Then the queue's message body is the event itself, not an SNS envelope
    assert [json.loads(body) for body in receive_all(sqs, local.physical["NotifyQueue"])] == [event]


def test_inbound_mail_in_s3_notifies_the_inbound_queue(local: LocalResources, aws: Any) -> None:
    sqs, s3 = aws("sqs"), aws("s3")
    bucket = local.env["MAIL_BUCKET"]
    # S3 announces a new notification configuration with a test event (AWS does the same).
    bodies = [json.loads(body) for body in receive_all(sqs, local.physical["InboundMailQueue"])]
    assert all(body.get("Event") == "s3:TestEvent" for body in bodies)
    # When SES (or the local SMTP server) stores a message under inbound/, and an attachment elsewhere
    s3.put_object(Bucket=bucket, Key="inbound/msg-1", Body=b"Subject: hello\r\n\r\nbody\r\n")
    s3.put_object(Bucket=bucket, Key="attachments/C-2026-000001/a.pdf", Body=b"%PDF")
    # Then only the inbound object is announced, as an S3 event record
    (body,) = [json.loads(b) for b in receive_all(sqs, local.physical["InboundMailQueue"])]
    (record,) = body["Records"]
    assert record["s3"]["bucket"]["name"] == bucket
    # Keys in S3 events are URL-encoded (moto also encodes "/"): consumers decode with unquote_plus.
    assert unquote_plus(record["s3"]["object"]["key"]) == "inbound/msg-1"
    assert (
        s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"]["BlockPublicAcls"] is True
    )
    rules = s3.get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"]
    assert {rule["ID"] for rule in rules} == {
        "expire-raw-inbound-mail",
        "attachments-to-infrequent-access",
        "abort-incomplete-uploads",
        "expire-old-versions",
    }
    # Versioned: an overwritten or deleted raw message stays recoverable for 30 days.
    assert s3.get_bucket_versioning(Bucket=bucket)["Status"] == "Enabled"
    (old_versions,) = [rule for rule in rules if rule["ID"] == "expire-old-versions"]
    assert old_versions["NoncurrentVersionExpiration"] == {"NoncurrentDays": 30}
    policy = json.loads(s3.get_bucket_policy(Bucket=bucket)["Policy"])
    # The HTTPS-only Deny is left out locally (moto ignores its condition); SES's Allow stays.
    assert [statement["Sid"] for statement in policy["Statement"]] == ["AllowSesToStoreInboundMail"]


def test_ses_receipt_rules_are_active_and_the_sender_verified(local: LocalResources, aws: Any) -> None:
    ses = aws("ses")
    active = ses.describe_active_receipt_rule_set()
    assert active["Metadata"]["Name"] == "complaintdesk-it"
    (rule,) = active["Rules"]
    assert rule["Recipients"] == ["complaintdesk.example"]
    assert rule["Actions"] == [
        {"S3Action": {"BucketName": local.env["MAIL_BUCKET"], "ObjectKeyPrefix": "inbound/"}}
    ]
    # Mail from a plus address of the sender's domain is accepted (moto refuses unverified senders).
    sent = ses.send_email(
        Source="support+C-2026-000001.abc123@complaintdesk.example",
        Destination={"ToAddresses": ["customer@example.org"]},
        Message={"Subject": {"Data": "Re: your complaint"}, "Body": {"Text": {"Data": "We are on it."}}},
    )
    assert sent["MessageId"]


def test_user_pool_groups_client_and_tokens(local: LocalResources, aws: Any) -> None:
    cognito = aws("cognito-idp")
    groups = {g["GroupName"] for g in cognito.list_groups(UserPoolId=local.user_pool_id)["Groups"]}
    assert groups == {"agent", "manager", "admin", "integration"}
    client = cognito.describe_user_pool_client(
        UserPoolId=local.user_pool_id, ClientId=local.user_pool_client_id
    )
    assert "ClientSecret" not in client["UserPoolClient"]
    # Staff sign in from the CLI (USER_PASSWORD_AUTH) and a browser (hosted UI, code + PKCE).
    assert "ALLOW_USER_PASSWORD_AUTH" in client["UserPoolClient"]["ExplicitAuthFlows"]
    assert client["UserPoolClient"]["AllowedOAuthFlows"] == ["code"]
    assert "http://localhost:8765/callback" in client["UserPoolClient"]["CallbackURLs"]
    domain = cognito.describe_user_pool_domain(Domain="complaintdesk-it-123456789012")
    assert domain["DomainDescription"]["UserPoolId"] == local.user_pool_id
    # A manager signs in as `complaintdesk login` does and gets a token naming their group.
    username = "manager@complaintdesk.example"
    cognito.admin_create_user(UserPoolId=local.user_pool_id, Username=username, MessageAction="SUPPRESS")
    cognito.admin_set_user_password(
        UserPoolId=local.user_pool_id, Username=username, Password="Correct-Horse-9", Permanent=True
    )
    cognito.admin_add_user_to_group(UserPoolId=local.user_pool_id, Username=username, GroupName="manager")
    auth = cognito.initiate_auth(
        ClientId=local.user_pool_client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": username, "PASSWORD": "Correct-Horse-9"},
    )
    assert auth["AuthenticationResult"]["IdToken"].count(".") == 2


def test_workflow_role_log_group_and_alarms(local: LocalResources, aws: Any) -> None:
    iam = aws("iam")
    role_name = local.physical["WorkflowRole"]
    role = iam.get_role(RoleName=role_name)["Role"]
    assert role["Arn"] == local.env["WORKFLOW_ROLE_ARN"]
    assert role["AssumeRolePolicyDocument"]["Statement"][0]["Principal"] == {
        "Service": "states.amazonaws.com"
    }
    policy = iam.get_role_policy(RoleName=role_name, PolicyName="workflow")["PolicyDocument"]
    assert {
        "Effect": "Allow",
        "Action": "sqs:SendMessage",
        "Resource": local.arns["CallbackQueue"],
    } in policy["Statement"]
    (group,) = aws("logs").describe_log_groups(logGroupNamePrefix="/aws/vendedlogs/states/complaintdesk-it")[
        "logGroups"
    ]
    assert group["retentionInDays"] == 90
    assert local.env["WORKFLOW_LOG_GROUP_ARN"].endswith(
        ":log-group:/aws/vendedlogs/states/complaintdesk-it:*"
    )
    alarms = aws("cloudwatch").describe_alarms(AlarmNamePrefix="complaintdesk-it-")["MetricAlarms"]
    dlq_alarms = [a for a in alarms if a.get("Namespace") == "AWS/SQS"]
    assert {a["Dimensions"][0]["Value"] for a in dlq_alarms} == {
        "complaintdesk-it-CallbackDLQ",
        "complaintdesk-it-NotifyDLQ",
        "complaintdesk-it-InboundMailDLQ",
        "complaintdesk-it-AggregateDLQ",
        "complaintdesk-it-PublishDLQ",
    }
    assert all(a["AlarmActions"] == [local.arns["OpsTopic"]] for a in alarms)


def test_environment_and_outputs_are_resolved(local: LocalResources) -> None:
    env = local.env
    assert env["TABLE_NAME"] == local.physical["TicketsTable"] == local.outputs["TicketsTableName"]
    assert env["CALLBACK_QUEUE_URL"] == local.physical["CallbackQueue"] == local.outputs["CallbackQueueUrl"]
    assert env["STATE_MACHINE_PREFIX"] == "complaintdesk-it"
    assert env["SENDER_ADDRESS"] == "support@complaintdesk.example"
    assert env["TIME_SCALE"] == "1"
    # Local differences from AWS: the local API URL and JWKS auth against the local pool.
    assert env["PUBLIC_BASE_URL"] == local.outputs["ApiUrl"] == "http://127.0.0.1:9999"
    assert env["AUTH_MODE"] == "jwks"
    assert env["JWT_AUDIENCE"] == local.user_pool_client_id
    assert env["JWT_ISSUER"].endswith(f"/{local.user_pool_id}")
    assert "AWS_ENDPOINT_URL" not in env
    assert all(isinstance(value, str) and "Fn::" not in value for value in env.values())
    assert local.outputs["UserPoolId"] == local.user_pool_id


def test_function_environment_adds_the_functions_own_variables(local: LocalResources) -> None:
    notify = function_environment("NotifyFunction", local)
    assert notify["PUBLIC_BASE_URL"] == "http://127.0.0.1:9999"
    assert notify["TABLE_NAME"] == local.env["TABLE_NAME"]
    assert function_environment("ApiFunction", local)["PUBLIC_BASE_URL"] == "http://127.0.0.1:9999"
    with pytest.raises(KeyError):
        function_environment("DomainLayer", local)


def test_parameters_and_conditions_apply() -> None:
    ops = "arn:aws:sns:us-east-1:123456789012:existing-ops"
    with mock_aws():
        local = create_local_resources(
            boto3.Session(region_name=REGION),
            stage="qa",
            parameters={"OpsAlarmTopicArn": ops, "TimeScale": "3600", "SenderAddress": "help@shop.example"},
        )
        cloudwatch = boto3.client("cloudwatch", region_name=REGION)
        alarms = cloudwatch.describe_alarms(AlarmNamePrefix="complaintdesk-qa-")["MetricAlarms"]
    assert "OpsTopic" not in local.physical
    assert local.outputs["OpsTopicArn"] == ops
    assert len([a for a in alarms if a.get("Namespace") == "AWS/SQS"]) == 5  # one per DLQ
    assert {tuple(a["AlarmActions"]) for a in alarms} == {(ops,)}
    assert local.env["TIME_SCALE"] == "3600"
    assert local.env["SENDER_ADDRESS"] == "help@shop.example"
    assert local.env["STATE_MACHINE_PREFIX"] == "complaintdesk-qa"


def test_unhandled_properties_and_types_are_refused(tmp_path: Path) -> None:
    # Given a template whose queue has a property the local creator does not know
    broken = tmp_path / "template.yaml"
    shutil.copy(TEMPLATE, broken)
    text = broken.read_text()
    broken.write_text(text.replace("      MessageRetentionPeriod: 1209600\n", "      Bogus: 1\n", 1))
    with mock_aws(), pytest.raises(UnsupportedTemplateError, match="Bogus"):
        create_local_resources(boto3.Session(region_name=REGION), template_path=broken)
    # And a template with a resource type that is neither created nor listed as not local
    broken.write_text(text.replace("Resources:\n", "Resources:\n  Vpc:\n    Type: AWS::EC2::VPC\n", 1))
    with mock_aws(), pytest.raises(UnsupportedTemplateError, match="AWS::EC2::VPC"):
        create_local_resources(boto3.Session(region_name=REGION), template_path=broken)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_works_against_a_moto_server() -> None:
    from moto.server import ThreadedMotoServer

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        endpoint = f"http://127.0.0.1:{port}"
        local = create_local_resources(boto3.Session(region_name=REGION), stage="srv", endpoint_url=endpoint)
        assert local.env["AWS_ENDPOINT_URL"] == endpoint
        assert local.env["JWKS_URL"] == f"{endpoint}/{local.user_pool_id}/.well-known/jwks.json"
        sqs = boto3.client("sqs", region_name=REGION, endpoint_url=endpoint)
        attributes = sqs.get_queue_attributes(
            QueueUrl=local.physical["NotifyQueue"], AttributeNames=["RedrivePolicy"]
        )
        assert (
            json.loads(attributes["Attributes"]["RedrivePolicy"])["deadLetterTargetArn"]
            == local.arns["NotifyDLQ"]
        )
    finally:
        server.stop()
