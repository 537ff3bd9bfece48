"""Which ticket an inbound e-mail belongs to. Evidence, in order (first that names a ticket wins):

1. In-Reply-To, then References (newest first), then ids quoted in the body: a ``MessageLink`` of mail
   we sent (our Message-ID, or the id SES returned) or received → ``in_reply_to`` / ``references``.
2. A recipient plus address ``support+C-2026-000123.<tag>@…`` whose HMAC tag verifies (in the
   headers or the SES envelope) → ``plus_address``.
3. A ``[C-2026-000123]`` subject token, only when the sender is that ticket's customer (ticket
   numbers are guessable) → ``subject_token``.

A bounce encloses the message that failed: ``thread_of_returned_message`` finds our plus address or
our Message-ID in it. At most ``MAX_THREAD_LOOKUPS`` lookups per kind of evidence.
"""

from __future__ import annotations

import re

from complaintdesk import signing
from complaintdesk.mail import ParsedEmail, ticket_references
from complaintdesk.schemas import normalize_email
from complaintdesk.store import repository as repo
from complaintdesk.store.models import Ticket

MAX_THREAD_LOOKUPS = 10


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
        customer_id = customer_of(parsed.from_address)
        for ticket_id in refs.subject_ticket_ids[:MAX_THREAD_LOOKUPS]:
            ticket = _ticket(ticket_id)
            if ticket is not None and customer_id and ticket.customer_id == customer_id:
                return ticket, "subject_token"
    return None


def customer_of(address: str) -> str | None:
    """The id of the customer with this e-mail address, or None (an invalid address has none)."""
    try:
        return repo.customer_for_contact("email", normalize_email(address))
    except ValueError:
        return None


_RETURNED_PLUS_RE = re.compile(r"[\w.!#$%&'*=?^`{|}~-]+\+[A-Z]-\d{4}-\d{6,}\.[a-z0-9]+@[\w.-]+", re.I)
_RETURNED_ID_RE = re.compile(r"<([A-Z]-\d{4}-\d{6,}\.[0-9a-f]+@[^<>\s]+)>", re.I)


def thread_of_returned_message(raw: bytes) -> Ticket | None:
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


def _ticket(ticket_id: str | None) -> Ticket | None:
    return repo.find(Ticket, Ticket.key(ticket_id)) if ticket_id else None
