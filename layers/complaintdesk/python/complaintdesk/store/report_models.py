"""Report items on the single table: per-day counters, open-ticket gauges, stream-record markers.

``ReportDay``: ``PK=REPORT#<dimension>``, ``SK=<yyyy-mm-dd>#<value>`` — one item per dimension value
and day, numeric counters updated with ``ADD``. A report over a date range of one dimension is one
Query (``SK BETWEEN``) whose size depends on days × distinct values, never on the number of tickets.

``OpenGauge``: ``PK=REPORT#open``, ``SK=<category>`` — tickets open now, ``ADD ±1``.

``StreamMarker``: ``PK=REPORTSEEN#<stream eventID>``, ``SK=SEEN`` — written in the same transaction as
the counters it caused (condition: does not exist), so a redelivered stream record changes nothing.
It expires (``expires_at``, the table's TTL attribute) after stream records can no longer return.
"""

from __future__ import annotations

from typing import ClassVar

from pynamodb.attributes import NumberAttribute, UnicodeAttribute

from complaintdesk.store.models import Item

DIMENSIONS = ("all", "category", "channel", "region", "product", "unit", "team", "root_cause", "step")

# Counter attributes of a ReportDay item (all whole numbers; seconds for the *_seconds sums).
COUNTERS = (
    "opened",
    "resolved",
    "breached",
    "escalated",
    "reopened",
    "first_contact_resolutions",
    "first_responses",
    "first_response_seconds",
    "resolution_seconds",
    "csat_sum",
    "csat_count",
    "steps_completed",
    "steps_on_time",
)

REPORT_PREFIX = "REPORT#"
MARKER_PREFIX = "REPORTSEEN#"


class ReportDay(Item):
    dimension = UnicodeAttribute(null=True)
    value = UnicodeAttribute(null=True)
    day = UnicodeAttribute(null=True)
    opened = NumberAttribute(default=0)
    resolved = NumberAttribute(default=0)
    breached = NumberAttribute(default=0)
    escalated = NumberAttribute(default=0)
    reopened = NumberAttribute(default=0)
    first_contact_resolutions = NumberAttribute(default=0)
    first_responses = NumberAttribute(default=0)
    first_response_seconds = NumberAttribute(default=0)
    resolution_seconds = NumberAttribute(default=0)
    csat_sum = NumberAttribute(default=0)
    csat_count = NumberAttribute(default=0)
    steps_completed = NumberAttribute(default=0)
    steps_on_time = NumberAttribute(default=0)

    @staticmethod
    def key(dimension: str, day: str, value: str) -> tuple[str, str]:
        return f"{REPORT_PREFIX}{dimension}", f"{day}#{value}"


class OpenGauge(Item):
    PK_VALUE: ClassVar[str] = f"{REPORT_PREFIX}open"

    category = UnicodeAttribute(null=True)
    open = NumberAttribute(default=0)

    @staticmethod
    def key(category: str) -> tuple[str, str]:
        return OpenGauge.PK_VALUE, category


class StreamMarker(Item):
    SK_VALUE: ClassVar[str] = "SEEN"

    expires_at = NumberAttribute()

    @staticmethod
    def key(event_id: str) -> tuple[str, str]:
        return f"{MARKER_PREFIX}{event_id}", StreamMarker.SK_VALUE
