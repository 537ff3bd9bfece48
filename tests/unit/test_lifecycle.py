"""The ticket's transitions (complaintdesk.lifecycle): pure, no AWS.

Each transition changes what it should on the ticket and returns the timeline entries and typed
events it causes; an illegal transition raises the domain error the API answers with.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from complaintdesk import clock
from complaintdesk import events as ev
from complaintdesk.categories import load_default_categories
from complaintdesk.errors import Conflict
from complaintdesk.events import EventType
from complaintdesk.lifecycle import Change, Plan
from complaintdesk.store.models import Ticket

AT = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
BILLING = next(d for d in load_default_categories() if d.id == "billing-error")
ARN = "arn:aws:states:us-east-1:123456789012:stateMachine:cd-billing-error-v3"
WINDOW = timedelta(days=14)


def iso(hours: float) -> str:
    return clock.iso(AT + timedelta(hours=hours))


def plan() -> Plan:
    deadlines = [AT + timedelta(hours=h) for h in (4, 6, 8)]
    return Plan(
        definition=BILLING,
        version=3,
        state_machine_arn=ARN,
        deadlines=deadlines,
        clock={"seconds": [14400, 7200, 7200], "deadlines": [clock.iso(d) for d in deadlines]},
    )


def receive(**kw: object) -> tuple[Ticket, Change]:
    args: dict[str, object] = {
        "ticket_id": "C-2026-000123",
        "customer_id": "CUS-1",
        "channel": "web",
        "subject": "Charged twice",
        "description": "My card was charged twice",
        "language": "en",
        "actor": "api",
        "at": AT,
        "first_response_due": AT + timedelta(hours=24),
    }
    args.update(kw)
    return Ticket.received(**args)  # type: ignore[arg-type]


def planned_ticket() -> Ticket:
    ticket, _ = receive(category="billing-error", plan=plan())
    return ticket


def assigned_ticket(level: int = 0) -> Ticket:
    ticket = planned_ticket()
    ticket.task_taken("token-1", "step", iso(0), 0, AT)
    ticket.step_assigned(
        BILLING, 3, "investigate", deadlines=[iso(4), iso(6), iso(8)], entered_at=iso(0), at=AT
    )
    return ticket


def resolved_ticket() -> Ticket:
    ticket = assigned_ticket()
    ticket.resolved(
        resolution="Refunded", root_cause="billing-system-error", by="ana", at=AT, first_step="investigate"
    )
    return ticket


def only(change: Change, event_type: EventType) -> ev.Payload:
    assert change.event_types == [event_type]
    payload = change.events[0].payload()
    assert isinstance(payload, ev.PAYLOADS[event_type])
    return payload


# --- receipt and the plan ---------------------------------------------------------------------


def test_a_received_complaint_is_open_with_its_received_entry_and_created_event():
    ticket, change = receive(priority=None)

    assert (ticket.status, ticket.priority, ticket.created_at, ticket.updated_at) == (
        "open",
        "normal",
        clock.iso(AT),
        clock.iso(AT),
    )
    assert ticket.GSI1PK == "STATUS#open" and ticket.GSI4PK == "CUSTOMER#CUS-1"
    assert change.entry_types == ["ticket.received"]
    assert change.entries[0].summary == "Complaint received via web"
    assert change.entries[0].visibility == "public" and change.entries[0].GSI4PK == "CUSTOMER#CUS-1"
    created = only(change, EventType.TICKET_CREATED)
    assert created.customer_id == "CUS-1" and created.first_response_due == iso(24)
    assert change.start is None


def test_a_categorised_complaint_is_planned_on_its_first_step():
    ticket, change = receive(category="billing-error", plan=plan())

    assert ticket.category_version == 3
    assert ticket.execution_arn == ARN.replace(":stateMachine:", ":execution:") + ":C-2026-000123"
    assert (ticket.current_step, ticket.last_step, ticket.next_step) == (
        "investigate",
        "investigate",
        "correct",
    )
    assert ticket.owner_team == "billing" and ticket.step_due_at == iso(4)
    assert ticket.escalation_due_at == [iso(6), iso(8)]
    assert ticket.priority == "high"  # the category's default for a normal complaint
    due_day = f"DUE#{iso(4)[:10]}"
    assert ticket.GSI3PK == "TEAM#billing"
    assert (ticket.GSI5PK, ticket.GSI5SK[:24]) == (due_day, iso(4))
    assert only(change, EventType.TICKET_CREATED).priority == "high"
    assert change.start is not None and change.start.name == "C-2026-000123"
    started = json.loads(change.start.input)
    assert (started["category"], started["version"], started["reply"]["outcome"]) == (
        "billing-error",
        3,
        "start",
    )


def test_save_args_write_the_ticket_its_entries_events_and_start_together():
    ticket, change = receive(category="billing-error", plan=plan())

    args = change.save_args(ticket)

    assert args["items"][0] == (ticket, None) and len(args["items"]) == 2
    assert args["events"] == change.events and args["start"] is change.start
    assert args["ticket_id"] == "C-2026-000123"


def test_a_plan_refused_for_good_leaves_the_complaint_open_without_a_plan():
    ticket = planned_ticket()
    assert ticket.runs_plan("C-2026-000123") and not ticket.runs_plan("C-2026-000999")

    change = ticket.plan_refused("C-2026-000123", "StateMachineDoesNotExist", "gone", AT)

    assert ticket.execution_arn is None and ticket.current_step is None and ticket.owner_team is None
    assert ticket.status == "open" and ticket.GSI3PK is None and ticket.GSI5PK is None
    assert change.entry_types == ["workflow.start_failed"] and change.events == []
    assert change.entries[0].event_id == "start-failed-C-2026-000123"


# --- the plan's tasks ------------------------------------------------------------------------


def test_a_task_taken_stores_its_token():
    ticket = planned_ticket()

    change = ticket.task_taken("token-9", "step", iso(0), 2, AT + timedelta(minutes=1))

    assert (ticket.task_token, ticket.task_kind, ticket.task_entered_at, ticket.task_attempt) == (
        "token-9",
        "step",
        iso(0),
        2,
    )
    assert ticket.updated_at == clock.iso(AT + timedelta(minutes=1)) and change.empty


def test_a_step_assigned_publishes_its_owner_and_deadlines_once_per_task():
    ticket = assigned_ticket()
    again = planned_ticket()
    again.task_taken("token-1", "step", iso(0), 0, AT)
    deadlines = [iso(4), iso(6), iso(8)]

    change = again.step_assigned(BILLING, 3, "investigate", deadlines=deadlines, entered_at=iso(0), at=AT)

    assert (again.current_step, again.owner_team, again.step_due_at, again.escalation_level) == (
        "investigate",
        "billing",
        iso(4),
        0,
    )
    assert again.escalation_due_at == [iso(6), iso(8)] and again.step_started_at == iso(0)
    assigned = only(change, EventType.STEP_ASSIGNED)
    assert assigned.first_step and assigned.customer_visible and assigned.deadlines == deadlines
    assert change.events[0].event_id == f"C-2026-000123/assigned/{iso(0)}"
    assert change.entry_types == ["step.assigned"] and "assigned to" in change.entries[0].summary
    assert ticket.GSI3PK == "TEAM#billing"


def test_an_escalation_moves_the_step_to_its_next_level():
    ticket = assigned_ticket()

    change = ticket.escalated(
        BILLING, "investigate", 1, deadlines=[iso(4), iso(6), iso(8)], entered_at=iso(4), at=AT
    )

    assert (
        ticket.escalation_level == 1 and ticket.step_due_at == iso(6) and ticket.escalation_due_at == [iso(8)]
    )
    assert ticket.task_level_started_at == iso(4) and not ticket.breached
    assert change.entry_types == ["step.escalated"] and change.events == []  # the state machine publishes it
    assert change.entries[0].data["level"] == 1 and " escalated to L1 — " in change.entries[0].summary


def test_a_breach_marks_the_ticket_and_keeps_the_step_open():
    ticket = assigned_ticket()

    change = ticket.sla_breached(
        BILLING, "investigate", 2, deadlines=[iso(4), iso(6), iso(8)], entered_at=iso(8), at=AT
    )

    assert ticket.breached and ticket.status == "open" and ticket.escalation_level == 2
    assert change.entry_types == ["step.breached"] and change.events == []


def test_a_wait_for_the_customer_pauses_the_clock_and_asks_them():
    ticket = assigned_ticket()

    change = ticket.waiting_for_customer(
        BILLING,
        "investigate",
        notes="Send the receipt",
        by="ana",
        at=AT,
        used=timedelta(minutes=30),
        reply_by=iso(48),
    )

    assert ticket.status == "waiting_customer" and ticket.paused_at == clock.iso(AT)
    assert ticket.consumed_seconds == 1800 and ticket.first_response_at == clock.iso(AT)
    assert ticket.GSI5PK is None  # a paused clock is not due
    waiting = only(change, EventType.CUSTOMER_WAITING)
    assert (waiting.request, waiting.reply_by, waiting.outcome) == (
        "Send the receipt",
        iso(48),
        "waiting_for_customer",
    )
    assert change.entries[0].visibility == "public"
    assert change.entries[0].summary.endswith(" waits for the customer: Send the receipt")


def test_the_plan_parks_a_step_for_the_customer_and_resumes_it_when_they_answer():
    ticket = assigned_ticket()
    ticket.parked_for_customer(iso(1))
    assert ticket.status == "waiting_customer" and ticket.paused_at == iso(1)

    change = ticket.resumed_by_customer(
        channel="email",
        by="customer",
        at=AT + timedelta(hours=2),
        due_at=iso(5),
        recorded_at=AT + timedelta(hours=2),
    )

    assert ticket.status == "open" and ticket.paused_at is None and ticket.step_due_at == iso(5)
    assert ticket.resumes_wait("investigate", 0)
    assert change.entry_types == ["ticket.resumed"] and change.events == []
    assert "paused 3600 s, due " in change.entries[0].summary

    ticket.task_taken("token-2", "step", iso(2), 0, AT)
    assert not ticket.resumes_wait("investigate", 0)  # a task clears the resume mark
    again = ticket.wait_resumed(BILLING, "investigate", 0, [iso(5), iso(7), iso(9)])
    assert again.empty and ticket.step_due_at == iso(5) and ticket.escalation_due_at == [iso(7), iso(9)]


def test_a_completed_step_names_the_next_one():
    ticket = assigned_ticket()

    change = ticket.step_completed(BILLING, "investigate", notes="found it", by="ana", at=AT)

    done = only(change, EventType.STEP_COMPLETED)
    assert (done.next_step, done.category, done.outcome, done.notes) == (
        "correct",
        "billing-error",
        "done",
        "found it",
    )
    assert change.entries[0].summary.endswith("done by ana: found it")
    assert ticket.first_response_at == clock.iso(AT)


def test_after_the_last_step_the_ticket_awaits_its_resolution():
    ticket = assigned_ticket()

    change = ticket.awaiting_resolution("resolution", 0, AT)

    assert (ticket.current_step, ticket.next_step, ticket.step_due_at) == ("resolution", None, None)
    assert change.entry_types == ["resolution.pending"]


# --- claiming an answer ----------------------------------------------------------------------


def test_an_answer_is_claimed_with_what_to_record_and_cleared_once_recorded():
    ticket = assigned_ticket()
    change = ticket.step_completed(BILLING, "investigate", notes="", by="ana", at=AT)

    token = ticket.claim_answer("completing investigate", '{"outcome": "done"}', change, AT)

    assert token == "token-1" and ticket.task_token is None and ticket.pending_token == "token-1"
    promised = ticket.pending_change()
    assert promised.entry_types == ["step.completed"] and promised.event_types == [EventType.STEP_COMPLETED]
    assert promised.events[0].event_id == change.events[0].event_id
    with pytest.raises(Conflict, match="no task waiting"):
        ticket.claim_answer("completing investigate", "{}", change, AT)  # a second answer

    refused = ticket.answer_refused("completing investigate", "TaskTimedOut", earlier_try=True, at=AT)
    assert refused.entry_types == ["workflow.answer_refused"] and "pending" in refused.entries[0].data

    ticket.answer_recorded()
    assert ticket.pending_token is None and ticket.pending_answer is None


# --- decision and closing --------------------------------------------------------------------


def test_resolving_communicates_the_decision_once():
    ticket = assigned_ticket()

    change = ticket.resolved(
        resolution="Refunded", root_cause="billing-system-error", by="ana", at=AT, first_step="investigate"
    )

    assert ticket.status == "resolved" and ticket.resolved_at == clock.iso(AT)
    assert ticket.current_step is None and ticket.step_due_at is None and ticket.GSI3PK is None
    assert ticket.GSI1PK == "STATUS#resolved"
    resolved = only(change, EventType.TICKET_RESOLVED)
    assert resolved.first_contact_resolution and resolved.root_cause == "billing-system-error"
    assert change.entries[0].summary == "Resolved: Refunded"
    with pytest.raises(Conflict, match="already resolved"):
        ticket.resolved(resolution="again", root_cause="x", by="ana", at=AT, first_step=None)


def test_reopening_within_the_window_restarts_the_last_step():
    ticket = resolved_ticket()
    ticket.task_kind, ticket.task_token = "follow_up", "token-f"

    change = ticket.reopened(
        reason="still wrong", by="customer", at=AT + timedelta(days=1), window=WINDOW, restart_due=iso(30)
    )

    assert ticket.status == "open" and ticket.reopen_count == 1 and ticket.resolution is None
    assert (ticket.current_step, ticket.step_due_at) == ("investigate", iso(30))
    reopened = only(change, EventType.TICKET_REOPENED)
    assert (reopened.reason, reopened.reopen_count, reopened.step) == ("still wrong", 1, "investigate")


@pytest.mark.parametrize(
    ("status", "later", "kind", "message"),
    [
        ("closed", timedelta(days=1), "follow_up", "is closed"),
        ("open", timedelta(days=1), "follow_up", "is not resolved"),
        ("resolved", timedelta(days=15), "follow_up", "reopen window"),
        ("resolved", timedelta(days=1), "customer_wait", "cannot be reopened right now"),
    ],
)
def test_a_reopen_out_of_place_is_a_conflict(status, later, kind, message):
    ticket = resolved_ticket()
    ticket.status, ticket.task_kind = status, kind

    with pytest.raises(Conflict, match=message):
        ticket.reopened(reason="r", by="x", at=AT + later, window=WINDOW, restart_due=iso(30))
    assert ticket.reopen_count == 0


def test_a_recovery_action_is_kept_in_order_and_refused_once_closed():
    ticket = assigned_ticket()

    change = ticket.recovery_recorded({"type": "apology", "note": "sorry"}, by="ana", at=AT)

    assert ticket.recovery_actions == [{"type": "apology", "note": "sorry", "by": "ana", "at": clock.iso(AT)}]
    assert only(change, EventType.RECOVERY_RECORDED).action["type"] == "apology"
    assert change.entries[0].summary == "Apology recorded"
    ticket.status = "closed"
    with pytest.raises(Conflict, match="is closed"):
        ticket.recovery_recorded({"type": "apology"}, by="ana", at=AT)


# --- edits and the conversation --------------------------------------------------------------


def test_an_update_records_what_changed_and_nothing_when_nothing_did():
    ticket, _ = receive()

    assert ticket.updated(by="ana", at=AT, priority="normal", fields={}).empty

    change = ticket.updated(by="ana", at=AT + timedelta(minutes=5), priority="urgent", fields={"amount": 12})

    updated = only(change, EventType.TICKET_UPDATED)
    assert updated.changes == {
        "priority": {"from": "normal", "to": "urgent"},
        "fields": {"from": {}, "to": {"amount": 12}},
    }
    assert change.entries[0].summary == "Changed priority to urgent, fields"
    assert ticket.updated_at == clock.iso(AT + timedelta(minutes=5))


def test_categorising_starts_a_plan_but_a_running_plan_keeps_its_category():
    ticket, _ = receive()

    change = ticket.updated(by="ana", at=AT, plan=plan())

    assert ticket.category == "billing-error" and change.start is not None
    assert only(change, EventType.TICKET_UPDATED).changes["category"] == {"from": None, "to": "billing-error"}
    with pytest.raises(Conflict, match="cannot change while the plan runs"):
        ticket.updated(by="ana", at=AT, plan=plan())


def test_comments_internal_public_and_the_customers_own():
    ticket, _ = receive()

    note = ticket.commented("checked the ledger", public=False, by="ana", at=AT)
    assert note.entry_types == ["comment.internal"] and note.events == [] and not note.ticket_changed
    assert note.writes(ticket) == [(note.entries[0], None)]  # the ticket itself is not written

    reply = ticket.commented("We are on it", public=True, by="ana", at=AT)
    public = only(reply, EventType.COMMENT_PUBLIC)
    assert public.event_id == reply.entries[0].event_id and reply.ticket_changed
    assert ticket.first_response_at == clock.iso(AT)
    assert not ticket.commented("again", public=True, by="ana", at=AT).ticket_changed  # first response once

    answer = ticket.customer_wrote("here it is", by="customer", at=AT, resumed=True)
    assert only(answer, EventType.CUSTOMER_REPLIED).resumed and not answer.ticket_changed
    assert answer.entries[0].visibility == "public"


def test_a_reminder_is_marked_once_per_step_level_and_due_time():
    ticket = assigned_ticket()

    change = ticket.reminded(f"investigate#0#{iso(4)}", step_title="Investigate", minutes_left=90, at=AT)

    assert ticket.reminded_for == f"investigate#0#{iso(4)}"
    reminder = only(change, EventType.STEP_REMINDER)
    assert (reminder.step, reminder.team, reminder.due_at) == ("investigate", "billing", iso(4))
    assert change.events[0].event_id == f"C-2026-000123/reminder/investigate#0#{iso(4)}"
    assert change.entries[0].summary == f"Reminder to billing: Investigate is due {iso(4)} (90 min left)"


def test_a_linked_ticket_is_remembered():
    ticket, _ = receive()

    ticket.linked("C-2026-000124", AT + timedelta(days=30))

    assert ticket.linked_tickets == {"C-2026-000124"}
    assert ticket.updated_at == clock.iso(AT + timedelta(days=30))


def test_every_save_places_the_ticket_in_its_queues():
    ticket = assigned_ticket()
    ticket.status = "resolved"  # e.g. set by hand, without a transition

    stored = ticket.serialize()

    assert stored["GSI1PK"] == {"S": "STATUS#resolved"} and "GSI3PK" not in stored


def test_a_survey_is_answered_once():
    ticket = resolved_ticket()

    change = ticket.survey_answered(5, "quick", AT + timedelta(days=3))

    assert ticket.survey == {"score": 5, "comment": "quick", "at": clock.iso(AT + timedelta(days=3))}
    assert only(change, EventType.SURVEY_ANSWERED).score == 5
    assert change.entries[0].summary == "Survey answered: 5/5" and change.entries[0].channel == "web"
    with pytest.raises(Conflict, match="already answered"):
        ticket.survey_answered(1, None, AT)
