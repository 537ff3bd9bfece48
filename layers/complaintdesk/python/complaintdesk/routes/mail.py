"""Mail kept out of the ticket flow: the quarantine (spam, virus, failed DMARC/SPF, unparseable,
rate-limited, auto-replies and reports that thread to no ticket). Staff only."""

from __future__ import annotations

from typing import TYPE_CHECKING

from complaintdesk.routes import STAFF, Answer, Routes

if TYPE_CHECKING:
    from complaintdesk.webapi import Call


routes = Routes("mail")


@routes.endpoint(
    "/quarantine", roles=STAFF, query="schemas:QuarantineQuery", response="responses:QuarantinePage"
)
def list_quarantine(call: Call) -> Answer:
    """One month of quarantined mail, newest first: ?month=YYYY-MM (default this month)&limit=&cursor=."""
    from complaintdesk.services.quarantine import list_quarantine

    q = call.args
    return list_quarantine(q.month, limit=q.limit, cursor=q.cursor)


@routes.endpoint("/quarantine/{entry_id}", roles=STAFF, response="responses:QuarantineEntry")
def get_quarantine_entry(call: Call) -> Answer:
    """One quarantined message, its reason, and a link (15 minutes) to the raw .eml."""
    from complaintdesk.services.quarantine import get_quarantine_entry

    return get_quarantine_entry(call.params["entry_id"])
