"""Items and requests a 90-day report reads, at 1,000 and 50,000 tickets' worth of aggregates.

Run from the repository root (``make bench``, or
``PYTHONPATH=.:layers/complaintdesk/python .venv/bin/python -m tests.bench.bench_reports``).
The aggregates of each ticket count are derived with the real ``ticket_changes`` and written in bulk
to moto (a separate quarter per count); then every report is asked for over 90 days and the DynamoDB
requests and aggregate items read are printed. Goal: the same numbers for both counts.
"""

from __future__ import annotations

import os
import time
from collections import Counter
from datetime import UTC, datetime
from typing import Any


def main() -> None:
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_REGION": "us-east-1",
        "TABLE_NAME": "bench-reports",
    }.items():
        os.environ.setdefault(name, value)
    import botocore.session
    from moto import mock_aws

    from complaintdesk.services import reports
    from infra.local.resources import create_local_resources
    from tests.integration.reports import synthetic
    from tests.support.aws import reset_caches

    calls: Counter[str] = Counter()

    def hook(model: Any, **_: Any) -> None:
        calls[model.name] += 1

    original = botocore.session.Session.create_client

    def create_client(self: Any, *args: Any, **kwargs: Any) -> Any:
        client = original(self, *args, **kwargs)
        client.meta.events.register("before-call.dynamodb.*", hook)
        return client

    botocore.session.Session.create_client = create_client  # type: ignore[method-assign]
    with mock_aws():
        resources = create_local_resources(stage="bench")
        os.environ["TABLE_NAME"] = resources.physical["TicketsTable"]
        reset_caches()
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
