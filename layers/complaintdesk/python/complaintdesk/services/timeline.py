"""Timeline events: everything that happened to a ticket, in order."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from complaintdesk import clock
from complaintdesk.store.models import TimelineEvent

# Events that are interactions with the customer also go on the customer's 360 view.
CUSTOMER_INTERACTIONS = frozenset(
    {
        "ticket.received",
        "comment.public",
        "email.received",
        "notification.sent",
        "customer.replied",
        "ticket.resolved",
        "survey.answered",
    }
)


def new_event(
    ticket_id: str,
    customer_id: str | None,
    event_type: str,
    summary: str,
    *,
    actor: str,
    at: datetime | None = None,
    visibility: str = "internal",
    channel: str | None = None,
    data: dict[str, Any] | None = None,
    event_id: str | None = None,
) -> TimelineEvent:
    moment = clock.iso(at or clock.now())
    event_id = event_id or uuid.uuid4().hex[:12]
    event = TimelineEvent(
        f"TICKET#{ticket_id}",
        f"EVENT#{moment}#{event_id}",
        event_id=event_id,
        ticket_id=ticket_id,
        event_type=event_type,
        at=moment,
        actor=actor,
        summary=summary,
        visibility=visibility,
        channel=channel,
        data=data or {},
    )
    if customer_id and (event_type in CUSTOMER_INTERACTIONS or visibility == "public"):
        event.GSI4PK = f"CUSTOMER#{customer_id}"
        event.GSI4SK = f"EVENT#{moment}#{ticket_id}#{event_id}"
    return event


def event_view(event: TimelineEvent) -> dict[str, Any]:
    view = {
        "event_id": event.event_id,
        "ticket_id": event.ticket_id,
        "type": event.event_type,
        "at": event.at,
        "actor": event.actor,
        "summary": event.summary,
        "visibility": event.visibility,
    }
    if event.channel:
        view["channel"] = event.channel
    if event.data:
        view["data"] = event.data
    return view
