"""Items of the e-mail intake on the single table (see docs/access-patterns.md for the others).

| item | PK | SK | why |
|---|---|---|---|
| ``QuarantineEntry`` | ``QUARANTINE#<yyyy-mm>`` | ``<at>#<entry_id>`` | mail kept out of the ticket flow, listed by month |
| ``InboundMark`` | ``INBOUND#<dedupe key>`` | ``OUTCOME`` | replay safety for mail that made no ticket or interaction |
| ``SenderRate`` | ``MAILRATE#<address>`` | ``<yyyy-mm-ddThh>`` | messages per sender per hour (TTL ``expires_at``) |
| ``MailReopens`` | ``MAILREOPEN#<ticket id>`` | ``<yyyy-mm-dd>`` | team notices of replies to one resolved ticket per day (TTL; the key kept from when replies reopened) |

Mail that became a ticket or an interaction is remembered by its ``MessageLink`` instead (written
in the same transaction), so one read answers "seen before?" for it.
"""

from __future__ import annotations

import hashlib
from typing import ClassVar

from pynamodb.attributes import JSONAttribute, NumberAttribute, UnicodeAttribute

from complaintdesk.store.models import Item


def short_hash(value: str, length: int = 12) -> str:
    return hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()[:length]


class QuarantineEntry(Item):
    """A message that did not become a ticket or an interaction, with the reason; the raw stays in S3."""

    entry_id = UnicodeAttribute()
    at = UnicodeAttribute()
    reason = UnicodeAttribute()  # short code: unparseable, spam, virus, dmarc, spf, rate_limited, ...
    detail = UnicodeAttribute()  # what a person reads
    bucket = UnicodeAttribute()
    s3_key = UnicodeAttribute()
    kind = UnicodeAttribute(null=True)  # message | auto_reply | bounce | feedback_report, when parsed
    from_address = UnicodeAttribute(null=True)
    subject = UnicodeAttribute(null=True)
    message_id = UnicodeAttribute(null=True)
    dedupe_key = UnicodeAttribute(null=True)
    data = JSONAttribute(default=dict)

    @staticmethod
    def entry_id_for(at: str, dedupe_key: str) -> str:
        """``20261124T190959123-<hash>``: the id carries its own key (month and time), so a GET needs no index."""
        compact = at.replace("-", "").replace(":", "").replace(".", "").rstrip("Z")
        return f"{compact}-{short_hash(dedupe_key, 10)}"

    @staticmethod
    def key_of(entry_id: str) -> tuple[str, str] | None:
        """The (PK, SK) an ``entry_id`` names, or None when it is not one of ours."""
        compact, _, digest = entry_id.partition("-")
        if len(compact) != 18 or not compact[:8].isdigit() or compact[8] != "T" or not digest:
            return None
        if not compact[9:].isdigit():
            return None
        at = (
            f"{compact[0:4]}-{compact[4:6]}-{compact[6:8]}T{compact[9:11]}:{compact[11:13]}:"
            f"{compact[13:15]}.{compact[15:18]}Z"
        )
        return f"QUARANTINE#{at[:7]}", f"{at}#{entry_id}"

    @staticmethod
    def key(at: str, entry_id: str) -> tuple[str, str]:
        return f"QUARANTINE#{at[:7]}", f"{at}#{entry_id}"


class InboundMark(Item):
    """What happened to a message that left no MessageLink (quarantine, bounce without ticket)."""

    SK_VALUE: ClassVar[str] = "OUTCOME"

    outcome = UnicodeAttribute()
    at = UnicodeAttribute()
    s3_key = UnicodeAttribute()
    entry_id = UnicodeAttribute(null=True)
    ticket_id = UnicodeAttribute(null=True)
    expires_at = NumberAttribute(null=True)

    @staticmethod
    def key(dedupe_key: str) -> tuple[str, str]:
        return f"INBOUND#{dedupe_key.strip('<>').lower()}", InboundMark.SK_VALUE


class SenderRate(Item):
    """How many messages one sender address sent in one hour."""

    # The stored name shadows ``Model.count`` (a classmethod this item never uses): items keep it.
    count = NumberAttribute(default=0)  # type: ignore[assignment]
    expires_at = NumberAttribute(null=True)

    @staticmethod
    def key(address: str, hour: str) -> tuple[str, str]:
        return f"MAILRATE#{address.lower()}", hour


class MailReopens(Item):
    """How many times the team was told of a reply to one resolved ticket on one (UTC) day (a reply
    no longer reopens; the name and key stay so counters written before still read)."""

    count = NumberAttribute(default=0)  # type: ignore[assignment]  # as SenderRate.count
    expires_at = NumberAttribute(null=True)

    @staticmethod
    def key(ticket_id: str, day: str) -> tuple[str, str]:
        return f"MAILREOPEN#{ticket_id}", day
