"""What the customer's pages show (``complaintdesk.pages`` renders it; ``routes/public.py`` serves it).

- ``status_view(token, accept_language)``: the status link's JSON view (``notifications.public_status``:
  status, expected dates, public timeline) plus what a page that reads like a letter needs — the
  customer's name and language, the time zone of the category's calendar (else the desk's), the
  public conversation (our public replies, the customer's own messages) and each public timeline
  entry as a sentence key with its values. A tampered, expired or wrong-purpose token is 403.
- ``survey_view(token, accept_language)``: whom the survey link names, in which language, and the
  answer already given (a second answer is refused by ``notifications.answer_survey``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from complaintdesk import clock
from complaintdesk.events import EventType

# Timeline entries the page shows as messages, not as events: (from us, the data field with the text).
MESSAGES = {
    EventType.COMMENT_PUBLIC: (True, "body"),
    EventType.CUSTOMER_REPLIED: (False, "body"),
    EventType.EMAIL_RECEIVED: (False, "new_text"),
}
# Public timeline entries that have a sentence of their own (``event.<type>`` in the page words).
SENTENCES = frozenset(
    {
        EventType.TICKET_RECEIVED,
        EventType.CUSTOMER_WAITING,
        EventType.TICKET_RESOLVED,
        EventType.TICKET_REOPENED,
        EventType.TICKET_CLOSED,
        EventType.SURVEY_ANSWERED,
        EventType.RESOLUTION_ACCEPTED,
        EventType.RESOLUTION_REJECTED,
    }
)


@dataclass(frozen=True)
class Message:
    at: str
    from_us: bool
    text: str


@dataclass(frozen=True)
class Happening:
    """One public timeline entry as a sentence: the page words' key and its values."""

    at: str
    key: str
    values: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class StatusView:
    ticket_id: str
    subject: str
    status: str
    language: str
    timezone: str
    customer_name: str
    category: str | None
    current_step: str | None
    first_response_by: str | None
    current_step_due: str | None
    received_at: str
    resolved_at: str | None
    closed_at: str | None
    resolution: str | None
    messages: list[Message]
    timeline: list[Happening]
    now: datetime
    decision_url: str | None = None  # while a resolution waits for the customer's answer

    def next_step(self) -> tuple[str, dict[str, Any], bool]:
        """(words key, values, late) of "what happens next": an open ticket never promises a time
        already past — a late step or first answer is said to be late and followed."""
        if self.status == "waiting_customer":
            return "next.waiting", {}, False
        if self.status in ("resolved", "closed"):
            return f"next.{self.status}", {}, False
        if self.current_step and self.current_step_due:
            due = clock.parse_iso(self.current_step_due)
            late = due <= self.now
            return (
                ("next.step_late" if late else "next.step_due"),
                {"step": self.current_step, "due": due},
                late,
            )
        if self.first_response_by:
            due = clock.parse_iso(self.first_response_by)
            late = due <= self.now
            return ("next.first_response_late" if late else "next.first_response"), {"due": due}, late
        return "next.working", {}, False


def ticket_zone(ticket_id: str) -> str:
    """The time zone the customer's dates of ``ticket_id`` are written in (see ``_zone``)."""
    from complaintdesk.store import repository as repo
    from complaintdesk.store.models import Ticket

    ticket = repo.get(Ticket, Ticket.key(ticket_id), "ticket")
    return _zone(ticket.category, ticket.category_version)


def _zone(category: str | None, version: int | None) -> str:
    """The time zone of the category's calendar, else of the desk's default calendar
    (``promises.zone_of``); UTC when no calendar is known by that id, so a page still renders."""
    from complaintdesk.calendars.registry import UnknownCalendar
    from complaintdesk.services.notifications import category_definition
    from complaintdesk.services.promises import zone_of

    try:
        return zone_of(category_definition(category, version))
    except UnknownCalendar:
        return "UTC"


def _happening(item: Any) -> Happening | None:
    data = item.data or {}
    if item.event_type in MESSAGES:
        return None
    if item.event_type == EventType.NOTIFICATION_SENT:
        if item.channel == "sms":
            return Happening(item.at, "event.sms_sent")
        subject = _without_ticket_token(str(data.get("subject") or ""), item.ticket_id)
        if subject:
            return Happening(item.at, "event.email_sent", {"subject": subject})
        return Happening(item.at, "event.email_sent_plain")
    if item.event_type == EventType.SURVEY_ANSWERED:
        return Happening(item.at, "event.survey.answered", {"score": data.get("score", "")})
    if item.event_type in SENTENCES:
        return Happening(item.at, f"event.{item.event_type}")
    return Happening(item.at, "event.other")


def _without_ticket_token(subject: str, ticket_id: str) -> str:
    token = f"[{ticket_id}]"
    return " ".join(subject.replace(token, " ").split())


def status_view(token: str) -> StatusView:
    """The status page's content for the ticket the status link names (403 if it does not verify)."""
    from complaintdesk.services import recipients as who
    from complaintdesk.services.notifications import _ticket_for, status_facts
    from complaintdesk.store import repository as repo
    from complaintdesk.store.models import Customer

    view = status_facts(token)  # the data (codes, ISO times); public_status words it
    ticket = _ticket_for(token, "status")
    customer = repo.get(Customer, Customer.key(ticket.customer_id), "customer")
    items, _ = repo.timeline(ticket.ticket_id, limit=500, cursor=None)
    public = [item for item in items if item.visibility == "public"]
    messages = []
    for item in public:
        if item.event_type in MESSAGES:
            from_us, key = MESSAGES[item.event_type]
            text = str((item.data or {}).get(key) or item.summary or "").strip()
            if text:
                messages.append(Message(item.at, from_us, text))
    happenings = [h for h in (_happening(item) for item in public) if h is not None]
    decision_url = None
    if ticket.status == "resolved" and ticket.decision_for(ticket.resolution_round()) is None:
        from complaintdesk.services.closure import decision_url as signed_decision_url

        decision_url = signed_decision_url(ticket.ticket_id, ticket.resolution_round())
    return StatusView(
        ticket_id=view["ticket_id"],
        subject=view["subject"],
        status=view["status"],
        language=who.customer_language(customer, ticket.language),
        timezone=_zone(ticket.category, ticket.category_version),
        customer_name=customer.name,
        category=view.get("category"),
        current_step=view.get("current_step"),
        first_response_by=view["expected"].get("first_response_by"),
        current_step_due=view["expected"].get("current_step_due"),
        received_at=view["received_at"],
        resolved_at=view.get("resolved_at"),
        closed_at=view.get("closed_at"),
        resolution=view.get("resolution"),
        messages=messages,
        timeline=happenings,
        now=clock.now(),
        decision_url=decision_url,
    )


@dataclass(frozen=True)
class SurveyView:
    ticket_id: str
    language: str
    score: int | None  # the answer given before, if any
    status_url: str


def survey_view(token: str) -> SurveyView:
    """Whom the survey link names and whether they answered (403 if the link does not verify)."""
    from complaintdesk.services import recipients as who
    from complaintdesk.services.notifications import _ticket_for, status_url
    from complaintdesk.store import repository as repo
    from complaintdesk.store.models import Customer

    ticket = _ticket_for(token, "survey")
    customer = repo.get(Customer, Customer.key(ticket.customer_id), "customer")
    score = (ticket.survey or {}).get("score")
    return SurveyView(
        ticket_id=ticket.ticket_id,
        language=who.customer_language(customer, ticket.language),
        score=int(score) if score is not None else None,
        status_url=status_url(ticket.ticket_id),
    )
