"""Threading evidence: which existing tickets a message may be a reply to.

Three independent signals, all returned so the caller can check them against the store:
- ``message_ids``: In-Reply-To then References (Message-IDs of mail we sent or received);
- ``subject_ticket_ids``: ticket tokens in the subject such as ``[C-2026-000123]``;
- ``plus_ticket_ids``: recipient plus addresses ``support+C-2026-000123.k3f9a2@…`` whose HMAC tag
  verifies (an unverified tag is ignored, so nobody can attach mail to a ticket by guessing).

``message_id_key`` is the one spelling under which a Message-ID is stored and looked up. SES replaces
the Message-ID of every message it sends with one of its own, whose left part is the ``MessageId``
that ``SendRawEmail`` returned; the domain after it is not documented (it differs by region), so an
id under ``amazonses.com`` is keyed by its left part alone and a reply threads whatever the domain.
"""

from __future__ import annotations

import re

from complaintdesk.mail.model import ParsedEmail, TicketRefs
from complaintdesk.signing import ticket_from_reply_address

_SUBJECT_TOKEN_RE = re.compile(r"\[\s*(?:#\s*)?([A-Z]-\d{4}-\d{6,})\s*\]", re.I)
SES_DOMAIN = "amazonses.com"


def message_id_key(message_id: str) -> str:
    """``message_id`` without its angle brackets, lower-cased; an SES id (domain ``amazonses.com`` or
    any name under it) as ``<left part>@amazonses.com``, so every regional spelling meets one key."""
    bare = message_id.strip().strip("<>").strip().lower()
    left, at, domain = bare.rpartition("@")
    if at and left and (domain == SES_DOMAIN or domain.endswith("." + SES_DOMAIN)):
        return f"{left}@{SES_DOMAIN}"
    return bare


def subject_ticket_ids(subject: str) -> list[str]:
    """Ticket ids in ``[C-2026-000123]`` tokens of a subject, upper-cased, in order, no repeats."""
    return list(dict.fromkeys(match.upper() for match in _SUBJECT_TOKEN_RE.findall(subject)))


def ticket_references(parsed: ParsedEmail, *, secret: str | None = None) -> TicketRefs:
    """Everything in ``parsed`` that may name an existing ticket; ``secret`` defaults to settings."""
    message_ids = list(dict.fromkeys([*parsed.in_reply_to, *parsed.references]))
    plus_ids: list[str] = []
    for address in parsed.delivered_to:
        if "+" in address:
            ticket_id = ticket_from_reply_address(address, secret)
            if ticket_id is not None and ticket_id not in plus_ids:
                plus_ids.append(ticket_id)
    return TicketRefs(
        message_ids=message_ids,
        subject_ticket_ids=subject_ticket_ids(parsed.subject),
        plus_ticket_ids=plus_ids,
    )
