"""A 90-day report reads aggregate items only: its requests do not grow with tickets.

The proof at size (2,000 and 5,000 tickets, the same aggregate items read) folds 7,000 synthetic
tickets and runs in the benchmarks (``make bench``: tests/bench/bench_read_cost.py); this test keeps
the property in the suite at a size moto serves quickly (moto serialises every item a Query returns).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from complaintdesk.services import reports
from tests.integration.reports import synthetic
from tests.support.aws import counting_aws_calls


def test_requests_do_not_grow_with_ticket_count(stack: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    # Given 12 tickets in the first quarter of 2026 and three times as many in that of 2027
    written = {
        2026: synthetic.write(synthetic.aggregate(12, start=datetime(2026, 1, 1, 9, tzinfo=UTC))),
        2027: synthetic.write(synthetic.aggregate(36, start=datetime(2027, 1, 1, 9, tzinfo=UTC))),
    }
    measured = []
    for year in (2026, 2027):
        # When every report is asked for over 90 days
        with counting_aws_calls(monkeypatch) as calls:
            items = synthetic.ask_every_report(year)
        measured.append((items, calls.of("dynamodb")))
        # Then what is read is aggregate items of that quarter, never more than were written
        assert 0 < items <= written[year]
    # And three times the tickets cost the same requests: Query only, no Scan
    (_, small_calls), (_, large_calls) = measured
    assert small_calls == large_calls
    assert set(large_calls) == {"Query"}
    assert large_calls["Query"] == 2 * len(reports.GROUPS) + 1 + 3
