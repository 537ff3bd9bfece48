"""Service recovery actions on a ticket: an apology, a compensation (told in the resolution message)."""

from __future__ import annotations

from complaintdesk.routes import STAFF, Routes

routes = Routes("recovery")


@routes.endpoint("/tickets/{ticket_id}/recovery-actions", "POST", roles=STAFF)
def record_recovery_action(call):
    """{"type": "apology"|"compensation", "compensation_type", "amount", "currency", "note"}."""
    from complaintdesk.services.recovery import record_action

    return 201, record_action(call.params["ticket_id"], call.json(), actor=call.actor)
