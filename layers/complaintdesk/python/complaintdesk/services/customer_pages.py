"""The customer's pages behind the signed links: what they show and what they take.
(``complaintdesk.pages`` renders the HTML; ``routes/public.py`` serves them; the links themselves are
signed by ``notifications.status_url`` / ``survey_url``.) A tampered, expired or wrong-purpose token
is 403 (``ticket_for_link``).

- ``status_facts(token)``: what the customer may see, as data (status code, ISO times in UTC, the
  current step in their language, the public timeline as recorded).
- ``public_status(token)``: the status link's JSON view, in words: the same facts with the status,
  the expected dates and each public timeline entry in the customer's language, times in the
  category's time zone.
- ``status_view(token)``: what a page that reads like a letter needs besides: the customer's name
  and language, the time zone of the category's calendar (else the desk's), the public
  conversation (our public replies, the customer's own messages) and each public timeline entry as
  a sentence key with its values.
- ``survey_view(token)``: whom the survey link names, in which language, and the answer already
  given; ``answer_survey(token, data)`` records the 1-5 score once (a second answer is 409);
  ``answer_survey_form`` is the same for the HTML form, whose second post shows the first answer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from complaintdesk import clock, signing
from complaintdesk.categories import CategoryDefinition
from complaintdesk.errors import Conflict, Forbidden
from complaintdesk.events import EventType
from complaintdesk.lifecycle import ACTIVE_STATUSES
from complaintdesk.services import recipients as who
from complaintdesk.services.categories import category_definition
from complaintdesk.services.notifications import locale_for, status_url, step_name
from complaintdesk.store import repository as repo
from complaintdesk.store.models import Customer, Ticket

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
    ticket = repo.get(Ticket, Ticket.key(ticket_id), "ticket")
    return _zone(ticket)


def _zone(ticket: Ticket) -> str:
    """The time zone of the category's calendar, else of the desk's default calendar
    (``promises.zone_of``); UTC when no calendar is known by that id, so a page still renders."""
    from complaintdesk.calendars.registry import UnknownCalendar
    from complaintdesk.services.promises import zone_of

    try:
        return zone_of(_definition(ticket))
    except UnknownCalendar:
        return "UTC"


def _definition(ticket: Ticket) -> CategoryDefinition | None:
    """The definition of the category version the ticket runs on (else the current one, else none)."""
    version = int(ticket.category_version) if ticket.category_version else None
    return category_definition(ticket.category, version)


# --- the link's ticket and what it may show -----------------------------------------------------


def ticket_for_link(token: str, purpose: str) -> Ticket:
    """The ticket a link token names; any token that does not verify for ``purpose`` is refused (403)."""
    try:
        ticket_id = signing.verify_token(token, purpose)
    except signing.TokenError as exc:
        raise Forbidden(f"this {purpose} link is not valid ({exc}); ask us for a new one") from None
    return repo.get(Ticket, Ticket.key(ticket_id), "ticket")


def status_facts(token: str) -> dict[str, Any]:
    """What the customer may see, as data for a page to word: the status code, ISO times (UTC),
    the current step in the customer's language, the public timeline entries as recorded."""
    ticket = ticket_for_link(token, "status")
    return _status_facts(ticket, _definition(ticket))


def _status_facts(ticket: Ticket, defn: CategoryDefinition | None) -> dict[str, Any]:
    customer = repo.get(Customer, Customer.key(ticket.customer_id), "customer")
    language = who.customer_language(customer, ticket.language)
    step = None
    if ticket.current_step and ticket.status in ACTIVE_STATUSES and ticket.current_step != "resolution":
        step = step_name(defn, ticket.current_step, language)
    first_response_by = None
    if not ticket.first_response_at:
        from complaintdesk.services.promises import first_response_due

        first_response_by = ticket.first_response_due or clock.iso(
            first_response_due(clock.parse_iso(ticket.created_at), defn)
        )
    items, _ = repo.timeline(ticket.ticket_id, limit=500, cursor=None)
    category = None
    if defn is not None:
        category = getattr(defn.names, language, None) or defn.names.en
    return {
        "ticket_id": ticket.ticket_id,
        "subject": ticket.subject,
        "status": ticket.status,
        "language": language,
        "category": category,
        "current_step": step,
        "waiting_for_you": ticket.status == "waiting_customer",
        "expected": {
            "first_response_by": first_response_by,
            "current_step_due": ticket.step_due_at if step else None,
        },
        "received_at": ticket.created_at,
        "resolved_at": ticket.resolved_at,
        "closed_at": ticket.closed_at,
        "resolution": ticket.resolution if ticket.resolved_at else None,
        "survey_answered": bool(ticket.survey),
        "timeline": [
            {
                "at": item.at,
                "type": item.event_type,
                "summary": item.summary,
                "channel": item.channel,
                "data": item.data or {},
            }
            for item in items
            if item.visibility == "public"
        ],
    }


def public_status(token: str) -> dict[str, Any]:
    """What the customer may see without logging in, in words: the status, the current step, the
    expected dates and the public timeline in the customer's language, every time in the category's
    time zone as the language writes it. No status code, event type or UTC time reaches the customer."""
    from complaintdesk.notify.templates import format_moment, resolve_language

    ticket = ticket_for_link(token, "status")
    defn = _definition(ticket)
    facts = _status_facts(ticket, defn)
    language = resolve_language(facts["language"], who.staff_language(defn))
    labels = locale_for(language).labels
    from complaintdesk.services.promises import zone_of

    zone = zone_of(defn)

    def when(value: str | None) -> str | None:
        return format_moment(clock.parse_iso(value), language, zone) if value else None

    def entry(item: dict[str, Any]) -> dict[str, Any]:
        events, data = labels.get("event", {}), item["data"]
        if item["type"] == EventType.NOTIFICATION_SENT:
            subject = " ".join(str(data.get("subject") or "").replace(f"[{ticket.ticket_id}]", " ").split())
            said = events["sms_sent"] if item["channel"] == "sms" else events["email_sent"]
            said += f": {subject}" if subject and item["channel"] != "sms" else ""
        elif item["type"] == EventType.COMMENT_PUBLIC and data.get("body"):
            said = str(data["body"])  # our public reply, word for word
        else:
            said = events.get(item["type"]) or events["other"]
        return {"at": when(item["at"]), "summary": said}

    return {
        **facts,
        "language": language,
        "status": labels.get("status", {}).get(facts["status"], facts["status"]),
        "expected": {key: when(value) for key, value in facts["expected"].items()},
        "received_at": when(facts["received_at"]),
        "resolved_at": when(facts["resolved_at"]),
        "closed_at": when(facts["closed_at"]),
        "timeline": [entry(item) for item in facts["timeline"]],
    }


def answer_survey(token: str, data: Any) -> dict[str, Any]:
    """Record the customer's 1–5 score and comment once (a second answer is 409), then publish it."""
    from complaintdesk.schemas import SurveyIn, parse
    from complaintdesk.store import tickets as stored

    answer_in = parse(SurveyIn, data)
    ticket = ticket_for_link(token, "survey")
    for _ in range(3):  # a concurrent change of the ticket (version) is retried; a second answer is not
        change = ticket.survey_answered(answer_in.score, answer_in.comment, clock.now())  # 409 if answered
        try:
            # the survey alone, not a save: the state machine may write the ticket meanwhile (closing)
            stored.update_fields(ticket, change, ["survey"], condition=Ticket.survey.does_not_exist())
        except Conflict:
            ticket = stored.load(ticket.ticket_id)
            continue
        return {"ticket_id": ticket.ticket_id, "survey": ticket.survey}
    raise Conflict("the ticket is being changed right now; please send your answer again")


def answer_survey_form(token: str, data: Any) -> tuple[int, bool]:
    """The survey form's post: (the score, whether it was given just now). A form sent again after
    it was answered shows the answer given before; a ticket busy with another change is still 409."""
    try:
        recorded = answer_survey(token, data)
    except Conflict:
        again = survey_view(token)
        if again.score is None:  # the ticket was busy, not answered
            raise
        return again.score, False
    return int(recorded["survey"]["score"]), True


# --- the letter-like status page and the survey's ---------------------------------------------------


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
    ticket = ticket_for_link(token, "status")
    view = _status_facts(ticket, _definition(ticket))
    customer = repo.get(Customer, Customer.key(ticket.customer_id), "customer")
    items, _ = repo.timeline(ticket.ticket_id, limit=500, cursor=None)
    public = [item for item in items if item.visibility == "public"]
    messages = []
    for item in public:
        if item.event_type in MESSAGES:
            from_us, key = MESSAGES[EventType(item.event_type)]
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
        timezone=_zone(ticket),
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
    ticket = ticket_for_link(token, "survey")
    customer = repo.get(Customer, Customer.key(ticket.customer_id), "customer")
    score = (ticket.survey or {}).get("score")
    return SurveyView(
        ticket_id=ticket.ticket_id,
        language=who.customer_language(customer, ticket.language),
        score=int(score) if score is not None else None,
        status_url=status_url(ticket.ticket_id),
    )
