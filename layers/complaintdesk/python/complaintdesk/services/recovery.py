"""Service recovery (ISO 10002): an apology sent, a compensation offered, recorded on the ticket.

Actions are kept on ``Ticket.recovery_actions`` (in order) and told to the customer in the
resolution message (``services.notifications.recovery_context``). Amounts are kept as decimal
strings, so "1250.50" never becomes 1250.4999….
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from complaintdesk import clock
from complaintdesk.schemas import parse
from complaintdesk.services.tickets import load
from complaintdesk.store import repository as repo


class RecoveryActionIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    type: Literal["apology", "compensation"]
    compensation_type: str | None = Field(
        default=None, min_length=1, max_length=40, pattern=r"^[a-z][a-z0-9_-]*$"
    )
    amount: Decimal | None = Field(default=None, gt=0, max_digits=12, decimal_places=2)
    currency: str | None = Field(default=None, pattern=r"^[A-Z]{3}$", description="ISO 4217, e.g. TRY, EUR")
    note: str | None = Field(default=None, max_length=1000)

    @model_validator(mode="after")
    def _consistent(self) -> RecoveryActionIn:
        if self.type == "apology" and (self.compensation_type or self.amount is not None or self.currency):
            raise ValueError("an apology carries no compensation_type, amount or currency")
        if self.type == "compensation" and not self.compensation_type:
            raise ValueError("a compensation needs its compensation_type (refund, credit, voucher, ...)")
        if (self.amount is None) != (self.currency is None):
            raise ValueError("give amount and currency together")
        return self


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
    repo.save_all(**change.save_args(ticket))  # a concurrent edit → 409
    return {
        "ticket_id": ticket.ticket_id,
        "action": ticket.recovery_actions[-1],
        "recovery_actions": ticket.recovery_actions,
        "version": ticket.version,
    }
