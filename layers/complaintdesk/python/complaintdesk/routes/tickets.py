"""Tickets: intake, agent queues, edits, comments, timeline."""

from __future__ import annotations

from complaintdesk.routes import STAFF, Routes

routes = Routes("tickets")


@routes.endpoint("/tickets", "POST")
def create_ticket(call):
    """Receive a complaint. Same Idempotency-Key and body → the same ticket, never a second one."""
    from complaintdesk.services.intake import create_from_api

    return 201, create_from_api(
        call.json(),
        idempotency_key=call.headers.get("idempotency-key"),
        actor=call.actor,
        lambda_context=call.lambda_context,
    )


@routes.endpoint("/tickets")
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


@routes.endpoint("/tickets/{ticket_id}")
def get_ticket(call):
    from complaintdesk.services.tickets import get_ticket

    return get_ticket(call.params["ticket_id"])


@routes.endpoint("/tickets/{ticket_id}", "PATCH", roles=STAFF)
def update_ticket(call):
    """Change priority, category or fields; send the version you read (stale → 409)."""
    from complaintdesk.schemas import TicketPatch, parse
    from complaintdesk.services.tickets import update_ticket

    return update_ticket(call.params["ticket_id"], parse(TicketPatch, call.json()), actor=call.actor)


@routes.endpoint("/tickets/{ticket_id}/comments", "POST", roles=STAFF)
def add_comment(call):
    from complaintdesk.schemas import CommentIn, parse
    from complaintdesk.services.tickets import add_comment

    comment = parse(CommentIn, call.json())
    return 201, add_comment(
        call.params["ticket_id"],
        comment.body,
        comment.visibility,
        actor=call.actor,
        from_customer=comment.from_customer,
    )


@routes.endpoint("/tickets/{ticket_id}/timeline")
def get_timeline(call):
    from complaintdesk.services.tickets import get_timeline

    return get_timeline(
        call.params["ticket_id"], limit=call.int_query("limit", 100), cursor=call.query.get("cursor")
    )
