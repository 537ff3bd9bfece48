"""Tickets: intake, reading, agent queues, edits with optimistic locking, comments, timeline."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from complaintdesk import clock, events
from complaintdesk.errors import Conflict, InvalidInput
from complaintdesk.observability import emit
from complaintdesk.schemas import TicketCreate, TicketPatch
from complaintdesk.services.customers import resolve_customer
from complaintdesk.services.timeline import event_view, new_event
from complaintdesk.settings import get_settings
from complaintdesk.store import repository as repo
from complaintdesk.store.models import Ticket

MAX_PAGE = 100


def format_ticket_id(year: int, number: int) -> str:
    return f"C-{year}-{number:06d}"


def allocate_ticket_id(at: datetime) -> str:
    """The next ticket number of ``at``'s year (one atomic counter bump); gaps are harmless."""
    return format_ticket_id(at.year, repo.next_number(f"TICKET#{at.year}"))


def index_keys(ticket: Ticket) -> None:
    """Place the ticket in the agent queues (GSI1–GSI5) its current state belongs to."""
    ref = f"{ticket.created_at}#{ticket.ticket_id}"
    ticket.GSI1PK, ticket.GSI1SK = f"STATUS#{ticket.status}", ref
    ticket.GSI2PK, ticket.GSI2SK = (f"CATEGORY#{ticket.category}", ref) if ticket.category else (None, None)
    active = ticket.status in repo.ACTIVE_STATUSES
    if ticket.owner_team and active:
        ticket.GSI3PK, ticket.GSI3SK = (
            f"TEAM#{ticket.owner_team}",
            f"{ticket.step_due_at or ticket.created_at}#{ticket.ticket_id}",
        )
    else:
        ticket.GSI3PK = ticket.GSI3SK = None
    ticket.GSI4PK, ticket.GSI4SK = f"CUSTOMER#{ticket.customer_id}", f"TICKET#{ref}"
    if ticket.step_due_at and active and not ticket.paused_at:
        ticket.GSI5PK, ticket.GSI5SK = (
            f"DUE#{ticket.step_due_at[:10]}",
            f"{ticket.step_due_at}#{ticket.ticket_id}",
        )
    else:
        ticket.GSI5PK = ticket.GSI5SK = None


def ticket_summary(ticket: Ticket) -> dict[str, Any]:
    return {
        "ticket_id": ticket.ticket_id,
        "status": ticket.status,
        "priority": ticket.priority,
        "channel": ticket.channel,
        "subject": ticket.subject,
        "category": ticket.category,
        "customer_id": ticket.customer_id,
        "owner_team": ticket.owner_team,
        "current_step": ticket.current_step,
        "due_at": ticket.step_due_at,
        "breached": ticket.breached,
        "created_at": ticket.created_at,
        "version": ticket.version,
    }


def ticket_view(ticket: Ticket) -> dict[str, Any]:
    view = ticket_summary(ticket)
    view.update(
        description=ticket.description,
        language=ticket.language,
        category_version=ticket.category_version,
        product=ticket.product,
        region=ticket.region,
        unit=ticket.unit,
        fields=ticket.fields or {},
        updated_at=ticket.updated_at,
        created_by=ticket.created_by,
        first_response_at=ticket.first_response_at,
        resolved_at=ticket.resolved_at,
        resolution=ticket.resolution,
        root_cause=ticket.root_cause,
        workflow={
            "current_step": ticket.current_step,
            "owner_team": ticket.owner_team,
            "due_at": ticket.step_due_at,
            "escalation_level": ticket.escalation_level,
            "escalation_due_at": ticket.escalation_due_at,
            "breached": ticket.breached,
            "waiting_for": ticket.task_kind,
            "paused_since": ticket.paused_at,
            "next_step": ticket.next_step,
        },
    )
    return view


def load(ticket_id: str) -> Ticket:
    return repo.get(Ticket, Ticket.key(ticket_id.upper()), f"ticket {ticket_id}")


def create_ticket(
    data: TicketCreate,
    *,
    actor: str,
    received_at: datetime | None = None,
    extra_writes: list[tuple[Any, Any]] | None = None,
    timeline_data: dict[str, Any] | None = None,
    ticket_id: str | None = None,
    attachments: list[dict[str, Any]] | None = None,
    linked_tickets: set[str] | None = None,
) -> dict[str, Any]:
    """Receive a complaint: one counter bump, one transaction, one event.

    ``ticket_id`` comes from ``allocate_ticket_id`` when the caller needs the id before the
    ticket exists (e-mail intake stores attachments under it first).

    The transaction writes the ticket, the customer (new, or newly linked contacts) and the
    "received" timeline event together, so a failure leaves nothing half-written.
    """
    at = received_at or clock.now()
    moment = clock.iso(at)
    customer, customer_writes = resolve_customer(data.customer, data.channel, at)
    ticket_id = ticket_id or allocate_ticket_id(at)
    pk, sk = Ticket.key(ticket_id)
    ticket = Ticket(
        pk,
        sk,
        ticket_id=ticket_id,
        status="open",
        priority=data.priority or "normal",
        channel=data.channel,
        subject=data.subject,
        description=data.description,
        language=data.customer.language,
        customer_id=customer.customer_id,
        category=data.category,
        product=data.product,
        region=data.region,
        unit=data.unit,
        fields=data.fields,
        created_at=moment,
        updated_at=moment,
        created_by=actor,
        attachments=attachments or [],
        linked_tickets=linked_tickets or None,
    )
    plan = None
    if data.category:
        from complaintdesk.services import workflow

        version = published_category(data.category)
        ticket.fields = validated_fields(version[1], data.fields)
        plan = workflow.plan_ticket(ticket, at, version)
    index_keys(ticket)
    received = new_event(
        ticket_id,
        customer.customer_id,
        "ticket.received",
        f"Complaint received via {data.channel}",
        actor=actor,
        at=at,
        visibility="public",
        channel=data.channel,
        data=timeline_data or {"subject": data.subject},
    )
    repo.save_all(
        [*customer_writes, (ticket, Ticket.PK.does_not_exist()), (received, None), *(extra_writes or [])]
    )
    if plan:
        workflow.start_plan_or_record(ticket, plan)
    emit("TicketsCreated", channel=data.channel, category=data.category)
    first_response_due = at + timedelta(hours=get_settings().first_response_hours)
    events.publish(
        "ticket.created",
        ticket_id,
        {
            "customer_id": customer.customer_id,
            "channel": data.channel,
            "category": data.category,
            "priority": ticket.priority,
            "language": ticket.language,
            "product": data.product,
            "region": data.region,
            "unit": data.unit,
            "first_response_due": clock.iso(first_response_due),
        },
    )
    return ticket_view(ticket)


def published_category(category: str) -> tuple[Any, Any]:
    """The category's current published version and definition; 400 naming the field if none."""
    from complaintdesk.errors import NotFound
    from complaintdesk.services import categories

    try:
        return categories.published(category)
    except NotFound:
        raise InvalidInput(
            f"category {category!r} does not exist",
            details=[{"field": "category", "message": "is not a published category"}],
        ) from None


def validated_fields(defn: Any, fields: dict[str, Any]) -> dict[str, Any]:
    """The ticket's custom fields checked against its category's definition (400 naming the field)."""
    from complaintdesk.categories import FieldValidationError, validate_ticket_fields

    try:
        return validate_ticket_fields(defn, fields)
    except FieldValidationError as exc:
        message = exc.details[0]["message"] if exc.details else exc.message
        raise InvalidInput(
            f"fields.{exc.field}: {message}", details=[{"field": f"fields.{exc.field}", "message": message}]
        ) from None


def get_ticket(ticket_id: str) -> dict[str, Any]:
    return ticket_view(load(ticket_id))


def list_tickets(
    *,
    status: str | None = None,
    category: str | None = None,
    team: str | None = None,
    customer: str | None = None,
    limit: int = 25,
    cursor: str | None = None,
) -> dict[str, Any]:
    """An agent queue. The most selective filter picks the index; the others filter it."""
    if not 1 <= limit <= MAX_PAGE:
        raise InvalidInput(f"limit must be between 1 and {MAX_PAGE}")
    filters = {"status": status, "category": category, "owner_team": team, "customer_id": customer}
    if customer:
        index, partition, used = Ticket.customer_index, f"CUSTOMER#{customer}", "customer_id"
    elif team:
        index, partition, used = Ticket.team_index, f"TEAM#{team}", "owner_team"
    elif category:
        index, partition, used = Ticket.category_index, f"CATEGORY#{category}", "category"
    else:
        filters["status"] = status = status or "open"
        index, partition, used = Ticket.status_index, f"STATUS#{status}", "status"
    condition = None
    for name, value in filters.items():
        if value and name != used:
            clause = getattr(Ticket, name) == value
            condition = clause if condition is None else condition & clause
    range_condition = Ticket.GSI4SK.startswith("TICKET#") if used == "customer_id" else None
    items, next_cursor = repo.query_index(
        index,
        partition,
        limit=limit,
        cursor=cursor,
        filter_condition=condition,
        range_condition=range_condition,
        newest_first=used != "owner_team",
    )
    return {"tickets": [ticket_summary(t) for t in items], "next_cursor": next_cursor}


def update_ticket(ticket_id: str, patch: TicketPatch, *, actor: str) -> dict[str, Any]:
    """Change priority, category or fields; a stale ``version`` is refused with 409."""
    ticket = load(ticket_id)
    if patch.version != ticket.version:
        raise Conflict(
            f"ticket {ticket.ticket_id} is at version {ticket.version}, you sent {patch.version}; "
            "read it again and retry"
        )
    changes: dict[str, Any] = {}
    plan = category_plan = None
    if patch.priority is not None and patch.priority != ticket.priority:
        # Priority orders the queues; it never restarts or shortens a running SLA clock.
        changes["priority"] = {"from": ticket.priority, "to": patch.priority}
        ticket.priority = patch.priority
    # The same category again (re)starts a plan that could not start before.
    if patch.category is not None and (patch.category != ticket.category or not ticket.execution_arn):
        from complaintdesk.services import workflow

        changes["category"] = {"from": ticket.category, "to": patch.category}
        workflow.refuse_while_running(ticket)  # before the lookup: a running plan answers 409 first
        category_plan = published_category(patch.category)
        plan = workflow.change_category(ticket, category_plan)
    if patch.fields is not None or "category" in changes:
        merged = {**(ticket.fields or {}), **(patch.fields or {})}
        if ticket.category:
            defn = category_plan[1] if category_plan else published_category(ticket.category)[1]
            merged = validated_fields(defn, merged)
        if merged != ticket.fields:
            changes["fields"] = {"from": ticket.fields, "to": merged}
            ticket.fields = merged
    if not changes:
        return ticket_view(ticket)
    at = clock.now()
    ticket.updated_at = clock.iso(at)
    index_keys(ticket)
    summary = "Changed " + ", ".join(
        f"{k} to {v['to']}" if k != "fields" else "fields" for k, v in changes.items()
    )
    event = new_event(
        ticket.ticket_id, ticket.customer_id, "ticket.updated", summary, actor=actor, at=at, data=changes
    )
    repo.save_all([(ticket, None), (event, None)])
    if plan:
        workflow.start_plan_or_record(ticket, plan)
    events.publish("ticket.updated", ticket.ticket_id, {"changes": changes, "by": actor})
    return ticket_view(ticket)


def add_comment(
    ticket_id: str, body: str, visibility: str, *, actor: str, from_customer: bool = False
) -> dict[str, Any]:
    """An internal note, a public reply the customer will receive, or the customer's own answer."""
    ticket = load(ticket_id)
    at = clock.now()
    if from_customer:
        kind, visibility = "customer.replied", "public"
    else:
        kind = "comment.public" if visibility == "public" else "comment.internal"
    event = new_event(
        ticket.ticket_id,
        ticket.customer_id,
        kind,
        body[:200],
        actor=actor,
        at=at,
        visibility=visibility,
        data={"body": body, "channel": "api"},
    )
    writes: list[tuple[Any, Any]] = [(event, None)]
    if kind == "comment.public" and not ticket.first_response_at:
        ticket.first_response_at = clock.iso(at)
        ticket.updated_at = ticket.first_response_at
        writes.insert(0, (ticket, None))
    repo.save_all(writes)
    if kind == "comment.public":
        events.publish(
            "comment.public", ticket.ticket_id, {"event_id": event.event_id, "body": body, "by": actor}
        )
    elif kind == "customer.replied":
        from complaintdesk.services import workflow

        outcome = workflow.customer_replied(ticket.ticket_id, at=at, channel="api", actor=actor)
        events.publish(
            "customer.replied",
            ticket.ticket_id,
            {"channel": "api", "resumed": outcome == "resumed", "step": ticket.current_step},
        )
    return event_view(event)


def get_timeline(ticket_id: str, *, limit: int = 100, cursor: str | None = None) -> dict[str, Any]:
    ticket = load(ticket_id)
    if not 1 <= limit <= 500:
        raise InvalidInput("limit must be between 1 and 500")
    items, next_cursor = repo.timeline(ticket.ticket_id, limit=limit, cursor=cursor)
    return {
        "ticket_id": ticket.ticket_id,
        "events": [event_view(e) for e in items],
        "next_cursor": next_cursor,
    }
