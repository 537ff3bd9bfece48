"""The API's SAM events and the Chalice app's routes are the same list (and can be regenerated)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from chalice import Chalice

from infra.local.template import (
    PUBLIC_PATHS,
    api_events_for_routes,
    chalice_routes,
    event_name,
    load_template,
    sync_api_events,
    template_api_routes,
)

REPO_ROOT = Path(__file__).resolve().parents[3]
TEMPLATE = REPO_ROOT / "template.yaml"

# The routes the API was specified with; the app may grow beyond them, never lose one.
SPECIFIED_ROUTES = {
    ("POST", "/tickets"),
    ("GET", "/tickets"),
    ("GET", "/tickets/{ticket_id}"),
    ("PATCH", "/tickets/{ticket_id}"),
    ("POST", "/tickets/{ticket_id}/comments"),
    ("GET", "/tickets/{ticket_id}/timeline"),
    ("POST", "/tickets/{ticket_id}/steps/{step_id}/complete"),
    ("POST", "/tickets/{ticket_id}/resolve"),
    ("POST", "/tickets/{ticket_id}/reopen"),
    ("POST", "/tickets/{ticket_id}/recovery-actions"),
    ("GET", "/customers"),
    ("GET", "/customers/{customer_id}"),
    ("GET", "/categories"),
    ("GET", "/categories/{category_id}"),
    ("PUT", "/categories/{category_id}"),
    ("POST", "/categories/{category_id}/preview"),
    ("GET", "/quarantine"),
    ("GET", "/status/{token}"),
    ("POST", "/survey/{token}"),
    ("GET", "/openapi.json"),
}


def small_app() -> Chalice:
    app = Chalice(app_name="routes-under-test")

    @app.route("/tickets", methods=["GET", "POST"])
    def tickets() -> dict[str, str]:
        return {}

    @app.route("/tickets/{ticket_id}/recovery-actions", methods=["POST"])
    def recovery(ticket_id: str) -> dict[str, str]:
        return {}

    @app.route("/status/{token}", methods=["GET"])
    def status(token: str) -> dict[str, str]:
        return {}

    return app


def test_template_events_match_the_chalice_app() -> None:
    try:
        from functions.api.app import app
    except ImportError as exc:  # the app is written in parallel with the template
        pytest.skip(f"functions/api/app.py cannot be imported yet: {exc}")
    template_routes = set(template_api_routes(load_template(TEMPLATE)))
    app_routes = chalice_routes(app.routes)
    assert app_routes - template_routes == set(), "routes missing from template.yaml: run sync-api-events"
    assert template_routes - app_routes == set(), "template.yaml routes the app does not serve"


def test_template_has_every_specified_route_and_only_signed_links_are_public() -> None:
    routes = template_api_routes(load_template(TEMPLATE))
    assert set(routes) >= SPECIFIED_ROUTES
    public = {key for key, props in routes.items() if props.get("Auth") == {"Authorizer": "NONE"}}
    assert public >= {
        ("GET", "/status/{token}"),
        ("POST", "/survey/{token}"),
        ("GET", "/decision/{token}"),
        ("POST", "/decision/{token}"),
        ("GET", "/openapi.json"),
    }
    assert {path for _, path in public} == PUBLIC_PATHS
    assert all(props["RestApiId"] == {"Ref": "Api"} for props in routes.values())


def test_event_names_are_readable_and_alphanumeric() -> None:
    assert event_name("POST", "/tickets/{ticket_id}/steps/{step_id}/complete") == (
        "PostTicketsTicketIdStepsStepIdComplete"
    )
    assert event_name("post", "/tickets/{ticket_id}/recovery-actions") == "PostTicketsTicketIdRecoveryActions"
    assert event_name("GET", "/") == "Get"
    assert event_name("GET", "/openapi.json") == "GetOpenapiJson"


def test_events_are_generated_from_chalice_routes() -> None:
    events = api_events_for_routes(small_app().routes)
    assert set(events) == {
        "GetTickets",
        "PostTickets",
        "PostTicketsTicketIdRecoveryActions",
        "GetStatusToken",
    }
    assert events["GetStatusToken"]["Properties"]["Auth"] == {"Authorizer": "NONE"}
    assert "Auth" not in events["PostTickets"]["Properties"]
    assert events["PostTickets"] == {
        "Type": "Api",
        "Properties": {"RestApiId": {"Ref": "Api"}, "Path": "/tickets", "Method": "POST"},
    }


def test_sync_rewrites_only_the_generated_block(tmp_path: Path) -> None:
    # Given a copy of the template
    copy = tmp_path / "template.yaml"
    shutil.copy(TEMPLATE, copy)
    before = load_template(copy)
    # When the events are regenerated from a smaller app
    assert sync_api_events(small_app().routes, copy) is True
    # Then the API events are the app's routes and everything else is unchanged
    after = load_template(copy)
    assert set(template_api_routes(after)) == chalice_routes(small_app().routes)
    before["Resources"]["ApiFunction"]["Properties"].pop("Events")
    after["Resources"]["ApiFunction"]["Properties"].pop("Events")
    assert after == before
    # And a second run changes nothing
    assert sync_api_events(small_app().routes, copy) is False


def test_sync_round_trips_the_committed_template(tmp_path: Path) -> None:
    copy = tmp_path / "template.yaml"
    shutil.copy(TEMPLATE, copy)
    routes: dict[str, dict[str, object]] = {}
    for method, path in template_api_routes(load_template(TEMPLATE)):
        routes.setdefault(path, {})[method] = object()
    assert sync_api_events(routes, copy) is False
    assert copy.read_text() == TEMPLATE.read_text()
