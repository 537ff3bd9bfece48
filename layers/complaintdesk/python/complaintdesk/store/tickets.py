"""Ticket persistence: how a ticket is read, written with what its transition caused, and queried.

Services change a ticket only through its transitions (``complaintdesk.lifecycle``) and write the
result here: ``save`` puts the ticket (its index keys computed by ``Ticket.index_keys`` as it is
serialized), the transition's timeline entries and its outbox events in one transaction. The agent
queues are the ticket indexes of ``store/models.py``; ``queue`` picks the index for a filter so no
service names an index key.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from pynamodb.exceptions import QueryError, TransactWriteError

from complaintdesk import clock
from complaintdesk.errors import Conflict
from complaintdesk.store import repository as repo
from complaintdesk.store.models import Ticket

if TYPE_CHECKING:
    from complaintdesk.lifecycle import Change

Write = tuple[Any, Any]


def load(ticket_id: str) -> Ticket:
    """The ticket (a strongly consistent read); NotFound (404) names it when there is none."""
    return repo.get(Ticket, Ticket.key(ticket_id.upper()), f"ticket {ticket_id}")


def save(ticket: Ticket, change: Change, condition: Any = None) -> None:
    """Write a transition in one transaction: the ticket (unless the change left it as it was) with
    ``condition`` (its version is always checked), its timeline entries, its events and plan start
    (outbox items). A lost race is a ``Conflict``."""
    repo.save_all(**change.save_args(ticket, condition))


# What ``Ticket.index_keys`` computes the index keys from: a partial update may not write these.
INDEXED_FIELDS = frozenset(
    {"ticket_id", "created_at", "customer_id", "status", "category", "owner_team", "step_due_at", "paused_at"}
)


def update_fields(ticket: Ticket, change: Change, fields: Sequence[str], condition: Any = None) -> None:
    """Write only ``fields`` of the ticket (and ``updated_at``), with the change's timeline entries
    and events, in one transaction: for a change that must not overwrite what another writer (the
    plan's own DynamoDB updates) changes meanwhile. PynamoDB checks the ticket's version as for a
    save; ``condition`` is checked too, and a failure of either is a ``Conflict``. Fields the index
    keys are computed from cannot be written so: their change needs ``save``, which re-indexes."""
    indexed = sorted(set(fields) & INDEXED_FIELDS)
    if indexed:
        raise ValueError(f"{indexed} place the ticket in its indexes: save the ticket instead")
    actions = [getattr(Ticket, name).set(getattr(ticket, name)) for name in (*fields, "updated_at")]
    try:
        with repo.transaction() as tx:
            tx.update(ticket, actions=actions, condition=condition)
            for entry in change.entries:
                tx.save(entry)
            for item in repo.outbox(ticket.ticket_id, change.events, change.start):
                tx.save(item)
    except TransactWriteError as exc:
        if repo.is_condition_failure(exc):
            raise Conflict("the ticket was changed by someone else; read it again and retry") from exc
        raise


def new_ticket_writes(ticket: Ticket, change: Change) -> list[Write]:
    """The writes of a ticket just received: the ticket (only if no ticket has its id) and its entries."""
    return change.writes(ticket, Ticket.PK.does_not_exist())


# Filter name → (the index answering it, the partition prefix). The most selective filter picks the
# index; ``None`` partitions by status.
_QUEUES = {
    "customer_id": ("customer_index", "CUSTOMER#"),
    "owner_team": ("team_index", "TEAM#"),
    "category": ("category_index", "CATEGORY#"),
    "status": ("status_index", "STATUS#"),
}


def queue(
    filters: dict[str, str | None], *, limit: int, cursor: str | None
) -> tuple[list[Ticket], str | None]:
    """One page of tickets matching ``filters`` (status, category, owner_team, customer_id; ``status``
    is required unless another filter is given): the most selective picks the index, the others
    filter it. A team's queue is due-first; every other list is newest first."""
    used = next(name for name in ("customer_id", "owner_team", "category", "status") if filters.get(name))
    index_name, prefix = _QUEUES[used]
    condition = None
    for name, value in filters.items():
        if value and name != used:
            clause = getattr(Ticket, name) == value
            condition = clause if condition is None else condition & clause
    sort_prefix = "TICKET#" if used == "customer_id" else None
    return repo.query_index(
        getattr(Ticket, index_name),
        f"{prefix}{filters[used]}",
        limit=limit,
        cursor=cursor,
        filter_condition=condition,
        range_condition=Ticket.GSI4SK.startswith(sort_prefix) if sort_prefix else None,
        sort_prefix=sort_prefix,
        newest_first=used != "owner_team",
    )


def of_customer(customer_id: str, *, limit: int) -> list[Ticket]:
    """The customer's tickets, newest first (the customer 360 view)."""
    tickets, _ = queue({"customer_id": customer_id}, limit=limit, cursor=None)
    return tickets


def due_between(start: datetime, end: datetime, *, page: int = 100) -> list[Ticket]:
    """Tickets whose running clock falls due in [start, end], soonest first: the due-soon index
    (one partition per day; paused, waiting and resolved tickets are not in it)."""
    low, high = clock.iso(start), clock.iso(end) + "#~"  # "~" sorts after every ticket id
    found: list[Ticket] = []
    day = start.date()
    while day <= end.date():
        cursor: str | None = None
        while True:
            items, cursor = repo.query_index(
                Ticket.due_index,
                f"DUE#{day.isoformat()}",
                limit=page,
                cursor=cursor,
                range_condition=Ticket.GSI5SK.between(low, high),
                newest_first=False,
            )
            found.extend(items)
            if not cursor:
                break
        day += timedelta(days=1)
    return found


def search(
    filters: dict[str, str | None],
    accept: Callable[[list[Ticket]], list[bool]],
    *,
    limit: int,
    budget: int,
    cursor: str | None,
) -> tuple[list[Ticket], str | None, int]:
    """A bounded search of the queue ``filters`` picks (the index as ``queue`` picks it, same order):
    read at most ``budget`` tickets, in chunks, keep those ``accept`` takes, stop at ``limit`` kept.

    Returns (kept, next cursor, tickets read). The cursor is the key of the last ticket read, so the
    next page starts right after it whether this one stopped full or at its budget; None when the
    index had no more. ``accept`` sees a chunk at a time (one read of the customers it needs)."""
    used = next(name for name in ("customer_id", "owner_team", "category", "status") if filters.get(name))
    index_name, prefix = _QUEUES[used]
    index = getattr(Ticket, index_name)
    partition = f"{prefix}{filters[used]}"
    sort_prefix = "TICKET#" if used == "customer_id" else None
    repo.ready()
    chunk_size = min(budget, 100)
    results = index.query(
        partition,
        range_key_condition=Ticket.GSI4SK.startswith(sort_prefix) if sort_prefix else None,
        scan_index_forward=used == "owner_team",
        page_size=chunk_size,
        last_evaluated_key=repo.decode_cursor(cursor, index, partition, sort_prefix=sort_prefix),
    )
    items = iter(results)
    kept: list[Ticket] = []
    read = 0
    last: Ticket | None = None
    exhausted = False
    try:
        while read < budget and len(kept) < limit and not exhausted:
            chunk: list[Ticket] = []
            for ticket in items:
                chunk.append(ticket)
                if len(chunk) == min(chunk_size, budget - read):
                    break
            else:
                exhausted = True
            for ticket, ok in zip(chunk, accept(chunk), strict=True):
                read, last = read + 1, ticket
                if ok:
                    kept.append(ticket)
                    if len(kept) == limit:
                        exhausted = exhausted and ticket is chunk[-1]
                        break
    except QueryError as exc:
        if cursor and exc.cause_response_code == "ValidationException":
            raise repo.invalid_cursor("is not a key this list gave out") from None
        raise
    if exhausted or last is None:
        return kept, None, read
    _, _, names = repo.key_attributes(index)
    key = {name: {"S": getattr(last, name)} for name in sorted(names)}
    return kept, repo.encode_cursor(key), read
