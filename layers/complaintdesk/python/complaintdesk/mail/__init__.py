"""E-mail intake, the pure part: parse raw mail, classify it, and find the ticket it replies to.

No AWS here; the ingest function stores raw mail and attachments and applies the results.
"""

from complaintdesk.mail.classify import classify
from complaintdesk.mail.model import Attachment, Bounce, MailKind, MailParseError, ParsedEmail, TicketRefs
from complaintdesk.mail.parse import (
    DEFAULT_MAX_ATTACHMENT_BYTES,
    DEFAULT_MAX_ATTACHMENTS,
    is_dangerous,
    parse_email,
)
from complaintdesk.mail.references import subject_ticket_ids, ticket_references

__all__ = [
    "DEFAULT_MAX_ATTACHMENTS",
    "DEFAULT_MAX_ATTACHMENT_BYTES",
    "Attachment",
    "Bounce",
    "MailKind",
    "MailParseError",
    "ParsedEmail",
    "TicketRefs",
    "classify",
    "is_dangerous",
    "parse_email",
    "subject_ticket_ids",
    "ticket_references",
]
