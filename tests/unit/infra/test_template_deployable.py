"""template.yaml passes cfn-lint and translates with aws-sam-translator, offline."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from infra.local.template import load_template, template_api_routes

REPO_ROOT = Path(__file__).resolve().parents[3]
TEMPLATE = REPO_ROOT / "template.yaml"


@pytest.mark.costly
def test_cfn_lint_is_clean_in_both_regions() -> None:
    from cfnlint.api import ManualArgs, lint_file

    # One run for both regions: cfn-lint checks each region's resource schemas in it, for about
    # the CPU of one region (a run per region paid the rules, the schemas and the walk twice).
    matches = lint_file(TEMPLATE, ManualArgs(regions=["us-east-1", "eu-west-1"]))
    assert [str(match) for match in matches] == []


class _NoManagedPolicies:
    """The translator asks IAM for AWS-managed policy ARNs; the template uses policy templates only."""

    def load(self) -> dict[str, str]:
        return {}


@pytest.fixture(scope="module")
def translated() -> dict[str, Any]:
    from samtranslator.translator.transform import transform

    template = copy.deepcopy(load_template(TEMPLATE))
    # The translator wants deployable artifacts: stand S3 URIs in for the local folders.
    for logical_id, resource in template["Resources"].items():
        if resource["Type"] == "AWS::Serverless::Function":
            resource["Properties"]["CodeUri"] = f"s3://artifacts/{logical_id}.zip"
        elif resource["Type"] == "AWS::Serverless::LayerVersion":
            resource["Properties"]["ContentUri"] = f"s3://artifacts/{logical_id}.zip"
    with pytest.MonkeyPatch.context() as env:
        env.setenv("AWS_DEFAULT_REGION", "eu-west-1")
        return transform(template, {}, _NoManagedPolicies())


def of_type(translated: dict[str, Any], type_: str) -> dict[str, Any]:
    return {lid: r for lid, r in translated["Resources"].items() if r["Type"] == type_}


def test_no_serverless_types_remain(translated: dict[str, Any]) -> None:
    assert not [
        r["Type"] for r in translated["Resources"].values() if r["Type"].startswith("AWS::Serverless::")
    ]
    assert set(of_type(translated, "AWS::Lambda::Function")) == {
        "ApiFunction",
        "AssignStepFunction",
        "NotifyFunction",
        "EmailIngestFunction",
        "AggregateFunction",
        "RemindFunction",
        "WatchExecutionsFunction",
        "PublishFunction",
    }


def test_every_route_becomes_an_api_method_with_the_right_auth(translated: dict[str, Any]) -> None:
    # Given the routes declared as ApiFunction events
    routes = template_api_routes(load_template(TEMPLATE))
    # When SAM builds the REST API's OpenAPI body
    body = translated["Resources"]["Api"]["Properties"]["Body"]
    # (OPTIONS are the CORS preflights SAM adds: tests/unit/infra/test_template_gateway.py)
    methods = {
        (method.upper(), path): spec
        for path, item in body["paths"].items()
        for method, spec in item.items()
        if method != "options"
    }
    # Then each route is one method integrated with the function, with Cognito unless public
    assert set(methods) == set(routes)
    for (method, path), spec in methods.items():
        assert spec["x-amazon-apigateway-integration"]["type"] == "aws_proxy"
        assert "${ApiFunction.Arn}" in spec["x-amazon-apigateway-integration"]["uri"]["Fn::Sub"]
        public = routes[(method, path)].get("Auth", {}).get("Authorizer") == "NONE"
        assert spec["security"] == ([{"NONE": []}] if public else [{"CognitoAuthorizer": []}]), (method, path)
    assert {path for (_, path), props in routes.items() if "Auth" in props} == {
        "/decision/{token}",
        "/openapi.json",
        "/status/{token}",
        "/survey/{token}",
    }
    permissions = [
        p
        for p in of_type(translated, "AWS::Lambda::Permission").values()
        if p["Properties"]["FunctionName"] == {"Ref": "ApiFunction"}  # the schedule has its own
    ]
    assert len(permissions) == len(routes)


def test_cognito_authorizer_reads_the_authorization_header(translated: dict[str, Any]) -> None:
    body = translated["Resources"]["Api"]["Properties"]["Body"]
    scheme = body["components"]["securitySchemes"]["CognitoAuthorizer"]
    assert scheme["name"] == "Authorization"
    assert scheme["x-amazon-apigateway-authorizer"] == {
        "type": "cognito_user_pools",
        "providerARNs": [{"Fn::GetAtt": ["UserPool", "Arn"]}],
    }


def test_event_source_mappings_report_batch_item_failures(translated: dict[str, Any]) -> None:
    mappings = {
        r["Properties"]["FunctionName"]["Ref"]: r["Properties"]
        for r in of_type(translated, "AWS::Lambda::EventSourceMapping").values()
    }
    assert set(mappings) == {
        "AssignStepFunction",
        "NotifyFunction",
        "EmailIngestFunction",
        "AggregateFunction",
        "PublishFunction",
    }
    for props in mappings.values():
        assert props["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    assert mappings["AssignStepFunction"]["EventSourceArn"] == {"Fn::GetAtt": ["CallbackQueue", "Arn"]}
    stream = mappings["AggregateFunction"]
    assert stream["EventSourceArn"] == {"Fn::GetAtt": ["TicketsTable", "StreamArn"]}
    assert stream["BisectBatchOnFunctionError"] is True
    # The outbox publisher: only new outbox items, retried, then its dead-letter queue
    outbox = mappings["PublishFunction"]
    assert outbox["EventSourceArn"] == {"Fn::GetAtt": ["TicketsTable", "StreamArn"]}
    assert outbox["BisectBatchOnFunctionError"] is True and outbox["MaximumRetryAttempts"] >= 1
    assert outbox["DestinationConfig"]["OnFailure"]["Destination"] == {"Fn::GetAtt": ["PublishDLQ", "Arn"]}
    (pattern,) = [json.loads(f["Pattern"]) for f in outbox["FilterCriteria"]["Filters"]]
    assert pattern == {"eventName": ["INSERT"], "dynamodb": {"Keys": {"SK": {"S": [{"prefix": "OUTBOX#"}]}}}}


def test_stage_access_logs_and_tracing(translated: dict[str, Any]) -> None:
    (stage,) = of_type(translated, "AWS::ApiGateway::Stage").values()
    assert stage["Properties"]["StageName"] == {"Ref": "Stage"}
    assert stage["Properties"]["TracingEnabled"] is True
    assert stage["Properties"]["AccessLogSetting"]["DestinationArn"] == {
        "Fn::GetAtt": ["ApiAccessLogGroup", "Arn"]
    }


def test_functions_get_the_layer_and_arm64(translated: dict[str, Any]) -> None:
    for function in of_type(translated, "AWS::Lambda::Function").values():
        props = function["Properties"]
        assert props["Architectures"] == ["arm64"]
        assert props["Runtime"] == "python3.11"
        assert props["TracingConfig"] == {"Mode": "Active"}
        (layer,) = props["Layers"]
        assert layer["Ref"].startswith("DomainLayer")
