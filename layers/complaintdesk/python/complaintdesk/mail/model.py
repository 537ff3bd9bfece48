"""What parsing an e-mail yields: plain, frozen values with no AWS in them."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

MailKind = Literal["message", "auto_reply", "bounce", "feedback_report", "machine_suspected"]


class MailParseError(Exception):
    """The message cannot be used as a complaint (no sender, empty input); ``reason`` says why."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class Attachment:
    filename: str
    content_type: str
    size: int
    data: bytes = field(repr=False)
    inline: bool = False
    content_id: str | None = None
    # Executable, script, macro-enabled or disk-image type, or a decoy double extension.
    dangerous: bool = False


@dataclass(frozen=True, slots=True)
class Bounce:
    """A delivery failure report (RFC 3464 or a common non-standard shape)."""

    recipients: list[str]
    status: str | None  # enhanced status code such as "5.1.1", when the report gives one
    permanent: bool
    action: str | None = None  # "failed", "delayed", ... from the delivery-status part
    diagnostic: str | None = None


@dataclass(frozen=True, slots=True)
class ParsedEmail:
    message_id: str | None
    dedupe_key: str
    from_address: str
    from_name: str
    to: list[str]
    cc: list[str]
    reply_to: list[str]
    delivered_to: list[str]
    subject: str
    date: datetime | None
    in_reply_to: list[str]
    references: list[str]
    # The whole readable body: text/plain preferred, HTML rendered as text when there is no plain part.
    text: str
    # The body with quoted history removed (signature kept).
    reply_text: str
    # The new part of the message: quoted history and signature removed. This goes on the timeline.
    new_text: str
    attachments: list[Attachment]
    skipped_attachments: list[str]
    auto_submitted: bool
    auto_reason: str | None
    kind: MailKind
    bounce: Bounce | None
    defects: list[str]
    charset_fallbacks: list[str]


@dataclass(frozen=True, slots=True)
class TicketRefs:
    """Everything in a message that may point at an existing ticket (see docs/email-intake.md for the order)."""

    message_ids: list[str]
    subject_ticket_ids: list[str]
    plus_ticket_ids: list[str]

    @property
    def empty(self) -> bool:
        return not (self.message_ids or self.subject_ticket_ids or self.plus_ticket_ids)
