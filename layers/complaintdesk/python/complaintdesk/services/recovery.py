"""Service recovery (ISO 10002): an apology sent, a compensation offered, recorded on the ticket.

Actions are kept on ``Ticket.recovery_actions`` (in order) and told to the customer in the
resolution message (``services.notifications.recovery_context``). Amounts are kept as decimal
strings, so "1250.50" never becomes 1250.4999….
"""

from __future__ import annotations

from typing import Any

from complaintdesk import clock
from complaintdesk.schemas import RecoveryActionIn, parse
from complaintdesk.store import tickets as stored
from complaintdesk.store.tickets import load


def record_action(ticket_id: str, data: Any, *, actor: str) -> dict[str, Any]:
    """Append one recovery action (ticket + timeline in one transaction), with the ``recovery.recorded`` event."""
    action_in = parse(RecoveryActionIn, data)
    ticket = load(ticket_id)
    action = {
        "type": action_in.type,
        "compensation_type": action_in.compensation_type,
        "amount": str(action_in.amount) if action_in.amount is not None else None,
        "currency": action_in.currency,
        "note": action_in.note,
    }
    change = ticket.recovery_recorded(action, by=actor, at=clock.now())  # 409 on a closed ticket
    stored.save(ticket, change)  # a concurrent edit → 409
    return {
        "ticket_id": ticket.ticket_id,
        "action": ticket.recovery_actions[-1],
        "recovery_actions": ticket.recovery_actions,
        "version": ticket.version,
    }
