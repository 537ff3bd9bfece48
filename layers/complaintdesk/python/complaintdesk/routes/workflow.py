"""Acting on a ticket's plan: complete a step, resolve, reopen."""

from __future__ import annotations

from complaintdesk.routes import STAFF, Routes

routes = Routes("workflow")


@routes.endpoint("/tickets/{ticket_id}/steps/{step_id}/complete", "POST", roles=STAFF)
def complete_step(call):
    """{"outcome": "done" | "waiting_for_customer", "notes": "..."}; a stale or repeated completion → 409."""
    from complaintdesk.services.workflow import complete_step

    return complete_step(call.params["ticket_id"], call.params["step_id"], _object(call), call.principal)


@routes.endpoint("/tickets/{ticket_id}/resolve", "POST", roles=STAFF)
def resolve_ticket(call):
    """{"resolution": "what we did and decided", "root_cause": "code"} → follow-up, survey, close."""
    from complaintdesk.services.workflow import resolve

    return resolve(call.params["ticket_id"], _object(call), call.principal)


@routes.endpoint("/tickets/{ticket_id}/reopen", "POST", roles=STAFF)
def reopen_ticket(call):
    """{"reason": "..."} within the reopen window; the last step starts again with a fresh SLA."""
    from complaintdesk.services.workflow import reopen

    body = _object(call)
    return reopen(
        call.params["ticket_id"],
        str(body.get("reason") or "reopened"),
        actor=call.actor,
        principal=call.principal,
    )


def _object(call):
    from complaintdesk.errors import InvalidInput

    body = call.json()
    if not isinstance(body, dict):
        raise InvalidInput("the request body must be a JSON object")
    return body
