"""The customer answered: the one place that decides what a customer's answer does to their ticket,
whatever it came by (an e-mail threaded to the ticket: ``services/email_intake.py``; the API's
``POST /tickets/{id}/comments`` with ``from_customer``: ``services/tickets.add_comment``).

``customer_answered(ticket, at=, channel=, actor=)`` decides, in order, and returns the effect:

1. ``"outside reopen window"``: the ticket is closed, or was resolved longer ago than the reopen
   window (``REOPEN_WINDOW_DAYS``; counted from ``resolved_at``, else the last update). Nothing is
   changed: an e-mail then opens a new ticket linked to this one.
2. ``"resumed"``: a step of the plan waits for the customer: its SLA clock runs again with the time
   it had left (``workflow.customer_replied`` answers the task token, claimed on the ticket first;
   a resume an earlier try claimed but did not finish is finished first).
3. ``"after resolution"``: resolved within the window. Recorded, never reopened (a "thank you" must
   not reopen a complaint; only the customer's rejection through the decision link, or staff,
   reopen): the owner team is told (``tell_owner``: ``resolution.replied`` with the reply and a
   one-call reopen, at most ``late_reply_notices_per_day`` times a UTC day per ticket).
4. ``"recorded"``: open and being worked on.

What is recorded: through the API, ``customer.replied`` on the timeline with the customer's words
(``answer_through_api``); by e-mail, the intake's ``email.received`` entry, and ``customer.replied``
published with the effect's ``resumed`` (``replied_event``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from complaintdesk import clock, events
from complaintdesk.events import EventType
from complaintdesk.lifecycle import AFTER_RESOLUTION, Change
from complaintdesk.settings import get_settings
from complaintdesk.store import repository as repo
from complaintdesk.store.mail_models import MailReopens
from complaintdesk.store.models import Ticket

RESUMED = "resumed"
RECORDED = "recorded"
OUTSIDE_WINDOW = "outside reopen window"
__all__ = [
    "AFTER_RESOLUTION",
    "OUTSIDE_WINDOW",
    "RECORDED",
    "RESUMED",
    "ReplyRules",
    "answer_through_api",
    "customer_answered",
    "replied_event",
    "tell_owner",
]


@dataclass(frozen=True)
class ReplyRules:
    """The limits of a customer's answer; ``from_settings`` reads the deployed values."""

    reopen_window_days: int = 14  # REOPEN_WINDOW_DAYS
    late_reply_notices_per_day: int = 3  # MAIL_LATE_REPLY_NOTICES_PER_DAY

    @classmethod
    def from_settings(cls) -> ReplyRules:
        settings = get_settings()
        return cls(
            reopen_window_days=settings.reopen_window_days,
            late_reply_notices_per_day=settings.mail_late_reply_notices_per_day,
        )

    @property
    def window(self) -> timedelta:
        return timedelta(days=self.reopen_window_days)


def customer_answered(
    ticket: Ticket, *, at: datetime, channel: str, actor: str, rules: ReplyRules | None = None
) -> str:
    """What the customer's answer at ``at`` does to ``ticket`` (the module's rules 1-4)."""
    from complaintdesk.services import workflow

    rules = rules or ReplyRules.from_settings()
    if ticket.status == "closed":
        return OUTSIDE_WINDOW
    if ticket.status == "resolved" and at - _resolved_at(ticket) > rules.window:
        return OUTSIDE_WINDOW
    return workflow.customer_replied(ticket.ticket_id, at=at, channel=channel, actor=actor)


def answer_through_api(ticket: Ticket, body: str, *, actor: str, at: datetime) -> Change:
    """The customer's answer sent through the API: decided first (a failed resume raises and the
    client's retry finishes it), then the ``customer.replied`` entry and event for the caller to save."""
    effect = customer_answered(ticket, at=at, channel="api", actor=actor)
    return ticket.customer_wrote(body, by=actor, at=at, resumed=effect == RESUMED)


def replied_event(ticket: Ticket, *, channel: str, effect: str, at: datetime) -> events.DomainEvent:
    """``customer.replied`` for an answer the caller records on the timeline itself (an e-mail)."""
    return events.event(
        EventType.CUSTOMER_REPLIED,
        ticket.ticket_id,
        events.CustomerReplied(channel=channel, resumed=effect == RESUMED, step=ticket.current_step),
        at=at,
    )


def tell_owner(
    ticket: Ticket, *, effect: str, channel: str, excerpt: str, at: datetime, rules: ReplyRules | None = None
) -> list[events.DomainEvent]:
    """The owner team's ``resolution.replied`` for an answer ``after resolution`` (none for any other
    effect, nor once the ticket's notices of ``at``'s day are spent)."""
    rules = rules or ReplyRules.from_settings()
    if effect != AFTER_RESOLUTION or not _take_late_reply_notice(
        ticket.ticket_id, at, rules.late_reply_notices_per_day
    ):
        return []
    reopen_until = clock.iso(_resolved_at(ticket) + rules.window)
    return ticket.replied_after_resolution(
        channel=channel, excerpt=excerpt, at=at, reopen_until=reopen_until
    ).events


def _resolved_at(ticket: Ticket) -> datetime:
    return clock.parse_iso(ticket.resolved_at or ticket.updated_at)


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
