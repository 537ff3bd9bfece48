"""template.yaml holds what the code relies on: names, keys, queues with DLQs and alarms, env vars."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from infra.local.resources import CREATORS, NOT_LOCAL
from infra.local.template import Intrinsics, load_template, references

REPO_ROOT = Path(__file__).resolve().parents[3]
SHARED_ENV = {
    "TABLE_NAME",
    "IDEMPOTENCY_TABLE_NAME",
    "EVENTS_TOPIC_ARN",
    "CALLBACK_QUEUE_URL",
    "MAIL_BUCKET",
    "WORKFLOW_ROLE_ARN",
    "STATE_MACHINE_PREFIX",
    "SENDER_ADDRESS",
    "SIGNING_SECRET_ARN",
    "TIME_SCALE",
    "AUTH_MODE",
    "POWERTOOLS_METRICS_NAMESPACE",
    "POWERTOOLS_SERVICE_NAME",
    "LOG_LEVEL",
}
FUNCTIONS = {
    "ApiFunction": ("functions/api/", "app.app"),
    "AssignStepFunction": ("functions/assign_step/", "app.lambda_handler"),
    "NotifyFunction": ("functions/notify/", "app.lambda_handler"),
    "EmailIngestFunction": ("functions/email_ingest/", "app.lambda_handler"),
    "AggregateFunction": ("functions/aggregate/", "app.lambda_handler"),
    "RemindFunction": ("functions/remind/", "app.lambda_handler"),
    "WatchExecutionsFunction": ("functions/watch_executions/", "app.lambda_handler"),
    "PublishFunction": ("functions/publish/", "app.lambda_handler"),
}


@pytest.fixture(scope="module")
def template() -> dict[str, Any]:
    return load_template(REPO_ROOT / "template.yaml")


def resources_of(template: dict[str, Any], type_: str) -> dict[str, Any]:
    return {lid: r for lid, r in template["Resources"].items() if r["Type"] == type_}


def test_every_resource_type_is_created_locally_or_explained(template: dict[str, Any]) -> None:
    # Given the resource types of template.yaml
    types = {resource["Type"] for resource in template["Resources"].values()}
    # Then each has a local creator or a documented reason in NOT_LOCAL, never both
    assert types - set(CREATORS) - set(NOT_LOCAL) == set()
    assert set(CREATORS) & set(NOT_LOCAL) == set()
    assert all(reason.strip() for reason in NOT_LOCAL.values())


def test_parameters(template: dict[str, Any]) -> None:
    parameters = template["Parameters"]
    assert {
        "Stage",
        "SenderAddress",
        "ConsoleOrigin",
        "OpsAlarmTopicArn",
        "TimeScale",
    } <= set(parameters)
    assert parameters["Stage"]["Default"] == "dev"
    # No secret is typed at deploy time: the signing key is generated in Secrets Manager.
    assert "SigningSecret" not in parameters
    assert template["Resources"]["SigningSecret"]["Type"] == "AWS::SecretsManager::Secret"
    assert template["Globals"]["Function"]["Environment"]["Variables"]["SIGNING_SECRET_ARN"] == {
        "Ref": "SigningSecret"
    }
    # One domain sends and receives: SES receives for the sender address's own domain.
    assert "InboundDomain" not in parameters
    assert parameters["OpsAlarmTopicArn"]["Default"] == ""
    assert str(parameters["TimeScale"]["Default"]) == "1"
    assert "never change it in production" in parameters["TimeScale"]["Description"]


def test_globals_give_every_function_the_shared_environment_and_layer(template: dict[str, Any]) -> None:
    function = template["Globals"]["Function"]
    assert function["Runtime"] == "python3.11"
    assert function["Architectures"] == ["arm64"]
    assert function["Tracing"] == "Active"
    assert function["Layers"] == [{"Ref": "DomainLayer"}]
    variables = function["Environment"]["Variables"]
    assert set(variables) >= SHARED_ENV
    assert variables["POWERTOOLS_METRICS_NAMESPACE"] == "ComplaintDesk"
    assert variables["AUTH_MODE"] == "apigateway"
    assert variables["STATE_MACHINE_PREFIX"] == {"Fn::Sub": "complaintdesk-${Stage}"}
    # Globals cannot name the API: the API function would then depend on its own API.
    assert "Api" not in references(variables)


def test_functions_code_handlers_and_public_base_url(template: dict[str, Any]) -> None:
    functions = resources_of(template, "AWS::Serverless::Function")
    assert set(functions) == set(FUNCTIONS)
    for lid, (code_uri, handler) in FUNCTIONS.items():
        props = functions[lid]["Properties"]
        assert (props["CodeUri"], props["Handler"]) == (code_uri, handler)
        own = props["Environment"]["Variables"]
        if lid == "ApiFunction":
            # Derived from the request at run time (no self-reference to the API).
            assert own["PUBLIC_BASE_URL"] == ""
        else:
            assert references(own["PUBLIC_BASE_URL"]) == {"Api", "Stage"}


def test_tickets_table_keys_indexes_stream_ttl(template: dict[str, Any]) -> None:
    props = template["Resources"]["TicketsTable"]["Properties"]
    assert props["BillingMode"] == "PAY_PER_REQUEST"
    assert props["KeySchema"] == [
        {"AttributeName": "PK", "KeyType": "HASH"},
        {"AttributeName": "SK", "KeyType": "RANGE"},
    ]
    indexes = {gsi["IndexName"]: gsi for gsi in props["GlobalSecondaryIndexes"]}
    assert set(indexes) == {"GSI1", "GSI2", "GSI3", "GSI4", "GSI5"}
    for name, gsi in indexes.items():
        assert gsi["KeySchema"] == [
            {"AttributeName": f"{name}PK", "KeyType": "HASH"},
            {"AttributeName": f"{name}SK", "KeyType": "RANGE"},
        ]
        assert gsi["Projection"] == {"ProjectionType": "ALL"}
    defined = {a["AttributeName"]: a["AttributeType"] for a in props["AttributeDefinitions"]}
    assert all(kind == "S" for kind in defined.values())
    assert set(defined) == {"PK", "SK"} | {f"GSI{i}{k}" for i in range(1, 6) for k in ("PK", "SK")}
    assert props["StreamSpecification"] == {"StreamViewType": "NEW_AND_OLD_IMAGES"}
    assert props["TimeToLiveSpecification"] == {"AttributeName": "expires_at", "Enabled": True}
    assert props["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"] is True
    assert props["SSESpecification"]["SSEEnabled"] is True


def test_idempotency_table(template: dict[str, Any]) -> None:
    props = template["Resources"]["IdempotencyTable"]["Properties"]
    assert props["KeySchema"] == [{"AttributeName": "id", "KeyType": "HASH"}]
    assert props["TimeToLiveSpecification"]["AttributeName"] == "expiration"
    assert props["BillingMode"] == "PAY_PER_REQUEST"


@pytest.mark.parametrize("queue", ["CallbackQueue", "NotifyQueue", "InboundMailQueue"])
def test_each_queue_has_a_dlq_with_an_alarm(template: dict[str, Any], queue: str) -> None:
    dlq = queue.removesuffix("Queue") + "DLQ"
    redrive = template["Resources"][queue]["Properties"]["RedrivePolicy"]
    assert redrive == {"deadLetterTargetArn": {"Fn::GetAtt": [dlq, "Arn"]}, "maxReceiveCount": 5}
    assert_alarm_on(template, dlq)


def test_stream_failures_go_to_a_dlq_with_an_alarm(template: dict[str, Any]) -> None:
    event = template["Resources"]["AggregateFunction"]["Properties"]["Events"]["TicketChanges"]["Properties"]
    assert event["DestinationConfig"]["OnFailure"]["Destination"] == {"Fn::GetAtt": ["AggregateDLQ", "Arn"]}
    assert event["BisectBatchOnFunctionError"] is True
    assert event["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert_alarm_on(template, "AggregateDLQ")


def assert_alarm_on(template: dict[str, Any], dlq: str) -> None:
    alarms = [
        r["Properties"]
        for r in resources_of(template, "AWS::CloudWatch::Alarm").values()
        if r["Properties"].get("Dimensions")
        == [{"Name": "QueueName", "Value": {"Fn::GetAtt": [dlq, "QueueName"]}}]
    ]
    assert len(alarms) == 1, f"one alarm on {dlq}"
    alarm = alarms[0]
    assert (alarm["MetricName"], alarm["ComparisonOperator"], alarm["Threshold"]) == (
        "ApproximateNumberOfMessagesVisible",
        "GreaterThanThreshold",
        0,
    )
    assert alarm["AlarmActions"] == [
        {"Fn::If": ["CreateOpsTopic", {"Ref": "OpsTopic"}, {"Ref": "OpsAlarmTopicArn"}]}
    ]


def test_sqs_event_sources_report_batch_item_failures(template: dict[str, Any]) -> None:
    expected = {
        "AssignStepFunction": "CallbackQueue",
        "NotifyFunction": "NotifyQueue",
        "EmailIngestFunction": "InboundMailQueue",
    }
    for function, queue in expected.items():
        (event,) = template["Resources"][function]["Properties"]["Events"].values()
        assert event["Type"] == "SQS"
        assert event["Properties"]["Queue"] == {"Fn::GetAtt": [queue, "Arn"]}
        assert event["Properties"]["FunctionResponseTypes"] == ["ReportBatchItemFailures"]


def test_events_topic_feeds_notify_queue_raw(template: dict[str, Any]) -> None:
    subscription = template["Resources"]["NotifySubscription"]["Properties"]
    assert subscription == {
        "TopicArn": {"Ref": "EventsTopic"},
        "Protocol": "sqs",
        "Endpoint": {"Fn::GetAtt": ["NotifyQueue", "Arn"]},
        "RawMessageDelivery": True,
    }
    statement = template["Resources"]["NotifyQueuePolicy"]["Properties"]["PolicyDocument"]["Statement"][0]
    assert statement["Principal"] == {"Service": "sns.amazonaws.com"}
    assert statement["Condition"]["ArnEquals"]["aws:SourceArn"] == {"Ref": "EventsTopic"}


def test_inbound_mail_path(template: dict[str, Any]) -> None:
    # Given SES stores raw mail under inbound/ and S3 tells the inbound queue
    rule = template["Resources"]["ReceiptRule"]["Properties"]["Rule"]
    assert rule["Recipients"] == [{"Fn::Select": [1, {"Fn::Split": ["@", {"Ref": "SenderAddress"}]}]}]
    assert rule["Actions"] == [
        {"S3Action": {"BucketName": {"Ref": "MailBucket"}, "ObjectKeyPrefix": "inbound/"}}
    ]
    bucket = template["Resources"]["MailBucket"]
    (notification,) = bucket["Properties"]["NotificationConfiguration"]["QueueConfigurations"]
    assert notification["Queue"] == {"Fn::GetAtt": ["InboundMailQueue", "Arn"]}
    assert notification["Filter"]["S3Key"]["Rules"] == [{"Name": "prefix", "Value": "inbound/"}]
    # Then the resources are ordered so AWS's write checks pass at creation time
    assert bucket["DependsOn"] == "InboundMailQueuePolicy"
    assert template["Resources"]["ReceiptRule"]["DependsOn"] == "MailBucketPolicy"
    assert all(bucket["Properties"]["PublicAccessBlockConfiguration"].values())
    ses_statement = template["Resources"]["MailBucketPolicy"]["Properties"]["PolicyDocument"]["Statement"][0]
    assert ses_statement["Principal"] == {"Service": "ses.amazonaws.com"}


def test_queue_policy_names_the_bucket_without_a_cycle(template: dict[str, Any]) -> None:
    # The bucket depends on the queue policy, so the policy must not reference the bucket.
    policy = template["Resources"]["InboundMailQueuePolicy"]["Properties"]
    assert "MailBucket" not in references(policy)
    condition = policy["PolicyDocument"]["Statement"][0]["Condition"]["ArnLike"]["aws:SourceArn"]
    bucket_name = template["Resources"]["MailBucket"]["Properties"]["BucketName"]
    pseudo = {
        "AWS::AccountId": "123456789012",
        "AWS::Region": "eu-west-1",
        "AWS::Partition": "aws",
        "AWS::StackId": "arn:aws:cloudformation:eu-west-1:123456789012:stack/desk/5d1e7a90-cb6f-11ee-8c8a",
    }
    intrinsics = Intrinsics(template=template, parameters={"Stage": "prod"}, pseudo=pseudo)
    assert intrinsics.resolve(condition) == "arn:aws:s3:::" + intrinsics.resolve(bucket_name)
    # A new deployment (new stack id) gets a new name: a retained bucket never collides.
    assert intrinsics.resolve(bucket_name) == "complaintdesk-prod-mail-123456789012-5d1e7a90"


def test_user_pool_groups_and_client(template: dict[str, Any]) -> None:
    groups = resources_of(template, "AWS::Cognito::UserPoolGroup")
    assert {g["Properties"]["GroupName"] for g in groups.values()} == {
        "agent",
        "manager",
        "admin",
        "integration",
    }
    client = template["Resources"]["UserPoolClient"]["Properties"]
    assert client["GenerateSecret"] is False
    assert set(client["ExplicitAuthFlows"]) == {
        "ALLOW_USER_PASSWORD_AUTH",
        "ALLOW_USER_SRP_AUTH",
        "ALLOW_REFRESH_TOKEN_AUTH",
    }
    # The hosted UI: authorization code + PKCE back to the console, or to the CLI's loopback.
    assert client["AllowedOAuthFlows"] == ["code"]
    assert client["AllowedOAuthFlowsUserPoolClient"] is True
    assert {"openid", "email"} <= set(client["AllowedOAuthScopes"])
    origin = {
        "Fn::If": [
            "DeriveConsoleOrigin",
            {"Fn::Sub": "https://${ConsoleDistribution.DomainName}"},
            {"Ref": "ConsoleOrigin"},
        ]
    }
    assert client["CallbackURLs"] == [
        {"Fn::Sub": ["${Origin}/", {"Origin": origin}]},
        "http://localhost:8765/callback",
    ]
    assert template["Resources"]["UserPoolDomain"]["Properties"]["UserPoolId"] == {"Ref": "UserPool"}


def test_api_uses_the_cognito_authorizer_by_default(template: dict[str, Any]) -> None:
    props = template["Resources"]["Api"]["Properties"]
    assert props["StageName"] == {"Ref": "Stage"}
    assert props["TracingEnabled"] is True
    assert props["AccessLogSetting"]["DestinationArn"] == {"Fn::GetAtt": ["ApiAccessLogGroup", "Arn"]}
    auth = props["Auth"]
    assert auth["DefaultAuthorizer"] == "CognitoAuthorizer"
    assert auth["Authorizers"]["CognitoAuthorizer"] == {
        "UserPoolArn": {"Fn::GetAtt": ["UserPool", "Arn"]},
        "Identity": {"Header": "Authorization"},
    }


def test_workflow_role_can_do_what_the_state_machines_do(template: dict[str, Any]) -> None:
    role = template["Resources"]["WorkflowRole"]["Properties"]
    assert role["AssumeRolePolicyDocument"]["Statement"][0]["Principal"] == {
        "Service": "states.amazonaws.com"
    }
    statements = role["Policies"][0]["PolicyDocument"]["Statement"]
    granted = {
        (s["Action"] if isinstance(s["Action"], str) else "*multi*"): s["Resource"] for s in statements
    }
    assert granted["sqs:SendMessage"] == {"Fn::GetAtt": ["CallbackQueue", "Arn"]}
    assert granted["sns:Publish"] == {"Ref": "EventsTopic"}
    assert granted["dynamodb:UpdateItem"] == {"Fn::GetAtt": ["TicketsTable", "Arn"]}
    actions = {
        a for s in statements for a in ([s["Action"]] if isinstance(s["Action"], str) else s["Action"])
    }
    assert {"logs:CreateLogDelivery", "xray:PutTraceSegments"} <= actions


def test_api_function_may_create_only_this_stages_state_machines(template: dict[str, Any]) -> None:
    policies = template["Resources"]["ApiFunction"]["Properties"]["Policies"]
    statements = {s["Sid"]: s for p in policies if "Statement" in p for s in p["Statement"]}
    manage = statements["ManageCategoryWorkflows"]
    # Publishing creates and tags; its recovery updates a left-over machine, deletes a lost one
    assert set(manage["Action"]) == {
        "states:CreateStateMachine",
        "states:TagResource",
        "states:UpdateStateMachine",
        "states:DeleteStateMachine",
    }
    # Plans start from the outbox, never from a request: only the publisher may start executions
    assert "states:StartExecution" not in manage["Action"]
    assert manage["Resource"]["Fn::Sub"].endswith(":stateMachine:complaintdesk-${Stage}-*")
    assert statements["PassWorkflowRole"]["Resource"] == {"Fn::GetAtt": ["WorkflowRole", "Arn"]}
    assert statements["AnswerTaskTokens"]["Action"] == "states:SendTaskSuccess"  # steps are never failed


def test_layer_is_built_by_make(template: dict[str, Any]) -> None:
    layer = template["Resources"]["DomainLayer"]
    assert layer["Properties"]["ContentUri"] == "layers/complaintdesk/"
    assert layer["Properties"]["CompatibleRuntimes"] == ["python3.11"]
    assert layer["Metadata"]["BuildMethod"] == "makefile"
    makefile = (REPO_ROOT / "layers/complaintdesk/Makefile").read_text()
    assert "build-DomainLayer:" in makefile
    assert "$(ARTIFACTS_DIR)/python" in makefile


def test_outputs(template: dict[str, Any]) -> None:
    assert {
        "ApiUrl",
        "UserPoolId",
        "UserPoolClientId",
        "TicketsTableName",
        "EventsTopicArn",
        "MailBucketName",
        "CallbackQueueUrl",
        "NotifyQueueUrl",
        "InboundMailQueueUrl",
    } <= set(template["Outputs"])
