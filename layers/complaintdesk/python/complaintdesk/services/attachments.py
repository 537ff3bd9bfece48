"""Files on a ticket, both ways, through presigned S3 URLs (the API never carries a file's bytes).

What happens to every file, in order:

1. **Declared.** Staff (``POST /tickets/{id}/attachments``) or an API client creating a ticket
   (``attachments`` in ``POST /tickets``) name the file, its media type and its exact size
   (``schemas.AttachmentIn`` refuses bad names, types and sizes with a 400 naming the field). A
   ``TicketAttachment`` item is written ``pending`` (TTL ``PENDING_TTL``) and the answer carries a
   presigned POST for ``attachments/<ticket>/files/<attachment id>/<name>`` in the mail bucket.
   Its policy allows that key only, that ``Content-Type`` only and exactly the declared size
   (``content-length-range``), and it expires after ``UPLOAD_SECONDS``. AWS S3 enforces every
   condition of a POST policy; moto does not (it stores any key, type or size it is sent), which
   is why step 3 checks again.
2. **Uploaded** by the client, straight to S3 (multipart/form-data: the answer's ``fields``, then
   the ``file``).
3. **Confirmed** (``POST /tickets/{id}/attachments/{attachment id}/confirm``): the object is read
   back (HeadObject). Missing → 409 "not uploaded yet". Another size or type than declared (only
   possible where the policy is not enforced) → the object is deleted, 409. Otherwise the item
   becomes ``uploaded`` and an ``attachment.added`` entry (who, name, type, size) joins the
   ticket's timeline, in one transaction; confirming again answers the same, once recorded.
4. **Listed** (``GET /tickets/{id}/attachments``): the uploads above and the customer's e-mail
   attachments (stored for the e-mail intake by ``store_from_mail`` under
   ``attachments/<ticket>/<message hash>/<n>-<name>``, a key stable for the message so a retry
   overwrites, and recorded on the ``ticket.received``/``email.received`` timeline entries), each with a presigned
   GET valid ``DOWNLOAD_SECONDS`` that makes a browser save the file under its own name
   (``Content-Disposition: attachment``). Types outside ``schemas.ATTACHMENT_TYPES`` (HTML from a
   mail, say) are served as ``application/octet-stream``. Pending uploads have no URL.
5. **Sent** with an agent's public reply (``POST /tickets/{id}/comments`` with ``attachment_ids``):
   ``for_reply`` checks the ids (uploaded, of this ticket, not a harmful file from a mail, at most
   ``MAIL_ATTACHMENTS_MAX_BYTES`` together: SES takes raw messages up to 40 MB and base64 makes a
   file a third larger; else 400 naming ``attachment_ids``) and the ``comment.public`` event carries
   them; the notify function reads the bytes (``read_for_mail``) and ``notify.compose.build_email``
   attaches them to the e-mail. An SMS carries no files (it points to the status page).

Presigned URLs are signed with the function's own credentials (Signature Version 4), so whoever
holds one acts as the API's role for that one request: the role may put and read objects under
``attachments/`` only (template.yaml, ``ApiFunction``).
"""

from __future__ import annotations

import re
import uuid
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from complaintdesk import aws, clock
from complaintdesk.errors import Conflict, InvalidInput, NotFound
from complaintdesk.events import EventType
from complaintdesk.store import repository as repo
from complaintdesk.store.attachment_models import TicketAttachment
from complaintdesk.store.mail_models import short_hash
from complaintdesk.store.models import Ticket, TimelineEvent, timeline_entry

if TYPE_CHECKING:
    from complaintdesk.mail import ParsedEmail
    from complaintdesk.schemas import AttachmentIn

UPLOAD_SECONDS = 900
DOWNLOAD_SECONDS = 300
PENDING_TTL = timedelta(days=2)
MAX_PER_TICKET = 50  # files uploaded through the API on one ticket (the customer's mail is not counted)
# SES accepts raw messages up to 40 MB; base64 makes 3 bytes 4, and the text and headers need room.
MAIL_ATTACHMENTS_MAX_BYTES = 28 * 1024 * 1024
_KEY_UNSAFE_RE = re.compile(r"[^A-Za-z0-9._-]+")
MAIL_SOURCES = (EventType.TICKET_RECEIVED, EventType.EMAIL_RECEIVED)


def bucket() -> str:
    from complaintdesk.settings import get_settings

    name = get_settings().mail_bucket
    if not name:
        raise RuntimeError("MAIL_BUCKET is not set: attachments live in the mail bucket")
    return name


def _presigner() -> Any:
    """An S3 client that signs with Signature Version 4 (boto3 still signs a presigned POST with
    version 2 by default, which new regions refuse); one per boto3 session."""
    session = aws.boto3_session()
    client = getattr(session, "_complaintdesk_presigner", None)
    if client is None:
        from botocore.config import Config

        client = session.client("s3", config=Config(signature_version="s3v4"))
        session._complaintdesk_presigner = client
    return client


def object_key(ticket_id: str, attachment_id: str, filename: str) -> str:
    safe = _KEY_UNSAFE_RE.sub("_", filename).strip("._")[:80] or "file"
    return f"attachments/{ticket_id}/files/{attachment_id}/{safe}"


def content_disposition(filename: str) -> str:
    """``attachment`` with the name twice (RFC 6266): an ASCII fallback and the UTF-8 original."""
    fallback = "".join(c if 32 <= ord(c) < 127 and c not in '"\\' else "_" for c in filename)
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename, safe='')}"


# ------------------------------------------------------------------------------------ declaring


def declare(
    ticket_id: str, files: list[AttachmentIn], *, actor: str, source: str, at: datetime
) -> list[TicketAttachment]:
    """Pending items for ``files`` on ``ticket_id`` (not saved: the caller writes them)."""
    expires = int((at + PENDING_TTL).timestamp())
    items = []
    for file in files:
        attachment_id = f"AT-{uuid.uuid4().hex[:16]}"
        pk, sk = TicketAttachment.key(ticket_id, attachment_id)
        items.append(
            TicketAttachment(
                pk,
                sk,
                attachment_id=attachment_id,
                ticket_id=ticket_id,
                name=file.filename,
                content_type=file.content_type,
                size=file.size,
                s3_key=object_key(ticket_id, attachment_id, file.filename),
                state="pending",
                source=source,
                created_by=actor,
                created_at=clock.iso(at),
                expires_at=expires,
            )
        )
    return items


def upload_for(item: TicketAttachment, *, at: datetime | None = None) -> dict[str, Any]:
    """A presigned POST for one pending file: that key, that type, exactly that size."""
    at = at or clock.now()
    post = _presigner().generate_presigned_post(
        Bucket=bucket(),
        Key=item.s3_key,
        Fields={"Content-Type": item.content_type},
        Conditions=[
            {"Content-Type": item.content_type},
            ["content-length-range", int(item.size), int(item.size)],
        ],
        ExpiresIn=UPLOAD_SECONDS,
    )
    return {
        "method": "POST",
        "url": post["url"],
        "fields": post["fields"],
        "file_field": "file",
        "expires_at": clock.iso(at + timedelta(seconds=UPLOAD_SECONDS)),
    }


def _declared_count(ticket_id: str) -> int:
    repo.ready()
    return TicketAttachment.count(
        f"TICKET#{ticket_id}", TicketAttachment.SK.startswith(TicketAttachment.SK_PREFIX)
    )


def request_upload(
    ticket_id: str, file: AttachmentIn, *, actor: str, source: str = "staff"
) -> dict[str, Any]:
    """Declare one file on an existing ticket; the answer carries its presigned upload."""
    ticket = _ticket(ticket_id)
    if _declared_count(ticket.ticket_id) >= MAX_PER_TICKET:
        raise Conflict(
            f"ticket {ticket.ticket_id} already has {MAX_PER_TICKET} files uploaded through the API"
        )
    at = clock.now()
    (item,) = declare(ticket.ticket_id, [file], actor=actor, source=source, at=at)
    repo.save(item, TicketAttachment.PK.does_not_exist())
    return {**upload_view(item), "upload": upload_for(item, at=at)}


def pending_uploads(ticket_id: str) -> list[dict[str, Any]]:
    """Fresh presigned uploads for the files still pending on ``ticket_id`` (a replayed create)."""
    return [
        {**upload_view(item), "upload": upload_for(item)}
        for item in _uploads(ticket_id)
        if item.state == "pending"
    ]


# ----------------------------------------------------------------------------------- confirming


def confirm_upload(ticket_id: str, attachment_id: str, *, actor: str) -> dict[str, Any]:
    """Check the uploaded object against what was declared; record it on the timeline once."""
    ticket = _ticket(ticket_id)
    item = _attachment(ticket.ticket_id, attachment_id)
    if item.state == "uploaded":
        return upload_view(item)
    s3 = aws.client("s3")
    from botocore.exceptions import ClientError

    try:
        head = s3.head_object(Bucket=bucket(), Key=item.s3_key)
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
            raise Conflict(
                f"{item.name} is not uploaded yet: POST it to the upload URL first, then confirm"
            ) from None
        raise
    size, content_type = int(head["ContentLength"]), (head.get("ContentType") or "").lower()
    if size != int(item.size) or content_type != item.content_type:
        s3.delete_object(Bucket=bucket(), Key=item.s3_key)
        raise Conflict(
            f"the uploaded file is {size} bytes of {content_type or 'no type'}, but {item.size} bytes of "
            f"{item.content_type} were declared; it was removed: declare the file again"
        )
    at = clock.now()
    item.state, item.uploaded_by, item.uploaded_at, item.expires_at = "uploaded", actor, clock.iso(at), None
    entry = timeline_entry(
        ticket.ticket_id,
        ticket.customer_id,
        EventType.ATTACHMENT_ADDED,
        f"File added: {item.name} ({item.size} bytes)"[:200],
        actor=actor,
        at=at,
        data={
            "attachment_id": item.attachment_id,
            "name": item.name,
            "content_type": item.content_type,
            "size": int(item.size),
            "source": item.source,
        },
    )
    try:
        repo.save_all(
            [(item, TicketAttachment.state == "pending"), (entry, None)], ticket_id=ticket.ticket_id
        )
    except Conflict:
        again = _attachment(ticket.ticket_id, attachment_id)  # a concurrent confirm recorded it
        if again.state != "uploaded":
            raise
        return upload_view(again)
    return upload_view(item)


# -------------------------------------------------------------------------------------- listing


def list_attachments(ticket_id: str) -> dict[str, Any]:
    """Every file of the ticket, oldest first, each with a short-lived download URL."""
    ticket = _ticket(ticket_id)
    files = [_upload_file(item) for item in _uploads(ticket.ticket_id)]
    files += _mail_files(ticket.ticket_id)
    files.sort(key=lambda f: f["added_at"])  # stable: a message's files keep their order
    at = clock.now()
    presigner = _presigner() if files else None
    for file in files:
        if file["state"] == "uploaded":
            file["download_url"] = _download_url(presigner, file)
            file["download_expires_at"] = clock.iso(at + timedelta(seconds=DOWNLOAD_SECONDS))
        else:
            file["download_url"] = file["download_expires_at"] = None
        del file["s3_key"]
    return {"ticket_id": ticket.ticket_id, "attachments": files}


def _download_url(presigner: Any, file: dict[str, Any]) -> str:
    from complaintdesk.schemas import ATTACHMENT_TYPES

    served = (
        file["content_type"] if file["content_type"] in ATTACHMENT_TYPES and not file["dangerous"] else None
    )
    return str(
        presigner.generate_presigned_url(
            "get_object",
            Params={
                "Bucket": bucket(),
                "Key": file["s3_key"],
                "ResponseContentDisposition": content_disposition(file["filename"]),
                "ResponseContentType": served or "application/octet-stream",
            },
            ExpiresIn=DOWNLOAD_SECONDS,
        )
    )


def upload_view(item: TicketAttachment) -> dict[str, Any]:
    return {
        "attachment_id": item.attachment_id,
        "ticket_id": item.ticket_id,
        "filename": item.name,
        "content_type": item.content_type,
        "size": int(item.size),
        "source": item.source,
        "state": item.state,
        "added_by": item.uploaded_by or item.created_by,
        "added_at": item.uploaded_at or item.created_at,
    }


def _upload_file(item: TicketAttachment) -> dict[str, Any]:
    return {**upload_view(item), "dangerous": False, "inline": False, "s3_key": item.s3_key}


def mail_attachment_id(s3_key: str) -> str:
    """The stable id of a file that came by e-mail (its S3 key is stable for a message)."""
    return f"AM-{short_hash(s3_key, 16)}"


def _mail_files(ticket_id: str) -> list[dict[str, Any]]:
    repo.ready()
    entries = TimelineEvent.query(
        f"TICKET#{ticket_id}",
        TimelineEvent.SK.startswith("EVENT#"),
        filter_condition=TimelineEvent.event_type.is_in(*(str(t) for t in MAIL_SOURCES)),
    )
    files: dict[str, dict[str, Any]] = {}
    for entry in entries:
        data = entry.data or {}
        for stored in data.get("attachments") or []:
            key = stored.get("s3_key")
            if not key or key in files:
                continue
            files[key] = {
                "attachment_id": mail_attachment_id(key),
                "ticket_id": ticket_id,
                "filename": stored.get("name") or key.rsplit("/", 1)[-1],
                "content_type": (stored.get("content_type") or "application/octet-stream").lower(),
                "size": int(stored.get("size") or 0),
                "source": "email",
                "state": "uploaded",
                "added_by": data.get("from") or entry.actor,
                "added_at": entry.at,
                "dangerous": bool(stored.get("dangerous")),
                "inline": bool(stored.get("inline")),
                "s3_key": key,
            }
    return list(files.values())


# ------------------------------------------------------------------------- the customer's e-mail


def mail_attachment_key(ticket_id: str, dedupe_key: str, number: int, filename: str) -> str:
    """``attachments/<ticket>/<message hash>/<n>-<safe name>``: stable for a message, so a retry overwrites."""
    safe = _KEY_UNSAFE_RE.sub("_", filename).strip("._")[:80] or "attachment"
    return f"attachments/{ticket_id}/{short_hash(dedupe_key)}/{number}-{safe}"


def store_from_mail(mail_bucket: str, parsed: ParsedEmail, ticket_id: str) -> list[dict[str, Any]]:
    """Put the files the parser kept from a customer's e-mail beside its raw message (one PutObject
    each); their metadata, as the timeline entry of the mail records it."""
    if not parsed.attachments:
        return []
    s3 = aws.client("s3")
    stored = []
    for number, attachment in enumerate(parsed.attachments, start=1):
        key = mail_attachment_key(ticket_id, parsed.dedupe_key, number, attachment.filename)
        s3.put_object(
            Bucket=mail_bucket,
            Key=key,
            Body=attachment.data,
            ContentType=attachment.content_type or "application/octet-stream",
        )
        stored.append(
            {
                "name": attachment.filename,
                "content_type": attachment.content_type,
                "size": attachment.size,
                "s3_key": key,
                "dangerous": attachment.dangerous,
                "inline": attachment.inline,
            }
        )
    return stored


# -------------------------------------------------------------------------------- outgoing mail


def for_reply(ticket_id: str, attachment_ids: list[str]) -> list[dict[str, Any]]:
    """The named files of the ticket, in the order named, as an agent's reply carries them (name,
    type, size, key: the notify function reads the bytes when it sends the e-mail).

    400 naming ``attachment_ids`` for an unknown or pending id, a file from a customer's mail that
    may be harmful (never sent out), or files that together pass ``MAIL_ATTACHMENTS_MAX_BYTES``."""
    if not attachment_ids:
        return []
    wanted = list(dict.fromkeys(attachment_ids))
    known = {
        f["attachment_id"]: f for f in [*map(_upload_file, _uploads(ticket_id)), *_mail_files(ticket_id)]
    }
    problems = []
    for attachment_id in wanted:
        file = known.get(attachment_id)
        if file is None:
            problems.append(f"{attachment_id} is not a file of ticket {ticket_id}")
        elif file["state"] != "uploaded":
            problems.append(f"{attachment_id} ({file['filename']}) is not uploaded yet")
        elif file["dangerous"]:
            problems.append(f"{attachment_id} ({file['filename']}) may be harmful and is never sent out")
    total = sum(known[a]["size"] for a in wanted if a in known)
    if total > MAIL_ATTACHMENTS_MAX_BYTES:
        problems.append(
            f"the files are {total} bytes together; one e-mail carries at most {MAIL_ATTACHMENTS_MAX_BYTES}"
        )
    if problems:
        message = "; ".join(problems)
        raise InvalidInput(
            f"attachment_ids: {message}", details=[{"field": "attachment_ids", "message": message}]
        )
    fields = ("attachment_id", "filename", "content_type", "size", "s3_key")
    return [{name: known[a][name] for name in fields} for a in wanted]


def read_for_mail(files: list[dict[str, Any]]) -> list[Any]:
    """The bytes of files ``for_reply`` chose, as ``notify.compose.MailFile``s (S3 GetObject each)."""
    from complaintdesk.notify.compose import MailFile

    s3 = aws.client("s3")
    return [
        MailFile(
            file["filename"],
            file["content_type"],
            s3.get_object(Bucket=bucket(), Key=file["s3_key"])["Body"].read(),
        )
        for file in files
    ]


# -------------------------------------------------------------------------------------- helpers


def _ticket(ticket_id: str) -> Ticket:
    return repo.get(Ticket, Ticket.key(ticket_id.upper()), f"ticket {ticket_id}")


def _attachment(ticket_id: str, attachment_id: str) -> TicketAttachment:
    found = repo.find(TicketAttachment, TicketAttachment.key(ticket_id, attachment_id))
    if found is None:
        raise NotFound(f"ticket {ticket_id} has no upload {attachment_id}")
    return found


def _uploads(ticket_id: str) -> list[TicketAttachment]:
    repo.ready()
    return list(
        TicketAttachment.query(
            f"TICKET#{ticket_id}", TicketAttachment.SK.startswith(TicketAttachment.SK_PREFIX)
        )
    )
