"""The agent queue as the console reads it: filters, text search, who has it, what is at risk.

``GET /tickets`` without ``q``, ``channel``, ``priority`` or ``assignee`` is the list it always was
(``services/tickets.list_tickets``: one index Query, the other filters applied by DynamoDB). With
any of them the queue is searched (``store/tickets.search``): the same index is read in order, at
most ``SEARCH_BUDGET`` tickets a request, and every criterion is checked here. DynamoDB has no text
search, so ``q`` is answered by reading: each word of ``q`` (case and accents folded: "ayse" finds
"Ayşe") must appear in the subject, the description, or the customer's name, e-mail or phone (the
customers of each chunk are read in one BatchGetItem). A page that spent its budget before it was
full says so (``stopped_early``) and still gives ``next_cursor``: the console asks for more.
docs/access-patterns.md says what it costs.

Every row carries ``assignee`` and ``at_risk``: the step is due within the reminder lead
(``services/reminders.lead_time``) or already past its current level's deadline, and not breached.
"""

from __future__ import annotations

import unicodedata
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from complaintdesk import clock
from complaintdesk.auth import Principal
from complaintdesk.services.ticket_views import ticket_summary
from complaintdesk.store import repository as repo
from complaintdesk.store import tickets as stored
from complaintdesk.store.models import Customer, Ticket

if TYPE_CHECKING:
    from complaintdesk.schemas import TicketListQuery

SEARCH_BUDGET = 500  # tickets one search request reads at most


def fold(text: str) -> str:
    """Text as search compares it: no accents, no case (Turkish dotless ı and İ included)."""
    text = text.replace("ı", "i").replace("İ", "i")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def words(q: str) -> list[str]:
    return [w for w in fold(q).split() if w]


def lead() -> timedelta:
    from complaintdesk.services.reminders import lead_time

    return lead_time()


def at_risk(row: dict[str, Any], now: datetime, lead_time: timedelta) -> bool:
    """Open (its clock running), not breached, and due within the reminder lead or overdue."""
    due = row.get("due_at")
    if row.get("status") != "open" or row.get("breached") or not due:
        return False
    return clock.parse_iso(due) - now <= lead_time


def flagged(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    now, lead_time = clock.now(), lead()
    for row in rows:
        row["at_risk"] = at_risk(row, now, lead_time)
    return rows


def row(ticket: Ticket) -> dict[str, Any]:
    return ticket_summary(ticket)


def _assignee(value: str | None, principal: Principal) -> str | None:
    if value == "me":
        return principal.username.lower()
    return value


def _haystack(ticket: Ticket, customer: Customer | None) -> str:
    parts = [ticket.subject, ticket.description]
    if customer is not None:
        phone = customer.phone or ""
        parts += [customer.name, customer.email or "", phone, "".join(c for c in phone if c.isdigit())]
    return fold("\n".join(parts))


def _matcher(args: TicketListQuery, status: str | None, assignee: str | None) -> Any:
    exact = {
        "status": status,
        "category": args.category,
        "owner_team": args.team,
        "customer_id": args.customer,
        "channel": args.channel,
        "priority": args.priority,
    }
    wanted = words(args.q) if args.q else []

    def accept(chunk: list[Ticket]) -> list[bool]:
        customers: dict[str, Customer] = {}
        if wanted:
            keys = [Customer.key(t.customer_id) for t in chunk]
            customers = {c.customer_id: c for c in repo.find_many(Customer, keys)}
        verdicts = []
        for ticket in chunk:
            ok = all(value is None or getattr(ticket, name) == value for name, value in exact.items())
            if ok and assignee is not None:
                ok = (ticket.assignee is None) if assignee == "none" else ticket.assignee == assignee
            if ok and wanted:
                text = _haystack(ticket, customers.get(ticket.customer_id))
                ok = all(w in text for w in wanted)
            verdicts.append(ok)
        return verdicts

    return accept


def list_queue(args: TicketListQuery, principal: Principal) -> dict[str, Any]:
    """One page of the queue ``args`` asks for, each row flagged."""
    if not (args.q or args.channel or args.priority or args.assignee):
        from complaintdesk.services.tickets import list_tickets

        page = list_tickets(
            status=args.status,
            category=args.category,
            team=args.team,
            customer=args.customer,
            limit=args.limit,
            cursor=args.cursor,
        )
        page["tickets"] = flagged(page["tickets"])
        return page
    status = args.status
    if not (args.customer or args.team or args.category):
        status = status or "open"
    filters = {"status": status, "category": args.category, "owner_team": args.team}
    filters["customer_id"] = args.customer
    assignee = _assignee(args.assignee, principal)
    items, next_cursor, read = stored.search(
        filters,
        _matcher(args, status, assignee),
        limit=args.limit,
        budget=SEARCH_BUDGET,
        cursor=args.cursor,
    )
    return {
        "tickets": flagged([row(t) for t in items]),
        "next_cursor": next_cursor,
        "scanned": read,
        "stopped_early": next_cursor is not None and len(items) < args.limit,
    }
