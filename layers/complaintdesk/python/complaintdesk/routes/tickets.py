"""Tickets: intake, agent queues, edits, comments, timeline."""

from __future__ import annotations

from typing import TYPE_CHECKING

from complaintdesk.routes import STAFF, Answer, Routes

if TYPE_CHECKING:
    from complaintdesk.webapi import Call


routes = Routes("tickets")


@routes.endpoint(
    "/tickets",
    "POST",
    body="schemas:TicketCreate",
    status=201,
    response="responses:TicketCreated",
    headers={"Idempotency-Key": "same key and body → the same ticket; same key, other body → 409"},
)
def create_ticket(call: Call) -> Answer:
    """Receive a complaint. Same Idempotency-Key and body → the same ticket, never a second one."""
    from complaintdesk.services.intake import create_from_api

    # The body as sent (validated above): the Idempotency-Key record compares it with a retry's.
    return create_from_api(
        call.json(),
        idempotency_key=call.headers.get("idempotency-key"),
        actor=call.actor,
        lambda_context=call.lambda_context,
    )


@routes.endpoint("/tickets", query="schemas:TicketListQuery", response="responses:TicketPage")
def list_tickets(call: Call) -> Answer:
    """An agent queue: ?status=&category=&team=&customer=&channel=&priority=&assignee=&q=&limit=&cursor=
    (default: the open queue; a team's queue is soonest due first). ``q`` searches the subject, the
    description and the customer, reading at most 500 tickets a request (``stopped_early``)."""
    from complaintdesk.services.queues import list_queue

    return list_queue(call.args, call.signed_in)


@routes.endpoint("/tickets/{ticket_id}", response="responses:Ticket")
def get_ticket(call: Call) -> Answer:
    """The ticket with its plan: current step, owner team, due time, escalation level, next step."""
    from complaintdesk.services.tickets import get_ticket

    return get_ticket(call.params["ticket_id"])


@routes.endpoint(
    "/tickets/{ticket_id}", "PATCH", roles=STAFF, body="schemas:TicketPatch", response="responses:Ticket"
)
def update_ticket(call: Call) -> Answer:
    """Change priority, category or fields; send the version you read (stale → 409)."""
    from complaintdesk.services.tickets import update_ticket

    return update_ticket(call.params["ticket_id"], call.body, actor=call.actor)


@routes.endpoint(
    "/tickets/{ticket_id}/comments",
    "POST",
    roles=STAFF,
    body="schemas:CommentIn",
    status=201,
    response="responses:TimelineEvent",
)
def add_comment(call: Call) -> Answer:
    """An internal note, a public reply the customer receives, or the customer's own words.

    ``canned_reply_id`` instead of ``body``: a canned reply of the ticket's category, filled for it."""
    from complaintdesk.services.tickets import add_comment

    comment = call.body
    return add_comment(
        call.params["ticket_id"],
        comment.body,
        comment.visibility,
        actor=call.actor,
        from_customer=comment.from_customer,
        canned_reply_id=comment.canned_reply_id,
        attachment_ids=comment.attachment_ids,
    )


@routes.endpoint(
    "/tickets/{ticket_id}/timeline", query="schemas:TimelineQuery", response="responses:Timeline"
)
def get_timeline(call: Call) -> Answer:
    """Everything that happened, oldest first: ?limit=&cursor=."""
    from complaintdesk.services.tickets import get_timeline

    return get_timeline(call.params["ticket_id"], limit=call.args.limit, cursor=call.args.cursor)
