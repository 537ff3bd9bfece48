"""Tickets: intake, reading, agent queues, edits with optimistic locking, comments, timeline.

Use cases only: the ticket is read and written through ``store/tickets.py`` (which owns its
persistence and index keys), changed through its transitions (``complaintdesk.lifecycle``) and shown
through ``services/ticket_views.py``.
"""

from __future__ import annotations

import random
import time
from datetime import datetime
from typing import TYPE_CHECKING, Any

from complaintdesk import clock
from complaintdesk.errors import Conflict, InvalidInput
from complaintdesk.lifecycle import Plan
from complaintdesk.observability import emit, logger
from complaintdesk.services.customers import resolve_customer
from complaintdesk.services.promises import first_response_due
from complaintdesk.services.ticket_views import ticket_summary, ticket_view
from complaintdesk.services.timeline import event_view
from complaintdesk.store import repository as repo
from complaintdesk.store import tickets as stored
from complaintdesk.store.models import IntakeKey, Ticket
from complaintdesk.store.tickets import load as load  # the use cases' read of one ticket

if TYPE_CHECKING:  # the API's models: queue and stream functions import this module without them
    from complaintdesk.schemas import TicketCreate, TicketPatch


def format_ticket_id(year: int, number: int) -> str:
    return f"C-{year}-{number:06d}"


def allocate_ticket_id(at: datetime) -> str:
    """The next ticket number of ``at``'s year (one atomic counter bump); gaps are harmless."""
    return format_ticket_id(at.year, repo.next_number(f"TICKET#{at.year}"))


CREATE_ATTEMPTS = 8
COMMENT_ATTEMPTS = 5


def _back_off(attempt: int) -> None:
    """Before writing a ticket again after a conflict: a jittered, growing wait, so the other
    writer finishes first."""
    time.sleep(random.uniform(0, 0.05 * 2**attempt))


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
    intake_key: IntakeKey | None = None,
) -> dict[str, Any]:
    """Receive a complaint: one counter bump, one transaction.

    The transaction writes the ticket, the customer (new, or newly linked contacts), the "received"
    timeline event, the ``ticket.created`` event and the plan start (outbox items the publisher
    sends from the table's stream) and, for the API, the ``Idempotency-Key`` → ticket link — so a
    failure leaves nothing half-written, and a saved ticket is always acknowledged and always runs
    its plan.

    A concurrent first contact of the same customer (or a concurrent edit of the customer) cancels
    the transaction; the customer is read again and the create retried here, so a client never
    sees a conflict it could not have caused. ``extra_writes`` that fail their condition (e-mail
    intake's replay marks) are the caller's to handle: ``Conflict`` is raised at once.

    ``ticket_id`` comes from ``allocate_ticket_id`` when the caller needs the id before the
    ticket exists (e-mail intake stores attachments under it first).
    """
    at = received_at or clock.now()
    ticket_id = ticket_id or allocate_ticket_id(at)
    category = published_category(data.category) if data.category else None
    fields = validated_fields(category[1], data.fields) if category else data.fields
    plan = _plan_for(category, at) if category else None
    for attempt in range(1, CREATE_ATTEMPTS + 1):
        customer, customer_writes = resolve_customer(data.customer, data.channel, at)
        ticket, change = Ticket.received(
            ticket_id=ticket_id,
            customer_id=customer.customer_id,
            channel=data.channel,
            subject=data.subject,
            description=data.description,
            language=data.customer.language,
            actor=actor,
            at=at,
            first_response_due=first_response_due(at, category[1] if category else None),
            priority=data.priority,
            category=data.category,
            product=data.product,
            region=data.region,
            unit=data.unit,
            fields=fields,
            attachments=attachments,
            linked_tickets=linked_tickets,
            timeline_data=timeline_data,
            plan=plan,
            requested_remedy=data.requested_remedy.model_dump() if data.requested_remedy else None,
        )
        writes: list[tuple[Any, Any]] = [*customer_writes, *stored.new_ticket_writes(ticket, change)]
        if intake_key is not None:
            intake_key.ticket_id = ticket_id
            writes.append((intake_key, IntakeKey.PK.does_not_exist()))
        own = len(writes)
        writes += extra_writes or []
        try:
            repo.save_all(writes, events=change.events, start=change.start, ticket_id=ticket_id)
            break
        except Conflict as conflict:
            failed: set[int] = getattr(conflict, "failed_items", set())
            if intake_key is not None and own - 1 in failed:
                raise  # the same Idempotency-Key won a race: the caller returns that ticket
            if (failed and max(failed) >= own) or attempt == CREATE_ATTEMPTS:
                raise
            logger().info("create retried", extra={"attempt": attempt, "failed_items": sorted(failed)})
            _back_off(attempt)
    emit("TicketsCreated", channel=data.channel, category=data.category)
    return ticket_view(ticket)


def _plan_for(published: tuple[Any, Any], at: datetime) -> Plan:
    from complaintdesk.services import workflow

    return workflow.plan_for(published, at)


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
    query = {"status": status, "category": category, "team": team, "customer": customer, "limit": limit}
    from complaintdesk.schemas import TicketListQuery, parse_query

    parse_query(TicketListQuery, {**query, "cursor": cursor})  # the route's check, for every caller
    if not (customer or team or category):
        status = status or "open"
    filters = {"status": status, "category": category, "owner_team": team, "customer_id": customer}
    items, next_cursor = stored.queue(filters, limit=limit, cursor=cursor)
    return {"tickets": [ticket_summary(t) for t in items], "next_cursor": next_cursor}


def update_ticket(ticket_id: str, patch: TicketPatch, *, actor: str) -> dict[str, Any]:
    """Change priority, category or fields; a stale ``version`` is refused with 409."""
    ticket = load(ticket_id)
    if patch.version != ticket.version:
        raise Conflict(
            f"ticket {ticket.ticket_id} is at version {ticket.version}, you sent {patch.version}; "
            "read it again and retry"
        )
    at = clock.now()
    plan = None
    category = ticket.category
    # The same category again (re)starts a plan that could not start before.
    if patch.category is not None and (patch.category != ticket.category or not ticket.execution_arn):
        ticket.refuse_while_running()  # before the lookup: a running plan answers 409 first
        category_plan = published_category(patch.category)
        plan, category = _plan_for(category_plan, at), category_plan[1].id
    fields = None
    if patch.fields is not None or plan is not None:
        fields = {**(ticket.fields or {}), **(patch.fields or {})}
        if category:
            defn = plan.definition if plan else published_category(category)[1]
            fields = validated_fields(defn, fields)
    change = ticket.updated(by=actor, at=at, priority=patch.priority, plan=plan, fields=fields)
    if change.empty:
        return ticket_view(ticket)
    stored.save(ticket, change)
    return ticket_view(ticket)


def add_comment(
    ticket_id: str,
    body: str | None,
    visibility: str,
    *,
    actor: str,
    from_customer: bool = False,
    canned_reply_id: str | None = None,
    attachment_ids: list[str] | None = None,
) -> dict[str, Any]:
    """An internal note, a public reply the customer will receive, or the customer's own answer.

    ``canned_reply_id`` instead of ``body``: that canned reply of the ticket's category, filled for
    the ticket in the customer's language (``services/canned_replies.py``), is the text."""
    # A comment names no version: the writer means it whatever else happened to the ticket. When
    # the plan, a poller or a colleague saves the ticket between this read and this write, the
    # ticket is read again and the comment applied to it again, instead of refusing the person.
    for attempt in range(1, COMMENT_ATTEMPTS + 1):
        ticket = load(ticket_id)
        if canned_reply_id is not None:
            from complaintdesk.services.canned_replies import fill_for_ticket

            body = fill_for_ticket(ticket, canned_reply_id)["text"]
        assert body is not None  # CommentIn asks for one of the two
        at = clock.now()
        if from_customer:  # decided by the one service for the customer's answer, then saved here
            from complaintdesk.services.replies import answer_through_api

            change = answer_through_api(ticket, body, actor=actor, at=at)
        else:
            files = None
            if attachment_ids:  # files the reply's e-mail carries (services/attachments.py)
                from complaintdesk.services.attachments import for_reply

                files = for_reply(ticket.ticket_id, attachment_ids)
            change = ticket.commented(body, public=visibility == "public", by=actor, at=at, attachments=files)
        try:
            stored.save(ticket, change)
        except Conflict:
            if attempt == COMMENT_ATTEMPTS:
                raise
            logger().info("comment retried", extra={"attempt": attempt})
            _back_off(attempt)
            continue
        break
    return event_view(change.entries[-1])


def get_timeline(ticket_id: str, *, limit: int = 100, cursor: str | None = None) -> dict[str, Any]:
    from complaintdesk.schemas import TimelineQuery, parse_query

    parse_query(TimelineQuery, {"limit": limit, "cursor": cursor})
    ticket = load(ticket_id)
    items, next_cursor = repo.timeline(ticket.ticket_id, limit=limit, cursor=cursor)
    return {
        "ticket_id": ticket.ticket_id,
        "events": [event_view(e) for e in items],
        "next_cursor": next_cursor,
    }
