"""Reminding the owner team before a step falls due (issue 5).

A scheduled run (``functions/remind``, every 15 minutes on AWS) reads the tickets whose running
step or escalation wait falls due within the lead time — one Query of GSI5 per day the window
touches, never a Scan (``store/tickets.due_between``) — and reminds each one once per step, level
and due time:

1. claim: the ticket gets ``reminded_for = "<step>#<level>#<due_at>"`` by a conditional write
   (the ticket's optimistic lock, and the marker must differ), in one transaction with the
   ``step.reminder`` timeline event, so two concurrent runs cannot both remind;
2. publish ``step.reminder``; the notify function e-mails the owner team.

A new escalation level has a new due time, so it is reminded again. Paused tickets (waiting for
the customer) and resolved ones are not in GSI5 and are never reminded. A reminder whose publish
fails after the claim is not retried (at most once, like every notification).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from complaintdesk import clock
from complaintdesk.errors import Conflict, NotFound
from complaintdesk.lifecycle import ACTIVE_STATUSES, STEP_KINDS  # STEP_KINDS: waits a team works on
from complaintdesk.observability import bind_ticket, logger
from complaintdesk.settings import get_settings
from complaintdesk.store import repository as repo
from complaintdesk.store import tickets as stored
from complaintdesk.store.models import Ticket

ATTEMPTS = 3  # a ticket saved concurrently is read again and judged again, this often


class RemindersFailed(Exception):
    """Some reminders were claimed but could not be published; the run is reported as failed."""


class ScheduledEvent(BaseModel):
    """The EventBridge schedule event that starts a run; only what is logged is read."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True, defer_build=True)

    detail_type: str = Field(default="Scheduled Event", alias="detail-type")
    time: datetime | None = None
    resources: list[str] = Field(default_factory=list)


def lead_time() -> timedelta:
    """``REMINDER_LEAD_MINUTES`` (default 120) before the due time, shrunk by the time scale locally."""
    settings = get_settings()  # checks the number (InvalidSettings, a ValueError, names the variable)
    return timedelta(minutes=settings.reminder_lead_minutes) / settings.time_scale


def marker(ticket: Ticket) -> str:
    """What one reminder is for: the step, its escalation level and that level's due time."""
    return f"{ticket.current_step}#{int(ticket.escalation_level or 0)}#{ticket.step_due_at}"


def why_not(ticket: Ticket, start: datetime, end: datetime) -> str | None:
    """Why this ticket gets no reminder now (None: it does)."""
    if ticket.status not in ACTIVE_STATUSES or ticket.paused_at:
        return "not running"
    if ticket.task_kind not in STEP_KINDS or not ticket.task_token or not ticket.current_step:
        return "no step waiting"  # e.g. completed, and the next step not assigned yet
    if not ticket.step_due_at or not start <= clock.parse_iso(ticket.step_due_at) <= end:
        return "not due in the window"
    if ticket.reminded_for == marker(ticket):
        return "already reminded"
    return None


@dataclass
class Titles:
    """Step titles of the category versions met in one run (one read per version)."""

    cache: dict[tuple[str, int], Any] = field(default_factory=dict)

    def title(self, ticket: Ticket) -> str:
        step = ticket.current_step or ""
        if not ticket.category:
            return step
        key = (ticket.category, int(ticket.category_version or 0))
        if key not in self.cache:
            from complaintdesk.services import categories

            try:
                self.cache[key] = categories.definition(key[0], key[1] or None)
            except NotFound:
                self.cache[key] = None
        defn = self.cache[key]
        try:
            return str(defn.step(step).title) if defn is not None else step
        except KeyError:
            return step


def remind(ticket: Ticket, start: datetime, end: datetime, titles: Titles | None = None) -> str:
    """Remind the owner team of one ticket at most once for its current step, level and due time.

    Returns ``"reminded"`` or why not. A ticket changed since it was read is read again and judged
    again (it may have moved on, or another run may have reminded it).
    """
    titles = titles or Titles()
    current: Ticket | None = ticket
    for _ in range(ATTEMPTS):
        if current is None:
            return "gone"
        reason = why_not(current, start, end)
        if reason:
            return reason
        try:
            return _claim_and_publish(current, start, titles)
        except Conflict:
            current = repo.find(Ticket, Ticket.key(ticket.ticket_id))
    return "busy: changed on every attempt"


def _claim_and_publish(ticket: Ticket, now: datetime, titles: Titles) -> str:
    bind_ticket(ticket.ticket_id)
    mark = marker(ticket)
    due = ticket.step_due_at or ""
    minutes_left = max(0, math.ceil((clock.parse_iso(due) - now).total_seconds() / 60))
    change = ticket.reminded(mark, step_title=titles.title(ticket), minutes_left=minutes_left, at=clock.now())
    # Besides the version lock: a run that read the ticket before another reminded it must fail.
    not_yet = Ticket.reminded_for.does_not_exist() | (Ticket.reminded_for != mark)
    stored.save(ticket, change, not_yet)
    logger().info(
        "step reminder",
        extra={"step": ticket.current_step, "level": int(ticket.escalation_level or 0), "due_at": due},
    )
    return "reminded"


@dataclass
class RunResult:
    checked: int = 0
    reminded: list[str] = field(default_factory=list)
    skipped: dict[str, int] = field(default_factory=dict)
    failed: list[str] = field(default_factory=list)

    def view(self) -> dict[str, Any]:
        return {
            "checked": self.checked,
            "reminded": self.reminded,
            "skipped": self.skipped,
            "failed": self.failed,
        }


def run(now: datetime | None = None, lead: timedelta | None = None) -> dict[str, Any]:
    """One reminder run over every ticket due within ``lead`` (default ``lead_time()``) of ``now``."""
    start = now or clock.now()
    end = start + (lead if lead is not None else lead_time())
    result, titles = RunResult(), Titles()
    for ticket in stored.due_between(start, end):
        result.checked += 1
        try:
            outcome = remind(ticket, start, end, titles)
        except Exception:  # one ticket never stops the others
            logger().exception("reminder failed", extra={"ticket": ticket.ticket_id})
            result.failed.append(ticket.ticket_id)
            continue
        if outcome == "reminded":
            result.reminded.append(ticket.ticket_id)
        else:
            result.skipped[outcome] = result.skipped.get(outcome, 0) + 1
    logger().info(
        "reminders run",
        extra={"window": [clock.iso(start), clock.iso(end)], **result.view()},
    )
    if result.failed:
        raise RemindersFailed(f"{len(result.failed)} reminder(s) failed: {', '.join(result.failed)}")
    return result.view()


def handle_schedule(event: dict[str, Any]) -> dict[str, Any]:
    """The scheduled function's work: check the event's shape, run once."""
    scheduled = ScheduledEvent.model_validate(event or {})
    logger().info(
        "reminder schedule fired",
        extra={"rule": scheduled.resources, "scheduled_for": str(scheduled.time or "")},
    )
    return run()
