"""Reports for managers: summary by dimension, trend over time, SLA compliance — JSON or CSV.

Every answer reads only the per-day aggregate items (``complaintdesk.services.reports``), so its cost
does not grow with the number of tickets. Send ``Accept: text/csv`` for a CSV file instead of JSON.
"""

from __future__ import annotations

from typing import Any

from complaintdesk.routes import MANAGERS, Routes

routes = Routes("reports")


def _answer(call: Any, report: dict[str, Any]) -> Any:
    if "text/csv" not in call.headers.get("accept", ""):
        return report
    from chalice import Response

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


@routes.endpoint("/reports/summary", roles=MANAGERS)
def report_summary(call):
    """?from=YYYY-MM-DD&to=YYYY-MM-DD&group_by=category|channel|region|product|unit|team|root_cause"""
    from complaintdesk.services.reports import summary

    q = call.query
    return _answer(call, summary(q.get("group_by") or "category", q.get("from"), q.get("to")))


@routes.endpoint("/reports/trend", roles=MANAGERS)
def report_trend(call):
    """?metric=opened|resolved|…|avg_resolution_hours|…&interval=day|week|month&group_by=&from=&to="""
    from complaintdesk.services.reports import trend

    q = call.query
    report = trend(
        q.get("metric") or "opened",
        q.get("interval") or "day",
        q.get("group_by") or None,
        q.get("from"),
        q.get("to"),
    )
    return _answer(call, report)


@routes.endpoint("/reports/sla", roles=MANAGERS)
def report_sla(call):
    """?from=&to= — steps within SLA per category, step and team."""
    from complaintdesk.services.reports import sla

    return _answer(call, sla(call.query.get("from"), call.query.get("to")))
