"""Create template.yaml's resources with boto3, in moto (a server via ``endpoint_url``, or in-process).

CloudFormation in moto cannot deploy the SAM-translated template, so this module reads the
template's own resource properties and makes the same calls CloudFormation would. It is strict:
a resource type it does not know, or a property a creator does not handle, raises
``UnsupportedTemplateError`` instead of being skipped, so the template stays the one source.
Types with no local meaning are listed in ``NOT_LOCAL`` with the reason.

Locally the functions run in-process and the API is a Chalice server, so a few environment values
differ from AWS (``LOCAL_OVERRIDES_DOC``): the public URL, the auth mode (JWKS instead of API
Gateway's authorizer) and the AWS endpoint.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import boto3

from infra.local.template import (
    TEMPLATE_PATH,
    IntrinsicError,
    Intrinsics,
    load_template,
    parameter_values,
    references,
)

# Resource types with no local counterpart, and why.
NOT_LOCAL: dict[str, str] = {
    "AWS::Serverless::Function": "handlers run in-process; the local stack's pollers play the event-source mappings",
    "AWS::Serverless::Api": "the Chalice app is served by chalice.local; tokens are checked against the pool's JWKS",
    "AWS::Serverless::LayerVersion": "the domain package is on the Python path (layers/complaintdesk/python)",
    "AWS::ApiGateway::Account": "an account-wide API Gateway logging setting; there is no local API Gateway",
    "AWS::CloudFormation::WaitConditionHandle": "an ordering marker (the API stage waits for the account's logging role)",
    "AWS::CloudFront::Distribution": "make run serves console/ itself (infra/local/console.py; DeployConsole is false)",
    "AWS::CloudFront::OriginAccessControl": "the console's CloudFront access to its bucket; not served from S3 locally",
    "AWS::CloudFront::ResponseHeadersPolicy": "infra/local/console.py sends the same security headers itself",
}

# Parameters the template requires, given local values (callers may override any parameter).
LOCAL_PARAMETERS: dict[str, str] = {
    "SenderAddress": "support@complaintdesk.example",
    "DeployConsole": "false",  # make run serves console/ itself (infra/local/console.py)
    # The console's origin (the API's CORS); make run passes the URL it serves the console at.
    "ConsoleOrigin": "http://localhost:8080",
}

LOCAL_OVERRIDES_DOC = {
    "PUBLIC_BASE_URL": "the local API's URL (api_url), not the execute-api URL",
    "AUTH_MODE": "jwks: the app verifies bearer tokens against the user pool's JWKS itself",
    "JWKS_URL / JWT_ISSUER / JWT_AUDIENCE": "the local user pool's keys, issuer and app client id",
    "AWS_REGION / AWS_DEFAULT_REGION": "the session's region",
    "AWS_ENDPOINT_URL": "the moto server (only when endpoint_url is given)",
    "POWERTOOLS_TRACE_DISABLED": "no X-Ray daemon locally",
    "COMPLAINTDESK_MODE": "local: complaintdesk.settings may fall back to its development signing key",
}

DEFAULT_API_URL = "http://127.0.0.1:8000"


class UnsupportedTemplateError(ValueError):
    """template.yaml holds something the local stack does not create (type or property)."""


@dataclass
class LocalResources:
    """What create_local_resources made: the values Ref/GetAtt give on AWS, for the local stack and tests."""

    physical: dict[str, str]  # logical id -> name or URL (what Ref returns)
    arns: dict[str, str]  # logical id -> ARN, where the resource has one
    env: dict[str, str]  # the shared function environment (Globals), resolved, local overrides applied
    user_pool_id: str
    user_pool_client_id: str
    outputs: dict[str, str]
    template: dict[str, Any] = field(default_factory=dict, repr=False)
    intrinsics: Intrinsics | None = field(default=None, repr=False)
    overrides: dict[str, str] = field(default_factory=dict, repr=False)


@dataclass
class _Created:
    ref: str
    arn: str | None = None
    attributes: dict[str, str] = field(default_factory=dict)


class _Props:
    """A resource's resolved properties; ``finish`` raises if any were not consumed."""

    def __init__(self, logical_id: str, type_: str, values: dict[str, Any]) -> None:
        self.logical_id, self.type, self._values = logical_id, type_, dict(values)

    def take(self, name: str, default: Any = None) -> Any:
        return self._values.pop(name, default)

    def peek(self, name: str) -> Any:
        return self._values.get(name)

    def names(self) -> list[str]:
        return list(self._values)

    def finish(self) -> None:
        if self._values:
            raise UnsupportedTemplateError(
                f"{self.logical_id} ({self.type}): properties not created locally: {sorted(self._values)}"
            )


@dataclass
class _Context:
    session: boto3.Session
    endpoint_url: str | None
    region: str
    account_id: str
    stage: str
    _clients: dict[str, Any] = field(default_factory=dict)

    def client(self, service: str) -> Any:
        if service not in self._clients:
            self._clients[service] = self.session.client(
                service, region_name=self.region, endpoint_url=self.endpoint_url
            )
        return self._clients[service]

    def default_name(self, logical_id: str, lowercase: bool = False) -> str:
        name = f"complaintdesk-{self.stage}-{logical_id}"
        return name.lower() if lowercase else name


def _attr_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        return json.dumps(value, separators=(",", ":"))
    return str(value)


def _as_json(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value)


def _shape_kwargs(ctx: _Context, service: str, operation: str, props: _Props) -> dict[str, Any]:
    """Properties whose names match the API operation's input members, passed through as they are."""
    members = ctx.client(service).meta.service_model.operation_model(operation).input_shape.members
    kwargs = {name: props.take(name) for name in props.names() if name in members}
    return {k: v for k, v in kwargs.items() if v is not None}


# ---------------------------------------------------------------------------- DynamoDB


def _dynamodb_table(ctx: _Context, logical_id: str, props: _Props) -> _Created:
    client = ctx.client("dynamodb")
    name = props.take("TableName") or ctx.default_name(logical_id)
    kwargs: dict[str, Any] = {
        "TableName": name,
        "KeySchema": props.take("KeySchema"),
        "AttributeDefinitions": props.take("AttributeDefinitions"),
        "BillingMode": props.take("BillingMode", "PROVISIONED"),
    }
    for key in (
        "GlobalSecondaryIndexes",
        "LocalSecondaryIndexes",
        "ProvisionedThroughput",
        "DeletionProtectionEnabled",
    ):
        value = props.take(key)
        if value is not None:
            kwargs[key] = value
    if stream := props.take("StreamSpecification"):
        kwargs["StreamSpecification"] = {"StreamEnabled": True, "StreamViewType": stream["StreamViewType"]}
    if sse := props.take("SSESpecification"):
        kwargs["SSESpecification"] = {"Enabled": bool(sse.get("SSEEnabled"))}
        if "SSEType" in sse:
            kwargs["SSESpecification"]["SSEType"] = sse["SSEType"]
        if "KMSMasterKeyId" in sse:
            kwargs["SSESpecification"]["KMSMasterKeyId"] = sse["KMSMasterKeyId"]
    ttl = props.take("TimeToLiveSpecification")
    pitr = props.take("PointInTimeRecoverySpecification")
    props.finish()
    table = client.create_table(**kwargs)["TableDescription"]
    if ttl:
        client.update_time_to_live(
            TableName=name,
            TimeToLiveSpecification={
                "AttributeName": ttl["AttributeName"],
                "Enabled": bool(ttl.get("Enabled")),
            },
        )
    if pitr:
        client.update_continuous_backups(
            TableName=name,
            PointInTimeRecoverySpecification={
                "PointInTimeRecoveryEnabled": bool(pitr.get("PointInTimeRecoveryEnabled"))
            },
        )
    attributes = {"Arn": table["TableArn"]}
    if "LatestStreamArn" in table:
        attributes["StreamArn"] = table["LatestStreamArn"]
    return _Created(ref=name, arn=table["TableArn"], attributes=attributes)


# ---------------------------------------------------------------------------- SQS and SNS

_QUEUE_ATTRIBUTES = (
    "ContentBasedDeduplication",
    "DeduplicationScope",
    "DelaySeconds",
    "FifoQueue",
    "FifoThroughputLimit",
    "KmsDataKeyReusePeriodSeconds",
    "KmsMasterKeyId",
    "MaximumMessageSize",
    "MessageRetentionPeriod",
    "ReceiveMessageWaitTimeSeconds",
    "RedriveAllowPolicy",
    "RedrivePolicy",
    "SqsManagedSseEnabled",
    "VisibilityTimeout",
)


def _sqs_queue(ctx: _Context, logical_id: str, props: _Props) -> _Created:
    client = ctx.client("sqs")
    fifo = bool(props.peek("FifoQueue"))
    name = props.take("QueueName") or ctx.default_name(logical_id) + (".fifo" if fifo else "")
    attributes = {key: _attr_value(props.take(key)) for key in _QUEUE_ATTRIBUTES if key in props.names()}
    props.finish()
    served = client.create_queue(QueueName=name, Attributes=attributes)["QueueUrl"]
    # A queue's URL ends in its account and name, and its ARN is made of the same parts: no
    # GetQueueAttributes to ask for it (moto builds every attribute of the queue to answer one).
    account = served.rstrip("/").split("/")[-2]
    partition = client.meta.partition
    arn = f"arn:{partition}:sqs:{ctx.region}:{account}:{name}"
    # The URL as AWS writes it, not moto server's (its host and port): the callback queue's URL is
    # written into every compiled plan, and with a port in it no start of the stack would compile
    # the text an earlier one did, so moto would parse each plan again (infra/local/moto_patches,
    # habit 3). moto finds a queue by the URL's last segment, whatever host it names.
    url = f"https://sqs.{ctx.region}.amazonaws.com/{account}/{name}"
    return _Created(ref=url, arn=arn, attributes={"Arn": arn, "QueueName": name, "QueueUrl": url})


def _sqs_queue_policy(ctx: _Context, logical_id: str, props: _Props) -> _Created:
    queues, document = props.take("Queues"), props.take("PolicyDocument")
    props.finish()
    for url in queues:
        ctx.client("sqs").set_queue_attributes(QueueUrl=url, Attributes={"Policy": _as_json(document)})
    return _Created(ref=logical_id)


_TOPIC_ATTRIBUTES = (
    "ArchivePolicy",
    "ContentBasedDeduplication",
    "DataProtectionPolicy",
    "DisplayName",
    "FifoTopic",
    "KmsMasterKeyId",
    "SignatureVersion",
    "TracingConfig",
)
_SUBSCRIPTION_ATTRIBUTES = (
    "DeliveryPolicy",
    "FilterPolicy",
    "FilterPolicyScope",
    "RawMessageDelivery",
    "RedrivePolicy",
    "ReplayPolicy",
    "SubscriptionRoleArn",
)


def _sns_topic(ctx: _Context, logical_id: str, props: _Props) -> _Created:
    client = ctx.client("sns")
    fifo = bool(props.peek("FifoTopic"))
    name = props.take("TopicName") or ctx.default_name(logical_id) + (".fifo" if fifo else "")
    attributes = {key: _attr_value(props.take(key)) for key in _TOPIC_ATTRIBUTES if key in props.names()}
    inline = props.take("Subscription", [])
    props.finish()
    arn = client.create_topic(Name=name, Attributes=attributes)["TopicArn"]
    for subscription in inline:
        client.subscribe(TopicArn=arn, Protocol=subscription["Protocol"], Endpoint=subscription["Endpoint"])
    return _Created(ref=arn, arn=arn, attributes={"TopicArn": arn, "TopicName": name})


def _sns_subscription(ctx: _Context, logical_id: str, props: _Props) -> _Created:
    kwargs = {
        "TopicArn": props.take("TopicArn"),
        "Protocol": props.take("Protocol"),
        "Endpoint": props.take("Endpoint"),
        "ReturnSubscriptionArn": True,
    }
    attributes = {
        key: _attr_value(props.take(key)) for key in _SUBSCRIPTION_ATTRIBUTES if key in props.names()
    }
    props.finish()
    arn = ctx.client("sns").subscribe(**kwargs, Attributes=attributes)["SubscriptionArn"]
    return _Created(ref=arn, arn=arn)


# ---------------------------------------------------------------------------- S3


def _lifecycle_rule(rule: Mapping[str, Any]) -> dict[str, Any]:
    rule = dict(rule)
    converted: dict[str, Any] = {"Status": rule.pop("Status"), "Filter": {"Prefix": rule.pop("Prefix", "")}}
    if "Id" in rule:
        converted["ID"] = rule.pop("Id")
    if "ExpirationInDays" in rule:
        converted["Expiration"] = {"Days": int(rule.pop("ExpirationInDays"))}
    if "Transitions" in rule:
        converted["Transitions"] = [
            {"Days": int(t["TransitionInDays"]), "StorageClass": t["StorageClass"]}
            for t in rule.pop("Transitions")
        ]
    if "AbortIncompleteMultipartUpload" in rule:
        days = int(rule.pop("AbortIncompleteMultipartUpload")["DaysAfterInitiation"])
        converted["AbortIncompleteMultipartUpload"] = {"DaysAfterInitiation": days}
    if "NoncurrentVersionExpirationInDays" in rule:
        converted["NoncurrentVersionExpiration"] = {
            "NoncurrentDays": int(rule.pop("NoncurrentVersionExpirationInDays"))
        }
    if rule:
        raise UnsupportedTemplateError(f"lifecycle rule properties not created locally: {sorted(rule)}")
    return converted


def _notification_filter(spec: Mapping[str, Any] | None) -> dict[str, Any]:
    if not spec:
        return {}
    rules = spec["S3Key"]["Rules"]
    return {"Filter": {"Key": {"FilterRules": [{"Name": r["Name"], "Value": r["Value"]} for r in rules]}}}


def _notification_configuration(spec: Mapping[str, Any]) -> dict[str, Any]:
    spec = dict(spec)
    converted: dict[str, Any] = {}
    for cfn_key, target_key, boto_key in (
        ("QueueConfigurations", "Queue", "QueueArn"),
        ("TopicConfigurations", "Topic", "TopicArn"),
    ):
        items = spec.pop(cfn_key, [])
        if items:
            converted[cfn_key] = [
                {
                    boto_key: item[target_key],
                    "Events": [item["Event"]],
                    **_notification_filter(item.get("Filter")),
                }
                for item in items
            ]
    if spec.pop("EventBridgeConfiguration", {}).get("EventBridgeEnabled"):
        converted["EventBridgeConfiguration"] = {}
    if spec:
        raise UnsupportedTemplateError(f"bucket notifications not created locally: {sorted(spec)}")
    return converted


def _s3_bucket(ctx: _Context, logical_id: str, props: _Props) -> _Created:
    client = ctx.client("s3")
    name = props.take("BucketName") or ctx.default_name(logical_id, lowercase=True)
    public_access = props.take("PublicAccessBlockConfiguration")
    encryption = props.take("BucketEncryption")
    lifecycle = props.take("LifecycleConfiguration")
    notifications = props.take("NotificationConfiguration")
    versioning = props.take("VersioningConfiguration")
    cors = props.take("CorsConfiguration")
    props.finish()
    create: dict[str, Any] = {"Bucket": name}
    if ctx.region != "us-east-1":
        create["CreateBucketConfiguration"] = {"LocationConstraint": ctx.region}
    client.create_bucket(**create)
    if public_access:
        client.put_public_access_block(Bucket=name, PublicAccessBlockConfiguration=public_access)
    if encryption:
        rules = [
            {"ApplyServerSideEncryptionByDefault": rule["ServerSideEncryptionByDefault"]}
            | ({"BucketKeyEnabled": rule["BucketKeyEnabled"]} if "BucketKeyEnabled" in rule else {})
            for rule in encryption["ServerSideEncryptionConfiguration"]
        ]
        client.put_bucket_encryption(Bucket=name, ServerSideEncryptionConfiguration={"Rules": rules})
    if versioning:
        client.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": versioning["Status"]})
    if cors:
        # CloudFormation's names differ from the API's for three of a rule's keys.
        api_names = {"Id": "ID", "ExposedHeaders": "ExposeHeaders", "MaxAge": "MaxAgeSeconds"}
        rules = [
            {api_names.get(key, key): value for key, value in rule.items()} for rule in cors["CorsRules"]
        ]
        client.put_bucket_cors(Bucket=name, CORSConfiguration={"CORSRules": rules})
    if lifecycle:
        rules = [_lifecycle_rule(rule) for rule in lifecycle["Rules"]]
        client.put_bucket_lifecycle_configuration(Bucket=name, LifecycleConfiguration={"Rules": rules})
    if notifications:
        client.put_bucket_notification_configuration(
            Bucket=name, NotificationConfiguration=_notification_configuration(notifications)
        )
    arn = f"arn:aws:s3:::{name}"
    domain = f"{name}.s3.amazonaws.com"
    return _Created(
        ref=name,
        arn=arn,
        attributes={
            "Arn": arn,
            "DomainName": domain,
            "RegionalDomainName": f"{name}.s3.{ctx.region}.amazonaws.com",
        },
    )


def _local_bucket_policy(document: Mapping[str, Any]) -> dict[str, Any]:
    """The policy without conditional Deny statements: moto applies a Deny without evaluating its
    Condition, so "deny unless HTTPS" would refuse every local request (the local endpoint is HTTP)."""
    statements = document["Statement"]
    statements = [statements] if isinstance(statements, dict) else statements
    kept = [s for s in statements if not (s.get("Effect") == "Deny" and "Condition" in s)]
    return {**document, "Statement": kept}


def _s3_bucket_policy(ctx: _Context, logical_id: str, props: _Props) -> _Created:
    bucket, document = props.take("Bucket"), props.take("PolicyDocument")
    props.finish()
    ctx.client("s3").put_bucket_policy(Bucket=bucket, Policy=json.dumps(_local_bucket_policy(document)))
    return _Created(ref=bucket)


# ---------------------------------------------------------------------------- SES


def _ses_receipt_rule_set(ctx: _Context, logical_id: str, props: _Props) -> _Created:
    name = props.take("RuleSetName") or ctx.default_name(logical_id)
    props.finish()
    ctx.client("ses").create_receipt_rule_set(RuleSetName=name)
    return _Created(ref=name)


def _ses_receipt_rule(ctx: _Context, logical_id: str, props: _Props) -> _Created:
    kwargs = {"RuleSetName": props.take("RuleSetName"), "Rule": props.take("Rule")}
    if after := props.take("After"):
        kwargs["After"] = after
    props.finish()
    ctx.client("ses").create_receipt_rule(**kwargs)
    return _Created(ref=kwargs["Rule"]["Name"])


# ---------------------------------------------------------------------------- Cognito


def _cognito_user_pool(ctx: _Context, logical_id: str, props: _Props) -> _Created:
    client = ctx.client("cognito-idp")
    name = props.take("UserPoolName") or ctx.default_name(logical_id)
    kwargs = _shape_kwargs(ctx, "cognito-idp", "CreateUserPool", props)
    props.finish()
    pool = client.create_user_pool(PoolName=name, **kwargs)["UserPool"]
    provider = f"cognito-idp.{ctx.region}.amazonaws.com/{pool['Id']}"
    return _Created(
        ref=pool["Id"],
        arn=pool["Arn"],
        attributes={
            "Arn": pool["Arn"],
            "UserPoolId": pool["Id"],
            "ProviderName": provider,
            "ProviderURL": f"https://{provider}",
        },
    )


def _cognito_user_pool_client(ctx: _Context, logical_id: str, props: _Props) -> _Created:
    kwargs = _shape_kwargs(ctx, "cognito-idp", "CreateUserPoolClient", props)
    kwargs.setdefault("ClientName", ctx.default_name(logical_id))
    props.finish()
    created = ctx.client("cognito-idp").create_user_pool_client(**kwargs)["UserPoolClient"]
    return _Created(
        ref=created["ClientId"], attributes={"ClientId": created["ClientId"], "Name": kwargs["ClientName"]}
    )


def _cognito_user_pool_domain(ctx: _Context, logical_id: str, props: _Props) -> _Created:
    kwargs = _shape_kwargs(ctx, "cognito-idp", "CreateUserPoolDomain", props)
    props.finish()
    ctx.client("cognito-idp").create_user_pool_domain(**kwargs)
    return _Created(ref=kwargs["Domain"])


def _cognito_user_pool_group(ctx: _Context, logical_id: str, props: _Props) -> _Created:
    kwargs = _shape_kwargs(ctx, "cognito-idp", "CreateGroup", props)
    kwargs.setdefault("GroupName", ctx.default_name(logical_id))
    props.finish()
    ctx.client("cognito-idp").create_group(**kwargs)
    return _Created(ref=kwargs["GroupName"])


# ---------------------------------------------------------------------------- secrets and keys


def _secret(ctx: _Context, logical_id: str, props: _Props) -> _Created:
    """A Secrets Manager secret; GenerateSecretString is played with the same length and alphabet."""
    import secrets
    import string

    name = props.take("Name") or ctx.default_name(logical_id)
    generate = props.take("GenerateSecretString")
    value = props.take("SecretString")
    description = props.take("Description")
    props.finish()
    if generate is not None:
        alphabet = string.ascii_letters + string.digits
        if not generate.get("ExcludePunctuation"):
            alphabet += string.punctuation
        value = "".join(secrets.choice(alphabet) for _ in range(int(generate.get("PasswordLength", 32))))
    kwargs = {"Name": name, "SecretString": value or ""}
    if description:
        kwargs["Description"] = description
    arn = ctx.client("secretsmanager").create_secret(**kwargs)["ARN"]
    return _Created(ref=arn, arn=arn, attributes={"Id": arn})


def _kms_key(ctx: _Context, logical_id: str, props: _Props) -> _Created:
    policy = props.take("KeyPolicy")
    rotate = props.take("EnableKeyRotation")
    props.take("PendingWindowInDays")  # applies when the key is deleted
    kwargs = _shape_kwargs(ctx, "kms", "CreateKey", props)
    props.finish()
    if policy:
        kwargs["Policy"] = _as_json(policy)
    kms = ctx.client("kms")
    key = kms.create_key(**kwargs)["KeyMetadata"]
    if rotate:
        kms.enable_key_rotation(KeyId=key["KeyId"])
    return _Created(ref=key["KeyId"], arn=key["Arn"], attributes={"Arn": key["Arn"], "KeyId": key["KeyId"]})


# ---------------------------------------------------------------------------- IAM, logs, alarms


def _aws_managed_policy_exists(client: Any, policy_arn: str) -> bool:
    path = "/" + policy_arn.partition(":policy/")[2].rpartition("/")[0]
    path = path.rstrip("/") + "/"
    listed = client.list_policies(Scope="AWS", PathPrefix=path, MaxItems=1000)["Policies"]
    return any(policy["Arn"] == policy_arn for policy in listed)


def _iam_role(ctx: _Context, logical_id: str, props: _Props) -> _Created:
    client = ctx.client("iam")
    name = props.take("RoleName") or ctx.default_name(logical_id)
    kwargs: dict[str, Any] = {
        "RoleName": name,
        "AssumeRolePolicyDocument": _as_json(props.take("AssumeRolePolicyDocument")),
    }
    for key in ("Path", "Description", "MaxSessionDuration", "PermissionsBoundary"):
        if (value := props.take(key)) is not None:
            kwargs[key] = value
    policies = props.take("Policies", [])
    managed = props.take("ManagedPolicyArns", [])
    props.finish()
    role = client.create_role(**kwargs)["Role"]
    for policy in policies:
        client.put_role_policy(
            RoleName=name, PolicyName=policy["PolicyName"], PolicyDocument=_as_json(policy["PolicyDocument"])
        )
    for policy_arn in managed:
        if ":iam::aws:policy/" in policy_arn and not _aws_managed_policy_exists(client, policy_arn):
            # moto loads AWS-managed policies only on request (config iam.load_aws_managed_policies).
            continue
        client.attach_role_policy(RoleName=name, PolicyArn=policy_arn)
    return _Created(ref=name, arn=role["Arn"], attributes={"Arn": role["Arn"], "RoleId": role["RoleId"]})


def _log_group(ctx: _Context, logical_id: str, props: _Props) -> _Created:
    client = ctx.client("logs")
    name = props.take("LogGroupName") or ctx.default_name(logical_id)
    retention = props.take("RetentionInDays")
    kms_key = props.take("KmsKeyId")
    props.finish()
    client.create_log_group(logGroupName=name, **({"kmsKeyId": kms_key} if kms_key else {}))
    if retention:
        client.put_retention_policy(logGroupName=name, retentionInDays=int(retention))
    # CloudFormation's Arn attribute of a log group ends in ":*".
    arn = f"arn:aws:logs:{ctx.region}:{ctx.account_id}:log-group:{name}:*"
    return _Created(ref=name, arn=arn, attributes={"Arn": arn})


def _cloudwatch_alarm(ctx: _Context, logical_id: str, props: _Props) -> _Created:
    kwargs = _shape_kwargs(ctx, "cloudwatch", "PutMetricAlarm", props)
    kwargs.setdefault("AlarmName", ctx.default_name(logical_id))
    props.finish()
    if "Threshold" in kwargs:  # a Number parameter resolves to text
        kwargs["Threshold"] = float(kwargs["Threshold"])
    ctx.client("cloudwatch").put_metric_alarm(**kwargs)
    arn = f"arn:aws:cloudwatch:{ctx.region}:{ctx.account_id}:alarm:{kwargs['AlarmName']}"
    return _Created(ref=kwargs["AlarmName"], arn=arn, attributes={"Arn": arn})


def _cloudwatch_dashboard(ctx: _Context, logical_id: str, props: _Props) -> _Created:
    name = props.take("DashboardName") or ctx.default_name(logical_id)
    body = props.take("DashboardBody")
    props.finish()
    ctx.client("cloudwatch").put_dashboard(DashboardName=name, DashboardBody=_as_json(body))
    return _Created(ref=name)


CREATORS: dict[str, Callable[[_Context, str, _Props], _Created]] = {
    "AWS::DynamoDB::Table": _dynamodb_table,
    "AWS::SQS::Queue": _sqs_queue,
    "AWS::SQS::QueuePolicy": _sqs_queue_policy,
    "AWS::SNS::Topic": _sns_topic,
    "AWS::SNS::Subscription": _sns_subscription,
    "AWS::S3::Bucket": _s3_bucket,
    "AWS::S3::BucketPolicy": _s3_bucket_policy,
    "AWS::SES::ReceiptRuleSet": _ses_receipt_rule_set,
    "AWS::SES::ReceiptRule": _ses_receipt_rule,
    "AWS::Cognito::UserPool": _cognito_user_pool,
    "AWS::Cognito::UserPoolClient": _cognito_user_pool_client,
    "AWS::Cognito::UserPoolGroup": _cognito_user_pool_group,
    "AWS::Cognito::UserPoolDomain": _cognito_user_pool_domain,
    "AWS::SecretsManager::Secret": _secret,
    "AWS::KMS::Key": _kms_key,
    "AWS::IAM::Role": _iam_role,
    "AWS::Logs::LogGroup": _log_group,
    "AWS::CloudWatch::Alarm": _cloudwatch_alarm,
    "AWS::CloudWatch::Dashboard": _cloudwatch_dashboard,
}


# ---------------------------------------------------------------------------- orchestration


def creation_order(template: Mapping[str, Any], intrinsics: Intrinsics) -> list[str]:
    """Active local resources, each after the ones it references or depends on (template order otherwise)."""
    resources = template["Resources"]
    local = [
        lid
        for lid, resource in resources.items()
        if resource["Type"] not in NOT_LOCAL and intrinsics.is_active(lid)
    ]
    unknown = sorted({resources[lid]["Type"] for lid in local if resources[lid]["Type"] not in CREATORS})
    if unknown:
        raise UnsupportedTemplateError(f"resource types neither created locally nor in NOT_LOCAL: {unknown}")
    pending = set(local)
    needs: dict[str, set[str]] = {}
    for lid in local:
        depends = resources[lid].get("DependsOn", [])
        depends = [depends] if isinstance(depends, str) else depends
        needs[lid] = (references(resources[lid].get("Properties", {})) | set(depends)) & pending
    order: list[str] = []
    while pending:
        ready = [lid for lid in local if lid in pending and not (needs[lid] & pending)]
        if not ready:
            raise UnsupportedTemplateError(f"circular references among {sorted(pending)}")
        order += ready
        pending -= set(ready)
    return order


def _local_overrides(ctx: _Context, api_url: str, pool_id: str, client_id: str) -> dict[str, str]:
    idp = f"https://cognito-idp.{ctx.region}.amazonaws.com"
    overrides = {
        "PUBLIC_BASE_URL": api_url,
        "AUTH_MODE": "jwks",
        "JWKS_URL": f"{ctx.endpoint_url or idp}/{pool_id}/.well-known/jwks.json",
        "JWT_ISSUER": f"{idp}/{pool_id}",
        "JWT_AUDIENCE": client_id,
        "AWS_REGION": ctx.region,
        "AWS_DEFAULT_REGION": ctx.region,
        "POWERTOOLS_TRACE_DISABLED": "true",
        "COMPLAINTDESK_MODE": "local",
    }
    if ctx.endpoint_url:
        overrides["AWS_ENDPOINT_URL"] = ctx.endpoint_url
    return overrides


def _verify_mail_identities(ctx: _Context, parameters: Mapping[str, Any]) -> None:
    """moto's SES refuses unverified senders: verify the sender and the domains (plus addresses too)."""
    ses = ctx.client("ses")
    sender = str(parameters.get("SenderAddress", ""))
    if sender:
        ses.verify_email_identity(EmailAddress=sender)
        # The sender's domain is also the receiving domain (the receipt rule is derived from it).
        ses.verify_domain_identity(Domain=sender.rpartition("@")[2])


def _stringify(variables: Mapping[str, Any]) -> dict[str, str]:
    return {name: _attr_value(value) for name, value in variables.items()}


@lru_cache(maxsize=1)
def _shared_session() -> boto3.Session:
    """The session for calls that pass none: service models are parsed once per process, not per call."""
    return boto3.Session()


def create_local_resources(
    session: boto3.Session | None = None,
    *,
    template_path: Path = TEMPLATE_PATH,
    stage: str = "local",
    parameters: dict[str, str] | None = None,
    endpoint_url: str | None = None,
    api_url: str = DEFAULT_API_URL,
    reuse: LocalResources | None = None,
    reuse_types: frozenset[str] = frozenset(),
    leave_out_types: frozenset[str] = frozenset(),
) -> LocalResources:
    """Create every local resource of ``template_path`` and return their names, ARNs and the environment.

    With ``reuse`` (resources made earlier in the same moto), resources of ``reuse_types`` are not
    created again: their names, ARNs and attributes are taken from ``reuse`` (the test suite shares
    the costly Cognito pool, KMS key and IAM roles between tests this way). Resources of
    ``leave_out_types`` are not made at all (the tests that watch no alarm leave out the alarms
    and the dashboard); a resource that refers to one fails to resolve, saying which."""
    if session is None:
        session = _shared_session()
        region = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "us-east-1"
    else:
        region = session.region_name or "us-east-1"
    template = load_template(template_path)
    values = parameter_values(template, {**LOCAL_PARAMETERS, "Stage": stage, **(parameters or {})})
    sts = session.client("sts", region_name=region, endpoint_url=endpoint_url)
    account_id = sts.get_caller_identity()["Account"]
    ctx = _Context(
        session=session, endpoint_url=endpoint_url, region=region, account_id=account_id, stage=stage
    )
    stack_name = f"complaintdesk-{stage}"
    intrinsics = Intrinsics(
        template=template,
        parameters=values,
        pseudo={
            "AWS::AccountId": account_id,
            "AWS::Region": region,
            "AWS::Partition": "aws",
            "AWS::StackName": stack_name,
            "AWS::StackId": f"arn:aws:cloudformation:{region}:{account_id}:stack/{stack_name}/local",
            "AWS::URLSuffix": "amazonaws.com",
        },
    )
    intrinsics.check_rules()
    resources = template["Resources"]
    for lid, resource in resources.items():
        if resource["Type"] in NOT_LOCAL:
            intrinsics.refs[lid] = f"{stack_name}-{lid}"

    physical: dict[str, str] = {}
    arns: dict[str, str] = {}
    for lid in creation_order(template, intrinsics):
        type_ = resources[lid]["Type"]
        if type_ in leave_out_types:
            continue
        if reuse is not None and type_ in reuse_types and lid in reuse.physical:
            created = _reused(reuse, lid)
        else:
            props = _Props(lid, type_, intrinsics.resolve(resources[lid].get("Properties", {})))
            created = CREATORS[type_](ctx, lid, props)
        intrinsics.refs[lid] = created.ref
        for name, value in created.attributes.items():
            intrinsics.attributes[(lid, name)] = value
        physical[lid] = created.ref
        if created.arn:
            arns[lid] = created.arn
        if type_ == "AWS::SES::ReceiptRuleSet":
            # On AWS this is a post-deploy step (docs/deploy.md); locally the rule set starts active.
            ctx.client("ses").set_active_receipt_rule_set(RuleSetName=created.ref)
    _verify_mail_identities(ctx, values)

    pool_id = _single(resources, physical, "AWS::Cognito::UserPool")
    client_id = _single(resources, physical, "AWS::Cognito::UserPoolClient")
    overrides = _local_overrides(ctx, api_url, pool_id, client_id)
    globals_env = template.get("Globals", {}).get("Function", {}).get("Environment", {}).get("Variables", {})
    env = {**_stringify(intrinsics.resolve(globals_env)), **overrides}
    return LocalResources(
        physical=physical,
        arns=arns,
        env=env,
        user_pool_id=pool_id,
        user_pool_client_id=client_id,
        outputs=_outputs(template, intrinsics, api_url),
        template=template,
        intrinsics=intrinsics,
        overrides=overrides,
    )


def _reused(made: LocalResources, logical_id: str) -> _Created:
    """What creating ``logical_id`` gave earlier (``made``), to stand for a new creation."""
    if made.intrinsics is None:
        raise ValueError("LocalResources was not made by create_local_resources")
    attributes = {
        name: value for (lid, name), value in made.intrinsics.attributes.items() if lid == logical_id
    }
    return _Created(ref=made.physical[logical_id], arn=made.arns.get(logical_id), attributes=attributes)


def _single(resources: Mapping[str, Any], physical: Mapping[str, str], type_: str) -> str:
    found = [
        physical[lid] for lid, resource in resources.items() if resource["Type"] == type_ and lid in physical
    ]
    if len(found) != 1:
        raise UnsupportedTemplateError(f"expected exactly one {type_}, found {len(found)}")
    return found[0]


def _outputs(template: Mapping[str, Any], intrinsics: Intrinsics, api_url: str) -> dict[str, str]:
    outputs: dict[str, str] = {}
    for name, output in template.get("Outputs", {}).items():
        if "Condition" in output and not intrinsics.condition(output["Condition"]):
            continue
        outputs[name] = api_url if name == "ApiUrl" else _attr_value(intrinsics.resolve(output["Value"]))
    return outputs


def function_environment(logical_id: str, resources: LocalResources) -> dict[str, str]:
    """The environment ``logical_id`` gets: Globals plus its own Variables, resolved, local overrides applied."""
    if resources.intrinsics is None:
        raise ValueError("LocalResources was not made by create_local_resources")
    resource = resources.template["Resources"].get(logical_id)
    if resource is None or resource["Type"] != "AWS::Serverless::Function":
        raise KeyError(f"{logical_id} is not a function of the template")
    own = resource.get("Properties", {}).get("Environment", {}).get("Variables", {})
    try:
        resolved = _stringify(resources.intrinsics.resolve(own))
    except IntrinsicError as exc:
        raise UnsupportedTemplateError(f"{logical_id}: {exc}") from exc
    return {**resources.env, **resolved, **resources.overrides}
