"""Items and requests a 90-day report reads, at 1,000 and 50,000 tickets' worth of aggregates.

Run from the repository root (``make bench``, or
``PYTHONPATH=.:layers/complaintdesk/python .venv/bin/python -m tests.bench.bench_reports``).
The aggregates of each ticket count are derived with the real ``ticket_changes`` and written in bulk
to moto (a separate quarter per count); then every report is asked for over 90 days and the DynamoDB
requests and aggregate items read are printed. Goal: the same numbers for both counts.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime

from tests.bench.dynamodb_bench import counted_tickets_table


def main() -> None:
    with counted_tickets_table() as calls:
        from complaintdesk.services import reports
        from tests.integration.reports import synthetic

        print(f"{'tickets':>8} {'agg items':>9} {'items read':>10} {'Query':>6} {'other':>6} {'read s':>7}")
        for year, tickets in ((2026, 1_000), (2027, 50_000)):
            written = synthetic.write(synthetic.aggregate(tickets, start=datetime(year, 1, 1, 9, tzinfo=UTC)))
            span = {"start": f"{year}-01-01", "end": f"{year}-03-31"}
            calls.clear()
            began = time.perf_counter()
            items = sum(len(reports.read_days(g, *reports.parse_range(**span))) for g in reports.GROUPS)
            reading = calls["Query"]
            for group in reports.GROUPS:
                reports.summary(group, **span)
            reports.trend("avg_resolution_hours", "week", "category", **span)
            reports.sla(**span)
            elapsed = time.perf_counter() - began
            other = sum(n for op, n in calls.items() if op != "Query")
            print(
                f"{tickets:>8} {written:>9} {items:>10} {calls['Query'] - reading:>6} {other:>6} {elapsed:>7.2f}"
            )
        print("items read = aggregate items of 8 dimensions over 90 days (summary of each group);")
        print("Query = requests of all reports: 8 summaries + 1 trend + 3 SLA dimensions (moto, in-process)")


if __name__ == "__main__":
    main()
