"""Who has a ticket now: a person of the owner team, or the team alone (issue 14).

Every change reads the ticket, checks the ``version`` the caller sent (stale → 409, as PATCH) and
who may do it, then writes only ``assignee``/``assigned_at`` with a ``ticket.assigned`` timeline
entry (who gave it to whom) in one transaction, under the ticket's version: a step the plan moves
meanwhile is never overwritten (``store/tickets.update_fields``).

- take: a member of the owner team (any staff role) takes it for themself.
- assign: a manager or admin gives it to any member of the owner team; an agent only to themself.
- unassign: back to the team; a manager or admin always, an agent only their own ticket.

A ticket can be given to a person only while it is active (open or waiting for the customer) and
its plan has an owner team (409 otherwise). When the plan moves the ticket to a step of another
team, the person is cleared (``lifecycle._enter_level``): that team decides who takes it.
"""

from __future__ import annotations

from typing import Any

from complaintdesk import clock
from complaintdesk.auth import Principal
from complaintdesk.errors import Conflict, Forbidden, InvalidInput
from complaintdesk.lifecycle import ACTIVE_STATUSES
from complaintdesk.services.ticket_views import ticket_view
from complaintdesk.store import teams
from complaintdesk.store import tickets as stored
from complaintdesk.store.models import Ticket

MANAGING = frozenset({"manager", "admin"})


def _person(principal: Principal) -> str:
    return principal.username.lower()


def _loaded(ticket_id: str, version: int) -> Ticket:
    ticket = stored.load(ticket_id)
    if version != ticket.version:
        raise Conflict(
            f"ticket {ticket.ticket_id} is at version {ticket.version}, you sent {version}; "
            "read it again and retry"
        )
    if ticket.status not in ACTIVE_STATUSES or not ticket.owner_team:
        raise Conflict(
            f"ticket {ticket.ticket_id} is {ticket.status} with no step a team works on: "
            "only an open step can be given to a person"
        )
    return ticket


def _write(ticket: Ticket, to: str | None, principal: Principal) -> dict[str, Any]:
    change = ticket.assigned(to, by=principal.actor, at=clock.now())
    if not change.empty:
        stored.update_fields(ticket, change, ["assignee", "assigned_at"])
    return ticket_view(ticket)


def take(ticket_id: str, version: int, principal: Principal) -> dict[str, Any]:
    """The caller takes the ticket: they must work in its owner team."""
    ticket = _loaded(ticket_id, version)
    me = _person(principal)
    if me not in teams.members(ticket.owner_team):
        raise Forbidden(f"only a member of team {ticket.owner_team} can take ticket {ticket.ticket_id}")
    return _write(ticket, me, principal)


def assign(ticket_id: str, assignee: str, version: int, principal: Principal) -> dict[str, Any]:
    """Give the ticket to ``assignee`` (a member of its owner team)."""
    person = assignee.lower()
    if not principal.roles & MANAGING and person != _person(principal):
        raise Forbidden("an agent can assign a ticket only to themself; ask a manager to reassign it")
    ticket = _loaded(ticket_id, version)
    if person not in teams.members(ticket.owner_team):
        raise InvalidInput(
            f"assignee: {assignee} is not a member of team {ticket.owner_team}",
            details=[{"field": "assignee", "message": f"is not a member of team {ticket.owner_team}"}],
        )
    return _write(ticket, person, principal)


def unassign(ticket_id: str, version: int, principal: Principal) -> dict[str, Any]:
    """Back to the owner team: nobody has it until someone takes it."""
    ticket = _loaded(ticket_id, version)
    if not principal.roles & MANAGING and ticket.assignee not in (None, _person(principal)):
        raise Forbidden(f"ticket {ticket.ticket_id} is {ticket.assignee}'s; only a manager can take it back")
    return _write(ticket, None, principal)
