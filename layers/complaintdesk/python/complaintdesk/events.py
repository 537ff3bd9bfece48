"""Domain events out through the one SNS topic (DESIGN.md decision 5).

Envelope: ``{"event_id", "event_type", "occurred_at", "ticket_id", "data"}``; the event type is
also a message attribute so subscriptions can filter on it.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from complaintdesk import aws, clock
from complaintdesk.settings import get_settings


def envelope(
    event_type: str, ticket_id: str, data: dict[str, Any], event_id: str | None = None
) -> dict[str, Any]:
    return {
        "event_id": event_id or str(uuid.uuid4()),
        "event_type": event_type,
        "occurred_at": clock.iso(clock.now()),
        "ticket_id": ticket_id,
        "data": data,
    }


def publish(
    event_type: str, ticket_id: str, data: dict[str, Any], event_id: str | None = None
) -> dict[str, Any]:
    event = envelope(event_type, ticket_id, data, event_id)
    aws.client("sns").publish(
        TopicArn=get_settings().events_topic_arn,
        Message=json.dumps(event, default=str),
        MessageAttributes={"event_type": {"DataType": "String", "StringValue": event_type}},
    )
    return event
