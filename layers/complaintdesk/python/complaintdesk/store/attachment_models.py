"""Files uploaded to a ticket through the API (staff, or an API client's create) on the single table.

| item | PK | SK | why |
|---|---|---|---|
| ``TicketAttachment`` | ``TICKET#<ticket id>`` | ``ATTACHMENT#<attachment id>`` | a ticket's uploads, one Query |

The file itself is in the mail bucket under ``attachments/<ticket id>/files/<attachment id>/<name>``
(beside the customer's e-mail attachments, which the e-mail intake keeps under
``attachments/<ticket id>/<message hash>/`` and records on the ticket's timeline).

An upload is ``pending`` from the moment its presigned POST is handed out until the client
confirms it (``uploaded``). A pending item carries ``expires_at`` (the table's TTL attribute), so a
declared file that is never uploaded and confirmed disappears by itself; confirming removes it.
"""

from __future__ import annotations

from typing import ClassVar

from pynamodb.attributes import NumberAttribute, UnicodeAttribute

from complaintdesk.store.models import Item


class TicketAttachment(Item):
    """One file declared for upload on a ticket; ``state`` is ``pending`` until confirmed."""

    SK_PREFIX: ClassVar[str] = "ATTACHMENT#"

    attachment_id = UnicodeAttribute()
    ticket_id = UnicodeAttribute()
    name = UnicodeAttribute()
    content_type = UnicodeAttribute()
    size = NumberAttribute()
    s3_key = UnicodeAttribute()
    state = UnicodeAttribute(default="pending")  # pending | uploaded
    source = UnicodeAttribute()  # staff | api
    created_by = UnicodeAttribute()
    created_at = UnicodeAttribute()
    uploaded_by = UnicodeAttribute(null=True)
    uploaded_at = UnicodeAttribute(null=True)
    expires_at = NumberAttribute(null=True)  # TTL while pending

    @staticmethod
    def key(ticket_id: str, attachment_id: str) -> tuple[str, str]:
        return f"TICKET#{ticket_id}", f"{TicketAttachment.SK_PREFIX}{attachment_id}"
