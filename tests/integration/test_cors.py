"""CORS for the staff console: the app's answers allow the configured origin, preflights need no token.

API Gateway answers preflights and its own errors on AWS (tests/unit/infra/test_template_gateway.py);
here the Chalice app's own responses (through chalice.test, against moto) and chalice.local's
preflight, which is what the local stack serves over HTTP.
"""

from __future__ import annotations

import http.client
import json
import os
import threading
from collections.abc import Iterator

import pytest

from complaintdesk.settings import reset_settings
from infra.local.resources import LOCAL_PARAMETERS

COMPLAINT = {
    "channel": "web",
    "subject": "Parcel never arrived",
    "description": "The carrier's tracking has not moved for a week.",
    "customer": {"name": "Ayşe Yılmaz", "email": "ayse@example.com", "language": "tr"},
}


def template_console_origin() -> str:
    """The ConsoleOrigin the stack fixture deploys the template with (the local stack's parameter;
    on AWS the stack's own distribution unless set: tests/unit/infra/test_template_console_origin.py)."""
    return LOCAL_PARAMETERS["ConsoleOrigin"]


@pytest.fixture
def client(stack) -> Iterator[object]:
    from chalice.test import Client

    from functions.api.app import app

    with Client(app) as test_client:
        yield test_client


def test_the_function_gets_the_console_origin_of_the_template(stack) -> None:
    assert os.environ["CONSOLE_ORIGIN"] == template_console_origin()


def test_answers_carry_the_console_origin(client, tokens) -> None:
    origin = template_console_origin()
    # Given a signed-in agent's create and an anonymous call to a staff route
    created = client.http.post(
        "/tickets",
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {tokens['agent']}"},
        body=json.dumps(COMPLAINT),
    )
    refused = client.http.get("/tickets", headers={"Origin": origin})
    # Then both answers allow the console's origin, the refusal in the API's error shape
    assert created.status_code == 201
    assert created.headers["Access-Control-Allow-Origin"] == origin
    assert refused.status_code == 401
    assert refused.headers["Access-Control-Allow-Origin"] == origin
    assert json.loads(refused.body)["error"]["code"] == "unauthenticated"


def test_no_origin_configured_means_no_cors_headers(client, monkeypatch) -> None:
    monkeypatch.setenv("CONSOLE_ORIGIN", "")
    reset_settings()
    refused = client.http.get("/tickets")
    assert refused.status_code == 401
    assert not [name for name in refused.headers if name.lower().startswith("access-control-")]


@pytest.fixture
def local_api(stack) -> Iterator[int]:
    """The Chalice app served over HTTP by chalice.local, as ``make run`` serves it."""
    from chalice.config import Config
    from chalice.local import create_local_server

    from functions.api.app import app

    server = create_local_server(app, Config.create(app_name="complaintdesk-api"), "127.0.0.1", 0)
    thread = threading.Thread(target=server.server.serve_forever, daemon=True)
    thread.start()
    yield server.server.server_address[1]
    server.server.shutdown()
    thread.join(timeout=5)


def test_preflight_is_answered_without_a_token(local_api: int) -> None:
    origin = template_console_origin()
    # Given a browser on the console asking whether it may POST a ticket with an Idempotency-Key
    conn = http.client.HTTPConnection("127.0.0.1", local_api, timeout=10)
    conn.request(
        "OPTIONS",
        "/tickets",
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization,content-type,idempotency-key",
        },
    )
    answer = conn.getresponse()
    answer.read()
    conn.close()
    # Then the preflight succeeds with no Authorization header and allows what the console sends
    assert answer.status == 200
    assert answer.getheader("Access-Control-Allow-Origin") == origin
    assert {"GET", "POST"} <= set(answer.getheader("Access-Control-Allow-Methods").split(","))
    allowed = {h.strip().lower() for h in answer.getheader("Access-Control-Allow-Headers").split(",")}
    assert {"authorization", "content-type", "idempotency-key"} <= allowed
    assert answer.getheader("Access-Control-Max-Age") == "600"
