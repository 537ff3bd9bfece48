"""Service recovery actions on a ticket: an apology, a compensation (told in the resolution message)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from complaintdesk.routes import STAFF, Answer, Routes

if TYPE_CHECKING:
    from complaintdesk.webapi import Call


routes = Routes("recovery")


@routes.endpoint(
    "/tickets/{ticket_id}/recovery-actions",
    "POST",
    roles=STAFF,
    body="schemas:RecoveryActionIn",
    status=201,
    response="responses:RecoveryRecorded",
)
def record_recovery_action(call: Call) -> Answer:
    """An apology sent or a compensation offered; told to the customer in the resolution message."""
    from complaintdesk.services.recovery import record_action

    return record_action(call.params["ticket_id"], call.body, actor=call.actor)
