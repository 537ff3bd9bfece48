"""Faults around the aggregate function (table stream → functions/aggregate → report items): a
record delivered again, a batch failing in the middle (Lambda's stream mapping then delivers from
the failed record on, bisecting when the whole batch fails), DynamoDB throttling. The numbers are
always those of one clean delivery.
"""

from __future__ import annotations

from typing import Any

import pytest

from complaintdesk.services import reports
from infra.local.pollers import LambdaContext
from infra.local.streams import StreamPoller, streams_client
from tests.integration.faults.conftest import REGION, mentions, throttle_dynamodb
from tests.integration.reports.conftest import write_ticket  # noqa: F401 (a fixture)

MARCH = {"start": "2026-03-01", "end": "2026-03-31"}
CONTEXT = LambdaContext("AggregateFunction")
CLEAN = {"opened": 3, "resolved": 1}


@pytest.fixture
def records(stack: Any, write_ticket: Any) -> list[dict[str, Any]]:  # noqa: F811
    """The stream records of three tickets opened and one resolved, as Lambda would hand them over."""
    write_ticket(
        "C-2026-000001", channel="web", category="billing-error", created_at="2026-03-02T09:00:00.000Z"
    )
    write_ticket(
        "C-2026-000002", channel="email", category="billing-error", created_at="2026-03-02T10:00:00.000Z"
    )
    write_ticket(
        "C-2026-000003", channel="phone", category="late-delivery", created_at="2026-03-03T08:00:00.000Z"
    )
    write_ticket(
        "C-2026-000001",
        status="resolved",
        resolved_at="2026-03-03T09:00:00.000Z",
        updated_at="2026-03-03T09:00:00.000Z",
    )
    seen: list[dict[str, Any]] = []

    def capture(event: dict[str, Any], _: Any) -> dict[str, Any]:
        seen.extend(event["Records"])
        return {"batchItemFailures": []}

    StreamPoller(
        streams_client(REGION), stack.intrinsics.attributes[("TicketsTable", "StreamArn")], capture, "Capture"
    ).drain()
    assert len(seen) == 4
    return seen


def aggregate(records: list[dict[str, Any]]) -> list[str]:
    """One invocation of functions/aggregate; the sequence numbers it reported failed."""
    from functions.aggregate.app import lambda_handler

    result = lambda_handler({"Records": records}, CONTEXT)
    return [f["itemIdentifier"] for f in result["batchItemFailures"]]


def totals() -> dict[str, int]:
    total = reports.summary("category", **MARCH)["total"]
    return {name: total[name] for name in CLEAN}


def test_records_delivered_twice_are_counted_once(records, faults):
    # Given every record delivered, then the whole batch again, then each one again, twice in a batch
    assert aggregate(records) == []
    assert aggregate(records) == []
    for record in records:
        assert aggregate([record, record]) == []
    # Then the numbers are those of one delivery
    assert totals() == CLEAN
    assert reports.open_now() == {"billing-error": 1, "late-delivery": 1}


def test_a_failure_mid_batch_is_delivered_again_from_there_and_counted_once(records, faults):
    # Given the fold of the second record fails
    second = records[1]["dynamodb"]["SequenceNumber"]
    faults.hard("dynamodb", "TransactWriteItems", where=mentions(records[1]["eventID"]))
    # When the batch is delivered, the handler reports that record (the rest were folded)
    assert aggregate(records) == [second]
    # And Lambda delivers again from the failed record on: records already folded come again
    assert aggregate(records[1:]) == []
    assert totals() == CLEAN


def test_a_failing_batch_bisected_by_lambda_is_counted_once(records, faults):
    # Given the report items cannot be read for the open-tickets gauge: the whole invocation fails
    faults.hard("dynamodb", "Query", calls=1)
    with pytest.raises(Exception):  # noqa: B017 (any error fails the invocation)
        aggregate(records)
    # When Lambda bisects the batch and delivers each half again
    assert aggregate(records[:2]) == []
    assert aggregate(records[2:]) == []
    # Then every record counted once
    assert totals() == CLEAN


def test_dynamodb_throttling_is_absorbed_by_botocore(records, faults):
    throttle_dynamodb(faults)
    assert aggregate(records) == []
    used = {op: faults.tally("dynamodb", op) for op in faults.calls("dynamodb")}
    assert "TransactWriteItems" in used
    assert all(t.retries == t.calls and t.errors == 0 for t in used.values()), used
    faults.clear()
    assert totals() == CLEAN
