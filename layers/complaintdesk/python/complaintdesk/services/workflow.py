"""Running a ticket through its category's plan (DESIGN.md decisions 1–3).

Python computes every deadline; Step Functions enforces it. The state machine hands each wait to
the step-assignment function as a task token (``on_task``); people answer that token through the
API (``complete_step``, ``resolve``, ``reopen``) or the customer does by replying
(``customer_replied``). Every answer is claimed on the ticket first, with the ticket's optimistic
lock, so a stale or duplicate answer is refused (409) and never reaches Step Functions twice.
"""

from __future__ import annotations

import contextlib
import json
from datetime import datetime, timedelta
from typing import Any

from complaintdesk import aws, clock
from complaintdesk import events as ev
from complaintdesk.auth import Principal
from complaintdesk.categories import CategoryDefinition
from complaintdesk.errors import Conflict, Forbidden, InvalidInput
from complaintdesk.events import EventType
from complaintdesk.observability import bind_ticket, emit, logger
from complaintdesk.services import categories
from complaintdesk.services.tickets import index_keys, load, ticket_view
from complaintdesk.services.timeline import new_event
from complaintdesk.settings import get_settings
from complaintdesk.store import repository as repo
from complaintdesk.store.models import CategoryVersion, Ticket, TimelineEvent
from complaintdesk.workflow import (
    closing_clock,
    customer_wait_clock,
    customer_wait_index,
    sla_time_used,
    step_schedule,
)
from complaintdesk.workflow.contract import ExecutionInput, TaskAnswer, TaskMessage, execution_name

SYSTEM = "complaintdesk"
STEP_KINDS = ("step", "escalation_wait")
CLOSING_KINDS = ("follow_up", "survey")
ANY_CLOCK = {"seconds": [1]}  # for answers whose next wait has no timeout


def _scale() -> float:
    return get_settings().time_scale


# --- starting a plan -------------------------------------------------------------------------


def plan_ticket(
    ticket: Ticket, at: datetime, plan: tuple[CategoryVersion, CategoryDefinition]
) -> repo.PlanStart:
    """Tie a new (or newly categorised) ticket to a published version (``categories.published``)
    and its first step.

    Sets the ticket's workflow fields (so it reads right at once) and returns the plan start to
    save with the ticket (an outbox item: the publisher starts the execution from the stream);
    nothing is written here.
    """
    item, defn = plan
    first = defn.steps[0]
    schedule = step_schedule(defn, first.id, at, time_scale=_scale())
    name = execution_name(ticket.ticket_id)
    ticket.category_version = int(item.version)
    ticket.execution_arn = item.state_machine_arn.replace(":stateMachine:", ":execution:") + f":{name}"
    ticket.current_step = ticket.last_step = first.id
    ticket.owner_team = first.owner_team
    ticket.step_started_at = ticket.task_level_started_at = clock.iso(at)
    ticket.step_due_at = clock.iso(schedule.deadlines[0])
    ticket.escalation_due_at = [clock.iso(d) for d in schedule.deadlines[1:]]
    second = defn.next_step(first.id)
    ticket.next_step = second.id if second else "resolution"
    if ticket.priority == "normal" and defn.default_priority:
        ticket.priority = defn.default_priority
    return repo.PlanStart(
        state_machine_arn=item.state_machine_arn,
        name=name,
        input=ExecutionInput.first(
            ticket.ticket_id, ticket.category, int(item.version), schedule.clock()
        ).model_dump_json(),
    )


# --- the step-assignment function -----------------------------------------------------------------


def on_task(message: TaskMessage) -> str:
    """Store a callback task's token on the ticket and say what it means (owner, due times, level)."""
    bind_ticket(message.ticket_id)
    for _ in range(5):  # the ticket may be saved concurrently by the API: reload and apply again
        ticket = load(message.ticket_id)
        if ticket.execution_arn and message.execution != ticket.execution_arn:
            return "ignored: message of another execution"
        # A callback whose send Step Functions retried comes again with the same entered_at and a
        # higher attempt: only the newest copy's token is alive.
        if ticket.task_entered_at and (message.entered_at, message.attempt) <= (
            ticket.task_entered_at,
            int(ticket.task_attempt or 0),
        ):
            return "ignored: already applied or older than the current task"
        try:
            return _apply_task(ticket, message)
        except Conflict:
            continue
    raise Conflict(f"ticket {message.ticket_id} kept changing; the message will be retried")


def _apply_task(ticket: Ticket, message: TaskMessage) -> str:
    defn = categories.definition(message.category, message.version)
    # One time format on the ticket (the due-soon index sorts these strings).
    deadlines = [clock.iso(clock.parse_iso(d)) for d in message.clock.deadlines] if message.clock else []
    at = clock.now()
    ticket.task_token, ticket.task_kind, ticket.task_entered_at = (
        message.task_token,
        message.kind,
        message.entered_at,
    )
    ticket.task_attempt = message.attempt
    ticket.updated_at = clock.iso(at)
    writes: list[tuple[Any, Any]] = []
    published: list[ev.DomainEvent] = []

    def event(kind: str, summary: str, **data: Any) -> None:
        writes.append(
            (
                new_event(
                    ticket.ticket_id,
                    ticket.customer_id,
                    kind,
                    summary,
                    actor=SYSTEM,
                    at=at,
                    data={"step": message.step, "level": message.level, **data},
                ),
                None,
            )
        )

    resumed = ticket.resumed_step == f"{message.step}#{message.level}"
    ticket.resumed_step = None
    top = len(defn.step(message.step).escalation) if message.kind in STEP_KINDS else 0
    if message.kind in STEP_KINDS and resumed:
        # The same wait again after the customer answered: the clock goes on, nobody is told twice.
        ticket.task_token, ticket.task_kind, ticket.task_entered_at = (
            message.task_token,
            message.kind,
            message.entered_at,
        )
        level = message.level
        ticket.step_due_at = deadlines[level] if len(deadlines) > level else ticket.step_due_at
        # the clock of a silent customer's escalation ends with its customer waits: not levels
        ticket.escalation_due_at = deadlines[level + 1 : top + 1]
        ticket.status, ticket.paused_at = "open", None
    elif message.kind in STEP_KINDS:
        step = defn.step(message.step)
        level = message.level
        due = deadlines[level] if len(deadlines) > level else None
        ticket.current_step, ticket.last_step, ticket.owner_team = step.id, step.id, step.owner_team
        ticket.escalation_level, ticket.breached = level, bool(message.breached or ticket.breached)
        # The SLA clock of this level starts now; time used before a pause is counted per level.
        ticket.task_level_started_at = message.entered_at
        ticket.consumed_seconds = 0
        ticket.step_due_at = due
        # the clock of a silent customer's escalation ends with its customer waits: not levels
        ticket.escalation_due_at = deadlines[level + 1 : top + 1]
        nxt = defn.next_step(step.id)
        ticket.next_step = nxt.id if nxt else "resolution"
        ticket.status, ticket.paused_at = "open", None
        team = defn.team(step.owner_team).name
        if message.kind == "step":
            ticket.step_started_at = message.entered_at
            event(
                EventType.STEP_ASSIGNED,
                f"{step.title} assigned to {team}, due {due}",
                team=step.owner_team,
                due_at=due,
                deadlines=deadlines,
            )
            published.append(
                ev.event(
                    EventType.STEP_ASSIGNED,
                    ticket.ticket_id,
                    ev.StepAssigned(
                        category=defn.id,
                        version=message.version,
                        step=step.id,
                        step_title=step.title,
                        team=step.owner_team,
                        instructions=step.instructions.model_dump(exclude_none=True),
                        kind=message.kind,
                        level=0,
                        due_at=due,
                        deadlines=deadlines,
                        customer_visible=step.notify_customer_on_start,
                        first_step=step.id == defn.steps[0].id,
                    ),
                    # the same task delivered twice publishes the same event id (notify dedupes on it)
                    event_id=f"{ticket.ticket_id}/assigned/{message.entered_at}",
                    at=at,
                )
            )
        elif message.breached:
            event(
                EventType.STEP_BREACHED,
                f"{step.title} breached its SLA after the top escalation level; "
                "it stays open until the team completes it",
                team=step.owner_team,
            )
            emit("SLABreached", category=defn.id, step=step.id, level="top")
        else:
            label = step.escalation[level - 1].label
            event(
                EventType.STEP_ESCALATED,
                f"{step.title} escalated to L{level} — {label}, new deadline {due}",
                label=label,
                notify=[t.model_dump() for t in step.escalation[level - 1].notify],
                due_at=due,
            )
            emit("SLABreached", category=defn.id, step=step.id, level=level)
            emit("Escalations", category=defn.id)
    elif message.kind == "customer_wait":
        ticket.status = "waiting_customer"
        ticket.paused_at = ticket.paused_at or message.entered_at
    elif message.kind == "resolution":
        ticket.current_step, ticket.next_step, ticket.step_due_at = "resolution", None, None
        ticket.escalation_level, ticket.escalation_due_at = 0, None
        event(
            EventType.RESOLUTION_PENDING,
            "Every step of the plan is done; the ticket waits for its resolution",
        )
    index_keys(ticket)
    repo.save_all([(ticket, None), *writes], events=published)
    logger().info("task stored", extra={"kind": message.kind, "step": message.step, "level": message.level})
    return f"stored {message.kind} {message.step} L{message.level}"


# --- answering a task -------------------------------------------------------------------------------


REFUSED = ("TaskTimedOut", "InvalidToken", "TaskDoesNotExist")
FINISH_ATTEMPTS = 5


def _answer(
    ticket: Ticket,
    answer: TaskAnswer,
    writes: list[tuple[Any, Any]],
    *,
    what: str,
    published: list[ev.DomainEvent] | None = None,
) -> None:
    """Answer the ticket's current task once, and record it only after Step Functions accepted it.

    1. Claim: the token moves from the ticket's task to its pending answer, with what to record
       once it is accepted (optimistic lock: a concurrent or repeated answer fails here, 409).
    2. SendTaskSuccess.
    3. Record: the pending answer is cleared and its timeline entries and events are written.

    A failure at 2 or 3 leaves the claim on the ticket; whoever touches the ticket next (a retried
    request, the redelivered reply, the next task of the execution) finishes it (``settle``).
    """
    token = ticket.task_token
    if not token:
        raise Conflict(f"ticket {ticket.ticket_id} has no task waiting for an answer; {what} was not applied")
    ticket.task_token, ticket.task_kind = None, None
    ticket.pending_token = token
    ticket.pending_answer = {
        "what": what,
        "output": answer.to_output(),
        "claimed_at": clock.iso(clock.now()),
        "records": [item.serialize() for item, _ in writes],
        "events": [e.model_dump(mode="json") for e in published or []],
    }
    index_keys(ticket)
    repo.save_all([(ticket, None)])  # the claim: a concurrent or repeated answer fails here (409)
    _deliver_pending(ticket, first_try=True)


def _deliver_pending(ticket: Ticket, *, first_try: bool) -> str:
    """Send the pending answer and record it (steps 2 and 3 of ``_answer``). Returns what happened."""
    from botocore.exceptions import ClientError

    pending, token = ticket.pending_answer or {}, ticket.pending_token
    what = pending.get("what", "the answer")
    sfn = aws.client("stepfunctions")
    try:
        sfn.send_task_success(taskToken=token, output=pending["output"])
    except ClientError as exc:
        code = exc.response.get("Error", {}).get("Code", "")
        if code not in REFUSED:
            raise  # transient (throttled, unavailable): the claim stays; a retry sends it again
        if first_try:
            refused = new_event(
                ticket.ticket_id,
                ticket.customer_id,
                EventType.WORKFLOW_ANSWER_REFUSED,
                f"{what} came too late: the wait had already ended ({code})",
                actor=SYSTEM,
            )
        else:
            # Sent before by a try that failed afterwards, or never accepted: Step Functions no
            # longer knows the token either way; say so rather than guess.
            refused = new_event(
                ticket.ticket_id,
                ticket.customer_id,
                EventType.WORKFLOW_ANSWER_REFUSED,
                f"{what}: an earlier try may have reached the plan; the wait has ended ({code})",
                actor=SYSTEM,
                data={"pending": pending},
            )
        _finish(ticket.ticket_id, token, [refused], [])
        raise Conflict(
            f"{what} came too late: the step's deadline passed and it moved on; read the ticket and retry"
        ) from None
    records = [TimelineEvent.from_raw_data(raw) for raw in pending.get("records", [])]
    published = [ev.DomainEvent.model_validate(e) for e in pending.get("events", [])]
    _finish(ticket.ticket_id, token, records, published)
    return "answered"


def _finish(ticket_id: str, token: str | None, records: list[Any], published: list[ev.DomainEvent]) -> None:
    """Clear the pending answer and write what it promised, in one transaction. The execution may
    already have moved the ticket on (the next task): reload and apply again on a conflict."""
    for _ in range(FINISH_ATTEMPTS):
        ticket = load(ticket_id)
        if ticket.pending_token != token:
            return  # finished by someone else
        ticket.pending_token = ticket.pending_answer = None
        try:
            repo.save_all([(ticket, None), *((r, None) for r in records)], events=published)
            return
        except Conflict:
            continue
    raise Conflict(f"ticket {ticket_id} kept changing; the answer was accepted and will be recorded on retry")


def settle(ticket: Ticket) -> tuple[Ticket, str | None]:
    """Finish an answer an earlier try claimed but did not finish; returns the ticket as it is now
    and what the pending answer was (or None)."""
    if not ticket.pending_token:
        return ticket, None
    what = (ticket.pending_answer or {}).get("what")
    logger().info("finishing a claimed answer", extra={"what": what})
    with contextlib.suppress(Conflict):  # refused and recorded: the ticket goes on from where it is
        _deliver_pending(ticket, first_try=False)
    return load(ticket.ticket_id), what


def _may_work_on(principal: Principal, ticket: Ticket) -> None:
    if principal.roles & {"manager", "admin"}:
        return
    if "agent" in principal.roles and principal.team in (None, ticket.owner_team):
        return
    raise Forbidden(f"only the owner team ({ticket.owner_team}) or a manager may do this")


def _definition(ticket: Ticket) -> Any:
    return categories.definition(ticket.category or "", int(ticket.category_version or 0) or None)


def complete_step(ticket_id: str, step_id: str, body: dict[str, Any], principal: Principal) -> dict[str, Any]:
    outcome = body.get("outcome", "done")
    if outcome not in ("done", "waiting_for_customer"):
        raise InvalidInput("outcome must be 'done' or 'waiting_for_customer'")
    notes = str(body.get("notes") or "")[:4000]
    what = f"completing {step_id}"
    ticket, finished = settle(load(ticket_id))
    if finished == what:
        return ticket_view(ticket)  # a retry of a completion an earlier try claimed: now recorded
    if "version" in body and body["version"] != ticket.version:
        raise Conflict(
            f"ticket {ticket.ticket_id} is at version {ticket.version}, you sent {body['version']}"
        )
    if ticket.current_step != step_id or ticket.task_kind not in STEP_KINDS or not ticket.task_token:
        raise Conflict(
            f"step {step_id!r} is not waiting for completion on {ticket.ticket_id} "
            f"(current step: {ticket.current_step}, waiting for: {ticket.task_kind})"
        )
    _may_work_on(principal, ticket)
    defn = _definition(ticket)
    step = defn.step(step_id)
    at = clock.now()
    data = {
        "step": step.id,
        "step_title": step.title,
        "team": step.owner_team,
        "outcome": outcome,
        "notes": notes,
        "by": principal.actor,
    }
    if outcome == "done":
        nxt = defn.next_step(step.id)
        answer_clock = step_schedule(defn, nxt.id, at, time_scale=_scale()).clock() if nxt else ANY_CLOCK
        summary = f"{step.title} done by {principal.actor}" + (f": {notes}" if notes else "")
        data.update(
            next_step=nxt.id if nxt else "resolution",
            next_step_title=nxt.title if nxt else "Resolve",
            customer_visible=step.notify_customer_on_end,
            category=defn.id,
        )
        kind = EventType.STEP_COMPLETED
    else:
        running_since = clock.parse_iso(
            ticket.task_level_started_at or ticket.step_started_at or clock.iso(at)
        )
        used = sla_time_used(defn, step.id, running_since, at)
        ticket.consumed_seconds = int(ticket.consumed_seconds or 0) + int(used.total_seconds())
        ticket.status, ticket.paused_at = "waiting_customer", clock.iso(at)
        answer_clock = customer_wait_clock(
            defn, step.id, at, level=int(ticket.escalation_level or 0), time_scale=_scale()
        )
        summary = f"{step.title} waits for the customer: {notes or 'information requested'}"
        deadlines = answer_clock.get("deadlines") or []
        first_wait = customer_wait_index(step, 0)
        data.update(request=notes, reply_by=deadlines[first_wait] if len(deadlines) > first_wait else None)
        kind = EventType.CUSTOMER_WAITING
    ticket.updated_at = clock.iso(at)
    if not ticket.first_response_at:
        ticket.first_response_at = clock.iso(at)
    record = new_event(
        ticket.ticket_id,
        ticket.customer_id,
        kind,
        summary,
        actor=principal.actor,
        at=at,
        visibility="public" if kind == EventType.CUSTOMER_WAITING else "internal",
        data=data,
    )
    _answer(
        ticket,
        TaskAnswer(outcome=outcome, clock=answer_clock, by=principal.actor, notes=notes),
        [(record, None)],
        what=what,
        published=[ev.event(kind, ticket.ticket_id, ev.StepOutcome(**data), at=at)],
    )
    if outcome == "done":
        emit("StepCompleted", category=defn.id, step=step.id)
        started = clock.parse_iso(ticket.step_started_at) if ticket.step_started_at else at
        emit("StepDuration", (at - started).total_seconds(), category=defn.id, step=step.id)
    return ticket_view(ticket)


def resolve(ticket_id: str, body: dict[str, Any], principal: Principal) -> dict[str, Any]:
    """Communicate the decision: resolution text and root cause; then follow-up, survey, close."""
    resolution = str(body.get("resolution") or "").strip()
    root_cause = str(body.get("root_cause") or "").strip()
    if not resolution:
        raise InvalidInput("resolution is required: the explanation the customer will receive")
    if not root_cause:
        raise InvalidInput("root_cause is required (a short code, e.g. carrier-delay, billing-system-error)")
    ticket, finished = settle(load(ticket_id))
    if finished == "resolving":
        return ticket_view(ticket)
    if ticket.status in ("resolved", "closed"):
        raise Conflict(f"ticket {ticket.ticket_id} is already {ticket.status}")
    _may_work_on(principal, ticket)
    at = clock.now()
    defn = _definition(ticket) if ticket.category else None
    first_contact = ticket.reopen_count == 0 and ticket.last_step in (
        None,
        defn.steps[0].id if defn else None,
    )
    ticket.status, ticket.resolved_at, ticket.resolution, ticket.root_cause = (
        "resolved",
        clock.iso(at),
        resolution,
        root_cause,
    )
    ticket.step_due_at, ticket.escalation_due_at, ticket.paused_at = None, None, None
    ticket.current_step, ticket.next_step = None, None
    ticket.updated_at = ticket.resolved_at
    if not ticket.first_response_at:
        ticket.first_response_at = ticket.resolved_at
    data = {
        "category": ticket.category,
        "resolution": resolution,
        "root_cause": root_cause,
        "by": principal.actor,
        "recovery_actions": ticket.recovery_actions or [],
        "first_contact_resolution": first_contact,
        "resolved_at": ticket.resolved_at,
    }
    record = new_event(
        ticket.ticket_id,
        ticket.customer_id,
        EventType.TICKET_RESOLVED,
        f"Resolved: {resolution[:160]}",
        actor=principal.actor,
        at=at,
        visibility="public",
        data=data,
    )
    resolved = ev.event(EventType.TICKET_RESOLVED, ticket.ticket_id, ev.TicketResolved(**data), at=at)
    if ticket.execution_arn:
        answer = TaskAnswer(
            outcome="resolved",
            clock=closing_clock(defn, at, time_scale=_scale()),
            by=principal.actor,
            notes=resolution[:1000],
        )
        _answer(ticket, answer, [(record, None)], what="resolving", published=[resolved])
    else:
        index_keys(ticket)
        repo.save_all([(ticket, None), (record, None)], events=[resolved])
    emit("TicketsResolved", category=ticket.category)
    return ticket_view(ticket)


def reopen(
    ticket_id: str, reason: str, *, actor: str, principal: Principal | None = None, at: datetime | None = None
) -> dict[str, Any]:
    """Back to work on the last step, with a fresh schedule, within the reopen window."""
    ticket, finished = settle(load(ticket_id))
    if finished == "reopening":
        return ticket_view(ticket)
    if principal is not None:
        _may_work_on(principal, ticket)
    at = at or clock.now()
    if ticket.status == "closed":
        raise Conflict(f"ticket {ticket.ticket_id} is closed; open a new ticket linked to it instead")
    if ticket.status != "resolved":
        raise Conflict(f"ticket {ticket.ticket_id} is not resolved (status: {ticket.status})")
    window = timedelta(days=get_settings().reopen_window_days)
    if ticket.resolved_at and at - clock.parse_iso(ticket.resolved_at) > window:
        raise Conflict(f"the reopen window ({window.days} days after resolution) has passed")
    ticket.status, ticket.reopen_count = "open", int(ticket.reopen_count or 0) + 1
    ticket.resolution = None
    ticket.updated_at = clock.iso(at)
    data = {"by": actor, "reason": reason, "reopen_count": ticket.reopen_count, "step": ticket.last_step}
    reopened = ev.event(EventType.TICKET_REOPENED, ticket.ticket_id, ev.TicketReopened(**data), at=at)
    record = new_event(
        ticket.ticket_id,
        ticket.customer_id,
        EventType.TICKET_REOPENED,
        f"Reopened: {reason}",
        actor=actor,
        at=at,
        visibility="public",
        data=data,
    )
    if ticket.execution_arn and ticket.last_step:
        defn = _definition(ticket)
        schedule = step_schedule(defn, ticket.last_step, at, time_scale=_scale())
        ticket.current_step, ticket.step_due_at = ticket.last_step, clock.iso(schedule.deadlines[0])
        if ticket.task_kind not in CLOSING_KINDS:
            raise Conflict(
                f"ticket {ticket.ticket_id} cannot be reopened right now (waiting for: {ticket.task_kind})"
            )
        _answer(
            ticket,
            TaskAnswer(
                outcome="reopen", clock=schedule.clock(), step=ticket.last_step, by=actor, notes=reason
            ),
            [(record, None)],
            what="reopening",
            published=[reopened],
        )
    else:
        index_keys(ticket)
        repo.save_all([(ticket, None), (record, None)], events=[reopened])
    return ticket_view(ticket)


def customer_replied(ticket_id: str, *, at: datetime, channel: str, actor: str) -> str:
    """The customer answered: resume a step parked for them (with its remaining time), or reopen
    a resolved ticket within the window. Returns what happened.

    A resume an earlier try claimed but did not finish (Step Functions refused to answer, the
    function died) is finished first: a redelivered reply lands the resume instead of finding
    nothing to do."""
    ticket, finished = settle(load(ticket_id))
    if finished == "resuming":
        return "resumed"
    if ticket.task_kind == "customer_wait" and ticket.task_token and ticket.current_step:
        defn = _definition(ticket)
        level = int(ticket.escalation_level or 0)
        consumed = timedelta(seconds=int(ticket.consumed_seconds or 0))
        schedule = step_schedule(
            defn, ticket.current_step, at, time_scale=_scale(), consumed=consumed, level=level
        )
        paused = clock.parse_iso(ticket.paused_at) if ticket.paused_at else at
        ticket.status, ticket.paused_at = "open", None
        ticket.step_due_at = clock.iso(schedule.deadlines[level])
        ticket.task_level_started_at = ticket.updated_at = clock.iso(at)
        ticket.resumed_step = f"{ticket.current_step}#{level}"
        record = new_event(
            ticket.ticket_id,
            ticket.customer_id,
            EventType.TICKET_RESUMED,
            f"The customer answered by {channel}; the SLA clock runs again "
            f"(paused {int((at - paused).total_seconds())} s, due {ticket.step_due_at})",
            actor=actor,
            at=max(at + timedelta(milliseconds=1), clock.now()),
            data={"channel": channel, "paused_since": clock.iso(paused)},
        )
        _answer(
            ticket,
            TaskAnswer(outcome="resume", clock=schedule.clock(), by=actor),
            [(record, None)],
            what="resuming",
        )
        return "resumed"
    if ticket.status == "resolved":
        window = timedelta(days=get_settings().reopen_window_days)
        if ticket.resolved_at and at - clock.parse_iso(ticket.resolved_at) <= window:
            # timed just after the reply that caused it, so the timeline reads in order
            reopen(
                ticket_id,
                f"the customer replied by {channel}",
                actor=actor,
                at=at + timedelta(milliseconds=1),
            )
            return "reopened"
        return "outside reopen window"
    return "recorded"


def refuse_while_running(ticket: Ticket) -> None:
    """A running plan keeps its category: its SLA clocks are never restarted from zero."""
    if ticket.execution_arn and ticket.status not in ("closed",):
        raise Conflict(
            f"ticket {ticket.ticket_id} already runs the {ticket.category!r} plan; its category "
            "cannot change while the plan runs (its SLA clocks would restart)"
        )


def change_category(ticket: Ticket, plan: tuple[CategoryVersion, CategoryDefinition]) -> repo.PlanStart:
    """Categorise a ticket that has no running plan (see ``refuse_while_running``). Returns the
    plan to start after the ticket is saved."""
    refuse_while_running(ticket)
    ticket.category = plan[1].id
    return plan_ticket(ticket, clock.now(), plan)


def parse_task_message(body: str) -> TaskMessage:
    return TaskMessage.model_validate(json.loads(body))
