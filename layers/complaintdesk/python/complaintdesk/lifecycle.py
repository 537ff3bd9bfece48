"""The life of a ticket: one method per state change (issue 9).

``TicketLifecycle`` is the behaviour of the stored ``Ticket`` (``store/models.py`` inherits it).
Each method is one transition of the complaint: it checks that the transition is allowed (raising
the domain error the API answers with), changes the ticket's fields — ``updated_at`` included; the
index keys follow the fields whenever the ticket is saved — and returns a ``Change``: the timeline
entries the transition adds and the ``DomainEvent``s it publishes. The table's layout is the
store's: the stored model places the ticket in its indexes and makes the timeline items
(``index_keys``, ``_new_entry``); this module imports nothing of ``complaintdesk.store``.

Nothing here reads a clock, a table or a category: the services compute what needs I/O (the
category definition, schedules, the time) and pass plain values in, then write the change in one
transaction::

    change = ticket.recovery_recorded(action, by=actor, at=clock.now())
    tickets.save(ticket, change)     # ticket, timeline, outbox events: one transaction (store/tickets.py)

Summaries and payloads here are what the timeline shows and the notifications read; tests (and
docs/events.md) hold them to their shape.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Literal

from complaintdesk import clock
from complaintdesk import events as ev
from complaintdesk.errors import Conflict
from complaintdesk.events import EventType
from complaintdesk.workflow.contract import ExecutionInput, execution_name

if TYPE_CHECKING:
    from complaintdesk.categories import CategoryDefinition
    from complaintdesk.store.models import TimelineEvent
    from complaintdesk.workflow.schedule import ClockData

SYSTEM = "complaintdesk"
TicketStatus = Literal["open", "waiting_customer", "resolved", "closed"]  # every status a ticket has
ACTIVE_STATUSES = ("open", "waiting_customer")  # a team's clock may run: queues, due-soon index
STEP_KINDS = ("step", "escalation_wait")  # waits a team works on
CLOSING_KINDS = ("follow_up", "survey")  # waits after the resolution (a reopen answers them)
RESOLUTION = "resolution"  # the ``current_step``/``next_step`` after the plan's last step

# Events that are interactions with the customer also go on the customer's 360 view.
CUSTOMER_INTERACTIONS = frozenset(
    {
        EventType.TICKET_RECEIVED,
        EventType.COMMENT_PUBLIC,
        EventType.EMAIL_RECEIVED,
        EventType.NOTIFICATION_SENT,
        EventType.CUSTOMER_REPLIED,
        EventType.TICKET_RESOLVED,
        EventType.SURVEY_ANSWERED,
        EventType.RESOLUTION_ACCEPTED,
        EventType.RESOLUTION_REJECTED,
    }
)
DECISIONS = ("accepted", "rejected")  # the customer's answers to a resolution (ISO 10002 closing)
AFTER_RESOLUTION = "after resolution"  # a reply to a resolved ticket: recorded, the team told, no reopen


@dataclass(frozen=True)
class PlanStart:
    """A category plan to start once the ticket is saved: StartExecution named after the ticket."""

    state_machine_arn: str
    name: str
    input: str


@dataclass(frozen=True)
class Plan:
    """A published category version to run a ticket on, with its first step's schedule.

    The service reads the version and computes the schedule (business hours, time scale); the
    ticket only takes the values."""

    definition: CategoryDefinition
    version: int
    state_machine_arn: str
    deadlines: list[datetime]  # the first step's due time, then each escalation level's
    clock: ClockData  # the schedule as the execution reads it (``StepSchedule.clock()``)


@dataclass
class Change:
    """What one transition adds besides the ticket's own fields: timeline entries, published events
    and a plan to start. ``ticket_changed`` is False when the ticket item itself is left as it was
    (a note, a customer's reply): then it is not written, so it cannot fail a concurrent writer."""

    entries: list[TimelineEvent] = field(default_factory=list)
    events: list[ev.DomainEvent] = field(default_factory=list)
    start: PlanStart | None = None
    ticket_changed: bool = True

    def __iadd__(self, other: Change) -> Change:
        self.entries += other.entries
        self.events += other.events
        self.start = other.start or self.start
        self.ticket_changed = self.ticket_changed or other.ticket_changed
        return self

    @property
    def empty(self) -> bool:
        return not (self.entries or self.events or self.start)

    @property
    def event_types(self) -> list[EventType]:
        """The published events' types, in order."""
        return [e.event_type for e in self.events]

    @property
    def entry_types(self) -> list[str]:
        """The timeline entries' types, in order."""
        return [str(e.event_type) for e in self.entries]

    def writes(self, ticket: Any = None, condition: Any = None) -> list[tuple[Any, Any]]:
        """``(item, condition)`` pairs: the ticket (if given and changed) first, then the entries."""
        lead = [(ticket, condition)] if ticket is not None and self.ticket_changed else []
        return [*lead, *((entry, None) for entry in self.entries)]

    def save_args(self, ticket: Any = None, condition: Any = None) -> dict[str, Any]:
        """The arguments of ``repository.save_all`` that write this change in one transaction."""
        owner = getattr(ticket, "ticket_id", "") or ""
        return {
            "items": self.writes(ticket, condition),
            "events": list(self.events),
            "start": self.start,
            "ticket_id": owner,
        }


def by_person(actor: str) -> str:
    """The person of a timeline actor (``"ana@example.com (agent)"`` → ``"ana@example.com"``)."""
    return actor.rsplit(" (", 1)[0] if actor.endswith(")") else actor


def _recovery_summary(action: dict[str, Any]) -> str:
    if action["type"] == "apology":
        return "Apology recorded"
    amount = f" {action['amount']} {action['currency']}" if action.get("amount") else ""
    return f"Compensation recorded: {action['compensation_type']}{amount}"


class TicketLifecycle:
    """The transitions of a complaint, mixed into the ``Ticket`` model (which holds the fields)."""

    # The attributes are the model's (store/models.py); this class only adds behaviour.
    ticket_id: Any
    customer_id: Any

    # --- what the stored model supplies (``store.models.Ticket``: the table's layout) ------------

    def index_keys(self) -> None:
        """Place the ticket in the agent queues its current state belongs to. The stored model
        knows the indexes (``store.models.Ticket.index_keys``) and runs it on every save."""
        raise NotImplementedError("the stored Ticket model places tickets in its indexes")

    def _new_entry(
        self, event_type: EventType, summary: str, *, actor: str, at: datetime, **kw: Any
    ) -> TimelineEvent:
        """A timeline entry of this ticket, as the stored model makes it (``store.models.timeline_entry``)."""
        raise NotImplementedError("the stored Ticket model makes timeline entries")

    def _stored_entry(self, raw: dict[str, Any]) -> TimelineEvent:
        """A timeline entry back from its serialized form (a pending answer keeps them so)."""
        raise NotImplementedError("the stored Ticket model makes timeline entries")

    # --- derived fields -------------------------------------------------------------------------

    def _touch(self, at: datetime) -> str:
        t: Any = self
        t.updated_at = clock.iso(at)
        self.index_keys()
        return str(t.updated_at)

    def _entry(self, event_type: EventType, summary: str, *, actor: str, at: datetime, **kw: Any) -> Any:
        return self._new_entry(event_type, summary, actor=actor, at=at, **kw)

    def _event(
        self, event_type: EventType, payload: ev.Payload, *, at: datetime, event_id: str | None = None
    ) -> ev.DomainEvent:
        return ev.event(event_type, self.ticket_id, payload, at=at, event_id=event_id)

    def _change(self, *entries: Any, events: tuple[ev.DomainEvent, ...] = ()) -> Change:
        return Change(entries=list(entries), events=list(events))

    def _recorded(
        self,
        event_type: EventType,
        summary: str,
        payload: ev.Payload,
        *,
        actor: str,
        at: datetime,
        data: dict[str, Any],
        visibility: str = "internal",
    ) -> Change:
        """The common shape: one timeline entry and the published event of the same type."""
        return self._change(
            self._entry(event_type, summary, actor=actor, at=at, visibility=visibility, data=data),
            events=(self._event(event_type, payload, at=at),),
        )

    # --- receipt and the plan ----------------------------------------------------------------------

    @classmethod
    def received(
        cls,
        *,
        ticket_id: str,
        customer_id: str,
        channel: str,
        subject: str,
        description: str,
        language: str,
        actor: str,
        at: datetime,
        first_response_due: datetime,
        priority: str | None = None,
        category: str | None = None,
        product: str | None = None,
        region: str | None = None,
        unit: str | None = None,
        fields: dict[str, Any] | None = None,
        attachments: list[dict[str, Any]] | None = None,
        linked_tickets: set[str] | None = None,
        timeline_data: dict[str, Any] | None = None,
        plan: Plan | None = None,
        requested_remedy: dict[str, Any] | None = None,
    ) -> tuple[Any, Change]:
        """A complaint is received (ISO 10002 receipt): the new ticket, on its plan when it has a
        category, with ``ticket.received`` on the timeline and ``ticket.created`` to publish. The
        remedy the customer asks for, when given, is kept on the ticket and on both."""
        moment = clock.iso(at)
        # ``cls`` is the stored ticket model this mixin is part of: its key and its constructor.
        pk, sk = cls.key(ticket_id)  # type: ignore[attr-defined]
        ticket: Any = cls(  # type: ignore[call-arg]
            pk,
            sk,
            ticket_id=ticket_id,
            status="open",
            priority=priority or "normal",
            channel=channel,
            subject=subject,
            description=description,
            language=language,
            customer_id=customer_id,
            category=category,
            product=product,
            region=region,
            unit=unit,
            fields=fields or {},
            created_at=moment,
            updated_at=moment,
            created_by=actor,
            first_response_due=clock.iso(first_response_due),
            attachments=attachments or [],
            linked_tickets=linked_tickets or None,
            requested_remedy=requested_remedy or None,
        )
        change = ticket.planned(plan, at) if plan is not None else Change()
        received = {**(timeline_data or {"subject": subject}), "channel": channel}
        if requested_remedy:
            received["requested_remedy"] = requested_remedy
        ticket._touch(at)
        change.entries.append(
            ticket._entry(
                EventType.TICKET_RECEIVED,
                f"Complaint received via {channel}",
                actor=actor,
                at=at,
                visibility="public",
                channel=channel,
                data=received,
            )
        )
        change.events.append(
            ticket._event(
                EventType.TICKET_CREATED,
                ev.TicketCreated(
                    customer_id=customer_id,
                    channel=channel,
                    category=category,
                    priority=ticket.priority,
                    language=language,
                    product=product,
                    region=region,
                    unit=unit,
                    first_response_due=clock.iso(first_response_due),
                    **({"requested_remedy": requested_remedy} if requested_remedy else {}),
                ),
                at=at,
            )
        )
        return ticket, change

    def planned(self, plan: Plan, at: datetime) -> Change:
        """Tied to a published category version and its first step (initial assessment). The
        returned change carries the plan start (the publisher starts the execution)."""
        t: Any = self
        defn = plan.definition
        first = defn.steps[0]
        name = execution_name(t.ticket_id)
        t.category_version = int(plan.version)
        t.execution_arn = plan.state_machine_arn.replace(":stateMachine:", ":execution:") + f":{name}"
        t.current_step = t.last_step = first.id
        t.owner_team = first.owner_team
        t.step_started_at = t.task_level_started_at = clock.iso(at)
        t.step_due_at = clock.iso(plan.deadlines[0])
        t.escalation_due_at = [clock.iso(d) for d in plan.deadlines[1:]]
        second = defn.next_step(first.id)
        t.next_step = second.id if second else RESOLUTION
        if t.priority == "normal" and defn.default_priority:
            t.priority = defn.default_priority
        self._touch(at)
        start = PlanStart(
            state_machine_arn=plan.state_machine_arn,
            name=name,
            input=ExecutionInput.first(
                t.ticket_id, t.category, int(plan.version), plan.clock
            ).model_dump_json(),
        )
        return Change(start=start)

    def refuse_while_running(self) -> None:
        """A running plan keeps its category: its SLA clocks are never restarted from zero."""
        t: Any = self
        if t.execution_arn and t.status not in ("closed",):
            raise Conflict(
                f"ticket {t.ticket_id} already runs the {t.category!r} plan; its category "
                "cannot change while the plan runs (its SLA clocks would restart)"
            )

    def runs_plan(self, execution: str) -> bool:
        """Whether the ticket is (still) tied to the execution of that name."""
        arn = getattr(self, "execution_arn", None)
        return bool(arn) and str(arn).endswith(f":{execution}")

    def plan_refused(self, execution: str, code: str, message: str, at: datetime) -> Change:
        """Step Functions refused the plan for good: the complaint stays open without a plan, the
        timeline says why (``workflow.start_failed``); setting the category again retries."""
        t: Any = self
        t.execution_arn = t.current_step = t.owner_team = t.step_due_at = None
        t.escalation_due_at, t.next_step = None, None
        self._touch(at)
        return self._change(
            self._entry(
                EventType.WORKFLOW_START_FAILED,
                f"The {t.category} plan could not start ({code}); set the category again to retry",
                actor=SYSTEM,
                at=at,
                data={"error": message[:500], "category": t.category, "code": code},
                event_id=f"start-failed-{execution}",
            )
        )

    # --- the plan's tasks (the step-assignment function) -----------------------------------------

    def resumes_wait(self, step: str, level: int) -> bool:
        """Whether a task is the same wait again after the customer answered (not a new assignment)."""
        return getattr(self, "resumed_step", None) == f"{step}#{level}"

    def task_taken(self, token: str, kind: str, entered_at: str, attempt: int, at: datetime) -> Change:
        """A callback task of the plan arrived: its token is what an answer will send back."""
        t: Any = self
        t.task_token, t.task_kind, t.task_entered_at = token, kind, entered_at
        t.task_attempt = attempt
        t.resumed_step = None
        self._touch(at)
        return Change()

    def wait_resumed(self, defn: CategoryDefinition, step: str, level: int, deadlines: list[str]) -> Change:
        """The same wait again after the customer answered: the clock goes on, nobody is told twice."""
        t: Any = self
        top = len(defn.step(step).escalation)
        t.step_due_at = deadlines[level] if len(deadlines) > level else t.step_due_at
        # the clock of a silent customer's escalation ends with its customer waits: not levels
        t.escalation_due_at = deadlines[level + 1 : top + 1]
        t.status, t.paused_at = "open", None
        self.index_keys()
        return Change()

    def _enter_level(
        self,
        defn: CategoryDefinition,
        step_id: str,
        level: int,
        deadlines: list[str],
        entered_at: str,
        breached: bool,
    ) -> tuple[Any, str | None]:
        t: Any = self
        step = defn.step(step_id)
        due = deadlines[level] if len(deadlines) > level else None
        if t.owner_team != step.owner_team:  # another team's step: that team has it, no person yet
            t.assignee = t.assigned_at = None
        t.current_step, t.last_step, t.owner_team = step.id, step.id, step.owner_team
        t.escalation_level, t.breached = level, bool(breached or t.breached)
        # The SLA clock of this level starts now; time used before a pause is counted per level.
        t.task_level_started_at = entered_at
        t.consumed_seconds = 0
        t.step_due_at = due
        # the clock of a silent customer's escalation ends with its customer waits: not levels
        t.escalation_due_at = deadlines[level + 1 : len(step.escalation) + 1]
        nxt = defn.next_step(step.id)
        t.next_step = nxt.id if nxt else RESOLUTION
        t.status, t.paused_at = "open", None
        self.index_keys()
        return step, due

    def step_assigned(
        self,
        defn: CategoryDefinition,
        version: int,
        step_id: str,
        *,
        deadlines: list[str],
        entered_at: str,
        at: datetime,
        level: int = 0,
        breached: bool = False,
    ) -> Change:
        """A step of the plan starts: its owner team, due time and escalation deadlines
        (``step.assigned``; the same task delivered twice publishes the same event id)."""
        step, due = self._enter_level(defn, step_id, level, deadlines, entered_at, breached)
        t: Any = self
        t.step_started_at = entered_at
        team = defn.team(step.owner_team).name
        entry = self._entry(
            EventType.STEP_ASSIGNED,
            f"{step.title} assigned to {team}, due {due}",
            actor=SYSTEM,
            at=at,
            data={
                "step": step_id,
                "step_title": step.title,
                "level": level,
                "team": step.owner_team,
                "team_name": team,
                "due_at": due,
                "deadlines": deadlines,
            },
        )
        assigned = self._event(
            EventType.STEP_ASSIGNED,
            ev.StepAssigned(
                category=defn.id,
                version=version,
                step=step.id,
                step_title=step.title,
                team=step.owner_team,
                instructions=step.instructions.model_dump(exclude_none=True),
                kind="step",
                level=0,
                due_at=due,
                deadlines=deadlines,
                customer_visible=step.notify_customer_on_start,
                first_step=step.id == defn.steps[0].id,
            ),
            at=at,
            event_id=f"{t.ticket_id}/assigned/{entered_at}",
        )
        return self._change(entry, events=(assigned,))

    def escalated(
        self,
        defn: CategoryDefinition,
        step_id: str,
        level: int,
        *,
        deadlines: list[str],
        entered_at: str,
        at: datetime,
        breached: bool = False,
    ) -> Change:
        """The step's deadline passed: it waits again at escalation level ``level`` (the state
        machine publishes ``step.escalated`` itself; the timeline says to whom and until when)."""
        step, due = self._enter_level(defn, step_id, level, deadlines, entered_at, breached)
        escalation = step.escalation[level - 1]
        return self._change(
            self._entry(
                EventType.STEP_ESCALATED,
                f"{step.title} escalated to L{level} — {escalation.label}, new deadline {due}",
                actor=SYSTEM,
                at=at,
                data={
                    "step": step_id,
                    "step_title": step.title,
                    "level": level,
                    "label": escalation.label,
                    "notify": [n.model_dump() for n in escalation.notify],
                    "due_at": due,
                },
            )
        )

    def sla_breached(
        self,
        defn: CategoryDefinition,
        step_id: str,
        level: int,
        *,
        deadlines: list[str],
        entered_at: str,
        at: datetime,
    ) -> Change:
        """The top escalation level ran out: the step stays open, marked breached, until done."""
        step, _ = self._enter_level(defn, step_id, level, deadlines, entered_at, True)
        return self._change(
            self._entry(
                EventType.STEP_BREACHED,
                f"{step.title} breached its SLA after the top escalation level; "
                "it stays open until the team completes it",
                actor=SYSTEM,
                at=at,
                data={"step": step_id, "step_title": step.title, "level": level, "team": step.owner_team},
            )
        )

    def parked_for_customer(self, entered_at: str) -> Change:
        """The plan waits for the customer's answer: the team's clock is paused."""
        t: Any = self
        t.status = "waiting_customer"
        t.paused_at = t.paused_at or entered_at
        self.index_keys()
        return Change()

    def awaiting_resolution(self, step: str, level: int, at: datetime) -> Change:
        """Every step of the plan is done: the ticket waits for its resolution."""
        t: Any = self
        t.current_step, t.next_step, t.step_due_at = RESOLUTION, None, None
        t.escalation_level, t.escalation_due_at = 0, None
        self.index_keys()
        return self._change(
            self._entry(
                EventType.RESOLUTION_PENDING,
                "Every step of the plan is done; the ticket waits for its resolution",
                actor=SYSTEM,
                at=at,
                data={"step": step, "level": level},
            )
        )

    # --- the team's answers ----------------------------------------------------------------------

    def first_responded(self, at: datetime) -> Change:
        """The first answer to the customer (reports measure the time to it). Once only."""
        t: Any = self
        if t.first_response_at:
            return Change(ticket_changed=False)
        t.first_response_at = clock.iso(at)
        self._touch(at)
        return Change()

    def _step_outcome(self, defn: CategoryDefinition, step_id: str, outcome: str, notes: str, by: str) -> Any:
        step = defn.step(step_id)
        data = {
            "step": step.id,
            "step_title": step.title,
            "team": step.owner_team,
            "outcome": outcome,
            "notes": notes,
            "by": by,
        }
        return step, data

    def step_completed(
        self, defn: CategoryDefinition, step_id: str, *, notes: str, by: str, at: datetime
    ) -> Change:
        """The owner team completed its step (``step.completed``)."""
        step, data = self._step_outcome(defn, step_id, "done", notes, by)
        nxt = defn.next_step(step.id)
        data.update(
            next_step=nxt.id if nxt else RESOLUTION,
            next_step_title=nxt.title if nxt else "Resolve",
            customer_visible=step.notify_customer_on_end,
            category=defn.id,
        )
        self._touch(at)
        self.first_responded(at)
        summary = f"{step.title} done by {by}" + (f": {notes}" if notes else "")
        return self._recorded(
            EventType.STEP_COMPLETED, summary, ev.StepOutcome(**data), actor=by, at=at, data=data
        )

    def waiting_for_customer(
        self,
        defn: CategoryDefinition,
        step_id: str,
        *,
        notes: str,
        by: str,
        at: datetime,
        used: timedelta,
        reply_by: str | None,
    ) -> Change:
        """The team needs the customer's answer: the step's clock pauses with ``used`` of it spent
        at this level, and the customer is asked (``customer.waiting``, reply by ``reply_by``)."""
        t: Any = self
        step, data = self._step_outcome(defn, step_id, "waiting_for_customer", notes, by)
        data.update(request=notes, reply_by=reply_by)
        t.consumed_seconds = int(t.consumed_seconds or 0) + int(used.total_seconds())
        t.status, t.paused_at = "waiting_customer", clock.iso(at)
        self._touch(at)
        self.first_responded(at)
        return self._recorded(
            EventType.CUSTOMER_WAITING,
            f"{step.title} waits for the customer: {notes or 'information requested'}",
            ev.StepOutcome(**data),
            actor=by,
            at=at,
            data=data,
            visibility="public",
        )

    def resumed_by_customer(
        self, *, channel: str, by: str, at: datetime, due_at: str, recorded_at: datetime
    ) -> Change:
        """The customer answered a step parked for them: its clock runs again from ``at`` with the
        remaining time (due ``due_at``). The entry is timed ``recorded_at`` (just after the reply)."""
        t: Any = self
        paused = clock.parse_iso(t.paused_at) if t.paused_at else at
        t.status, t.paused_at = "open", None
        t.step_due_at = due_at
        t.task_level_started_at = self._touch(at)
        t.resumed_step = f"{t.current_step}#{int(t.escalation_level or 0)}"
        return self._change(
            self._entry(
                EventType.TICKET_RESUMED,
                f"The customer answered by {channel}; the SLA clock runs again "
                f"(paused {int((at - paused).total_seconds())} s, due {due_at})",
                actor=by,
                at=recorded_at,
                data={
                    "channel": channel,
                    "paused_since": clock.iso(paused),
                    "paused_seconds": int((at - paused).total_seconds()),
                    "due_at": due_at,
                },
            )
        )

    # --- answering the plan: claim, then record ---------------------------------------------------

    def claim_answer(self, what: str, output: str, change: Change, at: datetime) -> str:
        """Claim the task's token for an answer: it moves to the pending answer, with what to record
        once Step Functions accepted it (the change's entries and events). Returns the token.

        Saved with the ticket's optimistic lock, a concurrent or repeated answer fails (409)."""
        t: Any = self
        token = t.task_token
        if not token:
            raise Conflict(f"ticket {t.ticket_id} has no task waiting for an answer; {what} was not applied")
        t.task_token, t.task_kind = None, None
        t.pending_token = token
        t.pending_answer = {
            "what": what,
            "output": output,
            "claimed_at": clock.iso(at),
            "records": [entry.serialize() for entry in change.entries],
            "events": [e.model_dump(mode="json") for e in change.events],
        }
        self.index_keys()
        return str(token)

    def pending_change(self) -> Change:
        """What the pending answer promised to record."""
        pending = getattr(self, "pending_answer", None) or {}
        return Change(
            entries=[self._stored_entry(raw) for raw in pending.get("records", [])],
            events=[ev.DomainEvent.model_validate(e) for e in pending.get("events", [])],
        )

    def answer_recorded(self) -> None:
        """The pending answer is finished (accepted and recorded, or refused and said so)."""
        t: Any = self
        t.pending_token = t.pending_answer = None

    def answer_refused(self, what: str, code: str, *, earlier_try: bool, at: datetime) -> Change:
        """Step Functions no longer knows the claimed token (``workflow.answer_refused``)."""
        t: Any = self
        data: dict[str, Any] = {"what": what, "code": code, "earlier_try": earlier_try}
        if not earlier_try:
            summary = f"{what} came too late: the wait had already ended ({code})"
        else:
            # Sent before by a try that failed afterwards, or never accepted: Step Functions no
            # longer knows the token either way; say so rather than guess.
            summary = f"{what}: an earlier try may have reached the plan; the wait has ended ({code})"
            data["pending"] = t.pending_answer or {}
        return self._change(
            self._entry(EventType.WORKFLOW_ANSWER_REFUSED, summary, actor=SYSTEM, at=at, data=data)
        )

    # --- decision and closing ----------------------------------------------------------------------

    def may_resolve(self) -> None:
        t: Any = self
        if t.status in ("resolved", "closed"):
            raise Conflict(f"ticket {t.ticket_id} is already {t.status}")

    def resolved(
        self, *, resolution: str, root_cause: str, by: str, at: datetime, first_step: str | None
    ) -> Change:
        """The decision is communicated (``ticket.resolved``). ``first_step`` is the plan's first
        step: resolved there, never reopened, it counts as resolved at first contact."""
        self.may_resolve()
        t: Any = self
        first_contact = t.reopen_count == 0 and t.last_step in (None, first_step)
        t.status, t.resolved_at, t.resolution, t.root_cause = (
            "resolved",
            clock.iso(at),
            resolution,
            root_cause,
        )
        t.step_due_at, t.escalation_due_at, t.paused_at = None, None, None
        t.current_step, t.next_step = None, None
        self._touch(at)
        self.first_responded(at)
        data = {
            "category": t.category,
            "resolution": resolution,
            "root_cause": root_cause,
            "by": by,
            "recovery_actions": t.recovery_actions or [],
            "first_contact_resolution": first_contact,
            "resolved_at": t.resolved_at,
            "round": self.resolution_round(),
        }
        return self._recorded(
            EventType.TICKET_RESOLVED,
            f"Resolved: {resolution[:160]}",
            ev.TicketResolved(**data),
            actor=by,
            at=at,
            data=data,
            visibility="public",
        )

    def may_reopen(self, at: datetime, window: timedelta) -> None:
        t: Any = self
        if t.status == "closed":
            raise Conflict(f"ticket {t.ticket_id} is closed; open a new ticket linked to it instead")
        if t.status != "resolved":
            raise Conflict(f"ticket {t.ticket_id} is not resolved (status: {t.status})")
        if t.resolved_at and at - clock.parse_iso(t.resolved_at) > window:
            raise Conflict(f"the reopen window ({window.days} days after resolution) has passed")

    def reopened(
        self, *, reason: str, by: str, at: datetime, window: timedelta, restart_due: str | None = None
    ) -> Change:
        """Back to work within the reopen window (``ticket.reopened``). With ``restart_due`` the plan
        restarts the last step, due then; only a closing wait (follow-up, survey) can be answered so."""
        self.may_reopen(at, window)
        t: Any = self
        if restart_due is not None and t.task_kind not in CLOSING_KINDS:
            raise Conflict(f"ticket {t.ticket_id} cannot be reopened right now (waiting for: {t.task_kind})")
        t.status, t.reopen_count = "open", int(t.reopen_count or 0) + 1
        t.resolution = None
        if restart_due is not None:
            t.current_step, t.step_due_at = t.last_step, restart_due
        self._touch(at)
        data = {"by": by, "reason": reason, "reopen_count": t.reopen_count, "step": t.last_step}
        return self._recorded(
            EventType.TICKET_REOPENED,
            f"Reopened: {reason}",
            ev.TicketReopened(**data),
            actor=by,
            at=at,
            data=data,
            visibility="public",
        )

    # --- the customer's answer to the resolution (services/closure.py) ---------------------------

    def resolution_round(self) -> int:
        """Which resolution of the ticket is current: 0 for the first, one more after each reopen.
        A decision link names its round, so a link of an earlier resolution cannot decide a later one."""
        return int(getattr(self, "reopen_count", 0) or 0)

    def decision_for(self, round_: int) -> dict[str, Any] | None:
        """The customer's recorded answer to resolution ``round_``, or None."""
        t: Any = self
        return next((d for d in t.decisions or [] if int(d.get("round", -1)) == round_), None)

    def may_decide(self, round_: int, at: datetime, window: timedelta) -> None:
        """The customer may accept or reject resolution ``round_`` once, while it is the current one
        and within the reopen window (409 otherwise)."""
        t: Any = self
        decided = self.decision_for(round_)
        if decided is not None:
            raise Conflict(f"you already {decided['decision']} the resolution of {t.ticket_id}; thank you")
        if t.status == "closed":
            raise Conflict(f"ticket {t.ticket_id} is closed; open a new complaint and mention {t.ticket_id}")
        if t.status != "resolved" or round_ != self.resolution_round():
            raise Conflict(
                f"this link is for an earlier resolution of {t.ticket_id}; the complaint was reopened"
            )
        if t.resolved_at and at - clock.parse_iso(t.resolved_at) > window:
            raise Conflict(f"the time to answer ({window.days} days after the resolution) has passed")

    def _decided(self, round_: int, decision: str, reason: str | None, at: datetime) -> dict[str, Any]:
        t: Any = self
        record = {
            "round": round_,
            "decision": decision,
            "reason": reason,
            "resolution": t.resolution,
            "at": clock.iso(at),
        }
        t.decisions = [*(t.decisions or []), record]
        return record

    def resolution_accepted(
        self, round_: int, *, by: str, at: datetime, window: timedelta, closes_here: bool
    ) -> Change:
        """The customer accepts the resolution (``resolution.accepted``): the complaint closes now.
        With a plan, its closing wait is answered ``close`` and the plan's "Close" state writes the
        same status again and publishes ``ticket.closed``; without one (``closes_here``) that event
        is published here. (The ticket says closed itself: the plan's write lands while the answer
        is being recorded, and a store that is not atomic across threads — moto — can lose it.)"""
        self.may_decide(round_, at, window)
        t: Any = self
        self._decided(round_, "accepted", None, at)
        t.status, t.closed_at = "closed", clock.iso(at)
        self._touch(at)
        data: dict[str, Any] = {"decision": "accepted", "round": round_}
        change = self._recorded(
            EventType.RESOLUTION_ACCEPTED,
            "The customer accepted the resolution; the complaint is closed",
            ev.ResolutionDecided(decision="accepted", round=round_),
            actor=by,
            at=at,
            data=data,
            visibility="public",
        )
        if closes_here:
            closed = ev.WorkflowEvent(category=t.category, last_outcome="accepted")
            change.events.append(self._event(EventType.TICKET_CLOSED, closed, at=at))
        return change

    def resolution_rejected(
        self,
        round_: int,
        *,
        reason: str | None,
        review_team: str | None,
        by: str,
        at: datetime,
        window: timedelta,
    ) -> Change:
        """The customer rejects the resolution (``resolution.rejected``): the complaint stays open,
        reopened to review by ``review_team`` (its queue), waiting for a new resolution."""
        self.may_decide(round_, at, window)
        t: Any = self
        rejected = self._decided(round_, "rejected", reason, at)
        t.status, t.reopen_count = "open", int(t.reopen_count or 0) + 1
        t.resolution = None
        t.owner_team = review_team or t.owner_team
        if t.execution_arn:
            t.current_step, t.next_step, t.step_due_at = RESOLUTION, None, None
        self._touch(at)
        data = {
            "decision": "rejected",
            "reason": reason,
            "round": round_,
            "review_team": t.owner_team,
            "reopen_count": t.reopen_count,
            "resolution": rejected["resolution"],
        }
        return self._recorded(
            EventType.RESOLUTION_REJECTED,
            "The customer rejected the resolution; the complaint is reviewed again",
            ev.ResolutionDecided(**data),
            actor=by,
            at=at,
            data=data,
            visibility="public",
        )

    def replied_after_resolution(
        self, *, channel: str, excerpt: str, at: datetime, reopen_until: str | None
    ) -> Change:
        """The customer wrote to a resolved ticket: recorded by the caller, never a reopen; the owner
        team is told (``resolution.replied``) and decides. The ticket item is not written."""
        t: Any = self
        told = ev.ResolutionReplied(
            channel=channel, team=t.owner_team, excerpt=excerpt[:1000], reopen_until=reopen_until
        )
        return Change(events=[self._event(EventType.RESOLUTION_REPLIED, told, at=at)], ticket_changed=False)

    def recovery_recorded(self, action: dict[str, Any], *, by: str, at: datetime) -> Change:
        """An apology or a compensation, kept in order on the ticket (``recovery.recorded``)."""
        t: Any = self
        if t.status == "closed":
            raise Conflict(f"ticket {t.ticket_id} is closed; reopen it before recording a recovery action")
        action = {**action, "by": by, "at": clock.iso(at)}
        t.recovery_actions = [*(t.recovery_actions or []), action]
        self._touch(at)
        return self._recorded(
            EventType.RECOVERY_RECORDED,
            _recovery_summary(action),
            ev.RecoveryRecorded(action=action),
            actor=by,
            at=at,
            data={"action": action},
        )

    # --- edits and the conversation ----------------------------------------------------------------

    def updated(
        self,
        *,
        by: str,
        at: datetime,
        priority: str | None = None,
        plan: Plan | None = None,
        fields: dict[str, Any] | None = None,
    ) -> Change:
        """Priority, category (a new plan) or custom fields changed (``ticket.updated``). Priority
        orders the queues; it never restarts or shortens a running SLA clock. An empty change when
        nothing differs."""
        t: Any = self
        changes: dict[str, Any] = {}
        change = Change()
        if priority is not None and priority != t.priority:
            changes["priority"] = {"from": t.priority, "to": priority}
            t.priority = priority
        if plan is not None:
            self.refuse_while_running()
            changes["category"] = {"from": t.category, "to": plan.definition.id}
            t.category = plan.definition.id
            change += self.planned(plan, at)
        if fields is not None and fields != t.fields:
            changes["fields"] = {"from": t.fields, "to": fields}
            t.fields = fields
        if not changes:
            return change
        self._touch(at)
        summary = "Changed " + ", ".join(
            f"{k} to {v['to']}" if k != "fields" else "fields" for k, v in changes.items()
        )
        change += self._recorded(
            EventType.TICKET_UPDATED,
            summary,
            ev.TicketUpdated(changes=changes, by=by),
            actor=by,
            at=at,
            data=changes,
        )
        return change

    def assigned(self, to: str | None, *, by: str, at: datetime) -> Change:
        """Who has the ticket now: a person of the owner team (``to``), or the team alone (None).
        The timeline says who gave it to whom; nothing is published. Empty when nothing changes."""
        t: Any = self
        before = t.assignee
        if to == before:
            return Change(ticket_changed=False)
        t.assignee, t.assigned_at = to, clock.iso(at) if to else None
        self._touch(at)
        team = t.owner_team
        if to is None:
            summary = f"Unassigned from {before}; back to team {team}"
        elif before is None:
            summary = f"Assigned to {to}" + (" (taken)" if by_person(by) == to else "")
        else:
            summary = f"Reassigned from {before} to {to}"
        data = {"from": before, "to": to, "team": team, "by": by}
        return self._change(self._entry(EventType.TICKET_ASSIGNED, summary, actor=by, at=at, data=data))

    def commented(
        self,
        body: str,
        *,
        public: bool,
        by: str,
        at: datetime,
        channel: str = "api",
        attachments: list[dict[str, Any]] | None = None,
    ) -> Change:
        """A note for the team, or a public reply the customer receives (``comment.public``; the
        first one is the first response), with the ticket's files its e-mail carries."""
        kind = EventType.COMMENT_PUBLIC if public else EventType.COMMENT_INTERNAL
        data: dict[str, Any] = {"body": body, "channel": channel}
        if attachments:
            data["attachments"] = attachments
        entry = self._entry(
            kind,
            body[:200],
            actor=by,
            at=at,
            visibility="public" if public else "internal",
            data=data,
        )
        if not public:
            return Change(entries=[entry], ticket_changed=False)
        change = self.first_responded(at)
        change.entries.append(entry)
        change.events.append(
            self._event(
                EventType.COMMENT_PUBLIC,
                ev.CommentPublic(event_id=entry.event_id, body=body, by=by, attachments=attachments or []),
                at=at,
            )
        )
        return change

    def customer_wrote(
        self, body: str, *, by: str, at: datetime, resumed: bool, channel: str = "api"
    ) -> Change:
        """The customer's own answer (``customer.replied``); what it did to the plan (``resumed``)
        was decided and saved before. The ticket item itself is not written."""
        t: Any = self
        entry = self._entry(
            EventType.CUSTOMER_REPLIED,
            body[:200],
            actor=by,
            at=at,
            visibility="public",
            data={"body": body, "channel": channel},
        )
        replied = self._event(
            EventType.CUSTOMER_REPLIED,
            ev.CustomerReplied(channel=channel, resumed=resumed, step=t.current_step),
            at=at,
        )
        return Change(entries=[entry], events=[replied], ticket_changed=False)

    def survey_answered(self, score: int, comment: str | None, at: datetime) -> Change:
        """The customer's 1–5 score and comment, once (``survey.answered``; a second answer is 409)."""
        t: Any = self
        if t.survey:
            raise Conflict(f"the survey for {t.ticket_id} was already answered; thank you")
        answer = {"score": score, "comment": comment, "at": clock.iso(at)}
        t.survey = answer
        self._touch(at)
        return self._change(
            self._entry(
                EventType.SURVEY_ANSWERED,
                f"Survey answered: {score}/5",
                actor="customer",
                at=at,
                visibility="public",
                channel="web",
                data=answer,
            ),
            events=(
                self._event(
                    EventType.SURVEY_ANSWERED, ev.SurveyAnswered(score=score, comment=comment), at=at
                ),
            ),
        )

    def linked(self, other_ticket_id: str, at: datetime) -> Change:
        """A new ticket was opened from this one (a reply after the reopen window)."""
        t: Any = self
        t.linked_tickets = {*(t.linked_tickets or set()), other_ticket_id}
        self._touch(at)
        return Change()

    def reminded(self, marker: str, *, step_title: str, minutes_left: int, at: datetime) -> Change:
        """The owner team is reminded once per step, level and due time (``step.reminder``);
        ``marker`` says which (``reminders.marker``)."""
        t: Any = self
        level = int(t.escalation_level or 0)
        due = t.step_due_at or ""
        data: dict[str, Any] = {
            "category": t.category,
            "version": int(t.category_version) if t.category_version else None,
            "step": t.current_step,
            "step_title": step_title,
            "team": t.owner_team,
            "level": level,
            "due_at": due,
            "minutes_left": minutes_left,
        }
        t.reminded_for = marker
        self._touch(at)
        return self._change(
            self._entry(
                EventType.STEP_REMINDER,
                f"Reminder to {t.owner_team}: {step_title} is due {due} ({minutes_left} min left)",
                actor=SYSTEM,
                at=at,
                data={k: data[k] for k in ("step", "step_title", "level", "team", "due_at", "minutes_left")},
            ),
            events=(
                self._event(
                    EventType.STEP_REMINDER,
                    ev.StepReminder(**data),
                    at=at,
                    event_id=f"{t.ticket_id}/reminder/{marker}",
                ),
            ),
        )
