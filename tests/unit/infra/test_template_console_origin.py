"""The console's origin in one deploy: every place that names it (the API's CORS and gateway
answers, the function's CONSOLE_ORIGIN, the mail bucket's CORS, the hosted sign-in's callback and
sign-out URL, the ConsoleAllowedOrigin output) says the same origin, evaluated for each way of
deploying: the stack's own distribution (ConsoleOrigin empty), a custom domain, the console served
elsewhere — and the last without an origin is refused before anything is created, as
CloudFormation's Rules refuse it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from infra.local.template import IntrinsicError, Intrinsics, load_template, parameter_values

TEMPLATE = Path(__file__).resolve().parents[3] / "template.yaml"
DISTRIBUTION_HOST = "d111111abcdef8.cloudfront.net"
REQUIRED = {"SenderAddress": "support@example.com", "Stage": "prod"}


@pytest.fixture(scope="module")
def template() -> dict[str, Any]:
    return load_template(TEMPLATE)


def evaluator(template: dict[str, Any], **parameters: str) -> Intrinsics:
    intrinsics = Intrinsics(
        template=template,
        parameters=parameter_values(template, {**REQUIRED, **parameters}),
        pseudo={
            "AWS::AccountId": "123456789012",
            "AWS::Region": "eu-west-1",
            "AWS::Partition": "aws",
            "AWS::StackName": "complaintdesk-prod",
            "AWS::StackId": "arn:aws:cloudformation:eu-west-1:123456789012:stack/complaintdesk-prod/0f1e2d3c-aaaa",
            "AWS::URLSuffix": "amazonaws.com",
        },
    )
    if intrinsics.condition("ConsoleHosted"):  # a stack without the console has no distribution
        intrinsics.attributes[("ConsoleDistribution", "DomainName")] = DISTRIBUTION_HOST
    return intrinsics


def origins(template: dict[str, Any], intrinsics: Intrinsics) -> dict[str, Any]:
    """What each place that names the console's origin says, as CloudFormation would resolve it."""
    resources = template["Resources"]
    api = resources["Api"]["Properties"]
    client = resources["UserPoolClient"]["Properties"]
    (cors_rule,) = resources["MailBucket"]["Properties"]["CorsConfiguration"]["CorsRules"]
    said: dict[str, Any] = {
        "api preflight": api["Cors"]["AllowOrigin"],
        "function": resources["ApiFunction"]["Properties"]["Environment"]["Variables"]["CONSOLE_ORIGIN"],
        "mail bucket": cors_rule["AllowedOrigins"],
        "callback": client["CallbackURLs"][0],
        "sign-out": client["LogoutURLs"][0],
        "output": template["Outputs"]["ConsoleAllowedOrigin"]["Value"],
    }
    for kind, response in api["GatewayResponses"].items():
        said[f"gateway {kind}"] = response["ResponseParameters"]["Headers"]["Access-Control-Allow-Origin"]
    return intrinsics.resolve(said)


def expected(template: dict[str, Any], origin: str) -> dict[str, Any]:
    gateway_kinds = template["Resources"]["Api"]["Properties"]["GatewayResponses"]
    said: dict[str, Any] = {
        "api preflight": f"'{origin}'",
        "function": origin,
        "mail bucket": [origin],
        "callback": f"{origin}/",
        "sign-out": f"{origin}/",
        "output": origin,
    }
    said.update({f"gateway {kind}": f"'{origin}'" for kind in gateway_kinds})
    return said


@pytest.mark.parametrize(
    ("deploy_console", "console_origin", "origin"),
    [
        ("true", "", f"https://{DISTRIBUTION_HOST}"),  # the stack's own distribution, in one deploy
        ("true", "https://desk.example.com", "https://desk.example.com"),  # a custom domain instead
        (
            "false",
            "http://localhost:8080",
            "http://localhost:8080",
        ),  # served elsewhere, never the distribution
    ],
    ids=["own-distribution", "custom-domain", "served-elsewhere"],
)
def test_every_place_names_the_same_origin(
    template: dict[str, Any], deploy_console: str, console_origin: str, origin: str
) -> None:
    intrinsics = evaluator(template, DeployConsole=deploy_console, ConsoleOrigin=console_origin)
    intrinsics.check_rules()
    assert origins(template, intrinsics) == expected(template, origin)


def test_the_default_origin_is_the_stacks_own_distribution(template: dict[str, Any]) -> None:
    assert template["Parameters"]["ConsoleOrigin"]["Default"] == ""
    assert template["Parameters"]["DeployConsole"]["Default"] == "true"


def test_a_console_served_elsewhere_without_an_origin_is_refused_before_anything_is_made(
    template: dict[str, Any],
) -> None:
    intrinsics = evaluator(template, DeployConsole="false", ConsoleOrigin="")
    with pytest.raises(IntrinsicError, match='ConsoleOrigin is required when DeployConsole is "false"'):
        intrinsics.check_rules()


def test_the_console_security_policy_names_the_mail_bucket_it_uploads_to(template: dict[str, Any]) -> None:
    # Spelt from the bucket's name parts (a reference would be circular: the bucket's CORS names
    # the distribution), so the two must stay the same name.
    intrinsics = evaluator(template, DeployConsole="true", ConsoleOrigin="")
    intrinsics.refs["UserPoolDomain"] = "complaintdesk-prod-123456789012"
    bucket = intrinsics.resolve(template["Resources"]["MailBucket"]["Properties"]["BucketName"])
    policy = template["Resources"]["ConsoleHeadersPolicy"]["Properties"]["ResponseHeadersPolicyConfig"]
    csp = intrinsics.resolve(
        policy["SecurityHeadersConfig"]["ContentSecurityPolicy"]["ContentSecurityPolicy"]
    )
    assert bucket == "complaintdesk-prod-mail-123456789012-0f1e2d3c"
    assert f"https://{bucket}.s3.amazonaws.com" in csp
    assert f"https://{bucket}.s3.eu-west-1.amazonaws.com" in csp
