"""`complaintdesk publish-console`: the console's files and config.json go to the stack's bucket
with the right Content-Types, files no longer shipped are deleted, the distribution is
invalidated — against moto (S3, CloudFront, and a CloudFormation stack whose outputs name them)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws

from infra.cli import main
from infra.local.console import CONSOLE_DIR

REGION = "eu-west-1"
ORIGIN = "https://desk.example.com"
CLOUDFRONT_URL = "https://d111111abcdef8.cloudfront.net"

# A stand-in for the deployed stack: the outputs publish-console reads, from its parameters; as in
# template.yaml, the console's origin is the distribution's address unless ConsoleOrigin names one.
STACK_TEMPLATE = {
    "Parameters": {
        "ConsoleOrigin": {"Type": "String", "Default": ""},
        "Bucket": {"Type": "String"},
        "DistributionId": {"Type": "String"},
    },
    "Conditions": {"DeriveConsoleOrigin": {"Fn::Equals": [{"Ref": "ConsoleOrigin"}, ""]}},
    "Resources": {"Marker": {"Type": "AWS::SQS::Queue"}},
    "Outputs": {
        "ConsoleAllowedOrigin": {
            "Value": {"Fn::If": ["DeriveConsoleOrigin", CLOUDFRONT_URL, {"Ref": "ConsoleOrigin"}]}
        },
        "ConsoleBucketName": {"Value": {"Ref": "Bucket"}},
        "ConsoleDistributionId": {"Value": {"Ref": "DistributionId"}},
        "ConsoleUrl": {"Value": CLOUDFRONT_URL},
        "ApiUrl": {"Value": "https://abc123.execute-api.eu-west-1.amazonaws.com/prod"},
        "UserPoolClientId": {"Value": "client-123"},
        "SignInDomain": {"Value": "https://complaintdesk-prod-1.auth.eu-west-1.amazoncognito.com"},
    },
}


@pytest.fixture
def deployed(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Any]]:
    """The stack deployed with ConsoleOrigin naming a custom domain."""
    yield from _deployed(monkeypatch, ORIGIN)


@pytest.fixture
def deployed_on_its_distribution(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Any]]:
    """The stack deployed with the default (empty) ConsoleOrigin: one deploy, the distribution's origin."""
    yield from _deployed(monkeypatch, "")


def _deployed(monkeypatch: pytest.MonkeyPatch, console_origin: str) -> Iterator[dict[str, Any]]:
    monkeypatch.setenv("AWS_REGION", REGION)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    with mock_aws():
        s3 = boto3.client("s3", region_name=REGION)
        s3.create_bucket(Bucket="console-bucket", CreateBucketConfiguration={"LocationConstraint": REGION})
        # Left from an earlier publish: a page the console no longer has
        s3.put_object(Bucket="console-bucket", Key="pages/old.js", Body=b"//")
        cloudfront = boto3.client("cloudfront", region_name=REGION)
        distribution = cloudfront.create_distribution(
            DistributionConfig={
                "CallerReference": "console",
                "Comment": "console",
                "Enabled": True,
                "DefaultRootObject": "index.html",
                "Origins": {
                    "Quantity": 1,
                    "Items": [
                        {
                            "Id": "console-bucket",
                            "DomainName": "console-bucket.s3.eu-west-1.amazonaws.com",
                            "S3OriginConfig": {"OriginAccessIdentity": ""},
                        }
                    ],
                },
                "DefaultCacheBehavior": {
                    "TargetOriginId": "console-bucket",
                    "ViewerProtocolPolicy": "redirect-to-https",
                    "MinTTL": 0,
                },
            }
        )["Distribution"]
        boto3.client("cloudformation", region_name=REGION).create_stack(
            StackName="complaintdesk-prod",
            TemplateBody=json.dumps(STACK_TEMPLATE),
            Parameters=[
                {"ParameterKey": "ConsoleOrigin", "ParameterValue": console_origin},
                {"ParameterKey": "Bucket", "ParameterValue": "console-bucket"},
                {"ParameterKey": "DistributionId", "ParameterValue": distribution["Id"]},
            ],
        )
        yield {"s3": s3, "cloudfront": cloudfront, "distribution": distribution["Id"]}


def test_publish_uploads_the_console_writes_config_and_invalidates(
    deployed: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["publish-console", "--stack-name", "complaintdesk-prod"]) == 0
    s3 = deployed["s3"]
    keys = {o["Key"] for o in s3.list_objects_v2(Bucket="console-bucket")["Contents"]}
    shipped = {p.relative_to(CONSOLE_DIR).as_posix() for p in CONSOLE_DIR.rglob("*") if p.is_file()}
    assert keys == shipped | {"config.json"}  # pages/old.js deleted
    # Each file with the type a browser needs to run it (ES modules must be JavaScript)
    types = {key: s3.head_object(Bucket="console-bucket", Key=key)["ContentType"] for key in keys}
    assert types["index.html"] == "text/html; charset=utf-8"
    assert types["js/app.js"] == "text/javascript; charset=utf-8"
    assert types["css/console.css"] == "text/css; charset=utf-8"
    assert types["config.json"] == "application/json"
    assert s3.head_object(Bucket="console-bucket", Key="index.html")["CacheControl"] == "no-cache"
    # config.json: the hosted sign-in coming back to the registered origin
    config = json.loads(s3.get_object(Bucket="console-bucket", Key="config.json")["Body"].read())
    assert config == {
        "api_url": "https://abc123.execute-api.eu-west-1.amazonaws.com/prod",
        "region": REGION,
        "auth": {
            "mode": "hosted-ui",
            "domain": "https://complaintdesk-prod-1.auth.eu-west-1.amazoncognito.com",
            "client_id": "client-123",
            "redirect_uri": f"{ORIGIN}/",
            "logout_uri": f"{ORIGIN}/",
        },
    }
    invalidations = deployed["cloudfront"].list_invalidations(DistributionId=deployed["distribution"])
    assert invalidations["InvalidationList"]["Quantity"] == 1
    out = capsys.readouterr().out
    assert "deleted 1 files no longer in the console: pages/old.js" in out
    # The origin is a custom domain, not the CloudFront name: the command says what that means
    assert f"the stack's console origin is {ORIGIN}" in out
    assert f"alias {ORIGIN} to the distribution" in out


def test_a_stack_on_its_own_distribution_signs_in_there_after_one_deploy(
    deployed_on_its_distribution: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["publish-console", "--stack-name", "complaintdesk-prod"]) == 0
    s3 = deployed_on_its_distribution["s3"]
    config = json.loads(s3.get_object(Bucket="console-bucket", Key="config.json")["Body"].read())
    assert config["auth"]["redirect_uri"] == f"{CLOUDFRONT_URL}/"
    assert config["auth"]["logout_uri"] == f"{CLOUDFRONT_URL}/"
    out = capsys.readouterr().out
    assert f"open {CLOUDFRONT_URL}/" in out
    assert "note:" not in out


def test_a_stack_without_the_console_is_refused(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("AWS_REGION", REGION)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    with mock_aws():
        template = {
            "Resources": {"Marker": {"Type": "AWS::SQS::Queue"}},
            "Outputs": {"ApiUrl": {"Value": "x"}},
        }
        boto3.client("cloudformation", region_name=REGION).create_stack(
            StackName="plain", TemplateBody=json.dumps(template)
        )
        assert main(["publish-console", "--stack-name", "plain"]) == 2
    assert "has no ConsoleBucketName" in capsys.readouterr().err
