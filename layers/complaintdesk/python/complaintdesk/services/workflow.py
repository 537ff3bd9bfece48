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
from typing import TYPE_CHECKING, Any

from complaintdesk import aws, clock
from complaintdesk.auth import Principal
from complaintdesk.categories import CategoryDefinition
from complaintdesk.errors import Conflict, Forbidden
from complaintdesk.lifecycle import AFTER_RESOLUTION, CLOSING_KINDS, STEP_KINDS, Change, Plan
from complaintdesk.observability import bind_ticket, emit, logger
from complaintdesk.services import categories
from complaintdesk.services.ticket_views import ticket_view
from complaintdesk.settings import get_settings
from complaintdesk.store import repository as repo
from complaintdesk.store import teams as stored_teams
from complaintdesk.store import tickets as stored
from complaintdesk.store.models import CategoryVersion, Ticket
from complaintdesk.store.tickets import load
from complaintdesk.workflow import (
    closing_clock,
    customer_wait_clock,
    customer_wait_index,
    sla_time_used,
    step_schedule,
)
from complaintdesk.workflow.contract import Clock, TaskAnswer, TaskMessage
from complaintdesk.workflow.schedule import ClockData

if TYPE_CHECKING:  # the API's models: the step-assignment function imports this module without them
    from complaintdesk.schemas import StepComplete, TicketResolve

ANY_CLOCK: ClockData = {"seconds": [1], "deadlines": []}  # for answers whose next wait has no timeout


def _scale() -> float:
    return get_settings().time_scale


# --- starting a plan -------------------------------------------------------------------------


def plan_for(published: tuple[CategoryVersion, CategoryDefinition], at: datetime) -> Plan:
    """A published version (``categories.published``) with its first step's schedule from ``at``:
    what ``Ticket.planned`` (through ``received`` or ``updated``) ties a ticket to."""
    item, defn = published
    schedule = step_schedule(defn, defn.steps[0].id, at, time_scale=_scale())
    return Plan(
        definition=defn,
        version=int(item.version),
        state_machine_arn=item.state_machine_arn,
        deadlines=list(schedule.deadlines),
        clock=schedule.clock(),
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
    kind, step, level = message.kind, message.step, message.level
    resumed = ticket.resumes_wait(step, level)
    change = ticket.task_taken(message.task_token, kind, message.entered_at, message.attempt, at)
    entered = message.entered_at
    if kind in STEP_KINDS and resumed:
        change += ticket.wait_resumed(defn, step, level, deadlines)
    elif kind == "step":
        change += ticket.step_assigned(
            defn,
            message.version,
            step,
            level=level,
            breached=message.breached,
            deadlines=deadlines,
            entered_at=entered,
            at=at,
        )
    elif kind in STEP_KINDS and message.breached:
        change += ticket.sla_breached(defn, step, level, deadlines=deadlines, entered_at=entered, at=at)
        emit("SLABreached", category=defn.id, step=step, level="top")
    elif kind in STEP_KINDS:
        change += ticket.escalated(defn, step, level, deadlines=deadlines, entered_at=entered, at=at)
        emit("SLABreached", category=defn.id, step=step, level=level)
        emit("Escalations", category=defn.id)
    elif kind == "customer_wait":
        change += ticket.parked_for_customer(message.entered_at)
    elif kind == "resolution":
        change += ticket.awaiting_resolution(step, level, at)
    stored.save(ticket, change)
    logger().info("task stored", extra={"kind": kind, "step": step, "level": level})
    return f"stored {kind} {step} L{level}"


# --- answering a task -------------------------------------------------------------------------------


REFUSED = ("TaskTimedOut", "InvalidToken", "TaskDoesNotExist")
FINISH_ATTEMPTS = 5


def _answer(ticket: Ticket, answer: TaskAnswer, change: Change, *, what: str) -> None:
    """Answer the ticket's current task once, and record it only after Step Functions accepted it.

    1. Claim: the token moves from the ticket's task to its pending answer, with what to record
       once it is accepted (optimistic lock: a concurrent or repeated answer fails here, 409).
    2. SendTaskSuccess.
    3. Record: the pending answer is cleared and its timeline entries and events are written.

    A failure at 2 or 3 leaves the claim on the ticket; whoever touches the ticket next (a retried
    request, the redelivered reply, the next task of the execution) finishes it (``settle``).
    """
    ticket.claim_answer(what, answer.to_output(), change, clock.now())
    repo.save_all([(ticket, None)])  # the claim: a concurrent or repeated answer fails here (409)
    _deliver_pending(ticket, first_try=True)


def answer_closing_wait(ticket: Ticket, answer: TaskAnswer, change: Change, *, what: str) -> None:
    """Answer the plan's closing wait (follow-up or survey) — the customer's decision on the
    resolution (``services/closure.py``). 409 while the plan has not reached that wait yet."""
    if ticket.task_kind not in CLOSING_KINDS or not ticket.task_token:
        raise Conflict(
            f"ticket {ticket.ticket_id} is still finishing its resolution (waiting for: "
            f"{ticket.task_kind}); please try again in a minute"
        )
    _answer(ticket, answer, change, what=what)


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
        refused = ticket.answer_refused(what, code, earlier_try=not first_try, at=clock.now())
        _finish(ticket.ticket_id, token, refused)
        raise Conflict(
            f"{what} came too late: the step's deadline passed and it moved on; read the ticket and retry"
        ) from None
    _finish(ticket.ticket_id, token, ticket.pending_change())
    return "answered"


def _finish(ticket_id: str, token: str | None, change: Change) -> None:
    """Clear the pending answer and write what it promised, in one transaction. The execution may
    already have moved the ticket on (the next task): reload and apply again on a conflict."""
    for _ in range(FINISH_ATTEMPTS):
        ticket = load(ticket_id)
        if ticket.pending_token != token:
            return  # finished by someone else
        ticket.answer_recorded()
        try:
            stored.save(ticket, change)
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
    """Managers and admins work on any ticket; an agent on a ticket whose owner team they are a
    member of, as stored now (``store/teams.py``, read once per request: a member moved to another
    team loses it on their next request, not at their next sign-in), or on one no team owns (no
    plan yet, or its plan refused). The ``custom:team`` claim counts for nothing (docs/decisions.md)."""
    if principal.roles & {"manager", "admin"}:
        return
    team = ticket.owner_team
    if "agent" in principal.roles and (not team or principal.username.lower() in stored_teams.members(team)):
        return
    raise Forbidden(f"only a member of the owner team ({ticket.owner_team}) or a manager may do this")


def _definition(ticket: Ticket) -> Any:
    return categories.definition(ticket.category or "", int(ticket.category_version or 0) or None)


def complete_step(
    ticket_id: str, step_id: str, body: StepComplete | dict[str, Any], principal: Principal
) -> dict[str, Any]:
    from complaintdesk.schemas import StepComplete, parse

    request = parse(StepComplete, body)
    outcome, notes = request.outcome, request.notes
    what = f"completing {step_id}"
    ticket, finished = settle(load(ticket_id))
    if finished == what:
        return ticket_view(ticket)  # a retry of a completion an earlier try claimed: now recorded
    if request.version is not None and request.version != ticket.version:
        raise Conflict(
            f"ticket {ticket.ticket_id} is at version {ticket.version}, you sent {request.version}"
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
    if outcome == "done":
        nxt = defn.next_step(step.id)
        answer_clock = step_schedule(defn, nxt.id, at, time_scale=_scale()).clock() if nxt else ANY_CLOCK
        change = ticket.step_completed(defn, step.id, notes=notes, by=principal.actor, at=at)
    else:
        running_since = clock.parse_iso(
            ticket.task_level_started_at or ticket.step_started_at or clock.iso(at)
        )
        answer_clock = customer_wait_clock(
            defn, step.id, at, level=int(ticket.escalation_level or 0), time_scale=_scale()
        )
        deadlines = answer_clock.get("deadlines") or []
        first_wait = customer_wait_index(step, 0)
        change = ticket.waiting_for_customer(
            defn,
            step.id,
            notes=notes,
            by=principal.actor,
            at=at,
            used=sla_time_used(defn, step.id, running_since, at),
            reply_by=deadlines[first_wait] if len(deadlines) > first_wait else None,
        )
    _answer(
        ticket,
        TaskAnswer(outcome=outcome, clock=Clock(**answer_clock), by=principal.actor, notes=notes),
        change,
        what=what,
    )
    if outcome == "done":
        emit("StepCompleted", category=defn.id, step=step.id)
        started = clock.parse_iso(ticket.step_started_at) if ticket.step_started_at else at
        emit("StepDuration", (at - started).total_seconds(), category=defn.id, step=step.id)
    return ticket_view(ticket)


def resolve(ticket_id: str, body: TicketResolve | dict[str, Any], principal: Principal) -> dict[str, Any]:
    """Communicate the decision: resolution text and root cause; then follow-up, survey, close."""
    from complaintdesk.schemas import TicketResolve, parse

    request = parse(TicketResolve, body)
    resolution, root_cause = request.resolution, request.root_cause
    ticket, finished = settle(load(ticket_id))
    if finished == "resolving":
        return ticket_view(ticket)
    ticket.may_resolve()
    _may_work_on(principal, ticket)
    at = clock.now()
    defn = _definition(ticket) if ticket.category else None
    if defn is not None:
        root_cause = defn.check_root_cause(root_cause)  # a coded cause of the category (400 otherwise)
    change = ticket.resolved(
        resolution=resolution,
        root_cause=root_cause,
        by=principal.actor,
        at=at,
        first_step=defn.steps[0].id if defn else None,
    )
    if ticket.execution_arn:
        assert defn is not None, "a ticket on a plan has a category"
        answer = TaskAnswer(
            outcome="resolved",
            clock=Clock(**closing_clock(defn, at, time_scale=_scale())),
            by=principal.actor,
            notes=resolution[:1000],
        )
        _answer(ticket, answer, change, what="resolving")
    else:
        stored.save(ticket, change)
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
    window = timedelta(days=get_settings().reopen_window_days)
    ticket.may_reopen(at, window)
    restart = None
    if ticket.execution_arn and ticket.last_step:
        restart = step_schedule(_definition(ticket), ticket.last_step, at, time_scale=_scale())
    change = ticket.reopened(
        reason=reason,
        by=actor,
        at=at,
        window=window,
        restart_due=clock.iso(restart.deadlines[0]) if restart else None,
    )
    if restart is not None:
        answer = TaskAnswer(
            outcome="reopen", clock=Clock(**restart.clock()), step=ticket.last_step, by=actor, notes=reason
        )
        _answer(ticket, answer, change, what="reopening")
    else:
        stored.save(ticket, change)
    return ticket_view(ticket)


def customer_replied(ticket_id: str, *, at: datetime, channel: str, actor: str) -> str:
    """The customer answered: resume a step parked for them (with its remaining time). A reply to a
    resolved ticket reopens nothing (only the decision link's rejection or staff do): it is
    ``"after resolution"``, and the caller tells the owner team. Returns what happened. Called by
    ``services/replies.py`` only, which decides the reopen window (and a closed ticket) first.

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
        change = ticket.resumed_by_customer(
            channel=channel,
            by=actor,
            at=at,
            due_at=clock.iso(schedule.deadlines[level]),
            recorded_at=max(at + timedelta(milliseconds=1), clock.now()),
        )
        _answer(
            ticket,
            TaskAnswer(outcome="resume", clock=Clock(**schedule.clock()), by=actor),
            change,
            what="resuming",
        )
        return "resumed"
    if ticket.status == "resolved":  # within the reopen window: services/replies.py checked it
        return AFTER_RESOLUTION
    return "recorded"


def parse_task_message(body: str) -> TaskMessage:
    return TaskMessage.model_validate(json.loads(body))
