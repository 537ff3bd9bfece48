"""Mail kept out of the ticket flow: the quarantine (spam, virus, failed DMARC/SPF, unparseable,
rate-limited, auto-replies and reports that thread to no ticket). Staff only."""

from __future__ import annotations

from complaintdesk.routes import STAFF, Routes

routes = Routes("mail")


@routes.endpoint("/quarantine", roles=STAFF)
def list_quarantine(call):
    """One month of quarantined mail, newest first: ?month=YYYY-MM (default this month)&limit=&cursor=."""
    from complaintdesk.services.email_intake import list_quarantine

    return list_quarantine(
        call.query.get("month"), limit=call.int_query("limit", 50), cursor=call.query.get("cursor")
    )


@routes.endpoint("/quarantine/{entry_id}", roles=STAFF)
def get_quarantine_entry(call):
    """One quarantined message, its reason, and a link (15 minutes) to the raw .eml."""
    from complaintdesk.services.email_intake import get_quarantine_entry

    return get_quarantine_entry(call.params["entry_id"])
