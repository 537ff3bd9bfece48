"""E-mail intake: one message stored by SES in S3 becomes a ticket, an interaction on a ticket, a
bounce mark, or a quarantine entry with a reason. Nothing is dropped: the raw stays in S3.

``ingest_object(bucket, key)`` runs these steps, first match wins:

1. Read the raw message (an S3 failure raises, so the SQS record is retried, then dead-lettered).
2. Parse it (``complaintdesk.mail``); ``MailParseError`` → quarantine ``unparseable``.
3. Seen before? A ``MessageLink`` (ticket or interaction) or an ``InboundMark`` (anything else) for
   the message's dedupe key → ``duplicate``. The link or mark is written in the same transaction
   as the outcome, so of two concurrent copies only one wins; the loser is a duplicate too.
4. SES verdict headers: virus FAIL, spam FAIL, dmarc=fail, spf=fail without dkim=pass → quarantine.
5. Sent from our own address (a loop) → quarantine. ARF feedback report → quarantine.
6. Bounce (DSN): permanently failed recipients who are customers are marked ``bouncing``; the
   bounce is recorded on the ticket it threads to and ``email.bounced`` published. Never a ticket.
   Doubtful machine mail (a daemon or list-software sender with no recognised notice, delivery-status
   fields in a body, an unreadable provider notification) → quarantine ``machine_suspected``.
7. More than ``sender_per_hour`` messages from one address in an hour → quarantine ``rate_limited``.
8. Auto-reply: recorded (internal) on the ticket it threads to, never acknowledged; else quarantined.
   Mail that is automatic only as list mail (List-*, ``Precedence: list``) is a message when its
   sender is already a customer.
9. A message: threaded to a ticket → interaction ``email.received`` (and a resume through
   ``apply_customer_reply``). A reply to a resolved ticket within the reopen window is recorded and
   never reopens it (only the customer's rejection through the decision link, or staff, reopen):
   the owner team is told (``resolution.replied``, at most ``late_reply_notices_per_day`` a day)
   and reopens it with one call if it should. A resolved ticket past the reopen window or a closed
   one → a new ticket linked to it; no thread → a new ticket (acknowledged by the notify function).

Threading evidence, in order: In-Reply-To/References of mail we sent or received; a recipient plus
address ``support+C-2026-000123.<tag>@…`` whose HMAC tag verifies; a ``[C-2026-000123]`` subject
token, only when the sender is that ticket's customer (ticket numbers are guessable).

Soft bounces (4.x.x) are recorded but do not mark the address: the mailbox may recover.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime, timedelta
from email.parser import BytesHeaderParser
from email.policy import compat32
from typing import Any, Literal

from complaintdesk import aws, clock, events, signing
from complaintdesk.errors import Conflict, InvalidInput, NotFound
from complaintdesk.events import EventType
from complaintdesk.lifecycle import AFTER_RESOLUTION
from complaintdesk.mail import (
    DEFAULT_MAX_ATTACHMENT_BYTES,
    DEFAULT_MAX_ATTACHMENTS,
    MailParseError,
    ParsedEmail,
    parse_email,
    ticket_references,
)
from complaintdesk.mail.classify import LIST_REASON_PREFIX
from complaintdesk.observability import bind_ticket, emit, logger
from complaintdesk.schemas import TicketCreate, normalize_email, parse
from complaintdesk.services import tickets
from complaintdesk.services.timeline import new_event
from complaintdesk.settings import get_settings
from complaintdesk.store import repository as repo
from complaintdesk.store.mail_models import InboundMark, MailReopens, QuarantineEntry, SenderRate, short_hash
from complaintdesk.store.models import Customer, MessageLink, Ticket

Outcome = Literal["ticket", "interaction", "duplicate", "quarantined", "bounce", "auto_reply", "missing"]

ACTOR = "email"
NO_SUBJECT = "(no subject)"
CUT_MARKER = "\n\n[… cut here; the whole message is kept with the ticket]"
MARK_TTL = timedelta(days=400)  # as long as the raw mail is kept (template.yaml lifecycle rule)
MAX_THREAD_LOOKUPS = 10


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
        return cls(
            sender_per_hour=int(os.environ.get("MAIL_SENDER_LIMIT_PER_HOUR", cls.sender_per_hour)),
            late_reply_notices_per_day=int(
                os.environ.get("MAIL_LATE_REPLY_NOTICES_PER_DAY", cls.late_reply_notices_per_day)
            ),
            reopen_window_days=int(getattr(get_settings(), "reopen_window_days", cls.reopen_window_days)),
        )


@dataclass(frozen=True)
class IngestResult:
    """What became of one stored message (the record handler's return value)."""

    outcome: Outcome
    s3_key: str
    ticket_id: str | None = None
    reason: str | None = None  # quarantine reason code, or the reply's effect ("reopened", ...)
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
    verdict = ses_verdict(inbound.raw)
    if verdict is not None:
        return quarantine(inbound, verdict[0], verdict[1], parsed=parsed)
    if _is_own_address(parsed.from_address):
        return quarantine(inbound, "own_address", "sent from our own address (a mail loop)", parsed=parsed)
    if parsed.kind == "feedback_report":
        return quarantine(inbound, "feedback_report", parsed.auto_reason or "abuse report", parsed=parsed)
    if parsed.kind == "bounce":
        return _bounce(inbound, parsed)
    if parsed.kind == "machine_suspected":
        return quarantine(
            inbound, "machine_suspected", parsed.auto_reason or "looks automatic", parsed=parsed
        )
    if parsed.from_address and not _within_rate(parsed.from_address, inbound.at, limits.sender_per_hour):
        detail = f"more than {limits.sender_per_hour} messages from this sender within an hour"
        return quarantine(inbound, "rate_limited", detail, parsed=parsed)
    thread = find_thread(parsed, inbound.envelope_to)
    if _list_mail_from_customer(parsed):
        parsed = replace(parsed, kind="message", auto_submitted=False)
    if parsed.kind == "auto_reply":
        if thread is None:
            return quarantine(inbound, "auto_reply", parsed.auto_reason or "automatic reply", parsed=parsed)
        return _record_auto_reply(inbound, parsed, thread[0], thread[1])
    if thread is None:
        return _open_ticket(inbound, parsed)
    return _reply(inbound, parsed, thread[0], thread[1], limits)


def _list_mail_from_customer(parsed: ParsedEmail) -> bool:
    """Mail that is automatic only because it came through a mailing list (List-*, Precedence:
    list) is a message when its sender is already a customer; from anyone else it is list mail."""
    reason = parsed.auto_reason or ""
    return (
        parsed.kind == "auto_reply"
        and reason.startswith(LIST_REASON_PREFIX)
        and _customer_of(parsed.from_address) is not None
    )


def _seen(dedupe_key: str) -> tuple[str | None, str | None] | None:
    """(ticket id, quarantine entry id) of an earlier copy of this message, or None."""
    ticket_id = repo.ticket_for_message(dedupe_key)
    if ticket_id:
        return ticket_id, None
    mark = repo.find(InboundMark, InboundMark.key(dedupe_key))
    return (mark.ticket_id, mark.entry_id) if mark else None


def _is_own_address(address: str) -> bool:
    ours = get_settings().sender_address.lower()
    local, _, domain = address.lower().rpartition("@")
    our_local, _, our_domain = ours.rpartition("@")
    return bool(domain) and domain == our_domain and local.split("+", 1)[0] == our_local


# ------------------------------------------------------------------------------- SES verdicts

_RESULT_RE = re.compile(r"(?<![\w.-])(spf|dkim|dmarc)\s*=\s*([a-z]+)", re.I)


def _header_block(raw: bytes) -> Any:
    end = min((i for i in (raw.find(b"\r\n\r\n"), raw.find(b"\n\n")) if i >= 0), default=len(raw))
    return BytesHeaderParser(policy=compat32).parsebytes(raw[: end + 4])


def ses_verdict(raw: bytes) -> tuple[str, str] | None:
    """(reason, detail) when SES's verdict headers say the message must not become a ticket.

    Only SES's own results count: ``X-SES-*-Verdict`` and ``Authentication-Results: amazonses.com``
    (mail that did not pass through SES, e.g. the local SMTP server, has neither and passes).
    """
    headers = _header_block(raw)

    def first(name: str) -> str:
        return str(headers.get(name, "") or "").strip().upper()

    if first("X-SES-Virus-Verdict") == "FAIL":
        return "virus", "SES virus scan verdict: FAIL"
    if first("X-SES-Spam-Verdict") == "FAIL":
        return "spam", "SES spam verdict: FAIL"
    results: dict[str, str] = {}
    for value in headers.get_all("Authentication-Results") or []:
        authserv, _, rest = str(value).partition(";")
        if authserv.strip().lower() != "amazonses.com":
            continue
        for method, result in _RESULT_RE.findall(rest):
            results.setdefault(method.lower(), result.lower())
        break
    if "spf" not in results and (headers.get("X-SES-Spam-Verdict") or headers.get("X-SES-Receipt")):
        spf = str(headers.get("Received-SPF", "") or "").strip().split()
        if spf:
            results["spf"] = spf[0].lower()
    if results.get("dmarc") == "fail":
        return "dmarc", "DMARC check failed: the From domain does not vouch for this message"
    if results.get("spf") == "fail" and results.get("dkim") != "pass":
        return "spf", "SPF failed and no DKIM signature passed"
    return None


# ------------------------------------------------------------------------------------ threading


def find_thread(parsed: ParsedEmail, envelope_to: list[str] | None = None) -> tuple[Ticket, str] | None:
    """The existing ticket ``parsed`` answers, and how we know, or None."""
    refs = ticket_references(parsed)
    ordered = list(dict.fromkeys([*parsed.in_reply_to, *reversed(parsed.references), *refs.message_ids]))
    for message_id in ordered[:MAX_THREAD_LOOKUPS]:
        ticket = _ticket(repo.ticket_for_message(message_id))
        if ticket is not None:
            return ticket, "in_reply_to" if message_id in parsed.in_reply_to else "references"
    plus = list(refs.plus_ticket_ids)
    for address in envelope_to or []:
        ticket_id = signing.ticket_from_reply_address(address)
        if ticket_id and ticket_id not in plus:
            plus.append(ticket_id)
    for ticket_id in plus[:MAX_THREAD_LOOKUPS]:
        ticket = _ticket(ticket_id)
        if ticket is not None:
            return ticket, "plus_address"
    if refs.subject_ticket_ids:
        customer_id = _customer_of(parsed.from_address)
        for ticket_id in refs.subject_ticket_ids[:MAX_THREAD_LOOKUPS]:
            ticket = _ticket(ticket_id)
            if ticket is not None and customer_id and ticket.customer_id == customer_id:
                return ticket, "subject_token"
    return None


def _ticket(ticket_id: str | None) -> Ticket | None:
    return repo.find(Ticket, Ticket.key(ticket_id)) if ticket_id else None


def _customer_of(address: str) -> str | None:
    try:
        return repo.customer_for_contact("email", normalize_email(address))
    except ValueError:
        return None


_RETURNED_PLUS_RE = re.compile(r"[\w.!#$%&'*=?^`{|}~-]+\+[A-Z]-\d{4}-\d{6,}\.[a-z0-9]+@[\w.-]+", re.I)
_RETURNED_ID_RE = re.compile(r"<([A-Z]-\d{4}-\d{6,}\.[0-9a-f]+@[^<>\s]+)>", re.I)


def _thread_of_returned_message(raw: bytes) -> Ticket | None:
    """A bounce encloses (the headers of) the message that failed: our Reply-To plus address (HMAC
    checked) or our Message-ID in it names the ticket."""
    text = raw[:300_000].decode("latin-1")
    for address in list(dict.fromkeys(_RETURNED_PLUS_RE.findall(text)))[:MAX_THREAD_LOOKUPS]:
        ticket = _ticket(signing.ticket_from_reply_address(address))
        if ticket is not None:
            return ticket
    for message_id in list(dict.fromkeys(_RETURNED_ID_RE.findall(text)))[:MAX_THREAD_LOOKUPS]:
        ticket = _ticket(repo.ticket_for_message(message_id))
        if ticket is not None:
            return ticket
    return None


# ---------------------------------------------------------------------------------- quarantine


def quarantine(
    inbound: _Inbound,
    reason: str,
    detail: str,
    *,
    parsed: ParsedEmail | None = None,
    dedupe_key: str | None = None,
) -> IngestResult:
    """Keep the message out of the ticket flow, visible to staff with its reason (at most once)."""
    dedupe_key = dedupe_key or (parsed.dedupe_key if parsed else inbound.key)
    at = clock.iso(inbound.at)
    entry_id = QuarantineEntry.entry_id_for(at, dedupe_key)
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
        *QuarantineEntry.key(at, entry_id),
        entry_id=entry_id,
        at=at,
        reason=reason,
        detail=detail[:1000],
        bucket=inbound.bucket,
        s3_key=inbound.key,
        kind=parsed.kind if parsed else None,
        from_address=(parsed.from_address or None) if parsed else None,
        subject=parsed.subject[:300] if parsed else None,
        message_id=parsed.message_id if parsed else None,
        dedupe_key=dedupe_key,
        data={k: v for k, v in data.items() if v},
    )
    mark = _mark(dedupe_key, "quarantined", inbound, entry_id=entry_id)
    try:
        repo.save_all([(mark, InboundMark.PK.does_not_exist()), (entry, None)])
    except Conflict:
        return IngestResult("duplicate", inbound.key, entry_id=entry_id)
    emit("EmailsQuarantined", reason=reason)
    return IngestResult("quarantined", inbound.key, reason=reason, entry_id=entry_id, detail=detail)


def _mark(
    dedupe_key: str,
    outcome: str,
    inbound: _Inbound,
    *,
    entry_id: str | None = None,
    ticket_id: str | None = None,
) -> InboundMark:
    return InboundMark(
        *InboundMark.key(dedupe_key),
        outcome=outcome,
        at=clock.iso(inbound.at),
        s3_key=inbound.key,
        entry_id=entry_id,
        ticket_id=ticket_id,
        expires_at=int((inbound.at + MARK_TTL).timestamp()),
    )


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


# --------------------------------------------------------------------------------- rate limits


def _within_rate(address: str, at: datetime, limit: int) -> bool:
    """Count this message against its sender's hour; False once the hour's budget is spent."""
    repo.ready()
    counter = SenderRate(*SenderRate.key(address, at.strftime("%Y-%m-%dT%H")))
    expires = int((at.replace(minute=0, second=0, microsecond=0) + timedelta(hours=2)).timestamp())
    counter.update(actions=[SenderRate.count.add(1), SenderRate.expires_at.set(expires)])
    return int(counter.count) <= limit


def _take_late_reply_notice(ticket_id: str, at: datetime, limit: int) -> bool:
    """Use one of the ticket's team notices of replies after resolution for ``at``'s day; False
    when none are left (a mail storm to a resolved ticket tells the team a few times, not each)."""
    from pynamodb.exceptions import UpdateError

    repo.ready()
    counter = MailReopens(*MailReopens.key(ticket_id, at.strftime("%Y-%m-%d")))
    try:
        counter.update(
            actions=[MailReopens.count.add(1), MailReopens.expires_at.set(int(at.timestamp()) + 2 * 86400)],
            condition=MailReopens.count.does_not_exist() | (MailReopens.count < limit),
        )
    except UpdateError as error:
        if repo.is_condition_failure(error):
            return False
        raise
    return True


# ------------------------------------------------------------------------------- customer reply


def apply_customer_reply(
    ticket: Ticket, *, at: datetime, channel: str, actor: str, limits: IntakeLimits | None = None
) -> str:
    """What a customer's reply does to its ticket; the one place this is decided. Returns:

    - ``"resumed"``: the step was waiting for the customer → its SLA clock runs again;
    - ``"after resolution"``: resolved within the reopen window → recorded, NOT reopened (a
      "thank you" must not reopen a complaint); the caller tells the owner team, who may reopen;
    - ``"outside reopen window"``: resolved too long ago, or closed → the caller opens a new,
      linked ticket (nothing is changed here);
    - ``"recorded"``: open and being worked on.

    Resuming answers the plan's task token through the workflow service.
    """
    from complaintdesk.services import workflow

    limits = limits or IntakeLimits.from_env()
    if ticket.status == "closed":
        return "outside reopen window"
    if ticket.status == "resolved":
        resolved_at = clock.parse_iso(ticket.resolved_at or ticket.updated_at)
        if at - resolved_at > timedelta(days=limits.reopen_window_days):
            return "outside reopen window"
    return workflow.customer_replied(ticket.ticket_id, at=at, channel=channel, actor=actor)


def _reply(
    inbound: _Inbound, parsed: ParsedEmail, ticket: Ticket, how: str, limits: IntakeLimits
) -> IngestResult:
    effect = apply_customer_reply(ticket, at=inbound.at, channel="email", actor=ACTOR, limits=limits)
    if effect == "outside reopen window":
        return _open_ticket(inbound, parsed, linked_from=ticket)
    stored = _store_attachments(inbound, parsed, ticket.ticket_id)
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
            "new_text": _cut(parsed.new_text or parsed.reply_text or parsed.text),
            "threaded_by": how,
            "effect": effect,
        },
    )
    replied = events.event(
        EventType.CUSTOMER_REPLIED,
        ticket.ticket_id,
        events.CustomerReplied(channel="email", resumed=effect == "resumed", step=ticket.current_step),
        at=inbound.at,
    )
    told = []
    if effect == AFTER_RESOLUTION and _take_late_reply_notice(
        ticket.ticket_id, inbound.at, limits.late_reply_notices_per_day
    ):
        resolved_at = clock.parse_iso(ticket.resolved_at or ticket.updated_at)
        told = ticket.replied_after_resolution(
            channel="email",
            excerpt=event.data["new_text"],
            at=inbound.at,
            reopen_until=clock.iso(resolved_at + timedelta(days=limits.reopen_window_days)),
        ).events
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
    ticket = thread[0] if thread else _thread_of_returned_message(inbound.raw)
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
        writes: list[tuple[Any, Any]] = [_link(parsed, ticket.ticket_id, inbound), (event, None)]
    else:
        writes = [(_mark(parsed.dedupe_key, "bounce", inbound), InboundMark.PK.does_not_exist())]
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
    stored = _store_attachments(inbound, parsed, ticket_id)
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


# ---------------------------------------------------------------------------------- attachments

_KEY_UNSAFE_RE = re.compile(r"[^A-Za-z0-9._-]+")


def attachment_key(ticket_id: str, dedupe_key: str, number: int, filename: str) -> str:
    """``attachments/<ticket>/<message hash>/<n>-<safe name>``: stable for a message, so a retry overwrites."""
    safe = _KEY_UNSAFE_RE.sub("_", filename).strip("._")[:80] or "attachment"
    return f"attachments/{ticket_id}/{short_hash(dedupe_key)}/{number}-{safe}"


def _store_attachments(inbound: _Inbound, parsed: ParsedEmail, ticket_id: str) -> list[dict[str, Any]]:
    if not parsed.attachments:
        return []
    s3 = aws.client("s3")
    stored = []
    for number, attachment in enumerate(parsed.attachments, start=1):
        key = attachment_key(ticket_id, parsed.dedupe_key, number, attachment.filename)
        s3.put_object(
            Bucket=inbound.bucket,
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


# ------------------------------------------------------------------------------------ language

_TR_LETTERS = frozenset("ğĞışŞİ")
_LV_LETTERS = frozenset("āĀēĒīĪūŪģĢķĶļĻņŅ")
# fmt: off
_TR_WORDS = frozenset((
    "merhaba", "teşekkür", "teşekkürler", "lütfen", "için", "değil", "sipariş", "siparişim", "ürün",
    "fatura", "iade", "şikayet", "şikâyet", "kargo", "bir", "ve", "ama", "çok",
))
_LV_WORDS = frozenset((
    "labdien", "sveiki", "paldies", "lūdzu", "pasūtījums", "pasūtījumu", "rēķins", "prece", "preci",
    "sūdzība", "nav", "un", "ir", "es", "jūs", "mans", "mana",
))
# fmt: on
_WORD_RE = re.compile(r"\w+")


def guess_language(text: str) -> str:
    """``tr``, ``lv`` or ``en`` from letters and common words of the first few thousand characters."""
    sample = text[:4000]
    turkish = sum(ch in _TR_LETTERS for ch in sample)
    latvian = sum(ch in _LV_LETTERS for ch in sample)
    for word in _WORD_RE.findall(sample.lower())[:800]:
        turkish += 2 * (word in _TR_WORDS)
        latvian += 2 * (word in _LV_WORDS)
    if max(turkish, latvian) < 3 or turkish == latvian:
        return "en"
    return "tr" if turkish > latvian else "lv"


# ---------------------------------------------------------------------------------- quarantine API


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
