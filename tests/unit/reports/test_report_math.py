"""Pure report logic: stream images → counter changes, periods, CSV, the CLI table and chart."""

from __future__ import annotations

import argparse
import io
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from complaintdesk.errors import InvalidInput
from complaintdesk.services import reports
from infra import report_cli

AT = datetime(2026, 3, 9, 12, tzinfo=UTC)
BASE = {
    "status": "open",
    "category": "billing-error",
    "channel": "web",
    "created_at": "2026-03-02T09:00:00.000Z",
    "updated_at": "2026-03-02T09:00:00.000Z",
}


def counts(changes: list[reports.Change]) -> dict[tuple[str, str], int]:
    found: dict[tuple[str, str], int] = {}
    for change in changes:
        for name, n in change.counts.items():
            found[(change.day, name)] = found.get((change.day, name), 0) + n
    return found


def test_an_insert_opens_a_ticket_on_its_creation_day_in_every_dimension() -> None:
    (change,) = reports.ticket_changes(None, BASE, AT)
    assert (change.day, dict(change.counts)) == ("2026-03-02", {"opened": 1})
    assert dict(change.dims) == {
        "all": "all",
        "category": "billing-error",
        "channel": "web",
        "region": "none",
        "product": "none",
        "unit": "none",
        "team": "none",
        "root_cause": "none",
    }


def test_resolution_survey_and_step_on_their_own_days() -> None:
    old = {
        **BASE,
        "current_step": "investigate",
        "owner_team": "billing",
        "first_response_at": "2026-03-02T10:00:00.000Z",
    }
    new = {
        **old,
        "current_step": None,
        "status": "resolved",
        "resolved_at": "2026-03-03T09:00:00.000Z",
        "updated_at": "2026-03-03T09:00:00.000Z",
        "survey": '{"score": 5, "at": "2026-03-05T08:00:00.000Z"}',
    }
    assert counts(reports.ticket_changes(old, new, AT)) == {
        ("2026-03-03", "resolved"): 1,
        ("2026-03-03", "resolution_seconds"): 86400,
        ("2026-03-05", "csat_sum"): 5,
        ("2026-03-05", "csat_count"): 1,
        ("2026-03-03", "steps_completed"): 1,
        ("2026-03-03", "steps_on_time"): 1,
    }


def test_an_escalated_step_is_not_on_time_and_a_removed_item_counts_nothing() -> None:
    old = {**BASE, "current_step": "investigate", "escalation_level": 1}
    new = {**old, "current_step": "refund", "updated_at": "2026-03-04T09:00:00.000Z"}
    (change,) = reports.ticket_changes(old, new, AT)
    assert dict(change.counts) == {"steps_completed": 1, "steps_on_time": 0}
    assert dict(change.dims)["step"] == "billing-error/investigate"
    assert reports.ticket_changes(old, None, AT) == []


def test_a_change_without_a_timestamp_counts_on_the_day_it_was_streamed() -> None:
    new = {**BASE, "escalation_level": 2}
    assert counts(reports.ticket_changes(BASE, new, AT)) == {("2026-03-09", "escalated"): 2}


@pytest.mark.parametrize(
    ("image", "expected"),
    [
        ({"resolved_at": "2026-03-02T10:00:00Z"}, True),
        ({"resolved_at": "2026-03-02T10:00:00Z", "first_response_at": "2026-03-02T09:30:00Z"}, False),
        ({"resolved_at": "2026-03-02T10:00:00Z", "reopen_count": 1}, False),
        ({"resolved_at": "2026-03-02T10:00:00Z", "escalation_level": 1}, False),
        ({"resolved_at": "2026-03-02T10:00:00Z", "first_contact_resolution": False}, False),
    ],
)
def test_first_contact_resolution(image: dict[str, object], expected: bool) -> None:
    assert reports.first_contact(image) is expected


def test_open_gauge_moves_with_status_and_category() -> None:
    assert reports.open_changes(None, BASE) == {"billing-error": 1}
    assert reports.open_changes(BASE, {**BASE, "status": "resolved"}) == {"billing-error": -1}
    assert reports.open_changes(BASE, {**BASE, "category": "late-delivery"}) == {
        "billing-error": -1,
        "late-delivery": 1,
    }
    assert reports.open_changes(BASE, {**BASE, "status": "waiting_customer"}) == {}


def test_only_ticket_items_are_folded() -> None:
    assert reports.is_ticket({"PK": "TICKET#C-2026-000001", "SK": "TICKET"})
    assert not reports.is_ticket({"PK": "REPORT#category", "SK": "2026-03-02#billing-error"})
    assert not reports.is_ticket({"PK": "TICKET#C-2026-000001", "SK": "EVENT#2026-03-02"})


def test_ranges_and_periods() -> None:
    assert reports.parse_range(None, None, today=date(2026, 3, 31)) == (date(2026, 3, 2), date(2026, 3, 31))
    with pytest.raises(InvalidInput, match="from must not be after to"):
        reports.parse_range("2026-03-02", "2026-03-01")
    with pytest.raises(InvalidInput, match="at most"):
        reports.parse_range("2024-01-01", "2026-03-01")
    with pytest.raises(InvalidInput, match="date like"):
        reports.parse_range("March", None)
    assert reports._periods(date(2026, 2, 27), date(2026, 3, 3), "week") == ["2026-02-23", "2026-03-02"]
    assert reports._periods(date(2026, 2, 27), date(2026, 3, 3), "month") == ["2026-02", "2026-03"]


TREND = {
    "report": "trend",
    "metric": "csat_avg",
    "interval": "day",
    "group_by": "category",
    "from": "2026-03-02",
    "to": "2026-03-03",
    "periods": ["2026-03-02", "2026-03-03"],
    "series": [
        {"key": "billing-error", "values": [4.5, None]},
        {"key": "late-delivery", "values": [2.0, 3.0]},
    ],
}


def test_csv_and_the_cli_table_show_the_same_cells() -> None:
    assert reports.to_csv(TREND).splitlines() == [
        "period,category,csat_avg",
        "2026-03-02,billing-error,4.5",
        "2026-03-03,billing-error,",
        "2026-03-02,late-delivery,2.0",
        "2026-03-03,late-delivery,3.0",
    ]
    lines = report_cli.render(TREND).splitlines()
    assert lines[0].split() == ["period", "category", "csat_avg"]
    assert lines[3].split() == ["2026-03-03", "billing-error", "-"]


def test_the_cli_writes_a_png_chart(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(report_cli, "build", lambda args: TREND)
    target = tmp_path / "trend.png"
    args = argparse.Namespace(csv=False, chart=target)
    out = io.StringIO()
    assert report_cli.run(args, out) == 0
    assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "late-delivery" in out.getvalue()
