"""One contract: the routes, template.yaml's API events and the committed OpenAPI document agree.

docs/openapi.json is generated from the route declarations (``make openapi``); these tests fail
when any of the three drifts from the others, and check what the declarations promise at the edge:
a declared body or query is validated before the view runs (400 naming the field), the view reads
the model, and the declared success status is the one sent.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from chalice import Chalice
from pydantic import BaseModel, ConfigDict, Field

from complaintdesk.openapi import document, render
from complaintdesk.routes import Routes, endpoints, model
from infra.local.template import PUBLIC_PATHS, chalice_routes, load_template, template_api_routes

if TYPE_CHECKING:
    # Imported where used: each xdist worker imports every test module, and these two cost about
    # 0.4 s of CPU in a worker that runs none of this module's tests.
    from chalice.test import Client

REPO = Path(__file__).resolve().parents[2]
COMMITTED = REPO / "docs" / "openapi.json"
METHODS = {"get", "put", "post", "patch", "delete"}


@pytest.fixture(scope="module")
def spec() -> dict:
    return document()


def operations(doc: dict) -> dict[tuple[str, str], dict]:
    return {
        (method.upper(), path): operation
        for path, item in doc["paths"].items()
        for method, operation in item.items()
        if method in METHODS
    }


def test_the_committed_document_is_the_generated_one(spec: dict) -> None:
    assert COMMITTED.read_text(encoding="utf-8") == render(spec), (
        "docs/openapi.json is stale: run make openapi"
    )


def test_the_document_is_valid_openapi_3_1(spec: dict) -> None:
    from openapi_spec_validator import validate

    assert spec["openapi"].startswith("3.1.")
    validate(spec)  # raises on any violation of the OpenAPI 3.1 schema


def test_routes_template_and_document_list_the_same_operations(spec: dict) -> None:
    from functions.api.app import app

    in_app = chalice_routes(app.routes)
    in_template = set(template_api_routes(load_template(REPO / "template.yaml")))
    in_document = set(operations(spec))
    assert in_document == in_app, "a route is missing from the document: run make openapi"
    assert in_template == in_app, "template.yaml and the app differ: run sync-api-events"


def test_public_operations_are_the_same_in_routes_template_and_document(spec: dict) -> None:
    template = template_api_routes(load_template(REPO / "template.yaml"))
    public_in_template = {
        key for key, props in template.items() if props.get("Auth") == {"Authorizer": "NONE"}
    }
    public_in_document = {key for key, op in operations(spec).items() if op["security"] == []}
    public_declared = {(e.method, e.path) for e in endpoints() if e.public}
    assert public_declared == public_in_document == public_in_template
    assert {path for _, path in public_declared} == PUBLIC_PATHS
    assert ("GET", "/openapi.json") in public_declared


def test_staff_operations_need_the_cognito_token_and_say_who(spec: dict) -> None:
    for (method, path), operation in operations(spec).items():
        if operation["security"] == []:
            continue
        assert operation["security"] == [{"CognitoIdToken": []}], (method, path)
        assert {"401", "403"} <= set(operation["responses"]), (method, path)
        assert "Roles: " in operation["description"], (method, path)
    scheme = spec["components"]["securitySchemes"]["CognitoIdToken"]
    assert scheme == {**scheme, "type": "http", "scheme": "bearer", "bearerFormat": "JWT"}


def test_every_refusal_has_the_documented_error_shape(spec: dict) -> None:
    error = spec["components"]["schemas"]["Error"]
    assert error["required"] == ["error"]
    body = spec["components"]["schemas"]["ErrorBody"]
    assert set(body["required"]) == {"code", "message"} and "details" in body["properties"]
    for key, operation in operations(spec).items():
        statuses = set(operation["responses"])
        assert {"429", "5XX"} <= statuses, key
        for status, answer in operation["responses"].items():
            if status.startswith(("4", "5")):
                assert answer["content"]["application/json"]["schema"] == {
                    "$ref": "#/components/schemas/Error"
                }, (key, status)


def test_path_parameters_bodies_and_answers_come_from_the_declarations(spec: dict) -> None:
    ops = operations(spec)
    complete = ops[("POST", "/tickets/{ticket_id}/steps/{step_id}/complete")]
    assert [p["name"] for p in complete["parameters"] if p["in"] == "path"] == ["ticket_id", "step_id"]
    assert complete["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith("/StepComplete")
    assert {"400", "404", "409"} <= set(complete["responses"])
    create = ops[("POST", "/tickets")]
    assert "201" in create["responses"] and "200" not in create["responses"]
    assert create["responses"]["201"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "/TicketCreated"
    )
    assert any(p["name"] == "Idempotency-Key" and p["in"] == "header" for p in create["parameters"])
    queue = {p["name"]: p for p in ops[("GET", "/tickets")]["parameters"]}
    assert set(queue) >= {"status", "category", "team", "customer", "limit", "cursor"}
    assert queue["limit"]["schema"]["maximum"] == 100
    assert "open" in queue["status"]["schema"]["enum"]  # a query value is text or absent, never null
    assert queue["status"]["allowEmptyValue"] is True  # ?status= is as if not sent
    page = ops[("GET", "/tickets")]["responses"]["200"]["content"]["application/json"]["schema"]
    assert page["$ref"].endswith("/TicketPage")
    assert "next_cursor" in spec["components"]["schemas"]["TicketPage"]["required"]
    status_page = ops[("GET", "/status/{token}")]["responses"]["200"]["content"]
    assert set(status_page) == {"application/json", "text/html"}
    publish = ops[("PUT", "/categories/{category_id}")]["responses"]
    assert {"200", "201"} <= set(publish)


def test_every_declared_model_resolves() -> None:
    for endpoint in endpoints():
        for reference in (endpoint.body, endpoint.query, endpoint.response, *endpoint.also.values()):
            if isinstance(reference, str):
                assert issubclass(model(reference), BaseModel), (endpoint.path, reference)
    with pytest.raises(ValueError, match="module:Name"):
        model("TicketPatch")


# ---------------------------------------------------------------------------- the edge


class Note(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: str = Field(min_length=1)
    stars: int = Field(default=3, ge=1, le=5)


class Paging(BaseModel):
    limit: int = Field(default=10, ge=1, le=50)


@pytest.fixture
def client() -> Iterator[Client]:
    from chalice.test import Client

    routes = Routes("edge")

    @routes.endpoint("/notes", "POST", roles=None, body=Note, query=Paging, status=201)
    def add_note(call):
        """Echo what the edge validated."""
        return {"text": call.body.text, "stars": call.body.stars, "limit": call.args.limit}

    @routes.endpoint("/notes/{note_id}", "PUT", roles=None, body=Note, status=201, also={200: Note})
    def replace_note(call):
        return (200, {"unchanged": True}) if call.body.text == "same" else {"note_id": call.params["note_id"]}

    app = Chalice(app_name="edge-under-test")
    app.register_blueprint(routes.blueprint)
    with Client(app) as test_client:
        yield test_client


def post(client: Client, path: str, body: object) -> tuple[int, dict]:
    response = client.http.post(path, body=json.dumps(body), headers={"Content-Type": "application/json"})
    return response.status_code, json.loads(response.body)


def test_the_view_gets_the_validated_body_and_query_and_the_declared_status(client: Client) -> None:
    assert post(client, "/notes?limit=7", {"text": "hello"}) == (
        201,
        {"text": "hello", "stars": 3, "limit": 7},
    )


def test_a_bad_body_is_refused_before_the_view_naming_each_field(client: Client) -> None:
    status, body = post(client, "/notes", {"text": "", "stars": 9, "colour": "red"})
    assert status == 400
    fields = {d["field"] for d in body["error"]["details"]}
    assert fields == {"text", "stars", "colour"}
    assert body["error"]["code"] == "invalid_input"
    assert post(client, "/notes", ["not", "an", "object"])[0] == 400


def test_a_bad_query_value_is_refused_naming_it(client: Client) -> None:
    status, body = post(client, "/notes?limit=500", {"text": "hello"})
    assert status == 400 and body["error"]["details"][0]["field"] == "limit"


def test_a_body_in_another_media_type_is_refused_in_the_error_shape(client: Client) -> None:
    response = client.http.post("/notes", body="text=hello", headers={"Content-Type": "text/plain"})
    assert response.status_code == 415
    assert json.loads(response.body)["error"]["code"] == "unsupported_media_type"
    response = client.http.post(
        "/notes", body=json.dumps({"text": "hi"}), headers={"Content-Type": "application/json; charset=utf-8"}
    )
    assert response.status_code == 201


def test_a_repeated_query_parameter_is_refused_not_read_as_its_last_value(client: Client) -> None:
    status, body = post(client, "/notes?limit=500&limit=7", {"text": "hello"})
    assert status == 400
    assert body["error"]["details"] == [{"field": "limit", "message": "is given more than once"}]


def test_a_view_may_still_answer_with_another_declared_status(client: Client) -> None:
    response = client.http.put(
        "/notes/n1", body=json.dumps({"text": "same"}), headers={"Content-Type": "application/json"}
    )
    assert (response.status_code, json.loads(response.body)) == (200, {"unchanged": True})
    response = client.http.put(
        "/notes/n1", body=json.dumps({"text": "new"}), headers={"Content-Type": "application/json"}
    )
    assert (response.status_code, json.loads(response.body)) == (201, {"note_id": "n1"})


def test_models_given_as_classes_are_documented_like_named_ones() -> None:
    from openapi_spec_validator import validate

    routes = Routes("edge")

    @routes.endpoint(
        "/notes", "POST", roles=frozenset({"agent"}), body=Note, query=Paging, status=201, response=Note
    )
    def add_note(call):
        """Add a note.

        Longer words."""

    doc = document(routes.endpoints)
    operation = doc["paths"]["/notes"]["post"]
    assert operation["operationId"] == "add_note" and operation["summary"] == "Add a note."
    assert operation["description"] == "Longer words. Roles: agent."
    assert operation["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Note"
    }
    assert operation["parameters"] == [
        {
            "name": "limit",
            "in": "query",
            "required": False,
            "allowEmptyValue": True,
            "schema": {"default": 10, "maximum": 50, "minimum": 1, "type": "integer"},
        }
    ]
    assert sorted(operation["responses"]) == ["201", "400", "401", "403", "409", "413", "415", "429", "5XX"]
    assert set(doc["components"]["schemas"]) == {"Error", "ErrorBody", "FieldProblem", "Note"}
    validate(doc)
