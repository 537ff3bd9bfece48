"""The contract, fuzzed: schemathesis against the running local stack over HTTP.

The document is the one the stack serves at ``/openapi.json`` (and must equal docs/openapi.json).
Every operation gets generated requests, valid and invalid ones, with an admin's token where the
operation needs one and none on the public routes; every answer must be no 5xx and exactly what the
document says (status, content type, body schema), and a request the document calls invalid must be
refused. Path parameters point at a real ticket, customer,
category and status link, so the answers checked are the real shapes, not only 404s.
Deterministic: a fixed seed, derandomized generation, a bounded number of examples.
"""

from __future__ import annotations

import json
import re
import urllib.request
from pathlib import Path

import pytest
import schemathesis
from schemathesis.checks import (
    content_type_conformance,
    negative_data_rejection,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.config import SchemathesisConfig

from tests.e2e.conftest import RunningStack, acknowledgement_text, signed_token

pytestmark = pytest.mark.e2e

REPO = Path(__file__).resolve().parents[2]
SEED = 20261127
MAX_EXAMPLES = 25
# The four the contract promises, and: a request the document calls invalid is refused (4xx).
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    negative_data_rejection,
]


def served_document(stack: RunningStack) -> dict:
    with urllib.request.urlopen(stack.url + "/openapi.json", timeout=30) as response:
        assert response.status == 200 and response.headers["Content-Type"].startswith("application/json")
        return json.loads(response.read())


def status_token(stack: RunningStack, ticket_id: str) -> str:
    """The customer's status link, from the acknowledgement the stack sent them."""
    text = acknowledgement_text(stack, ticket_id)
    return re.search(r"/status/([A-Za-z0-9._~=-]+)", text).group(1)


@pytest.fixture(scope="module")
def targets(running_stack: RunningStack) -> dict[str, str]:
    """Real values for the path parameters: a ticket in a category (its plan running), its
    customer, the category and the customer's status link."""
    status, ticket = running_stack.call(
        "POST",
        "/tickets",
        {
            "channel": "web",
            "subject": "Contract fuzzing",
            "description": "A ticket the fuzzer's requests may read and act on.",
            "category": "billing-error",
            "customer": {"name": "Fuzz Tester", "email": "fuzz@example.com", "language": "en"},
            "fields": {
                "invoice_number": "INV-2026-0001",
                "disputed_amount": 120.5,
                "currency": "EUR",
                "error_type": "double_charge",
            },
        },
    )
    assert status == 201, ticket
    return {
        "ticket_id": ticket["ticket_id"],
        "customer_id": ticket["customer_id"],
        "category_id": "billing-error",
        "token": status_token(running_stack, ticket["ticket_id"]),
        # Signed with the stack's key, so the fuzzer's answers reach the survey itself: one 201, then 409s.
        "survey_token": signed_token(running_stack, "survey", ticket["ticket_id"]),
    }


def test_the_served_document_is_the_committed_one(running_stack: RunningStack) -> None:
    committed = json.loads((REPO / "docs" / "openapi.json").read_text(encoding="utf-8"))
    assert served_document(running_stack) == committed


# The committed document (the test above holds the served one to it); loaded when the tests are
# collected, before the stack runs, so the base URL is given per call.
schema = schemathesis.openapi.from_path(
    REPO / "docs" / "openapi.json",
    config=SchemathesisConfig.from_dict(
        {
            "seed": SEED,
            # Unknown query parameters are ignored by design (README, "The API"): not a bad request.
            "generation": {
                "max-examples": MAX_EXAMPLES,
                "deterministic": True,
                "mode": "all",
                "allow-extra-parameters": False,
            },
            # Methods a route does not serve, as clients send them; TRACE and QUERY are left out:
            # locally the dev server itself answers them (501 HTML) before the app, on AWS the gateway.
            "phases": {"coverage": {"unexpected-methods": ["get", "put", "post", "patch", "delete"]}},
        }
    ),
)


@schema.parametrize()
def test_no_5xx_and_every_answer_as_documented(case, running_stack: RunningStack, targets) -> None:
    for name, value in targets.items():
        if name in (case.path_parameters or {}):
            case.path_parameters[name] = value
    if case.operation.path == "/survey/{token}":
        case.path_parameters["token"] = targets["survey_token"]
    headers = {}
    # A case that negates the token (none, or a bad one) is sent as generated: it must get a 401.
    if case.operation.definition.raw.get("security") != [] and not schema.is_security_param_negated(case):
        headers["Authorization"] = f"Bearer {running_stack.info['tokens']['admin']}"
    case.call_and_validate(base_url=running_stack.url, headers=headers, checks=CHECKS, timeout=60)
