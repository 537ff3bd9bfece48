"""Timeline events: everything that happened to a ticket, in order.

Entries are made by the ticket's transitions (``complaintdesk.lifecycle``, through the stored model's
``store.models.timeline_entry``); ``new_event`` makes one for what happens around a ticket without
changing it (mail received, notifications sent).
"""

from __future__ import annotations

from typing import Any

from complaintdesk.lifecycle import CUSTOMER_INTERACTIONS as CUSTOMER_INTERACTIONS
from complaintdesk.store.models import TimelineEvent, timeline_entry

new_event = timeline_entry


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
