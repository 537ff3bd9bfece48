"""E-mail intake: one message stored by SES in S3 becomes a ticket, an interaction on a ticket, a
bounce mark, or a quarantine entry with a reason. Nothing is dropped: the raw stays in S3.

``ingest_object(bucket, key)`` runs these steps, first match wins:

1. Read the raw message (an S3 failure raises, so the SQS record is retried, then dead-lettered).
2. Parse it (``complaintdesk.mail``); ``MailParseError`` → quarantine ``unparseable``.
3. Seen before? A ``MessageLink`` (ticket or interaction) or an ``InboundMark`` (anything else) for
   the message's dedupe key → ``duplicate``. The link or mark is written in the same transaction
   as the outcome, so of two concurrent copies only one wins; the loser is a duplicate too.
4. The verdicts taken before any lookup (``mail/verdicts.py``): SES verdict headers (virus, spam,
   dmarc=fail, spf=fail without dkim=pass), mail from our own address (a loop), ARF feedback
   reports and doubtful machine mail (``machine_suspected``) → quarantine.
5. Bounce (DSN): permanently failed recipients who are customers are marked ``bouncing``; the
   bounce is recorded on the ticket it threads to and ``email.bounced`` published. Never a ticket.
6. More than ``sender_per_hour`` messages from one address in an hour → quarantine ``rate_limited``.
7. Auto-reply: recorded (internal) on the ticket it threads to, never acknowledged; else quarantined.
   Mail that is automatic only as list mail (List-*, ``Precedence: list``) is a message when its
   sender is already a customer.
8. A message threaded to a ticket (``services/mail_threads.py`` says which, and how we know) is the
   customer answering: ``services/replies.py`` decides what it does (a waiting step resumed; a
   resolved ticket recorded, never reopened, its owner team told) and the intake records
   ``email.received``. A ticket closed, or resolved longer ago than the reopen window → a new ticket
   linked to it.
9. No thread → a new ticket (its language guessed by ``mail/language.py``; acknowledged by the
   notify function).

Quarantine entries and their staff views are ``services/quarantine.py``; the files a mail carries
are stored beside its raw message by ``services/attachments.store_from_mail``.

Soft bounces (4.x.x) are recorded but do not mark the address: the mailbox may recover.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any, Literal

from complaintdesk import aws, clock, events
from complaintdesk.errors import Conflict, InvalidInput
from complaintdesk.events import EventType
from complaintdesk.mail import (
    DEFAULT_MAX_ATTACHMENT_BYTES,
    DEFAULT_MAX_ATTACHMENTS,
    MailParseError,
    ParsedEmail,
    parse_email,
)
from complaintdesk.mail.language import guess_language
from complaintdesk.mail.verdicts import is_list_mail, verdict
from complaintdesk.observability import bind_ticket, logger
from complaintdesk.schemas import TicketCreate, normalize_email, parse
from complaintdesk.services import quarantine as held
from complaintdesk.services import replies, tickets
from complaintdesk.services.attachments import store_from_mail
from complaintdesk.services.mail_threads import customer_of, find_thread, thread_of_returned_message
from complaintdesk.services.timeline import new_event
from complaintdesk.settings import get_settings
from complaintdesk.store import repository as repo
from complaintdesk.store.mail_models import InboundMark, SenderRate
from complaintdesk.store.models import Customer, MessageLink, Ticket

Outcome = Literal["ticket", "interaction", "duplicate", "quarantined", "bounce", "auto_reply", "missing"]

ACTOR = "email"
NO_SUBJECT = "(no subject)"
CUT_MARKER = "\n\n[… cut here; the whole message is kept with the ticket]"


@dataclass(frozen=True)
class IntakeLimits:
    """Limits of the intake; ``from_env`` reads the deployed values (defaults below)."""

    sender_per_hour: int = 20  # MAIL_SENDER_LIMIT_PER_HOUR
    # MAIL_LATE_REPLY_NOTICES_PER_DAY: team notices of replies to one resolved ticket per UTC day
    late_reply_notices_per_day: int = 3
    reopen_window_days: int = 14  # settings.reopen_window_days (REOPEN_WINDOW_DAYS)
    max_attachment_bytes: int = DEFAULT_MAX_ATTACHMENT_BYTES
    max_attachments: int = DEFAULT_MAX_ATTACHMENTS

    @classmethod
    def from_env(cls) -> IntakeLimits:
        settings = get_settings()
        return cls(
            sender_per_hour=settings.mail_sender_limit_per_hour,
            late_reply_notices_per_day=settings.mail_late_reply_notices_per_day,
            reopen_window_days=settings.reopen_window_days,
        )

    @property
    def reply_rules(self) -> replies.ReplyRules:
        """What a customer's answer may do (``services/replies.py``) under these limits."""
        return replies.ReplyRules(
            reopen_window_days=self.reopen_window_days,
            late_reply_notices_per_day=self.late_reply_notices_per_day,
        )


@dataclass(frozen=True)
class IngestResult:
    """What became of one stored message (the record handler's return value)."""

    outcome: Outcome
    s3_key: str
    ticket_id: str | None = None
    reason: str | None = None  # quarantine reason code, or the reply's effect ("resumed", ...)
    entry_id: str | None = None  # quarantine entry
    detail: str | None = None
    linked_to: str | None = None  # the old ticket a new one was opened beside

    def as_dict(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v is not None}


@dataclass
class _Inbound:
    bucket: str
    key: str
    raw: bytes
    at: datetime
    envelope_to: list[str] = field(default_factory=list)


# ---------------------------------------------------------------------------------------- entry


def ingest_object(
    bucket: str, key: str, *, received_at: str | datetime | None = None, limits: IntakeLimits | None = None
) -> IngestResult:
    """Ingest the raw message at ``s3://bucket/key`` (``received_at``: when SES stored it)."""
    log = logger()
    log.remove_keys(["ticket_id"])
    log.set_correlation_id(None)
    limits = limits or IntakeLimits.from_env()
    inbound = _read(bucket, key, received_at)
    if inbound is None:
        log.warning("inbound object is gone", extra={"bucket": bucket, "s3_key": key})
        return IngestResult("missing", key)
    result = _ingest(inbound, limits)
    if result.ticket_id:
        bind_ticket(result.ticket_id)
    log.info("e-mail ingested", extra=result.as_dict())
    return result


def _read(bucket: str, key: str, received_at: str | datetime | None) -> _Inbound | None:
    s3 = aws.client("s3")
    try:
        response = s3.get_object(Bucket=bucket, Key=key)
    except s3.exceptions.NoSuchKey:
        return None
    raw = response["Body"].read()
    at = clock.parse_iso(received_at) if isinstance(received_at, str) else received_at or clock.now()
    envelope = (response.get("Metadata") or {}).get("envelope-to", "")
    return _Inbound(bucket, key, raw, at, [a.strip() for a in envelope.split(",") if a.strip()])


def _ingest(inbound: _Inbound, limits: IntakeLimits) -> IngestResult:
    """The steps of the module's docstring, in order."""
    try:
        parsed = parse_email(
            inbound.raw,
            max_attachment_bytes=limits.max_attachment_bytes,
            max_attachments=limits.max_attachments,
        )
    except MailParseError as error:
        return quarantine(
            inbound,
            "unparseable",
            error.reason,
            dedupe_key="sha256:" + hashlib.sha256(inbound.raw).hexdigest(),
        )
    seen = _seen(parsed.dedupe_key)
    if seen is not None:
        return IngestResult("duplicate", inbound.key, ticket_id=seen[0], entry_id=seen[1])
    decided = verdict(inbound.raw, parsed, get_settings().sender_address)
    if decided is not None and decided.action == "bounce":
        return _bounce(inbound, parsed)
    if decided is not None:
        return quarantine(inbound, decided.reason, decided.detail, parsed=parsed)
    if parsed.from_address and not _within_rate(parsed.from_address, inbound.at, limits.sender_per_hour):
        detail = f"more than {limits.sender_per_hour} messages from this sender within an hour"
        return quarantine(inbound, "rate_limited", detail, parsed=parsed)
    thread = find_thread(parsed, inbound.envelope_to)
    if is_list_mail(parsed) and customer_of(parsed.from_address) is not None:
        parsed = replace(parsed, kind="message", auto_submitted=False)
    if parsed.kind == "auto_reply":
        if thread is None:
            return quarantine(inbound, "auto_reply", parsed.auto_reason or "automatic reply", parsed=parsed)
        return _record_auto_reply(inbound, parsed, thread[0], thread[1])
    if thread is None:
        return _open_ticket(inbound, parsed)
    return _reply(inbound, parsed, thread[0], thread[1], limits)


def _seen(dedupe_key: str) -> tuple[str | None, str | None] | None:
    """(ticket id, quarantine entry id) of an earlier copy of this message, or None."""
    ticket_id = repo.ticket_for_message(dedupe_key)
    if ticket_id:
        return ticket_id, None
    mark = repo.find(InboundMark, InboundMark.key(dedupe_key))
    return (mark.ticket_id, mark.entry_id) if mark else None


def quarantine(
    inbound: _Inbound,
    reason: str,
    detail: str,
    *,
    parsed: ParsedEmail | None = None,
    dedupe_key: str | None = None,
) -> IngestResult:
    """Keep the message out of the ticket flow (``services/quarantine.py``), at most once."""
    result = held.hold(
        bucket=inbound.bucket,
        s3_key=inbound.key,
        at=inbound.at,
        reason=reason,
        detail=detail,
        dedupe_key=dedupe_key or (parsed.dedupe_key if parsed else inbound.key),
        parsed=parsed,
    )
    if not result.new:
        return IngestResult("duplicate", inbound.key, entry_id=result.entry_id)
    return IngestResult("quarantined", inbound.key, reason=reason, entry_id=result.entry_id, detail=detail)


def _link(parsed: ParsedEmail, ticket_id: str, inbound: _Inbound) -> tuple[MessageLink, Any]:
    pk, sk = MessageLink.key(parsed.dedupe_key)
    link = MessageLink(pk, sk, ticket_id=ticket_id, at=clock.iso(inbound.at), direction="in")
    return link, MessageLink.PK.does_not_exist()


def _duplicate_or_raise(parsed: ParsedEmail, inbound: _Inbound, error: Conflict) -> IngestResult:
    """A failed transaction: a concurrent copy of the message won (duplicate), or a real conflict."""
    seen = _seen(parsed.dedupe_key)
    if seen is None:
        raise error
    return IngestResult("duplicate", inbound.key, ticket_id=seen[0], entry_id=seen[1])


def _within_rate(address: str, at: datetime, limit: int) -> bool:
    """Count this message against its sender's hour; False once the hour's budget is spent."""
    repo.ready()
    counter = SenderRate(*SenderRate.key(address, at.strftime("%Y-%m-%dT%H")))
    expires = int((at.replace(minute=0, second=0, microsecond=0) + timedelta(hours=2)).timestamp())
    counter.update(actions=[SenderRate.count.add(1), SenderRate.expires_at.set(expires)])
    return int(counter.count) <= limit


# ------------------------------------------------------------------------- the customer answered


def _reply(
    inbound: _Inbound, parsed: ParsedEmail, ticket: Ticket, how: str, limits: IntakeLimits
) -> IngestResult:
    effect = replies.customer_answered(
        ticket, at=inbound.at, channel="email", actor=ACTOR, rules=limits.reply_rules
    )
    if effect == replies.OUTSIDE_WINDOW:
        return _open_ticket(inbound, parsed, linked_from=ticket)
    stored = store_from_mail(inbound.bucket, parsed, ticket.ticket_id)
    new_text = _cut(parsed.new_text or parsed.reply_text or parsed.text)
    event = new_event(
        ticket.ticket_id,
        ticket.customer_id,
        EventType.EMAIL_RECEIVED,
        _summary("E-mail from the customer", parsed),
        actor=ACTOR,
        at=inbound.at,
        visibility="public",
        channel="email",
        data={
            **_mail_data(parsed, inbound, stored),
            "new_text": new_text,
            "threaded_by": how,
            "effect": effect,
        },
    )
    replied = replies.replied_event(ticket, channel="email", effect=effect, at=inbound.at)
    told = replies.tell_owner(
        ticket, effect=effect, channel="email", excerpt=new_text, at=inbound.at, rules=limits.reply_rules
    )
    try:
        repo.save_all([_link(parsed, ticket.ticket_id, inbound), (event, None)], events=[replied, *told])
    except Conflict as error:
        return _duplicate_or_raise(parsed, inbound, error)
    return IngestResult("interaction", inbound.key, ticket_id=ticket.ticket_id, reason=effect, detail=how)


def _record_auto_reply(inbound: _Inbound, parsed: ParsedEmail, ticket: Ticket, how: str) -> IngestResult:
    event = new_event(
        ticket.ticket_id,
        ticket.customer_id,
        EventType.EMAIL_AUTO_REPLY,
        _summary("Automatic reply (not acknowledged)", parsed),
        actor=ACTOR,
        at=inbound.at,
        channel="email",
        data={**_mail_data(parsed, inbound, []), "auto_reason": parsed.auto_reason, "threaded_by": how},
    )
    try:
        repo.save_all([_link(parsed, ticket.ticket_id, inbound), (event, None)])
    except Conflict as error:
        return _duplicate_or_raise(parsed, inbound, error)
    return IngestResult("auto_reply", inbound.key, ticket_id=ticket.ticket_id, reason=parsed.auto_reason)


# ------------------------------------------------------------------------------------- bounces


def _bounce(inbound: _Inbound, parsed: ParsedEmail) -> IngestResult:
    bounce = parsed.bounce
    recipients: list[str] = []
    for address in bounce.recipients if bounce else []:
        try:
            recipients.append(normalize_email(address))
        except ValueError:
            continue
    permanent = bool(bounce and bounce.permanent)
    status = bounce.status if bounce else None
    thread = find_thread(parsed)
    ticket = thread[0] if thread else thread_of_returned_message(inbound.raw)
    marked: list[str] = []
    for address in recipients:
        customer_id = repo.customer_for_contact("email", address)
        if not customer_id:
            continue
        marked.append(address)
        customer = repo.find(Customer, Customer.key(customer_id))
        if (
            permanent
            and customer is not None
            and customer.email == address
            and customer.email_status != "bouncing"
        ):
            customer.email_status, customer.email_bounced_at = "bouncing", clock.iso(inbound.at)
            customer.updated_at = clock.iso(clock.now())
            repo.save(customer)
    data = {
        "recipients": recipients[:10],
        "status": status,
        "permanent": permanent,
        "diagnostic": (bounce.diagnostic or "")[:500] if bounce else "",
        "raw_s3_key": inbound.key,
        "message_id": parsed.message_id,
    }
    writes: list[tuple[Any, Any]]
    if ticket is not None:
        event = new_event(
            ticket.ticket_id,
            ticket.customer_id,
            EventType.EMAIL_BOUNCED,
            f"E-mail to {', '.join(recipients[:3]) or 'the customer'} bounced"
            + (" (permanent)" if permanent else " (temporary)"),
            actor=ACTOR,
            at=inbound.at,
            channel="email",
            data=data,
        )
        writes = [_link(parsed, ticket.ticket_id, inbound), (event, None)]
    else:
        mark = held.mark(parsed.dedupe_key, "bounce", s3_key=inbound.key, at=inbound.at)
        writes = [(mark, InboundMark.PK.does_not_exist())]
    ticket_id = ticket.ticket_id if ticket else ""
    bounced = [
        events.event(
            EventType.EMAIL_BOUNCED,
            ticket_id,
            events.EmailBounced(address=address, status=status, permanent=permanent),
            at=inbound.at,
        )
        for address in marked
    ]
    try:
        repo.save_all(writes, events=bounced, ticket_id=ticket_id)
    except Conflict as error:
        return _duplicate_or_raise(parsed, inbound, error)
    return IngestResult(
        "bounce",
        inbound.key,
        ticket_id=ticket_id or None,
        reason="permanent" if permanent else "temporary",
        detail=", ".join(marked) or None,
    )


# ----------------------------------------------------------------------------------- new ticket


def _open_ticket(
    inbound: _Inbound, parsed: ParsedEmail, *, linked_from: Ticket | None = None
) -> IngestResult:
    try:
        data = parse(TicketCreate, _ticket_body(parsed))
    except InvalidInput as error:
        return quarantine(inbound, "invalid_sender", error.message, parsed=parsed)
    ticket_id = tickets.allocate_ticket_id(inbound.at)
    stored = store_from_mail(inbound.bucket, parsed, ticket_id)
    extra: list[tuple[Any, Any]] = [_link(parsed, ticket_id, inbound)]
    timeline = {"subject": data.subject, **_mail_data(parsed, inbound, stored)}
    if linked_from is not None:
        linked_from.linked(ticket_id, clock.now())
        extra.append((linked_from, None))  # version-checked: a concurrent edit fails the whole thing
        timeline["linked_from"] = linked_from.ticket_id
    try:
        tickets.create_ticket(
            data,
            actor=ACTOR,
            received_at=inbound.at,
            extra_writes=extra,
            timeline_data=timeline,
            ticket_id=ticket_id,
            attachments=stored,
            linked_tickets={linked_from.ticket_id} if linked_from is not None else None,
        )
    except Conflict as error:
        return _duplicate_or_raise(parsed, inbound, error)
    return IngestResult(
        "ticket",
        inbound.key,
        ticket_id=ticket_id,
        linked_to=linked_from.ticket_id if linked_from else None,
    )


def _ticket_body(parsed: ParsedEmail) -> dict[str, Any]:
    text = (parsed.new_text or parsed.reply_text or parsed.text).strip()
    if not text:
        text = "(the message has no text" + ("; see the attachments)" if parsed.attachments else ")")
    local = parsed.from_address.rpartition("@")[0].strip('"')
    name = " ".join(parsed.from_name.split())[:200] or local[:200] or "E-mail customer"
    return {
        "channel": "email",
        "customer": {
            "name": name,
            "email": parsed.from_address,
            "language": guess_language(f"{parsed.subject}\n{text}"),
        },
        "subject": (parsed.subject or NO_SUBJECT)[:300],
        "description": _cut(text),
    }


def _cut(text: str) -> str:
    limit = get_settings().max_description_chars
    if len(text) <= limit:
        return text
    return text[: limit - len(CUT_MARKER)].rstrip() + CUT_MARKER


def _summary(prefix: str, parsed: ParsedEmail) -> str:
    return f"{prefix}: {parsed.subject or NO_SUBJECT}"[:200]


def _mail_data(parsed: ParsedEmail, inbound: _Inbound, stored: list[dict[str, Any]]) -> dict[str, Any]:
    data: dict[str, Any] = {
        "from": parsed.from_address,
        "subject": parsed.subject,
        "message_id": parsed.message_id,
        "raw_s3_key": inbound.key,
    }
    if stored:
        data["attachments"] = stored
    if parsed.skipped_attachments:
        data["skipped_attachments"] = parsed.skipped_attachments[:20]
    return data
