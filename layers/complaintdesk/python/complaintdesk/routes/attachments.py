"""Files on tickets: declare an upload (presigned POST), confirm it, list every file with a download URL.

The bytes never pass through the API: see ``complaintdesk.services.attachments`` for the whole path.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from complaintdesk.routes import Answer, Routes

if TYPE_CHECKING:
    from complaintdesk.webapi import Call


routes = Routes("attachments")


def _source(call: Call) -> str:
    roles = call.principal.roles if call.principal is not None else frozenset()
    return "api" if roles and roles <= {"integration"} else "staff"


@routes.endpoint(
    "/tickets/{ticket_id}/attachments",
    "POST",
    body="schemas:AttachmentIn",
    status=201,
    response="responses:AttachmentUpload",
)
def request_upload(call: Call) -> Answer:
    """Declare a file (name, type, exact size): the answer's ``upload`` is a presigned S3 POST for it
    (send its ``fields``, then the file as ``file``; valid 15 minutes), then confirm it."""
    from complaintdesk.services.attachments import request_upload

    return request_upload(call.params["ticket_id"], call.body, actor=call.actor, source=_source(call))


@routes.endpoint(
    "/tickets/{ticket_id}/attachments/{attachment_id}/confirm",
    "POST",
    response="responses:Attachment",
)
def confirm_upload(call: Call) -> Answer:
    """The file is in S3: check it against what was declared and record it on the timeline (once;
    409 while it is not uploaded, or when it is not what was declared)."""
    from complaintdesk.services.attachments import confirm_upload

    return confirm_upload(call.params["ticket_id"], call.params["attachment_id"], actor=call.actor)


@routes.endpoint("/tickets/{ticket_id}/attachments", response="responses:AttachmentList")
def list_attachments(call: Call) -> Answer:
    """Every file of the ticket (uploads and the customer's e-mail attachments), oldest first, each
    with a download URL valid 5 minutes (pending uploads have none)."""
    from complaintdesk.services.attachments import list_attachments

    return list_attachments(call.params["ticket_id"])
