"""Who has a ticket now: take it, give it to a person of the owner team, give it back."""

from __future__ import annotations

from typing import TYPE_CHECKING

from complaintdesk.routes import STAFF, Answer, Routes

if TYPE_CHECKING:
    from complaintdesk.webapi import Call


routes = Routes("assignment")


@routes.endpoint(
    "/tickets/{ticket_id}/take",
    "POST",
    roles=STAFF,
    body="schemas:TicketVersion",
    response="responses:Ticket",
)
def take_ticket(call: Call) -> Answer:
    """The caller, a member of the owner team, takes the ticket; stale version → 409."""
    from complaintdesk.services.assignment import take

    return take(call.params["ticket_id"], call.body.version, call.signed_in)


@routes.endpoint(
    "/tickets/{ticket_id}/assign",
    "POST",
    roles=STAFF,
    body="schemas:TicketAssign",
    response="responses:Ticket",
)
def assign_ticket(call: Call) -> Answer:
    """Give the ticket to a member of its owner team (manager/admin: anyone of it; agent: themself)."""
    from complaintdesk.services.assignment import assign

    body = call.body
    return assign(call.params["ticket_id"], body.assignee, body.version, call.signed_in)


@routes.endpoint(
    "/tickets/{ticket_id}/unassign",
    "POST",
    roles=STAFF,
    body="schemas:TicketVersion",
    response="responses:Ticket",
)
def unassign_ticket(call: Call) -> Answer:
    """Back to the owner team (manager/admin; an agent only their own ticket)."""
    from complaintdesk.services.assignment import unassign

    return unassign(call.params["ticket_id"], call.body.version, call.signed_in)
