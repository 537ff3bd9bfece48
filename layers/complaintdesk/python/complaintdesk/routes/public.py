"""The customer's signed links: no login, a token that names the ticket, expires and has one purpose.

``GET /status/{token}`` shows the ticket's status and public timeline (JSON, or a small HTML page
for a browser); ``POST /survey/{token}`` records the satisfaction score once. A tampered, expired
or wrong-purpose token gets 403.
"""

from __future__ import annotations

import html
from typing import Any

from complaintdesk.routes import HTML, Routes

routes = Routes("public")


@routes.endpoint("/status/{token}", "GET", roles=None, response="responses:PublicStatus", media=(HTML,))
def public_status(call):
    """The ticket's status and public timeline: JSON, or a small HTML page (Accept: text/html)."""
    from complaintdesk.services.notifications import public_status

    view = public_status(call.params["token"])
    if "text/html" in call.headers.get("accept", ""):
        from chalice import Response

        return Response(
            body=status_page(view),
            status_code=200,
            headers={
                "Content-Type": "text/html; charset=utf-8",
                "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'",
                "Cache-Control": "no-store",
                "X-Content-Type-Options": "nosniff",
            },
        )
    return view


@routes.endpoint(
    "/survey/{token}",
    "POST",
    roles=None,
    body="schemas:SurveyIn",
    status=201,
    response="responses:SurveyRecorded",
)
def answer_survey(call):
    """The customer's 1-5 score and comment; answered once (a second answer is 409)."""
    from complaintdesk.services.notifications import answer_survey

    return answer_survey(call.params["token"], call.body)


def status_page(view: dict[str, Any]) -> str:
    """The status view as a plain page; every value escaped."""
    e = html.escape
    rows = [
        ("Status", view["status"]),
        ("Category", view.get("category")),
        ("Current step", view.get("current_step")),
        ("First response by", view["expected"].get("first_response_by")),
        ("Current step due", view["expected"].get("current_step_due")),
        ("Resolved", view.get("resolved_at")),
        ("Resolution", view.get("resolution")),
        ("Closed", view.get("closed_at")),
    ]
    table = "".join(f"<tr><th>{e(k)}</th><td>{e(str(v))}</td></tr>" for k, v in rows if v)
    events = "".join(
        f"<li><time>{e(item['at'])}</time> {e(item['summary'])}</li>" for item in view["timeline"]
    )
    title = e(f"[{view['ticket_id']}] {view['subject']}")
    return (
        f'<!doctype html><html lang="{e(view["language"])}"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1"><title>{title}</title>'
        "<style>body{font-family:sans-serif;max-width:40em;margin:2em auto;padding:0 1em}"
        "th{text-align:left;padding-right:1em}</style></head>"
        f"<body><h1>{title}</h1><table>{table}</table><h2>Timeline</h2><ol>{events}</ol></body></html>"
    )
