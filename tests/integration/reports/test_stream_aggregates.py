"""Tickets with known outcomes → the stream → the aggregate function → exactly the expected reports."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from complaintdesk.services import reports
from infra.local.pollers import LambdaContext
from infra.local.streams import StreamPoller, lambda_record

MARCH = {"start": "2026-03-01", "end": "2026-03-31"}
CONTEXT = LambdaContext("AggregateFunction")


def tell_stories(write: Callable[..., Any], mark_breached: Callable[[str, str, str], None]) -> None:
    """Four tickets in March 2026 whose every number is known (see the expectations below)."""
    common = {"region": "TR", "unit": "unit-x"}
    # T1: billing, replied after 2 h, one step on time, resolved after 24 h, survey 4.
    write(
        "C-2026-000001",
        channel="email",
        category="billing-error",
        product="card",
        created_at="2026-03-02T09:00:00.000Z",
        **common,
    )
    write(
        "C-2026-000001", first_response_at="2026-03-02T11:00:00.000Z", updated_at="2026-03-02T11:00:00.000Z"
    )
    write(
        "C-2026-000001",
        owner_team="billing",
        current_step="investigate",
        updated_at="2026-03-02T12:00:00.000Z",
    )
    write(
        "C-2026-000001",
        current_step=None,
        status="resolved",
        resolved_at="2026-03-03T09:00:00.000Z",
        root_cause="pricing-rule",
        updated_at="2026-03-03T09:00:00.000Z",
    )
    write(
        "C-2026-000001",
        status="closed",
        survey={"score": 4, "at": "2026-03-04T10:00:00.000Z"},
        updated_at="2026-03-04T10:00:00.000Z",
    )
    # T2: billing, resolved in 1 h before any reply (first-contact resolution), survey 2.
    write(
        "C-2026-000002",
        channel="web",
        category="billing-error",
        product="loan",
        created_at="2026-03-02T10:00:00.000Z",
        **common,
    )
    write(
        "C-2026-000002",
        status="resolved",
        resolved_at="2026-03-02T11:00:00.000Z",
        root_cause="duplicate-charge",
        updated_at="2026-03-02T11:00:00.000Z",
    )
    write(
        "C-2026-000002",
        survey={"score": 2, "at": "2026-03-02T18:00:00.000Z"},
        updated_at="2026-03-02T18:00:00.000Z",
    )
    # T3: late delivery, escalated twice, breached, step late, resolved after 48 h, reopened, resolved at 84 h.
    lv = {"region": "LV", "unit": "unit-y"}
    write(
        "C-2026-000003",
        channel="phone",
        category="late-delivery",
        product="card",
        created_at="2026-03-03T08:00:00.000Z",
        **lv,
    )
    write(
        "C-2026-000003", owner_team="logistics", current_step="locate", updated_at="2026-03-03T08:01:00.000Z"
    )
    write("C-2026-000003", escalation_level=1, updated_at="2026-03-03T12:00:00.000Z")
    write("C-2026-000003", escalation_level=2, updated_at="2026-03-03T16:00:00.000Z")
    mark_breached("C-2026-000003", "locate", "2026-03-04T08:00:00.000Z")
    write(
        "C-2026-000003",
        current_step=None,
        status="resolved",
        resolved_at="2026-03-05T08:00:00.000Z",
        root_cause="carrier",
        updated_at="2026-03-05T08:00:00.000Z",
    )
    write(
        "C-2026-000003",
        status="open",
        reopen_count=1,
        resolved_at=None,
        updated_at="2026-03-06T08:00:00.000Z",
    )
    write(
        "C-2026-000003",
        status="resolved",
        resolved_at="2026-03-06T20:00:00.000Z",
        updated_at="2026-03-06T20:00:00.000Z",
    )
    # T4: late delivery, first step on time, still open.
    write(
        "C-2026-000004",
        channel="web",
        category="late-delivery",
        product="loan",
        created_at="2026-03-04T09:00:00.000Z",
        **lv,
    )
    write(
        "C-2026-000004", owner_team="logistics", current_step="locate", updated_at="2026-03-04T09:05:00.000Z"
    )
    write("C-2026-000004", current_step="deliver", updated_at="2026-03-04T10:00:00.000Z")


def by_value(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {row["value"]: row for row in report["rows"]}


EXPECTED_BY_CATEGORY = {
    "billing-error": {
        "opened": 2,
        "resolved": 2,
        "breached": 0,
        "escalated": 0,
        "reopened": 0,
        "first_contact_resolutions": 1,
        "first_responses": 1,
        "first_response_seconds": 7200,
        "resolution_seconds": 86400 + 3600,
        "csat_sum": 6,
        "csat_count": 2,
        "steps_completed": 1,
        "steps_on_time": 1,
        "first_contact_resolution_pct": 50.0,
        "avg_first_response_hours": 2.0,
        "avg_resolution_hours": 12.5,
        "csat_avg": 3.0,
        "sla_compliance_pct": 100.0,
    },
    "late-delivery": {
        "opened": 2,
        "resolved": 2,
        "breached": 1,
        "escalated": 2,
        "reopened": 1,
        "first_contact_resolutions": 0,
        "first_responses": 0,
        "first_response_seconds": 0,
        "resolution_seconds": 48 * 3600 + 84 * 3600,
        "csat_sum": 0,
        "csat_count": 0,
        "steps_completed": 2,
        "steps_on_time": 1,
        "first_contact_resolution_pct": 0.0,
        "avg_first_response_hours": None,
        "avg_resolution_hours": 66.0,
        "csat_avg": None,
        "sla_compliance_pct": 50.0,
    },
}


def test_known_outcomes_give_exactly_the_expected_reports(
    stack: Any, stream: StreamPoller, write_ticket: Callable[..., Any], mark_breached: Callable[..., Any]
) -> None:
    # Given four tickets with known outcomes, written change by change
    tell_stories(write_ticket, mark_breached)
    # When the stream is delivered to the aggregate function (its own report items come back too)
    assert stream.drain() > 21
    # Then the summary by category is exactly what the stories say
    summary = reports.summary("category", **MARCH)
    rows = by_value(summary)
    assert {k: {n: rows[k][n] for n in EXPECTED_BY_CATEGORY[k]} for k in rows} == EXPECTED_BY_CATEGORY
    assert summary["total"]["opened"] == 4 and summary["total"]["resolved"] == 4
    # And every other dimension adds up to the same totals, per value
    assert {r["value"]: r["opened"] for r in reports.summary("channel", **MARCH)["rows"]} == {
        "email": 1,
        "web": 2,
        "phone": 1,
    }
    assert {r["value"]: r["opened"] for r in reports.summary("region", **MARCH)["rows"]} == {"TR": 2, "LV": 2}
    products = by_value(reports.summary("product", **MARCH))
    assert {v: (r["opened"], r["resolved"]) for v, r in products.items()} == {"card": (2, 3), "loan": (2, 1)}
    causes = by_value(reports.summary("root_cause", **MARCH))
    assert {v: r["resolved"] for v, r in causes.items() if r["resolved"]} == {
        "pricing-rule": 1,
        "duplicate-charge": 1,
        "carrier": 2,
    }
    units = by_value(reports.summary("unit", **MARCH))
    assert (units["unit-x"]["csat_avg"], units["unit-y"]["breached"]) == (3.0, 1)
    # And the trend puts each number on its day, week and month
    daily = reports.trend("opened", "day", start="2026-03-02", end="2026-03-05")
    assert daily["periods"] == ["2026-03-02", "2026-03-03", "2026-03-04", "2026-03-05"]
    assert daily["series"] == [{"key": "all", "values": [2, 1, 1, 0]}]
    weekly = reports.trend("resolved", "week", "category", **MARCH)
    assert weekly["periods"][:2] == ["2026-02-23", "2026-03-02"]
    assert {s["key"]: s["values"][1] for s in weekly["series"]} == {"billing-error": 2, "late-delivery": 2}
    monthly = reports.trend("avg_resolution_hours", "month", **MARCH)
    assert monthly["series"] == [{"key": "all", "values": [39.25]}]
    # And SLA compliance per category, step and team
    sla = reports.sla(**MARCH)
    assert {r["value"]: r["sla_compliance_pct"] for r in sla["by_step"]} == {
        "billing-error/investigate": 100.0,
        "late-delivery/locate": 50.0,
    }
    assert {r["value"]: (r["steps_completed"], r["breached"]) for r in sla["by_team"]} == {
        "billing": (1, 0),
        "logistics": (2, 1),
    }
    # And the open-ticket gauge knows what is open now
    assert reports.open_now() == {"billing-error": 0, "late-delivery": 1}


def test_redelivered_stream_records_change_nothing(
    stack: Any, stream: StreamPoller, write_ticket: Callable[..., Any], mark_breached: Callable[..., Any]
) -> None:
    from functions.aggregate.app import lambda_handler

    # Given the stories folded once
    tell_stories(write_ticket, mark_breached)
    stream.drain()
    before = [reports.summary(g, **MARCH) for g in reports.GROUPS] + [reports.open_now()]
    # When every record of the stream is delivered again, in one batch and then one by one
    (shard,) = stream._shards()
    stream.checkpoints.clear()
    records = [lambda_record(r, stream.stream_arn) for r in stream._read(shard)]
    assert lambda_handler({"Records": records}, CONTEXT) == {"batchItemFailures": []}
    for record in records:
        lambda_handler({"Records": [record]}, CONTEXT)
    # Then no number moved
    assert [reports.summary(g, **MARCH) for g in reports.GROUPS] + [reports.open_now()] == before


def test_a_failed_record_is_retried_from_where_it_failed_and_counted_once(
    stack: Any, write_ticket: Callable[..., Any], mark_breached: Callable[..., Any]
) -> None:
    from functions.aggregate.app import lambda_handler
    from infra.local.streams import streams_client

    # Given a handler that fails the third record of the first delivery
    calls = {"n": 0}

    def flaky(event: dict[str, Any], context: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 1:
            records = event["Records"]
            result = lambda_handler({"Records": records[:2]}, context)
            assert result == {"batchItemFailures": []}
            # Lambda's stream contract: the first failed sequence number; the rest comes again.
            return {"batchItemFailures": [{"itemIdentifier": records[2]["dynamodb"]["SequenceNumber"]}]}
        return lambda_handler(event, context)

    poller = StreamPoller(
        streams_client("us-east-1"),
        stack.intrinsics.attributes[("TicketsTable", "StreamArn")],
        flaky,
        "Aggregate",
    )
    tell_stories(write_ticket, mark_breached)
    # When the stream is drained
    poller.drain()
    # Then the failed part came again, and the numbers are those of one clean delivery
    assert calls["n"] > 2
    rows = by_value(reports.summary("category", **MARCH))
    assert {k: {n: rows[k][n] for n in EXPECTED_BY_CATEGORY[k]} for k in rows} == EXPECTED_BY_CATEGORY


def test_only_ticket_items_count(
    stack: Any, stream: StreamPoller, write_ticket: Callable[..., Any], mark_breached: Callable[..., Any]
) -> None:
    from complaintdesk.store.models import Counter

    # Given a ticket, and other items written to the same table (report items, markers, counters)
    write_ticket("C-2026-000009", channel="web", category="x", created_at="2026-03-10T09:00:00.000Z")
    Counter("COUNTER#TICKET#2026", "COUNTER", value=1).save()
    stream.drain()
    # When the report items the aggregate wrote come back through the stream
    stream.drain()
    # Then only the ticket was counted, once
    assert reports.summary("category", **MARCH)["total"]["opened"] == 1


def test_reports_api_json_csv_and_roles(
    api: Any,
    stream: StreamPoller,
    write_ticket: Callable[..., Any],
    mark_breached: Callable[..., Any],
) -> None:
    tell_stories(write_ticket, mark_breached)
    stream.drain()
    status, body = api.get("/reports/summary?from=2026-03-01&to=2026-03-31&group_by=category", role="manager")
    assert status == 200
    assert by_value(body)["late-delivery"]["breached"] == 1
    status, _ = api.get("/reports/summary?from=2026-03-01&to=2026-03-31", role="agent")
    assert status == 403
    status, body = api.get("/reports/trend?metric=bogus", role="admin")
    assert status == 400 and body["error"]["details"][0]["field"] == "metric"
    assert "must be one of" in body["error"]["details"][0]["message"]
    status, body = api.get("/reports/sla?from=2026-03-01&to=2026-03-31", role="manager")
    assert status == 200 and body["by_category"]
    # CSV with Accept: text/csv
    status, text = api.get(
        "/reports/trend?metric=opened&interval=week&group_by=channel&from=2026-03-02&to=2026-03-08",
        role="manager",
        headers={"Accept": "text/csv, application/json;q=0.5"},
    )
    assert status == 200
    assert text.decode().splitlines() == [
        "period,channel,opened",
        "2026-03-02,email,1",
        "2026-03-02,phone,1",
        "2026-03-02,web,2",
    ]
