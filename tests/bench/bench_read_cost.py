"""The read-cost proof at size: a 90-day report reads the same aggregate items with the same requests
for 2,000 tickets as for 5,000 (Query only). Fails (exit 1) when it does not.

Moved out of the test suite (it folds 7,000 synthetic tickets); tests/integration/reports/
test_read_cost.py keeps the property at a small size. Run from the repository root (``make bench``,
or ``PYTHONPATH=.:layers/complaintdesk/python .venv/bin/python -m tests.bench.bench_read_cost``).
"""

from __future__ import annotations

import sys
import time
from datetime import UTC, datetime

from tests.bench.dynamodb_bench import counted_tickets_table


def main() -> int:
    measured: list[tuple[int, dict[str, int]]] = []
    with counted_tickets_table() as calls:
        from complaintdesk.services import reports
        from tests.integration.reports import synthetic

        print(f"{'tickets':>8} {'agg items':>9} {'items read':>10} {'requests':<14} {'fold+write s':>12}")
        for year, tickets in ((2026, 2_000), (2027, 5_000)):
            began = time.perf_counter()
            written = synthetic.write(synthetic.aggregate(tickets, start=datetime(year, 1, 1, 9, tzinfo=UTC)))
            elapsed = time.perf_counter() - began
            calls.clear()
            items = synthetic.ask_every_report(year)
            measured.append((items, dict(calls)))
            print(f"{tickets:>8} {written:>9} {items:>10} {dict(calls)!s:<14} {elapsed:>12.1f}")
    (small_items, small_calls), (large_items, large_calls) = measured
    expected = {"Query": 2 * len(reports.GROUPS) + 1 + 3}
    ok = small_items == large_items and small_calls == large_calls == expected
    print(
        "same items and requests for 2.5x the tickets, Query only: "
        + ("yes" if ok else f"NO (expected {expected})")
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
