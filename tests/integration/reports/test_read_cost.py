"""A 90-day report reads aggregate items only: its requests and items do not grow with tickets."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from complaintdesk.services import reports
from tests.integration.reports import synthetic
from tests.support.aws import counting_aws_calls


def ask_every_report(year: int) -> int:
    """Every report over the first 90 days of ``year``; returns the aggregate items read."""
    span = {"start": f"{year}-01-01", "end": f"{year}-03-31"}
    items = sum(len(reports.read_days(g, *reports.parse_range(**span))) for g in reports.GROUPS)
    for group in reports.GROUPS:
        reports.summary(group, **span)
    reports.trend("avg_resolution_hours", "week", "category", **span)
    reports.sla(**span)
    return items


def test_items_and_requests_do_not_grow_with_ticket_count(
    stack: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given 2,000 tickets in the first quarter of 2026 and 5,000 in that of 2027 (same mix of values)
    synthetic.write(synthetic.aggregate(2000, start=datetime(2026, 1, 1, 9, tzinfo=UTC)))
    synthetic.write(synthetic.aggregate(5000, start=datetime(2027, 1, 1, 9, tzinfo=UTC)))
    measured = []
    for year in (2026, 2027):
        # When every report is asked for over 90 days
        with counting_aws_calls(monkeypatch) as calls:
            items = ask_every_report(year)
        measured.append((items, calls.of("dynamodb")))
    # Then more tickets read the same items with the same requests: Query only, no Scan
    (small_items, small_calls), (large_items, large_calls) = measured
    assert small_items == large_items
    assert small_calls == large_calls
    assert set(large_calls) == {"Query"}
    assert large_calls["Query"] == 2 * len(reports.GROUPS) + 1 + 3
