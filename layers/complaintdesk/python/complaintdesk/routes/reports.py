"""Reports for managers: summary by dimension, trend over time, SLA compliance — JSON or CSV.

Every answer reads only the per-day aggregate items (``complaintdesk.services.reports``), so its cost
does not grow with the number of tickets. Send ``Accept: text/csv`` for a CSV file instead of JSON.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from complaintdesk.routes import CSV, MANAGERS, Answer, Routes

if TYPE_CHECKING:
    from complaintdesk.webapi import Call


routes = Routes("reports")


def _answer(call: Call, report: dict[str, Any]) -> Answer:
    if "text/csv" not in call.headers.get("accept", ""):
        return report
    from chalice.app import Response

    from complaintdesk.services.reports import to_csv

    name = f"{report['report']}-{report['from']}-{report['to']}.csv"
    return Response(
        body=to_csv(report),
        status_code=200,
        headers={
            "Content-Type": "text/csv; charset=utf-8",
            "Content-Disposition": f'attachment; filename="{name}"',
        },
    )


@routes.endpoint(
    "/reports/summary",
    roles=MANAGERS,
    query="schemas:ReportSummaryQuery",
    response="responses:SummaryReport",
    media=(CSV,),
)
def report_summary(call: Call) -> Answer:
    """Totals and rates per value of one dimension: ?from=YYYY-MM-DD&to=YYYY-MM-DD&group_by=."""
    from complaintdesk.services.reports import summary

    q = call.args
    return _answer(call, summary(q.group_by, *q.dates()))


@routes.endpoint(
    "/reports/trend",
    roles=MANAGERS,
    query="schemas:ReportTrendQuery",
    response="responses:TrendReport",
    media=(CSV,),
)
def report_trend(call: Call) -> Answer:
    """One metric per day, week or month: ?metric=&interval=day|week|month&group_by=&from=&to=."""
    from complaintdesk.services.reports import trend

    q = call.args
    return _answer(call, trend(q.metric, q.interval, q.group_by, *q.dates()))


@routes.endpoint(
    "/reports/sla",
    roles=MANAGERS,
    query="schemas:ReportSlaQuery",
    response="responses:SlaReport",
    media=(CSV,),
)
def report_sla(call: Call) -> Answer:
    """Steps finished within their SLA per category, step and team: ?from=&to=."""
    from complaintdesk.services.reports import sla

    return _answer(call, sla(*call.args.dates()))
