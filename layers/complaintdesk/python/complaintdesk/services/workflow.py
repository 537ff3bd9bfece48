"""Running a ticket through its category's plan (DESIGN.md decisions 1–3).

Python computes every deadline; Step Functions enforces it. The state machine hands each wait to
the step-assignment function as a task token (``on_task``); people answer that token through the
API (``complete_step``, ``resolve``, ``reopen``) or the customer does by replying
(``customer_replied``). Every answer is claimed on the ticket first, with the ticket's optimistic
lock, so a stale or duplicate answer is refused (409) and never reaches Step Functions twice.
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

from complaintdesk import aws, clock, events
from complaintdesk.auth import Principal
from complaintdesk.categories import CategoryDefinition
from complaintdesk.errors import Conflict, Forbidden, InvalidInput
from complaintdesk.observability import bind_ticket, emit, logger
from complaintdesk.services import categories
from complaintdesk.services.tickets import index_keys, load, ticket_view
from complaintdesk.services.timeline import new_event
from complaintdesk.settings import get_settings
from complaintdesk.store import repository as repo
from complaintdesk.store.models import CategoryVersion, Ticket
from complaintdesk.workflow import closing_clock, sla_time_used, step_schedule
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
) -> dict[str, Any]:
    """Tie a new (or newly categorised) ticket to a published version (``categories.published``)
    and its first step.

    Sets the ticket's workflow fields (so it reads right at once) and returns what ``start_plan``
    needs; nothing is written here.
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
    return {
        "state_machine_arn": item.state_machine_arn,
        "name": name,
        "input": ExecutionInput.first(
            ticket.ticket_id, ticket.category, int(item.version), schedule.clock()
        ).model_dump_json(),
    }


def start_plan(plan: dict[str, Any]) -> None:
    """StartExecution named after the ticket: a retry cannot start a second one."""
    sfn = aws.client("stepfunctions")
    try:
        sfn.start_execution(stateMachineArn=plan["state_machine_arn"], name=plan["name"], input=plan["input"])
    except sfn.exceptions.ExecutionAlreadyExists:
        logger().info("plan already running", extra={"execution": plan["name"]})


def start_plan_or_record(ticket: Ticket, plan: dict[str, Any]) -> None:
    """Start the plan of a ticket already saved. If Step Functions refuses, the complaint is not
    lost: the ticket stays open without a plan, the timeline says why, and setting its category
    again (PATCH) retries the start."""
    try:
        start_plan(plan)
    except Exception as exc:
        logger().exception("plan did not start", extra={"category": ticket.category})
        ticket.execution_arn = ticket.current_step = ticket.owner_team = ticket.step_due_at = None
        ticket.escalation_due_at, ticket.next_step = None, None
        index_keys(ticket)
        failed = new_event(
            ticket.ticket_id,
            ticket.customer_id,
            "workflow.start_failed",
            f"The {ticket.category} plan could not start ({type(exc).__name__}); set the "
            "category again to retry",
            actor=SYSTEM,
            data={"error": str(exc)[:500]},
        )
        repo.save_all([(ticket, None), (failed, None)])


# --- the step-assignment function -----------------------------------------------------------------


def on_task(message: TaskMessage) -> str:
    """Store a callback task's token on the ticket and say what it means (owner, due times, level)."""
    bind_ticket(message.ticket_id)
    for _ in range(5):  # the ticket may be saved concurrently by the API: reload and apply again
        ticket = load(message.ticket_id)
        if ticket.execution_arn and message.execution != ticket.execution_arn:
            return "ignored: message of another execution"
        if ticket.task_entered_at and message.entered_at <= ticket.task_entered_at:
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
    ticket.updated_at = clock.iso(at)
    writes: list[tuple[Any, Any]] = []
    publish: tuple[str, dict[str, Any]] | None = None

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
    if message.kind in STEP_KINDS and resumed:
        # The same wait again after the customer answered: the clock goes on, nobody is told twice.
        ticket.task_token, ticket.task_kind, ticket.task_entered_at = (
            message.task_token,
            message.kind,
            message.entered_at,
        )
        level = message.level
        ticket.step_due_at = deadlines[level] if len(deadlines) > level else ticket.step_due_at
        ticket.escalation_due_at = deadlines[level + 1 :]
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
        ticket.escalation_due_at = deadlines[level + 1 :]
        nxt = defn.next_step(step.id)
        ticket.next_step = nxt.id if nxt else "resolution"
        ticket.status, ticket.paused_at = "open", None
        team = defn.team(step.owner_team).name
        if message.kind == "step":
            ticket.step_started_at = message.entered_at
            event(
                "step.assigned",
                f"{step.title} assigned to {team}, due {due}",
                team=step.owner_team,
                due_at=due,
                deadlines=deadlines,
            )
            publish = (
                "step.assigned",
                {
                    "category": defn.id,
                    "version": message.version,
                    "step": step.id,
                    "step_title": step.title,
                    "team": step.owner_team,
                    "instructions": step.instructions.model_dump(exclude_none=True),
                    "kind": message.kind,
                    "level": 0,
                    "due_at": due,
                    "deadlines": deadlines,
                    "customer_visible": step.notify_customer_on_start,
                    "first_step": step.id == defn.steps[0].id,
                },
            )
        elif message.breached:
            event(
                "step.breached",
                f"{step.title} breached its SLA after the top escalation level; "
                "it stays open until the team completes it",
                team=step.owner_team,
            )
            emit("SLABreached", category=defn.id, step=step.id, level="top")
        else:
            label = step.escalation[level - 1].label
            event(
                "step.escalated",
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
        event("resolution.pending", "Every step of the plan is done; the ticket waits for its resolution")
    index_keys(ticket)
    repo.save_all([(ticket, None), *writes])
    if publish:
        events.publish(publish[0], ticket.ticket_id, publish[1])
    logger().info("task stored", extra={"kind": message.kind, "step": message.step, "level": message.level})
    return f"stored {message.kind} {message.step} L{message.level}"


# --- answering a task -------------------------------------------------------------------------------


def _answer(ticket: Ticket, answer: TaskAnswer, writes: list[tuple[Any, Any]], *, what: str) -> None:
    """Claim the ticket's current token (optimistic lock), then answer it once."""
    token = ticket.task_token
    if not token:
        raise Conflict(f"ticket {ticket.ticket_id} has no task waiting for an answer; {what} was not applied")
    ticket.task_token, ticket.task_kind = None, None
    index_keys(ticket)
    repo.save_all([(ticket, None), *writes])  # a concurrent or repeated answer fails here: 409
    sfn = aws.client("stepfunctions")
    try:
        sfn.send_task_success(taskToken=token, output=answer.to_output())
    except (sfn.exceptions.TaskTimedOut, sfn.exceptions.InvalidToken, sfn.exceptions.TaskDoesNotExist) as exc:
        repo.save(
            new_event(
                ticket.ticket_id,
                ticket.customer_id,
                "workflow.answer_refused",
                f"{what} came too late: the wait had already ended ({type(exc).__name__})",
                actor=SYSTEM,
            )
        )
        raise Conflict(
            f"{what} came too late: the step's deadline passed and it moved on; read the ticket and retry"
        ) from None


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
    ticket = load(ticket_id)
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
        kind = "step.completed"
    else:
        running_since = clock.parse_iso(
            ticket.task_level_started_at or ticket.step_started_at or clock.iso(at)
        )
        used = sla_time_used(defn, step.id, running_since, at)
        ticket.consumed_seconds = int(ticket.consumed_seconds or 0) + int(used.total_seconds())
        ticket.status, ticket.paused_at = "waiting_customer", clock.iso(at)
        answer_clock = ANY_CLOCK
        summary = f"{step.title} waits for the customer: {notes or 'information requested'}"
        data.update(request=notes)
        kind = "customer.waiting"
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
        visibility="public" if kind == "customer.waiting" else "internal",
        data=data,
    )
    _answer(
        ticket,
        TaskAnswer(outcome=outcome, clock=answer_clock, by=principal.actor, notes=notes),
        [(record, None)],
        what=f"completing {step_id}",
    )
    if outcome == "done":
        emit("StepCompleted", category=defn.id, step=step.id)
        started = clock.parse_iso(ticket.step_started_at) if ticket.step_started_at else at
        emit("StepDuration", (at - started).total_seconds(), category=defn.id, step=step.id)
    events.publish(kind, ticket.ticket_id, data)
    return ticket_view(ticket)


def resolve(ticket_id: str, body: dict[str, Any], principal: Principal) -> dict[str, Any]:
    """Communicate the decision: resolution text and root cause; then follow-up, survey, close."""
    resolution = str(body.get("resolution") or "").strip()
    root_cause = str(body.get("root_cause") or "").strip()
    if not resolution:
        raise InvalidInput("resolution is required: the explanation the customer will receive")
    if not root_cause:
        raise InvalidInput("root_cause is required (a short code, e.g. carrier-delay, billing-system-error)")
    ticket = load(ticket_id)
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
        "ticket.resolved",
        f"Resolved: {resolution[:160]}",
        actor=principal.actor,
        at=at,
        visibility="public",
        data=data,
    )
    if ticket.execution_arn:
        answer = TaskAnswer(
            outcome="resolved",
            clock=closing_clock(defn, at, time_scale=_scale()),
            by=principal.actor,
            notes=resolution[:1000],
        )
        _answer(ticket, answer, [(record, None)], what="resolving")
    else:
        index_keys(ticket)
        repo.save_all([(ticket, None), (record, None)])
    emit("TicketsResolved", category=ticket.category)
    events.publish("ticket.resolved", ticket.ticket_id, data)
    return ticket_view(ticket)


def reopen(
    ticket_id: str, reason: str, *, actor: str, principal: Principal | None = None, at: datetime | None = None
) -> dict[str, Any]:
    """Back to work on the last step, with a fresh schedule, within the reopen window."""
    ticket = load(ticket_id)
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
    record = new_event(
        ticket.ticket_id,
        ticket.customer_id,
        "ticket.reopened",
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
        )
    else:
        index_keys(ticket)
        repo.save_all([(ticket, None), (record, None)])
    events.publish("ticket.reopened", ticket.ticket_id, data)
    return ticket_view(ticket)


def customer_replied(ticket_id: str, *, at: datetime, channel: str, actor: str) -> str:
    """The customer answered: resume a step parked for them (with its remaining time), or reopen
    a resolved ticket within the window. Returns what happened."""
    ticket = load(ticket_id)
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
            "ticket.resumed",
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


def change_category(ticket: Ticket, plan: tuple[CategoryVersion, CategoryDefinition]) -> dict[str, Any]:
    """Categorise a ticket that has no running plan (see ``refuse_while_running``). Returns the
    plan to start after the ticket is saved."""
    refuse_while_running(ticket)
    ticket.category = plan[1].id
    return plan_ticket(ticket, clock.now(), plan)


def parse_task_message(body: str) -> TaskMessage:
    return TaskMessage.model_validate(json.loads(body))
