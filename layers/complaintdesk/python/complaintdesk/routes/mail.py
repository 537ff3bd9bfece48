"""Mail kept out of the ticket flow: the quarantine (spam, virus, failed DMARC/SPF, unparseable,
rate-limited, auto-replies and reports that thread to no ticket). Staff only."""

from __future__ import annotations

from complaintdesk.routes import STAFF, Routes

routes = Routes("mail")


@routes.endpoint(
    "/quarantine", roles=STAFF, query="schemas:QuarantineQuery", response="responses:QuarantinePage"
)
def list_quarantine(call):
    """One month of quarantined mail, newest first: ?month=YYYY-MM (default this month)&limit=&cursor=."""
    from complaintdesk.services.email_intake import list_quarantine

    q = call.args
    return list_quarantine(q.month, limit=q.limit, cursor=q.cursor)


@routes.endpoint("/quarantine/{entry_id}", roles=STAFF, response="responses:QuarantineEntry")
def get_quarantine_entry(call):
    """One quarantined message, its reason, and a link (15 minutes) to the raw .eml."""
    from complaintdesk.services.email_intake import get_quarantine_entry

    return get_quarantine_entry(call.params["entry_id"])
