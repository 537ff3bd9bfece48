"""The complaintdesk HTTP API (a Chalice app; ``app`` is the Lambda handler in template.yaml).

Each route declares who may call it and makes one service call; authentication, parsing, error
mapping and observability happen in ``complaintdesk.webapi``. Services are imported inside the
views so a cold start pays only for what the first request needs.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from chalice import Chalice

from complaintdesk.auth import ANY_ROLE, STAFF

app = Chalice(app_name="complaintdesk-api")

MANAGERS = frozenset({"manager", "admin"})
ADMINS = frozenset({"admin"})


def endpoint(path: str, method: str = "GET", roles: frozenset[str] | None = ANY_ROLE) -> Callable[..., Any]:
    """Register ``view(call)`` at ``method path``; ``roles=None`` makes a public route."""

    def register(view: Callable[..., Any]) -> Callable[..., Any]:
        def route(**params: str) -> Any:
            from complaintdesk.webapi import handle

            return handle(app.current_request, view, params, roles)

        route.__name__ = view.__name__
        route.__doc__ = view.__doc__
        app.route(path, methods=[method], content_types=["application/json"])(route)
        return view

    return register


# --- tickets -----------------------------------------------------------------------------------


@endpoint("/tickets", "POST")
def create_ticket(call):
    """Receive a complaint. Same Idempotency-Key and body → the same ticket, never a second one."""
    from complaintdesk.services.intake import create_from_api

    return 201, create_from_api(
        call.json(),
        idempotency_key=call.headers.get("idempotency-key"),
        actor=call.actor,
        lambda_context=call.lambda_context,
    )


@endpoint("/tickets")
def list_tickets(call):
    """An agent queue: ?status=&category=&team=&customer=&limit=&cursor= (default: the open queue)."""
    from complaintdesk.services.tickets import list_tickets

    q = call.query
    return list_tickets(
        status=q.get("status"),
        category=q.get("category"),
        team=q.get("team"),
        customer=q.get("customer"),
        limit=call.int_query("limit", 25),
        cursor=q.get("cursor"),
    )


@endpoint("/tickets/{ticket_id}")
def get_ticket(call):
    from complaintdesk.services.tickets import get_ticket

    return get_ticket(call.params["ticket_id"])


@endpoint("/tickets/{ticket_id}", "PATCH", roles=STAFF)
def update_ticket(call):
    """Change priority, category or fields; send the version you read (stale → 409)."""
    from complaintdesk.schemas import TicketPatch, parse
    from complaintdesk.services.tickets import update_ticket

    return update_ticket(call.params["ticket_id"], parse(TicketPatch, call.json()), actor=call.actor)


@endpoint("/tickets/{ticket_id}/comments", "POST", roles=STAFF)
def add_comment(call):
    from complaintdesk.schemas import CommentIn, parse
    from complaintdesk.services.tickets import add_comment

    comment = parse(CommentIn, call.json())
    return 201, add_comment(call.params["ticket_id"], comment.body, comment.visibility, actor=call.actor)


@endpoint("/tickets/{ticket_id}/timeline")
def get_timeline(call):
    from complaintdesk.services.tickets import get_timeline

    return get_timeline(
        call.params["ticket_id"], limit=call.int_query("limit", 100), cursor=call.query.get("cursor")
    )


# --- customers ---------------------------------------------------------------------------------


@endpoint("/customers")
def find_customer(call):
    """The customer 360 view found by ?email= or ?phone=."""
    from complaintdesk.services.customers import find_customer

    return find_customer(email=call.query.get("email"), phone=call.query.get("phone"))


@endpoint("/customers/{customer_id}")
def get_customer(call):
    """The customer 360 view: profile, every ticket and every interaction across channels."""
    from complaintdesk.services.customers import customer_360

    return customer_360(call.params["customer_id"])
