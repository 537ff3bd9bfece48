"""Keeping everyone informed: domain events in, e-mail (SES) and SMS (SNS) out, each sent at most once.

One event becomes a list of *notices* (template, recipient, channel, context) by the rules below;
each notice is delivered through its own idempotency record keyed
``<event_id>#<template>#<address>#<channel>``, so a redelivered event sends nothing new and a
retry after a partial failure sends only what failed. Every notice ends on the ticket's timeline
as ``notification.sent``, ``notification.failed`` (then re-raised: SQS retries, the DLQ catches
what keeps failing) or ``notification.skipped`` (with the reason).

| event | customer | owner team | managers |
|---|---|---|---|
| ticket.created | ticket.acknowledged | | |
| step.assigned (kind step, level 0) | step.started if customer-visible | step.assigned | |
| step.reminder (before the due time) | | step.reminder | |
| step.completed | step.completed if customer-visible | | |
| customer.waiting | customer.waiting | | |
| ticket.resolved | ticket.resolved (+ recovery actions, accept/reject link) | | |
| resolution.rejected | resolution.rejected (what next, recourse) | resolution.review (the review team) | |
| resolution.replied | | resolution.replied (the reply, one-call reopen) | |
| ticket.survey | ticket.followup, ticket.survey | | |
| ticket.closed / ticket.reopened | ticket.closed / ticket.reopened | | |
| comment.public (an agent's reply) | agent.reply (the agent's words, threaded) | | |
| step.escalated | | | step.escalated to each target of the level |

The pages the customer's links open (status page, survey) are ``services/customer_pages.py``; this
module only signs the links the notices carry (``status_url``, ``survey_url``).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from complaintdesk import aws, clock, idempotency, signing
from complaintdesk.categories import CategoryDefinition, NotifyTarget
from complaintdesk.errors import Conflict
from complaintdesk.events import EventType
from complaintdesk.lifecycle import ACTIVE_STATUSES
from complaintdesk.observability import bind_ticket, emit, logger
from complaintdesk.services import recipients as who
from complaintdesk.services.categories import category_definition as category_definition
from complaintdesk.services.recipients import Recipient
from complaintdesk.services.timeline import new_event
from complaintdesk.settings import get_settings
from complaintdesk.store import repository as repo
from complaintdesk.store.models import Customer, MessageLink, Ticket, TimelineEvent

STATUS_LINK_TTL = int(timedelta(days=180).total_seconds())
SURVEY_LINK_TTL = int(timedelta(days=30).total_seconds())
THREAD_DEPTH = 10  # message ids kept in References
FALLBACK_SMS_SEGMENTS = 4  # an SMS in place of the e-mail: up to 4 parts (~600 GSM / ~260 Unicode letters)
RECENT_EVENTS = 50  # timeline events read for threading and "what was tried"
ATTEMPTS_SHOWN = 5
ACTOR = "complaintdesk"


class DeliveryFailed(Exception):
    """One or more notices of an event could not be sent; the SQS record is retried."""


def status_url(ticket_id: str) -> str:
    token = signing.sign_token("status", ticket_id, STATUS_LINK_TTL)
    return f"{get_settings().public_base_url.rstrip('/')}/status/{token}"


def survey_url(ticket_id: str) -> str:
    token = signing.sign_token("survey", ticket_id, SURVEY_LINK_TTL)
    return f"{get_settings().public_base_url.rstrip('/')}/survey/{token}"


def ticket_url(ticket_id: str) -> str:
    return f"{get_settings().public_base_url.rstrip('/')}/tickets/{ticket_id}"


# --- what one event is about --------------------------------------------------------------------


def step_name(
    defn: CategoryDefinition | None, step_id: str | None, language: str, given: str | None = None
) -> str:
    """A step as ``language`` names it (the category's ``names``); else the title the event carried,
    else the id. ``resolution`` (after the last step) stays a code the locale's labels put in words."""
    if defn is not None and step_id:
        try:
            return defn.step_name(step_id, language)
        except KeyError:
            pass
    return given or step_id or ""


def locale_for(language: str) -> Any:
    """The locale a customer message in ``language`` is written with (its labels: statuses, events)."""
    from complaintdesk.notify.templates import LOCALES, resolve_language

    return LOCALES[resolve_language(language)]


@dataclass
class Facts:
    """Everything the rules read, loaded once per event."""

    event: dict[str, Any]
    ticket: Ticket
    customer: Customer
    defn: CategoryDefinition | None
    recent: list[TimelineEvent]  # newest first

    @property
    def data(self) -> dict[str, Any]:
        return self.event.get("data") or {}

    @property
    def timezone(self) -> str:
        from complaintdesk.services.promises import zone_of

        return zone_of(self.defn)  # an uncategorised ticket: the desk's default calendar

    @property
    def customer_language(self) -> str:
        """The language customer messages are rendered in (as ``render`` resolves it)."""
        from complaintdesk.notify.templates import resolve_language

        return resolve_language(
            who.customer_language(self.customer, self.ticket.language), who.staff_language(self.defn)
        )

    def step_name(self, step_id: str | None, language: str, given: str | None = None) -> str:
        return step_name(self.defn, step_id, language, given)

    def category_name(self, language: str) -> str:
        if self.defn is None:
            return self.ticket.category or ""
        return getattr(self.defn.names, language, None) or self.defn.names.en


@dataclass(frozen=True)
class Notice:
    """One message to one recipient on one channel (``recipient`` None: skipped, ``reason`` says why)."""

    template: str
    ticket_id: str
    customer_id: str
    source_event: str
    context: dict[str, Any] = field(default_factory=dict)
    recipient: Recipient | None = None
    reason: str = ""
    in_reply_to: str | None = None
    references: tuple[str, ...] = ()
    # In-Reply-To is the customer's own message (not one of ours): an acknowledgement then answers it
    answers_customer: bool = False
    # Files an e-mail carries (an agent's reply): metadata from services/attachments.for_reply
    attachments: tuple[dict[str, Any], ...] = ()

    @property
    def key(self) -> str:
        target = self.recipient.key if self.recipient else "skipped"
        return f"{self.source_event}#{self.template}#{target}"


def load_facts(event: dict[str, Any]) -> Facts:
    ticket = repo.get(Ticket, Ticket.key(event["ticket_id"]), "ticket")
    customer = repo.get(Customer, Customer.key(ticket.customer_id), "customer")
    data = event.get("data") or {}
    version = data.get("version") or ticket.category_version
    defn = category_definition(data.get("category") or ticket.category, int(version) if version else None)
    repo.ready()
    recent = list(
        TimelineEvent.query(
            f"TICKET#{ticket.ticket_id}",
            TimelineEvent.SK.startswith("EVENT#"),
            scan_index_forward=False,
            limit=RECENT_EVENTS,
            page_size=RECENT_EVENTS,
        )
    )
    return Facts(event, ticket, customer, defn, recent)


# --- the rules: who hears what ------------------------------------------------------------------


def _thread(facts: Facts) -> tuple[str | None, tuple[str, ...], bool]:
    """In-Reply-To and References for a customer e-mail: the messages of this ticket so far, and
    whether In-Reply-To is the customer's own message.

    In-Reply-To is the newest of them: the customer's own message, or the Message-ID we built for
    ours. References also carries the id SES gave our messages, which is what the customer saw on AWS.
    """
    ids: list[str | None] = []
    parent: str | None = None
    theirs = False
    for item in reversed(facts.recent):  # oldest first
        data = item.data or {}
        if (
            item.event_type == EventType.NOTIFICATION_SENT
            and item.channel == "email"
            and item.visibility == "public"
        ):
            ids += [data.get("message_id"), data.get("ses_thread_id")]
            if data.get("message_id"):
                parent, theirs = data["message_id"], False
        elif item.event_type in (EventType.TICKET_RECEIVED, EventType.EMAIL_RECEIVED) and data.get(
            "message_id"
        ):
            ids.append(data["message_id"])
            parent, theirs = data["message_id"], True
    thread = [i for i in dict.fromkeys(ids) if i][-THREAD_DEPTH:]
    return parent, tuple(thread), theirs


# Why a customer message that asks for something would come too late (None while it holds); the
# rules pass it to ``to_customer(..., passed=...)``. Read when the event is handled and again on every
# redelivery (a notice that failed, an SMS the provider refused, is retried with the facts of that
# moment): a survey answered, a decision accepted or a request answered in between stops the rest.


def survey_passed(facts: Facts) -> str | None:
    return who.SKIP_REASONS["survey_answered"] if facts.ticket.survey else None


def followup_passed(facts: Facts) -> str | None:
    if facts.ticket.status == "closed":
        return who.SKIP_REASONS["ticket_closed"]
    said = {EventType.RESOLUTION_ACCEPTED, EventType.RESOLUTION_REJECTED}
    if any(e.event_type in said for e in _since_last(facts.recent, EventType.TICKET_RESOLVED)):
        return who.SKIP_REASONS["decided"]
    return None


def request_passed(facts: Facts) -> str | None:
    if facts.ticket.status in ("resolved", "closed"):
        return who.SKIP_REASONS[f"ticket_{facts.ticket.status}"]
    answered = {EventType.CUSTOMER_REPLIED, EventType.TICKET_RESUMED}
    if any(e.event_type in answered for e in _since_last(facts.recent, EventType.CUSTOMER_WAITING)):
        return who.SKIP_REASONS["request_answered"]
    return None


def _since_last(recent: list[TimelineEvent], event_type: str) -> list[TimelineEvent]:
    """The events newer than the latest ``event_type`` (``recent`` is newest first); none when
    ``event_type`` is not among them (nothing to compare with: the message goes out)."""
    newer: list[TimelineEvent] = []
    for item in recent:
        if item.event_type == event_type:
            return newer
        newer.append(item)
    return []


def to_customer(
    facts: Facts, template: str, context: dict[str, Any], *, passed: str | None = None
) -> list[Notice]:
    """The notices of one customer message; ``passed``: why it would come too late (then skipped)."""
    ticket = facts.ticket
    base = Notice(template, ticket.ticket_id, ticket.customer_id, facts.event["event_id"])
    if passed is not None:
        return [replace(base, reason=passed)]
    language = who.customer_language(facts.customer, ticket.language)
    chosen, skipped = who.customer_recipients(facts.customer, language)
    if skipped is not None:
        return [replace(base, reason=skipped.reason)]
    full = {
        "ticket_id": ticket.ticket_id,
        "complaint_subject": ticket.subject,
        "status_url": status_url(ticket.ticket_id),
        "timezone": facts.timezone,
        "fallback_language": who.staff_language(facts.defn),
        **context,
    }
    parent, references, theirs = _thread(facts)
    return [
        replace(
            base,
            recipient=r,
            context=full,
            in_reply_to=parent,
            references=references,
            answers_customer=theirs,
        )
        for r in chosen
    ]


def to_staff(facts: Facts, template: str, chosen: list[Recipient], context: dict[str, Any]) -> list[Notice]:
    ticket = facts.ticket
    base = Notice(template, ticket.ticket_id, ticket.customer_id, facts.event["event_id"])
    if not chosen:
        return [replace(base, reason=who.SKIP_REASONS["no_recipient"])]
    notices = []
    for recipient in chosen:
        full = {
            "ticket_id": ticket.ticket_id,
            "complaint_subject": ticket.subject,
            "category_name": facts.category_name(recipient.language),
            "ticket_url": ticket_url(ticket.ticket_id),
            "timezone": facts.timezone,
            **context,
        }
        notices.append(replace(base, recipient=recipient, context=full))
    return notices


def _when(value: Any) -> datetime | None:
    return clock.parse_iso(value) if isinstance(value, str) and value else None


def _deadline(data: dict[str, Any], index: int) -> datetime | None:
    deadlines = ((data.get("clock") or {}).get("deadlines")) or data.get("deadlines") or []
    return _when(deadlines[index]) if 0 <= index < len(deadlines) else None


def on_created(facts: Facts) -> list[Notice]:
    from complaintdesk.services.promises import first_response_due

    due = _when(facts.data.get("first_response_due")) or first_response_due(
        clock.parse_iso(facts.ticket.created_at), facts.defn
    )
    return to_customer(facts, "ticket.acknowledged", {"first_response_due": due})


def _customer_visible(facts: Facts, flag: str, step_id: str | None) -> bool:
    given = facts.data.get("customer_visible")
    if given is not None:
        return bool(given)
    if facts.defn is None or not step_id:
        return False
    try:
        return bool(getattr(facts.defn.step(step_id), flag))
    except KeyError:
        return False


def on_step_assigned(facts: Facts) -> list[Notice]:
    data = facts.data
    if data.get("kind", "step") != "step" or int(data.get("level") or 0) != 0:
        return []  # waits after an escalation: the managers were told by step.escalated
    step_id, team_id = data.get("step"), data.get("team") or facts.ticket.owner_team
    given = data.get("step_title")
    due = _when(data.get("due_at")) or _deadline(data, 0) or _when(facts.ticket.step_due_at)
    notices: list[Notice] = []
    if _customer_visible(facts, "notify_customer_on_start", step_id):
        words = facts.step_name(step_id, facts.customer_language, given)
        notices += to_customer(facts, "step.started", {"step_name": words, "due_at": due})
    if team_id and due is not None:
        team = who.team_recipient(facts.defn, team_id)
        step_name = facts.step_name(step_id, team.language, given)
        reason = " ".join(facts.ticket.description.split())[:300]
        notices += to_staff(
            facts,
            "step.assigned",
            [team],
            {
                "step_name": step_name,
                "due_at": due,
                "team_name": team.name,
                "instructions": _words(data.get("instructions"), team.language)
                or _instructions(facts, step_id, team.language),
                "reason": reason,
            },
        )
    return notices


def _words(value: Any, language: str) -> str:
    """Text in ``language`` from a plain string or a {language: text} mapping (English as the fallback)."""
    if isinstance(value, dict):
        return str(value.get(language) or value.get("en") or "")
    return str(value or "")


def root_cause_words(defn: CategoryDefinition | None, value: str | None, language: str) -> str | None:
    """A root-cause code as the category names it in ``language``; words a ticket without a coded
    list was resolved with stay as written."""
    if defn is not None and value:
        try:
            return defn.root_cause_name(value.strip(), language)
        except KeyError:
            pass
    return value


def _instructions(facts: Facts, step_id: str | None, language: str) -> str:
    if facts.defn is None or not step_id:
        return ""
    try:
        words = facts.defn.step(step_id).instructions
    except KeyError:
        return ""
    return getattr(words, language, "") or words.en


def on_step_completed(facts: Facts) -> list[Notice]:
    data = facts.data
    if not _customer_visible(facts, "notify_customer_on_end", data.get("step")):
        return []
    language = facts.customer_language
    context = {
        "step_name": facts.step_name(data.get("step"), language, data.get("step_title")),
        # after the last step: "resolution", which the locale's labels (next_step_name) put in words
        "next_step_name": facts.step_name(data.get("next_step"), language, data.get("next_step_title"))
        if data.get("next_step") and data.get("next_step") != "resolution"
        else data.get("next_step"),
    }
    return to_customer(facts, "step.completed", context)


def on_customer_waiting(facts: Facts) -> list[Notice]:
    request = facts.data.get("request") or facts.data.get("notes") or ""
    return to_customer(
        facts, "customer.waiting", {"request": request, "reply_by": _when(facts.data.get("reply_by"))}
    )


def on_customer_reminder(facts: Facts) -> list[Notice]:
    """The customer has not answered what the step asked: remind them, with the date after which
    the complaint is closed (or goes to a manager), and the original request again."""
    data = facts.data
    asked = next((e for e in facts.recent if e.event_type == EventType.CUSTOMER_WAITING), None)
    request = (asked.data or {}).get("request") if asked else None
    deadlines = ((data.get("clock") or {}).get("deadlines")) or []
    level_count = 0
    if facts.defn is not None and data.get("step"):
        level_count = len(facts.defn.step(data["step"]).escalation)
    reply_by = _deadline(data, level_count + 1 + int(data.get("reminder") or 0)) if deadlines else None
    context = {
        "request": request or "",
        "reply_by": reply_by,
        "closes": data.get("then", "close") == "close",
    }
    return to_customer(facts, "customer.reminder", context, passed=request_passed(facts))


def recovery_context(actions: list[dict[str, Any]]) -> dict[str, Any]:
    """What the resolution message says about service recovery: an apology, the latest compensation."""
    from complaintdesk.notify.templates import Money

    context: dict[str, Any] = {"apology": any(a.get("type") == "apology" for a in actions)}
    compensations = [a for a in actions if a.get("type") == "compensation"]
    if compensations:
        last = compensations[-1]
        context["compensation_type"] = last.get("compensation_type")
        try:
            amount = Decimal(str(last["amount"])) if last.get("amount") not in (None, "") else None
        except InvalidOperation:
            amount = None
        context["compensation_amount"] = Money(amount, last.get("currency")) if amount is not None else None
    return context


def on_resolved(facts: Facts) -> list[Notice]:
    data, ticket = facts.data, facts.ticket
    actions = list(ticket.recovery_actions or []) or list(data.get("recovery_actions") or [])
    context = {
        "resolution": data.get("resolution") or ticket.resolution or "",
        "root_cause": root_cause_words(
            facts.defn, data.get("root_cause") or ticket.root_cause, facts.customer_language
        ),
        **recovery_context(actions),
        **decision_context(facts),
    }
    return to_customer(facts, "ticket.resolved", context)


def decision_context(facts: Facts) -> dict[str, Any]:
    """The signed accept/reject link of this resolution and until when it takes an answer."""
    from complaintdesk.services import closure

    ticket = facts.ticket
    round_ = int(facts.data.get("round", ticket.resolution_round()))
    resolved = _when(facts.data.get("resolved_at")) or _when(ticket.resolved_at) or clock.now()
    return {
        "decision_url": closure.decision_url(ticket.ticket_id, round_),
        "decision_until": resolved + closure.window(),
    }


def on_resolution_rejected(facts: Facts) -> list[Notice]:
    """The customer rejected the resolution: they hear what happens next and their recourse (in
    their language); the review team gets the complaint with the reason."""
    from complaintdesk.services import closure

    data, ticket = facts.data, facts.ticket
    team_id = data.get("review_team") or ticket.owner_team
    language = who.customer_language(facts.customer, ticket.language)
    customer = to_customer(
        facts,
        "resolution.rejected",
        {
            "reason": data.get("reason"),
            "recourse": closure.recourse_lines(closure.recourse(facts.defn, language)),
        },
    )
    if not team_id:
        return customer
    team = who.team_recipient(facts.defn, team_id)
    staff = to_staff(
        facts,
        "resolution.review",
        [team],
        {
            "team_name": team.name,
            "reason": data.get("reason"),
            "resolution": data.get("resolution"),
            "reopen_count": data.get("reopen_count"),
        },
    )
    return customer + staff


def on_resolution_replied(facts: Facts) -> list[Notice]:
    """The customer wrote to a resolved ticket: the owner team reads it and, if it should, reopens
    with one call (the reply itself reopens nothing)."""
    data, ticket = facts.data, facts.ticket
    team_id = data.get("team") or ticket.owner_team
    if not team_id:
        return []
    team = who.team_recipient(facts.defn, team_id)
    context = {
        "team_name": team.name,
        "reply_excerpt": data.get("excerpt") or "",
        "reopen_call": f"POST {ticket_url(ticket.ticket_id)}/reopen",
        "reopen_until": _when(data.get("reopen_until")),
    }
    return to_staff(facts, "resolution.replied", [team], context)


def on_survey(facts: Facts) -> list[Notice]:
    expires = clock.now() + timedelta(seconds=SURVEY_LINK_TTL)
    return to_customer(facts, "ticket.followup", {}, passed=followup_passed(facts)) + to_customer(
        facts,
        "ticket.survey",
        {"survey_url": survey_url(facts.ticket.ticket_id), "survey_expires": expires},
        passed=survey_passed(facts),
    )


def on_closed(facts: Facts) -> list[Notice]:
    return to_customer(facts, "ticket.closed", {})


def on_reopened(facts: Facts) -> list[Notice]:
    return to_customer(facts, "ticket.reopened", {"reason": facts.data.get("reason")})


def on_comment_public(facts: Facts) -> list[Notice]:
    """An agent's public reply, word for word, on the customer's channels and in the ticket's thread:
    the customer answers it like any of our mails and the answer lands on the same ticket. Files
    the agent named go with the e-mail (an SMS points to the status page)."""
    notices = to_customer(facts, "agent.reply", {"reply_text": facts.data.get("body") or ""})
    files = tuple(facts.data.get("attachments") or ())
    return [replace(notice, attachments=files) for notice in notices] if files else notices


def what_was_tried(facts: Facts, language: str) -> list[str]:
    """The ticket's latest work, for managers, in their language: when (in the category's time zone,
    as the language writes it), what happened (the event type in words), on which step, and the
    notes or comment staff wrote (in their words). Notifications are left out."""
    from complaintdesk.notify.templates import format_moment

    words = locale_for(language).labels.get("event", {})
    lines = []
    for item in facts.recent:
        if item.event_type.startswith("notification."):
            continue
        data = item.data or {}
        what = words.get(item.event_type) or item.event_type.replace(".", " ").replace("_", " ")
        step = data.get("step")
        if step and step != "resolution":
            what += f": {step_name(facts.defn, step, language, data.get('step_title'))}"
        notes = " ".join(str(data.get("notes") or data.get("body") or "").split())[:160]
        when = format_moment(clock.parse_iso(item.at), language, facts.timezone, short=True)
        lines.append(f"{when} — {what}" + (f" ({notes})" if notes else ""))
        if len(lines) == ATTEMPTS_SHOWN:
            break
    return list(reversed(lines))


def on_escalated(facts: Facts) -> list[Notice]:
    data = facts.data
    level = int(data.get("level") or 1)
    targets = [NotifyTarget.model_validate(t) for t in data.get("notify") or []]
    occurred = _when(facts.event.get("occurred_at")) or clock.now()
    step_due = _deadline(data, 0) or _when(facts.ticket.step_due_at) or occurred
    new_deadline = _deadline(data, level) or occurred
    team_id = data.get("team") or facts.ticket.owner_team
    language = who.staff_language(facts.defn)
    context = {
        "step_name": facts.step_name(data.get("step"), language, data.get("step_title")),
        "escalation_level": level,
        "escalation_name": _escalation_name(facts, data.get("step"), level, language),
        "late_by": max(occurred - step_due, timedelta(0)),
        "new_deadline": new_deadline,
        "attempts": what_was_tried(facts, language),
        "team_name": who.team_name(facts.defn, team_id, language),
    }
    return to_staff(facts, "step.escalated", who.escalation_recipients(facts.defn, targets), context)


def _escalation_name(facts: Facts, step_id: str | None, level: int, language: str) -> str | None:
    if facts.defn is None or not step_id:
        return None
    try:
        return facts.defn.escalation_name(step_id, level, language)
    except (KeyError, IndexError):
        return None


def on_step_reminder(facts: Facts) -> list[Notice]:
    """The owner team, before the due time (``services/reminders.py``); nothing once the step moved on."""
    data, ticket = facts.data, facts.ticket
    step_id, team_id = data.get("step"), data.get("team") or ticket.owner_team
    due = _when(data.get("due_at"))
    now = clock.now()
    still_due = (
        ticket.status in ACTIVE_STATUSES
        and not ticket.paused_at
        and ticket.task_kind in ("step", "escalation_wait")
        and ticket.current_step == step_id
        and ticket.step_due_at == data.get("due_at")
    )
    if not still_due or due is None or due <= now or not team_id:
        return []  # completed, escalated, paused or past due before the reminder was handled
    team = who.team_recipient(facts.defn, team_id)
    context = {
        "step_name": facts.step_name(step_id, team.language, data.get("step_title")),
        "due_at": due,
        "time_left": due - now,
        "team_name": team.name,
    }
    return to_staff(facts, "step.reminder", [team], context)


# event → what it becomes (the keys are event types; the template names inside the rules are not)
RULES: dict[EventType, Callable[[Facts], list[Notice]]] = {
    EventType.TICKET_CREATED: on_created,
    EventType.STEP_ASSIGNED: on_step_assigned,
    EventType.STEP_REMINDER: on_step_reminder,
    EventType.STEP_COMPLETED: on_step_completed,
    EventType.CUSTOMER_WAITING: on_customer_waiting,
    EventType.CUSTOMER_REMINDER: on_customer_reminder,
    EventType.TICKET_RESOLVED: on_resolved,
    EventType.TICKET_SURVEY: on_survey,
    EventType.TICKET_CLOSED: on_closed,
    EventType.TICKET_REOPENED: on_reopened,
    EventType.RESOLUTION_REJECTED: on_resolution_rejected,
    EventType.RESOLUTION_REPLIED: on_resolution_replied,
    EventType.COMMENT_PUBLIC: on_comment_public,
    EventType.STEP_ESCALATED: on_escalated,
}


# --- delivery -------------------------------------------------------------------------------------


# RFC 3834 for what we send by itself. A person's words (an agent's reply) carry no Auto-Submitted, so
# the customer's mail system treats them as any letter; an automatic answer to the customer's own
# message is ``auto-replied``; every other notification (status, reminder, survey) ``auto-generated``.
HUMAN_TEMPLATES = frozenset({"agent.reply"})
AUTO_REPLY_TEMPLATES = frozenset({EventType.TICKET_ACKNOWLEDGED.value})


def auto_submitted(notice: Notice) -> str | None:
    """The ``Auto-Submitted`` value of ``notice``'s e-mail, None for none."""
    if notice.template in HUMAN_TEMPLATES:
        return None
    if notice.template in AUTO_REPLY_TEMPLATES and notice.answers_customer:
        return "auto-replied"  # the acknowledgement of a complaint that came by e-mail
    return "auto-generated"  # also the acknowledgement of one filed on the web or by phone


def ses_thread_id(ses_message_id: str) -> str:
    """The Message-ID SES most likely put on a message it sent (it replaces ours), for References only.

    AWS documents that SES replaces the Message-ID, not the domain it uses: mail seen from SES reads
    ``<id@email.amazonses.com>`` (us-east-1) and ``<id@<region>.amazonses.com>``. A wrong guess here
    costs nothing but a References entry the customer's client does not know; the link that threads
    the customer's reply is keyed by the id alone (``message_id_key``), whatever the domain.
    """
    region = get_settings().region
    domain = "email.amazonses.com" if region == "us-east-1" else f"{region}.amazonses.com"
    return f"<{ses_message_id}@{domain}>"


def _whom(recipient: Any) -> dict[str, Any]:
    """Who a notice went to, as codes the console words in the reader's language (the summary says
    it in English): the customer, a team, a team's manager, a role, or an address."""
    if recipient.audience == "customer":
        return {"whom": "customer"}
    for prefix, kind in (("manager of ", "manager"), ("team ", "team"), ("role ", "role")):
        if recipient.why.startswith(prefix):
            return {"whom": kind, "whom_ref": recipient.why[len(prefix) :]}
    return {"whom": "address", "whom_ref": recipient.address}


def _summary(notice: Notice, channel_word: str) -> str:
    recipient = notice.recipient
    whom = "the customer" if recipient is None or recipient.audience == "customer" else recipient.why
    return f"{notice.template} {channel_word} to {whom}"


def _record(
    notice: Notice, event_type: str, summary: str, data: dict[str, Any], at: datetime
) -> TimelineEvent:
    recipient = notice.recipient
    public = (
        recipient is not None
        and recipient.audience == "customer"
        and event_type == EventType.NOTIFICATION_SENT
    )
    return new_event(
        notice.ticket_id,
        notice.customer_id,
        event_type,
        summary,
        actor=ACTOR,
        at=at,
        channel=recipient.channel if recipient else None,
        visibility="public" if public else "internal",
        data={"template": notice.template, "source_event": notice.source_event, **data},
    )


def _send_email(notice: Notice, rendered: Any, at: datetime) -> tuple[dict[str, Any], list[Any]]:
    from complaintdesk.mail.references import SES_DOMAIN
    from complaintdesk.notify.compose import build_email, new_message_id

    settings, recipient = get_settings(), notice.recipient
    assert recipient is not None
    message_id = new_message_id(notice.ticket_id, who.sender_domain())
    files = []
    if notice.attachments:
        from complaintdesk.services.attachments import read_for_mail

        files = read_for_mail(list(notice.attachments))
    message = build_email(
        rendered,
        to=recipient.address,
        to_name=recipient.name,
        sender=settings.sender_address,
        reply_to=signing.reply_address(notice.ticket_id),
        ticket_id=notice.ticket_id,
        message_id=message_id,
        in_reply_to=notice.in_reply_to,
        references=notice.references,
        date=at,
        attachments=files,
        auto_submitted=auto_submitted(notice),
    )
    response = aws.client("ses").send_raw_email(
        Source=settings.sender_address,
        Destinations=[recipient.address],
        RawMessage={"Data": message.as_bytes()},
    )
    ses_id = response.get("MessageId")
    # Our id (what the local outbox and the SES logs show) and SES's (what the customer got on AWS),
    # the latter keyed by the returned id alone: a reply threads whatever amazonses.com domain it quotes.
    keys = [MessageLink.key(message_id)] + ([MessageLink.key(f"<{ses_id}@{SES_DOMAIN}>")] if ses_id else [])
    writes = [
        MessageLink(pk, sk, ticket_id=notice.ticket_id, at=clock.iso(at), direction="out") for pk, sk in keys
    ]
    data = {
        "subject": rendered.subject,
        "message_id": message_id,
        "ses_message_id": ses_id,
        "ses_thread_id": ses_thread_id(ses_id) if ses_id else None,
        "in_reply_to": notice.in_reply_to,
    }
    if files:
        data["attachments"] = [file.filename for file in files]
    return data, writes


def _send_sms(notice: Notice, rendered: Any) -> dict[str, Any]:
    from complaintdesk.notify.sms import analyze, fit

    recipient = notice.recipient
    assert recipient is not None
    if recipient.instead_of_email and rendered.sms_fallback:
        # The customer's only message: the substance (decision, request), shortened to fit.
        text = fit(rendered.sms_fallback, max_segments=FALLBACK_SMS_SEGMENTS)
    else:
        text = fit(rendered.sms, max_segments=2 if "://" in rendered.sms else 1)
    response = aws.client("sns").publish(
        PhoneNumber=recipient.address,
        Message=text,
        MessageAttributes={"AWS.SNS.SMS.SMSType": {"DataType": "String", "StringValue": "Transactional"}},
    )
    shape = analyze(text)
    return {
        "sns_message_id": response.get("MessageId"),
        "segments": shape.segments,
        "encoding": shape.encoding,
    }


def deliver(payload: dict[str, Any]) -> dict[str, Any]:
    """Send one notice and record it; a failure is recorded, counted, then raised."""
    from complaintdesk.notify.templates import render

    notice: Notice = payload["notice"]
    recipient = notice.recipient
    at = clock.now()
    if recipient is None:
        skipped = {"reason": notice.reason, "reason_code": who.skip_reason_code(notice.reason)}
        repo.save(_record(notice, EventType.NOTIFICATION_SKIPPED, f"{notice.template} not sent: {notice.reason}",
                          skipped, at))  # fmt: skip
        logger().info("notification skipped", extra={"template": notice.template, "reason": notice.reason})
        return {"template": notice.template, "channel": None, "result": "skipped"}
    context = {**notice.context, "recipient_name": recipient.name}
    channel_word = "e-mail" if recipient.channel == "email" else "SMS"
    base = {
        "to": recipient.address,
        "audience": recipient.audience,
        "recipient": recipient.why,
        "channel": recipient.channel,
        **_whom(recipient),
    }
    try:
        rendered = render(notice.template, recipient.language, context)
        base["language"] = rendered.language
        if recipient.channel == "email":
            data, writes = _send_email(notice, rendered, at)
        else:
            data, writes = _send_sms(notice, rendered), []
    except Exception as exc:
        failed = {**base, "error": f"{type(exc).__name__}: {exc}"[:500]}
        repo.save(
            _record(
                notice, EventType.NOTIFICATION_FAILED, f"{_summary(notice, channel_word)} failed", failed, at
            )
        )
        emit("NotificationsFailed", channel=recipient.channel)
        logger().warning(
            "notification failed",
            extra={"template": notice.template, "channel": recipient.channel, "error": type(exc).__name__},
        )
        raise
    sent = _record(
        notice, EventType.NOTIFICATION_SENT, f"{_summary(notice, channel_word)} sent", {**base, **data}, at
    )
    emit("NotificationsSent", channel=recipient.channel, template=notice.template)
    result: dict[str, Any] = {"template": notice.template, "channel": recipient.channel, "result": "sent"}
    try:
        repo.save_all([*((w, None) for w in writes), (sent, None)])
    except Exception:
        # Sent, but not recorded. Raising here would make the idempotency guard forget the send and
        # a redelivery would send again: the guard keeps the result, the records ride in it, and
        # ``handle_event`` (now, or on the redelivery that finds this result) writes them.
        logger().warning("notification sent but not recorded", extra={"template": notice.template})
        result["unrecorded"] = [[type(item).__name__, item.serialize()] for item in [*writes, sent]]
    return result


_RECORD_MODELS = {model.__name__: model for model in (TimelineEvent, MessageLink)}


def record_unrecorded(result: dict[str, Any]) -> None:
    """Write what a sent notice could not record (each item once: a repeat finds it there)."""
    items = [_RECORD_MODELS[name].from_raw_data(raw) for name, raw in result.get("unrecorded") or []]
    for item in items:
        with contextlib.suppress(Conflict):  # recorded by an earlier try
            repo.save(item, type(item).PK.does_not_exist())


def handle_event(event: dict[str, Any], lambda_context: Any = None) -> dict[str, Any] | None:
    """One domain event from the events topic. Each notice at most once; failures raise after the rest went."""
    rule = RULES.get(event.get("event_type", ""))
    if rule is None:
        return None
    bind_ticket(event["ticket_id"])
    facts = load_facts(event)
    results, failures = [], []
    for notice in rule(facts):
        try:
            result = idempotency.run(
                "notify",
                deliver,
                {"key": notice.key, "notice": notice},
                key="key",
                lambda_context=lambda_context,
            )
            record_unrecorded(result)
            results.append({k: v for k, v in result.items() if k != "unrecorded"})
        except Exception as exc:  # recorded by deliver; the others still go out
            failures.append(exc)
    logger().info("notifications handled", extra={"event_type": event["event_type"], "results": results})
    if failures:
        raise DeliveryFailed(
            f"{len(failures)} of {len(failures) + len(results)} notifications for {event['event_type']} failed"
        ) from failures[0]
    return {"event_type": event["event_type"], "notifications": results}
