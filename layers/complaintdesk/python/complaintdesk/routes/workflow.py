"""Acting on a ticket's plan: complete a step, resolve, reopen. A manager or admin on any ticket; an
agent only as a member of its owner team (``PUT /teams/{id}/members``; else 403)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from complaintdesk.routes import STAFF, Answer, Routes

if TYPE_CHECKING:
    from complaintdesk.webapi import Call


routes = Routes("workflow")


@routes.endpoint(
    "/tickets/{ticket_id}/steps/{step_id}/complete",
    "POST",
    roles=STAFF,
    body="schemas:StepComplete",
    response="responses:Ticket",
)
def complete_step(call: Call) -> Answer:
    """Finish the current step, or wait for the customer; a stale or repeated completion → 409.

    An agent who is no member of the ticket's owner team gets 403 (managers and admins may)."""
    from complaintdesk.services.workflow import complete_step

    return complete_step(call.params["ticket_id"], call.params["step_id"], call.body, call.signed_in)


@routes.endpoint(
    "/tickets/{ticket_id}/resolve",
    "POST",
    roles=STAFF,
    body="schemas:TicketResolve",
    response="responses:Ticket",
)
def resolve_ticket(call: Call) -> Answer:
    """Communicate the decision and its root cause; then follow-up, survey, close."""
    from complaintdesk.services.workflow import resolve

    return resolve(call.params["ticket_id"], call.body, call.signed_in)


@routes.endpoint(
    "/tickets/{ticket_id}/reopen",
    "POST",
    roles=STAFF,
    body="schemas:TicketReopen",
    response="responses:Ticket",
)
def reopen_ticket(call: Call) -> Answer:
    """Back to work within the reopen window: the last step starts again with a fresh SLA."""
    from complaintdesk.services.workflow import reopen

    return reopen(call.params["ticket_id"], call.body.reason, actor=call.actor, principal=call.principal)
