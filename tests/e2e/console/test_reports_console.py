"""Reports in a real browser on the running local stack: a manager sees charts drawn from the API's
numbers (one bar per value and series) and downloads the API's CSV as a file."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import date
from typing import Any

import pytest

from tests.e2e.conftest import wait_for

pytestmark = pytest.mark.e2e

SERIES = ("opened", "resolved", "breached")  # the summary chart's bars per value (reports.js)


def complaint_today(stack: Any) -> str:
    """A complaint received through the API today, once the report aggregates count it."""
    status, ticket = stack.call(
        "POST",
        "/tickets",
        {
            "channel": "web",
            "category": None,  # not yet categorised: counted by channel all the same
            "subject": "The parcel never came",
            "description": "Ordered two weeks ago; the tracking page has not moved since.",
            "customer": {
                "name": "Deniz Aydın",
                "email": f"deniz.{uuid.uuid4().hex[:8]}@example.com",
                "language": "tr",
            },
        },
        role="integration",
    )
    assert status == 201, ticket
    today = date.today().isoformat()

    def counted() -> dict[str, Any] | None:
        _, report = stack.call(
            "GET", f"/reports/summary?group_by=channel&from={today}&to={today}", role="manager"
        )
        web = [r for r in report.get("rows", []) if r["value"] == "web"]
        return report if web and web[0]["opened"] >= 1 else None

    wait_for(counted, 90, "today's complaint counted in the report aggregates")
    return today


def test_manager_sees_charts_and_downloads_csv(
    signed_in: Any, console: Any, screenshot: Any, tmp_path: Any
) -> None:
    stack = console.stack
    today = complaint_today(stack)

    # When a manager opens the reports for today, grouped by channel
    page = signed_in("manager")
    page.goto(f"{console.url}/#/reports?from={today}&to={today}&group_by=channel&metric=opened&interval=day")
    page.locator(".reports-body[data-ready='true']").wait_for()

    # Then the summary chart has one bar per channel and series, with the API's numbers
    _, summary = stack.call(
        "GET", f"/reports/summary?group_by=channel&from={today}&to={today}", role="manager"
    )
    rows = summary["rows"][:12]
    chart = page.get_by_test_id("reports-summary").get_by_test_id("chart-bars")
    bars = chart.locator("rect[data-testid='chart-bar']")
    assert bars.count() == len(rows) * len(SERIES) > 0
    web = chart.locator("rect[data-label='Web form'][data-series='Opened']")
    assert web.count() == 1
    web_row = next(r for r in rows if r["value"] == "web")
    assert float(web.get_attribute("data-value")) == web_row["opened"]
    # with axes, a legend and the same numbers as a table for screen readers
    assert chart.locator("svg[role='img'] title").count() >= 1
    assert chart.get_by_test_id("chart-legend").inner_text().split("\n") == ["Opened", "Resolved", "Breached"]
    assert chart.get_by_test_id("chart-table").locator("tbody tr").count() == len(rows)
    # the trend is a line chart, SLA compliance and CSAT sections are there
    assert page.get_by_test_id("reports-trend").get_by_test_id("chart-lines").count() == 1
    assert (
        page.get_by_test_id("reports-sla").is_visible() and page.get_by_test_id("reports-csat").is_visible()
    )
    screenshot(page, "reports-chart", "manager", "en")

    # When the manager downloads the summary as CSV
    with page.expect_download() as download_info:
        page.get_by_test_id("reports-csv-summary").click()
    download = download_info.value
    assert download.suggested_filename == f"summary-{today}-{today}.csv"
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)

    # Then the file is the API's CSV: its header, a row per channel and the total
    table = list(csv.reader(io.StringIO(saved.read_text(encoding="utf-8"))))
    assert table[0][:3] == ["channel", "opened", "resolved"]
    assert "sla_compliance_pct" in table[0] and "csat_avg" in table[0]
    assert [r[0] for r in table[1:]] == [r["value"] for r in summary["rows"]] + ["total"]
    web_line = next(r for r in table[1:] if r[0] == "web")
    assert int(web_line[1]) == web_row["opened"]
    assert page.errors == []


def test_agents_have_no_reports(signed_in: Any, console: Any) -> None:
    page = signed_in("agent")
    assert page.get_by_test_id("nav-reports").count() == 0
    page.goto(f"{console.url}/#/reports")
    page.get_by_test_id("not-allowed").wait_for()
    status, answer = console.stack.call("GET", "/reports/summary", role="agent")
    assert status == 403, answer
