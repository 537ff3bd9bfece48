"""The API's contract: an OpenAPI 3.1 document built from the declared routes and their models.

Every operation comes from one ``Routes.endpoint`` declaration (``complaintdesk.routes``): its path
parameters, query model, body model, success status and response model, who may call it (a Cognito
ID token as a bearer, with the roles named; signed-link routes without), and the error answers it
can give, all in the one documented shape ``{"error": {"code", "message", "details"?}}``. Schemas
come from pydantic (``models_json_schema``), with ``$defs`` turned into ``components/schemas``.

The document is served at ``GET /openapi.json`` and committed as ``docs/openapi.json``;
``python -m complaintdesk.openapi docs/openapi.json`` (``make openapi``) rewrites it, ``--check``
fails when it is stale. Imported only by that route, the command and the tests: a cold start does
not pay for it.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from complaintdesk.routes import FORM, Endpoint, endpoints, model

OPENAPI_VERSION = "3.1.0"
API_VERSION = "1.0.0"
REF = "#/components/schemas/{model}"
SECURITY_SCHEME = "CognitoIdToken"

# Why each error status can come back (gateway's own answers included), for the descriptions.
ERRORS: dict[int | str, str] = {
    400: "Bad input: the message names every bad field (details)",
    401: "No token, or a token that does not verify",
    403: "The caller's role may not do this, or the signed link is tampered, expired or for another purpose",
    404: "No such resource",
    409: "A conflict: a stale version, a repeated action, a state that does not allow it",
    413: "The request body is larger than the API accepts",
    415: "The body is not sent as application/json (or, where the route takes one, as a plain HTML form)",
    429: "Too many requests (the API's throttling): retry later",
    "5XX": "The API failed; the request may be retried",
}


def document(routes: Iterable[Endpoint] | None = None) -> dict[str, Any]:
    """The OpenAPI 3.1 document of ``routes`` (default: every registered endpoint)."""
    from complaintdesk.responses import Error

    routes = sorted(endpoints() if routes is None else routes, key=lambda e: (e.path, e.method))
    wanted: list[tuple[type[BaseModel], Any]] = [(Error, "serialization")]
    for route in routes:
        if route.body is not None:
            wanted.append((model(route.body), "validation"))
        for answer in _answers(route).values():
            if not isinstance(answer, dict):
                wanted.append((model(answer), "serialization"))
    refs, top = models_json_schema(list(dict.fromkeys(wanted)), ref_template=REF)
    components: dict[str, Any] = dict(top.get("$defs", {}))

    paths: dict[str, Any] = {}
    for route in routes:
        paths.setdefault(route.path, {})[route.method.lower()] = _operation(route, refs, components)
    return {
        "openapi": OPENAPI_VERSION,
        "info": {
            "title": "complaintdesk API",
            "version": API_VERSION,
            "summary": "Complaint management the ISO 10002 way: tickets, plans per category, reports",
            "license": {"name": "Apache-2.0", "identifier": "Apache-2.0"},
        },
        "paths": paths,
        "components": {
            "schemas": dict(sorted(components.items())),
            "securitySchemes": {
                SECURITY_SCHEME: {
                    "type": "http",
                    "scheme": "bearer",
                    "bearerFormat": "JWT",
                    "description": "A Cognito ID token of the user pool; the roles come from its "
                    "cognito:groups claim (agent, manager, admin, integration).",
                }
            },
        },
    }


def _answers(route: Endpoint) -> dict[int, Any]:
    answers: dict[int, Any] = {route.status: route.response if route.response is not None else {}}
    answers.update(route.also)
    return answers


def _schema(answer: Any, mode: str, refs: dict[Any, Any]) -> dict[str, Any]:
    if isinstance(answer, dict):
        return answer
    return dict(refs[(model(answer), mode)])


def _operation(route: Endpoint, refs: dict[Any, Any], components: dict[str, Any]) -> dict[str, Any]:
    summary, _, description = (route.view.__doc__ or route.view.__name__.replace("_", " ")).partition("\n")
    operation: dict[str, Any] = {
        "operationId": route.view.__name__,
        "tags": [route.area],
        "summary": summary.strip(),
    }
    if route.public:
        operation["description"] = " ".join([description.strip(), "Public: no login."]).strip()
        operation["security"] = []
    else:
        roles = ", ".join(sorted(route.roles or ()))
        operation["description"] = " ".join([description.strip(), f"Roles: {roles}."]).strip()
        operation["security"] = [{SECURITY_SCHEME: []}]
    parameters = [
        {"name": name, "in": "path", "required": True, "schema": {"type": "string", "minLength": 1}}
        for name in route.path_params
    ]
    if route.query is not None:
        parameters += _query_parameters(model(route.query), components)
    parameters += [
        {"name": name, "in": "header", "required": False, "description": text, "schema": {"type": "string"}}
        for name, text in route.headers.items()
    ]
    if parameters:
        operation["parameters"] = parameters
    if route.body is not None:
        body_schema = _schema(route.body, "validation", refs)
        media = {"application/json": {"schema": body_schema}}
        if route.forms:  # a plain HTML form posts the same fields, each as text
            media[FORM] = {"schema": body_schema}
        operation["requestBody"] = {"required": True, "content": media}
    responses: dict[str, Any] = {}
    for status, answer in sorted(_answers(route).items()):
        content: dict[str, Any] = {"application/json": {"schema": _schema(answer, "serialization", refs)}}
        for media_type in route.media if status == route.status else ():
            content[media_type] = {"schema": {"type": "string"}}
        responses[str(status)] = {"description": _success(status), "content": content}
    error = {"application/json": {"schema": {"$ref": REF.format(model="Error")}}}
    for code in _errors(route):
        responses[str(code)] = {"description": ERRORS[code], "content": error}
    operation["responses"] = responses
    return operation


def _success(status: int) -> str:
    return {200: "OK", 201: "Created", 202: "Accepted", 204: "No content"}.get(status, "Success")


def _errors(route: Endpoint) -> list[int | str]:
    statuses: list[int | str] = []
    if route.body is not None or route.query is not None or route.path_params:
        statuses.append(400)
    if not route.public:
        statuses += [401, 403]
    elif route.path_params:  # a signed link that does not verify
        statuses.append(403)
    if route.path_params:
        statuses.append(404)
    if route.method != "GET":
        statuses.append(409)
    if route.body is not None:
        statuses += [413, 415]
    return [*statuses, 429, "5XX"]


def _query_parameters(query: type[BaseModel], components: dict[str, Any]) -> list[dict[str, Any]]:
    schema = query.model_json_schema(ref_template=REF, mode="validation")
    components.update(schema.get("$defs", {}))
    required = set(schema.get("required", ()))
    parameters = []
    for name, prop in schema.get("properties", {}).items():
        prop = _not_null(prop)
        parameter: dict[str, Any] = {"name": name, "in": "query", "required": name in required}
        if "description" in prop:
            parameter["description"] = prop.pop("description")
        if name not in required:
            parameter["allowEmptyValue"] = True  # ?to= is as if no `to` were sent (schemas.parse_query)
        parameter["schema"] = prop
        parameters.append(parameter)
    return parameters


def _not_null(schema: dict[str, Any]) -> dict[str, Any]:
    """A query value is text or absent, never JSON null: ``X | None = None`` is documented as X."""
    schema = {k: v for k, v in schema.items() if k != "title"}
    options = [o for o in schema.get("anyOf", ()) if o != {"type": "null"}]
    if "anyOf" in schema and len(options) == 1:
        schema.pop("anyOf")
        schema = {**options[0], **schema}
    elif "anyOf" in schema:
        schema["anyOf"] = options
    if schema.get("default", 0) is None:
        schema.pop("default")
    return schema


def render(doc: dict[str, Any]) -> str:
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


@lru_cache(maxsize=1)
def served() -> dict[str, Any]:
    """The document ``GET /openapi.json`` answers with (built once per process)."""
    return document()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Write (or check) the API's OpenAPI document.")
    parser.add_argument("path", type=Path, help="where the document lives, e.g. docs/openapi.json")
    parser.add_argument("--check", action="store_true", help="fail when the file is not up to date")
    args = parser.parse_args(argv)
    text = render(document())
    current = args.path.read_text(encoding="utf-8") if args.path.exists() else None
    if current == text:
        print(f"{args.path}: up to date")
        return 0
    if args.check:
        print(f"{args.path}: stale; run make openapi")
        return 1
    args.path.write_text(text, encoding="utf-8")
    print(f"{args.path}: written")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
