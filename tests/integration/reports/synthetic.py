"""Synthetic tickets folded into report items in bulk (benchmarks and the read-cost tests).

Each ticket goes through the real derivation (``ticket_changes``: created, then resolved or not);
the changes of all tickets are summed in memory and written as aggregate items with BatchWriteItem,
which is what the stream path would leave behind, without one transaction per ticket in moto.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Any

from complaintdesk import clock
from complaintdesk.services.reports import fold, ticket_changes

CATEGORIES = ("billing-error", "late-delivery", "defective-product", "service-outage", "staff-behaviour")
CHANNELS = ("api", "web", "phone", "store", "social", "email")
REGIONS = ("TR-34", "TR-06", "LV-RIX", "LV-DGP")
PRODUCTS = tuple(f"product-{n}" for n in range(8))
UNITS = tuple(f"unit-{n}" for n in range(6))
TEAMS = ("billing", "logistics", "quality", "network", "care")
ROOT_CAUSES = tuple(f"rc-{n}" for n in range(10))
START = datetime(2026, 1, 1, 9, tzinfo=UTC)


def ticket(i: int, days: int, start: datetime = START) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """(image when created, image when resolved or None) of synthetic ticket ``i``."""
    created = start + timedelta(days=i % days, minutes=i % 600)
    image = {
        "status": "open",
        "created_at": clock.iso(created),
        "updated_at": clock.iso(created),
        "category": CATEGORIES[i % len(CATEGORIES)],
        "channel": CHANNELS[i % len(CHANNELS)],
        "region": REGIONS[i % len(REGIONS)],
        "product": PRODUCTS[i % len(PRODUCTS)],
        "unit": UNITS[i % len(UNITS)],
        "owner_team": TEAMS[i % len(TEAMS)],
    }
    if i % 3 == 0:
        return image, None
    done = created + timedelta(hours=1 + i % 47)
    resolved = {
        **image,
        "status": "resolved",
        "resolved_at": clock.iso(done),
        "updated_at": clock.iso(done),
        "root_cause": ROOT_CAUSES[i % len(ROOT_CAUSES)],
    }
    return image, resolved


def aggregate(
    tickets: int, days: int = 90, start: datetime = START
) -> dict[tuple[str, str, str], dict[str, int]]:
    totals: dict[tuple[str, str, str], Counter[str]] = {}
    for i in range(tickets):
        created, resolved = ticket(i, days, start)
        changes = ticket_changes(None, created, START)
        if resolved:
            changes += ticket_changes(created, resolved, START)
        for key, counts in fold(changes).items():
            totals.setdefault(key, Counter()).update(counts)
    return {key: dict(counts) for key, counts in totals.items()}


def write(folded: dict[tuple[str, str, str], dict[str, int]]) -> int:
    """Write the aggregate items (BatchWriteItem, 25 per request); returns how many."""
    from complaintdesk.store import repository
    from complaintdesk.store.report_models import ReportDay

    repository.ready()
    with ReportDay.batch_write() as batch:
        for (dimension, value, day), counts in folded.items():
            batch.save(
                ReportDay(
                    *ReportDay.key(dimension, day, value), dimension=dimension, value=value, day=day, **counts
                )
            )
    return len(folded)


def ask_every_report(year: int) -> int:
    """Every report over the first 90 days of ``year``; returns the aggregate items read."""
    from complaintdesk.services import reports

    span = {"start": f"{year}-01-01", "end": f"{year}-03-31"}
    items = sum(len(reports.read_days(g, *reports.parse_range(**span))) for g in reports.GROUPS)
    for group in reports.GROUPS:
        reports.summary(group, **span)
    reports.trend("avg_resolution_hours", "week", "category", **span)
    reports.sla(**span)
    return items
