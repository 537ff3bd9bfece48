"""Safe MIME e-mail from a rendered notification: threading headers, loop protection, no header injection.

Names and subjects come from customers, so every header value is cleaned of CR, LF and other control
characters before it reaches the message; addresses and message ids that still look wrong are refused
(addresses) or left out (foreign message ids). Non-ASCII names and subjects are RFC 2047 encoded by
``email.policy.SMTP``; both bodies are UTF-8, quoted-printable, so the message is 7-bit clean for SES.

Message-ID, In-Reply-To and References are never encoded: a message id is ASCII by construction
(anything else is left out) and is folded only between ids, one per line when the line would pass 78
characters (RFC 5322 3.6.4). ``email.policy.SMTP`` alone would write an id longer than a line (SES ids
are) as an RFC 2047 encoded word, which no mail client matches against the ids it knows.

``Auto-Submitted`` (RFC 3834) is chosen by the caller: ``auto-generated`` for a notification,
``auto-replied`` for an automatic answer to the customer's message, none for a person's reply.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email.headerregistry import Address, HeaderRegistry, UnstructuredHeader
from email.message import EmailMessage
from email.policy import SMTP, Policy
from email.utils import format_datetime

from complaintdesk.notify.templates import Rendered, clean_line, ensure_ticket_token

TICKET_ID = re.compile(r"^[A-Z]-\d{4}-\d{6,}$")
_MESSAGE_ID = re.compile(r"^<[!-;=?A-~]+@[!-;=?A-~]+>$")  # printable ASCII but <, > and a second @
_LOCAL_PART = re.compile(r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+$")
_DOMAIN = re.compile(
    r"^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*$"
)
DISPLAY_NAME_LIMIT = 100
SUBJECT_LIMIT = 200
# SES sends raw messages up to 40 MB, headers and base64-encoded attachments included.
SES_RAW_MESSAGE_LIMIT = 40 * 1024 * 1024
AUTO_SUBMITTED_VALUES = ("auto-generated", "auto-replied")


@dataclass(frozen=True)
class MailFile:
    """A file to attach: its name (as the customer will see it), media type and bytes."""

    filename: str
    content_type: str
    data: bytes


class MessageIdsHeader(UnstructuredHeader):
    """Message-ID, In-Reply-To, References: message ids written as they are, folded between ids."""

    max_count = 1
    name: str  # BaseHeader's, which the registry mixes into every header class it builds

    def fold(self, *, policy: Policy) -> str:
        width = policy.max_line_length or 78
        lines = [f"{self.name}:"]
        for item in str(self).split():
            if len(lines[-1]) + 1 + len(item) > width and lines[-1].strip() and not lines[-1].endswith(":"):
                lines.append("")
            lines[-1] += f" {item}"
        return policy.linesep.join(lines) + policy.linesep


def _registry() -> HeaderRegistry:
    registry = HeaderRegistry()
    for name in ("message-id", "in-reply-to", "references"):
        # typeshed asks for a BaseHeader subclass; the registry itself makes one (the class + BaseHeader).
        registry.map_to_type(name, MessageIdsHeader)  # type: ignore[arg-type]
    return registry


# SMTP (CRLF, RFC 2047 for text) with message ids left unencoded; the ids are checked before they get here.
MAIL_POLICY = SMTP.clone(header_factory=_registry())


class MessageTooLarge(ValueError):
    """The message with its attachments is larger than SES sends."""


class InvalidAddress(ValueError):
    """An e-mail address that cannot safely go into a header."""


def new_message_id(ticket_id: str, domain: str) -> str:
    """A fresh Message-ID naming the ticket: ``<C-2026-000123.<random>@domain>``."""
    return f"<{_ticket(ticket_id)}.{secrets.token_hex(8)}@{_domain(domain)}>"


def clean_address(address: str) -> str:
    """``address`` checked for use in a header; a non-ASCII domain is IDNA-encoded. Raises InvalidAddress."""
    candidate = address.strip()
    local, at, domain = candidate.rpartition("@")
    if (
        not at
        or not _LOCAL_PART.match(local)
        or ".." in local
        or local.startswith(".")
        or local.endswith(".")
    ):
        raise InvalidAddress(f"not a usable e-mail address: {address!r}")
    try:
        return f"{local}@{_domain(domain)}"
    except ValueError as exc:
        raise InvalidAddress(f"not a usable e-mail address: {address!r}") from exc


def clean_display_name(name: str) -> str:
    """A display name on one line, without control characters, at most ``DISPLAY_NAME_LIMIT`` characters."""
    return clean_line(name)[:DISPLAY_NAME_LIMIT].strip()


def build_email(
    rendered: Rendered,
    *,
    to: str,
    to_name: str = "",
    sender: str,
    sender_name: str = "complaintdesk",
    reply_to: str,
    ticket_id: str,
    message_id: str | None = None,
    in_reply_to: str | None = None,
    references: Sequence[str] = (),
    date: datetime | None = None,
    attachments: Sequence[MailFile] = (),
    auto_submitted: str | None = "auto-generated",
) -> EmailMessage:
    """A multipart/alternative (text + HTML) message about ``ticket_id``, ready for SES or an .eml file;
    with ``attachments``, a multipart/mixed holding that and one base64 part per file (at most
    ``SES_RAW_MESSAGE_LIMIT`` bytes in all, else ``MessageTooLarge``).

    ``reply_to`` is the signed plus address (``complaintdesk.signing.reply_address``). ``references`` is the
    thread so far, oldest first; ``in_reply_to`` is appended to it when missing. Message ids that are not
    of the ``<left@right>`` form (printable ASCII) are left out rather than copied into a header.
    ``auto_submitted``: ``auto-generated`` (a notification), ``auto-replied`` (an automatic answer to the
    customer's message) or None (a person wrote it: no Auto-Submitted header).
    """
    if auto_submitted is not None and auto_submitted not in AUTO_SUBMITTED_VALUES:
        raise ValueError(f"not an Auto-Submitted value we send: {auto_submitted!r}")
    ticket = _ticket(ticket_id)
    sender_address = clean_address(sender)
    message = EmailMessage(policy=MAIL_POLICY)
    message["From"] = Address(display_name=clean_display_name(sender_name), addr_spec=sender_address)
    message["To"] = Address(display_name=clean_display_name(to_name), addr_spec=clean_address(to))
    message["Reply-To"] = Address(addr_spec=clean_address(reply_to))
    message["Subject"] = ensure_ticket_token(clean_line(rendered.subject)[:SUBJECT_LIMIT], ticket)
    message["Date"] = format_datetime((date or datetime.now(UTC)).astimezone(UTC))
    own_id = _message_id(message_id) if message_id else None
    message["Message-ID"] = own_id or new_message_id(ticket, sender_address.rpartition("@")[2])
    parent = _message_id(in_reply_to) if in_reply_to else None
    thread = [ref for ref in (_message_id(item) for item in references) if ref]
    if parent and parent not in thread:
        thread.append(parent)
    if parent:
        message["In-Reply-To"] = parent
    if thread:
        message["References"] = " ".join(dict.fromkeys(thread))
    if auto_submitted:
        # RFC 3834: tells auto-responders (out-of-office, other help desks) not to answer and start a loop.
        message["Auto-Submitted"] = auto_submitted
    # Exchange's own: no out-of-office or read receipts back, whoever wrote the message.
    message["X-Auto-Response-Suppress"] = "All"
    message["X-Complaintdesk-Ticket"] = ticket
    message.set_content(rendered.text, subtype="plain", charset="utf-8", cte="quoted-printable")
    message.add_alternative(rendered.html, subtype="html", charset="utf-8", cte="quoted-printable")
    for file in attachments:  # the first turns the message into multipart/mixed around the text
        maintype, _, subtype = file.content_type.partition("/")
        if not maintype or not subtype:
            maintype, subtype = "application", "octet-stream"
        name = clean_line(file.filename)[:200] or "file"
        message.add_attachment(file.data, maintype=maintype, subtype=subtype, filename=name)
    if rendered.language:  # after the content: set_content drops Content-* headers
        message["Content-Language"] = clean_line(rendered.language)
    if attachments:
        size = len(message.as_bytes())
        if size > SES_RAW_MESSAGE_LIMIT:
            raise MessageTooLarge(
                f"the message with its attachments is {size} bytes; SES sends at most {SES_RAW_MESSAGE_LIMIT}"
            )
    return message


def _ticket(ticket_id: str) -> str:
    if not TICKET_ID.match(ticket_id):
        raise ValueError(f"not a ticket id: {ticket_id!r}")
    return ticket_id


def _domain(domain: str) -> str:
    candidate = domain.strip().rstrip(".")
    try:
        ascii_domain = candidate.encode("idna").decode("ascii") if not candidate.isascii() else candidate
    except UnicodeError as exc:
        raise ValueError(f"not a domain: {domain!r}") from exc
    if not _DOMAIN.match(ascii_domain):
        raise ValueError(f"not a domain: {domain!r}")
    return ascii_domain.lower()


def _message_id(value: str) -> str | None:
    candidate = value.strip()
    if candidate and not candidate.startswith("<"):
        candidate = f"<{candidate}>"
    return candidate if _MESSAGE_ID.match(candidate) else None
