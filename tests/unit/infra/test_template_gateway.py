"""API Gateway's own answers, CORS, throttling and the logging role, on the SAM-translated template.

API Gateway answers some requests without calling the function: the authorizer's refusals, unknown
routes, throttling, its own faults, and CORS preflights. Those answers must have the API's error
shape ({"error": {"code", "message"}}) and the console's CORS header, like the app's own.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.unit.infra.test_template_deployable import of_type
from tests.unit.infra.test_template_deployable import translated as _deployable  # noqa: F401 (a fixture)


@pytest.fixture(scope="module")
def sam(request: pytest.FixtureRequest) -> dict[str, Any]:
    """The SAM-translated template (the fixture of test_template_deployable, translated once)."""
    return request.getfixturevalue("_deployable")


# The console's origin: the stack's distribution unless ConsoleOrigin names another (one deploy).
CONSOLE_ORIGIN = {
    "Fn::If": [
        "DeriveConsoleOrigin",
        {"Fn::Sub": "https://${ConsoleDistribution.DomainName}"},
        {"Ref": "ConsoleOrigin"},
    ]
}
ORIGIN = {"Fn::Sub": ["'${Origin}'", {"Origin": CONSOLE_ORIGIN}]}
# Response type → (status, error code) the API documents for it; None keeps API Gateway's status.
EXPECTED = {
    "UNAUTHORIZED": ("401", "unauthenticated"),
    "ACCESS_DENIED": ("403", "forbidden"),
    "MISSING_AUTHENTICATION_TOKEN": ("403", "forbidden"),
    "EXPIRED_TOKEN": ("403", "forbidden"),
    "INVALID_SIGNATURE": ("403", "forbidden"),
    "REQUEST_TOO_LARGE": ("413", "payload_too_large"),
    "THROTTLED": ("429", "throttled"),
    "QUOTA_EXCEEDED": ("429", "throttled"),
    "DEFAULT_4XX": (None, "rejected"),
    "DEFAULT_5XX": (None, "internal_error"),
}


def body_of(sam: dict[str, Any]) -> dict[str, Any]:
    return sam["Resources"]["Api"]["Properties"]["Body"]


def render(template: str, message: str) -> Any:
    """What API Gateway sends: $context.error.messageString is the message as a quoted JSON string."""
    return json.loads(template.replace("$context.error.messageString", json.dumps(message)))


@pytest.mark.parametrize("response_type", sorted(EXPECTED))
def test_gateway_answers_in_the_error_shape_with_cors(sam: dict[str, Any], response_type: str) -> None:
    status, code = EXPECTED[response_type]
    response = body_of(sam)["x-amazon-apigateway-gateway-responses"][response_type]
    assert response.get("statusCode") == status
    assert response["responseParameters"] == {"gatewayresponse.header.Access-Control-Allow-Origin": ORIGIN}
    # A message with quotes and non-ASCII still makes valid JSON in the documented shape
    message = 'Token "abc" expired — şimdi'
    assert render(response["responseTemplates"]["application/json"], message) == {
        "error": {"code": code, "message": message}
    }


def test_preflight_on_every_path_without_the_authorizer(sam: dict[str, Any]) -> None:
    paths = body_of(sam)["paths"]
    for path, methods in paths.items():
        options = methods.get("options")
        assert options is not None, path
        assert "security" not in options, path  # no Cognito on OPTIONS
        integration = options["x-amazon-apigateway-integration"]
        assert integration["type"] == "mock"
        headers = integration["responses"]["default"]["responseParameters"]
        assert headers["method.response.header.Access-Control-Allow-Origin"] == ORIGIN
        assert headers["method.response.header.Access-Control-Allow-Headers"] == (
            "'Authorization,Content-Type,Idempotency-Key'"
        )
        allowed = set(headers["method.response.header.Access-Control-Allow-Methods"].strip("'").split(","))
        route_methods = {m.upper() for m in methods if m != "options"}
        assert route_methods <= allowed, path


def test_the_function_allows_the_same_origin(sam: dict[str, Any]) -> None:
    env = sam["Resources"]["ApiFunction"]["Properties"]["Environment"]["Variables"]
    assert env["CONSOLE_ORIGIN"] == CONSOLE_ORIGIN


def test_throttling_comes_from_parameters(sam: dict[str, Any]) -> None:
    (stage,) = of_type(sam, "AWS::ApiGateway::Stage").values()
    (settings,) = stage["Properties"]["MethodSettings"]
    assert settings["ResourcePath"] == "/*" and settings["HttpMethod"] == "*"
    assert settings["ThrottlingRateLimit"] == {"Ref": "ApiThrottlingRateLimit"}
    assert settings["ThrottlingBurstLimit"] == {"Ref": "ApiThrottlingBurstLimit"}
    parameters = sam["Parameters"]
    assert parameters["ApiThrottlingRateLimit"]["Default"] <= parameters["ApiThrottlingBurstLimit"]["Default"]


def test_the_logged_stage_waits_for_the_account_logging_role(sam: dict[str, Any]) -> None:
    resources = sam["Resources"]
    (stage_id, stage) = next(iter(of_type(sam, "AWS::ApiGateway::Stage").items()))
    assert "AccessLogSetting" in stage["Properties"]
    # The stage references its deployment, which references the RestApi ...
    deployment_id = stage["Properties"]["DeploymentId"]["Ref"]
    assert resources[deployment_id]["Properties"]["RestApiId"] == {"Ref": "Api"}
    # ... which waits for the handle, which references the account setting when the stack makes it
    assert resources["Api"]["DependsOn"] in ("ApiGatewayAccountReady", ["ApiGatewayAccountReady"])
    handle = resources["ApiGatewayAccountReady"]
    assert "Condition" not in handle  # a DependsOn target must always exist
    assert handle["Metadata"]["AccountSetting"]["Fn::If"][:2] == [
        "SetApiGatewayAccount",
        {"Ref": "ApiGatewayAccount"},
    ]
    assert resources["ApiGatewayAccount"]["Condition"] == "SetApiGatewayAccount"
    assert stage_id != "Api"
