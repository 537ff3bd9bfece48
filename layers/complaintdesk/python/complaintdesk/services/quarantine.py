"""Quarantine: mail kept out of the ticket flow, visible to staff with its reason; nothing is dropped.

- ``hold``: one entry per message (``QuarantineEntry``, partitioned by month) written in one
  transaction with the message's ``InboundMark``, on the condition that no mark exists: of two
  concurrent copies only one is held, the other is told it is a duplicate (``Held.new`` False).
  Counted as the ``EmailsQuarantined`` metric, by reason.
- ``mark``: the "seen" mark of an inbound message that is on no ticket (quarantined, or a bounce
  that threads to none), kept as long as the raw mail is.
- Staff read it (``routes/mail.py``): ``list_quarantine`` (one month, newest first) and
  ``get_quarantine_entry`` (one entry with a 15-minute link to its raw .eml).

Which mail is quarantined, and why, is decided by ``services/email_intake.py`` (its reasons:
``mail/verdicts.py``, rate limits, auto-replies that thread to nothing, invalid senders).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from complaintdesk import aws, clock
from complaintdesk.errors import Conflict, NotFound
from complaintdesk.mail import ParsedEmail
from complaintdesk.observability import emit
from complaintdesk.store import repository as repo
from complaintdesk.store.mail_models import InboundMark, QuarantineEntry

MARK_TTL = timedelta(days=400)  # as long as the raw mail is kept (template.yaml lifecycle rule)


@dataclass(frozen=True)
class Held:
    """The entry a message is held under; ``new`` False when an earlier copy was held first."""

    entry_id: str
    new: bool


def hold(
    *,
    bucket: str,
    s3_key: str,
    at: datetime,
    reason: str,
    detail: str,
    dedupe_key: str,
    parsed: ParsedEmail | None = None,
) -> Held:
    """Keep the message out of the ticket flow, visible to staff with its reason (at most once)."""
    at_iso = clock.iso(at)
    entry_id = QuarantineEntry.entry_id_for(at_iso, dedupe_key)
    data: dict[str, Any] = {}
    if parsed is not None:
        data = {
            "auto_reason": parsed.auto_reason,
            "defects": parsed.defects[:20],
            "charset_fallbacks": parsed.charset_fallbacks[:20],
            "to": parsed.to[:20],
            "text_preview": (parsed.new_text or parsed.text)[:500],
        }
    entry = QuarantineEntry(
        *QuarantineEntry.key(at_iso, entry_id),
        entry_id=entry_id,
        at=at_iso,
        reason=reason,
        detail=detail[:1000],
        bucket=bucket,
        s3_key=s3_key,
        kind=parsed.kind if parsed else None,
        from_address=(parsed.from_address or None) if parsed else None,
        subject=parsed.subject[:300] if parsed else None,
        message_id=parsed.message_id if parsed else None,
        dedupe_key=dedupe_key,
        data={k: v for k, v in data.items() if v},
    )
    seen = mark(dedupe_key, "quarantined", s3_key=s3_key, at=at, entry_id=entry_id)
    try:
        repo.save_all([(seen, InboundMark.PK.does_not_exist()), (entry, None)])
    except Conflict:
        return Held(entry_id, new=False)
    emit("EmailsQuarantined", reason=reason)
    return Held(entry_id, new=True)


def mark(
    dedupe_key: str,
    outcome: str,
    *,
    s3_key: str,
    at: datetime,
    entry_id: str | None = None,
    ticket_id: str | None = None,
) -> InboundMark:
    """The "seen" mark of a message that is on no ticket (written by the caller, once)."""
    return InboundMark(
        *InboundMark.key(dedupe_key),
        outcome=outcome,
        at=clock.iso(at),
        s3_key=s3_key,
        entry_id=entry_id,
        ticket_id=ticket_id,
        expires_at=int((at + MARK_TTL).timestamp()),
    )


# --- what staff see --------------------------------------------------------------------------------


def quarantine_view(entry: QuarantineEntry, *, with_download: bool = False) -> dict[str, Any]:
    raw: dict[str, Any] = {"bucket": entry.bucket, "key": entry.s3_key}
    if with_download:
        raw["download_url"] = aws.client("s3").generate_presigned_url(
            "get_object", Params={"Bucket": entry.bucket, "Key": entry.s3_key}, ExpiresIn=900
        )
    return {
        "entry_id": entry.entry_id,
        "at": entry.at,
        "reason": entry.reason,
        "detail": entry.detail,
        "kind": entry.kind,
        "from": entry.from_address,
        "subject": entry.subject,
        "message_id": entry.message_id,
        "raw": raw,
        "data": entry.data or {},
    }


def list_quarantine(
    month: str | None = None, *, limit: int = 50, cursor: str | None = None
) -> dict[str, Any]:
    """One month of quarantined mail, newest first (``month``: YYYY-MM, default this month)."""
    from complaintdesk.schemas import QuarantineQuery, parse_query

    parse_query(QuarantineQuery, {"month": month, "limit": limit, "cursor": cursor})
    month = month or clock.now().astimezone(UTC).strftime("%Y-%m")
    repo.ready()
    partition = f"QUARANTINE#{month}"
    results = QuarantineEntry.query(
        partition,
        scan_index_forward=False,
        limit=limit,
        page_size=limit,
        last_evaluated_key=repo.decode_cursor(cursor, QuarantineEntry, partition),
    )
    items, next_cursor = repo.page(results, limit, cursor=cursor)
    return {"month": month, "entries": [quarantine_view(e) for e in items], "next_cursor": next_cursor}


def get_quarantine_entry(entry_id: str) -> dict[str, Any]:
    """One quarantined message with a short-lived link to its raw .eml."""
    key = QuarantineEntry.key_of(entry_id)
    entry = repo.find(QuarantineEntry, key) if key else None
    if entry is None:
        raise NotFound("quarantine entry not found")
    return quarantine_view(entry, with_download=True)
