"""Who has a ticket (issue 14), as pure rules: the ``assigned`` transition, what a step of another
team does to the person, and how the queue folds text and flags steps at risk."""

from __future__ import annotations

from datetime import timedelta

from complaintdesk.events import EventType
from complaintdesk.services.queues import at_risk, fold, words
from tests.unit.test_lifecycle import AT, BILLING, assigned_ticket, iso


def test_assigned_records_who_gave_it_to_whom_and_publishes_nothing() -> None:
    ticket = assigned_ticket()
    change = ticket.assigned("ana@example.com", by="ana@example.com (agent)", at=AT)
    assert ticket.assignee == "ana@example.com" and ticket.assigned_at == iso(0)
    assert change.entry_types == [str(EventType.TICKET_ASSIGNED)] and change.events == []
    entry = change.entries[0]
    assert entry.data == {"from": None, "to": "ana@example.com", "team": "billing", "by": entry.actor}
    assert entry.summary == "Assigned to ana@example.com (taken)"
    moved = ticket.assigned("ben@example.com", by="lead@example.com (manager)", at=AT)
    assert moved.entries[0].summary == "Reassigned from ana@example.com to ben@example.com"
    back = ticket.assigned(None, by="lead@example.com (manager)", at=AT)
    assert ticket.assignee is None and ticket.assigned_at is None
    assert (
        back.entries[0].data["from"] == "ben@example.com"
        and "back to team billing" in back.entries[0].summary
    )


def test_the_same_person_again_changes_nothing() -> None:
    ticket = assigned_ticket()
    ticket.assigned("ana@example.com", by="x (agent)", at=AT)
    again = ticket.assigned("ana@example.com", by="x (agent)", at=AT)
    assert again.empty and not again.ticket_changed


def test_a_step_of_another_team_clears_the_person_an_escalation_keeps_them() -> None:
    ticket = assigned_ticket()  # investigate: billing
    ticket.assigned("ana@example.com", by="ana@example.com (agent)", at=AT)
    ticket.escalated(BILLING, "investigate", 1, deadlines=[iso(4), iso(6), iso(8)], entered_at=iso(4), at=AT)
    assert ticket.assignee == "ana@example.com"
    ticket.step_assigned(BILLING, 3, "correct", deadlines=[iso(10), iso(20)], entered_at=iso(9), at=AT)
    assert ticket.owner_team == "finance" and ticket.assignee is None


def test_search_folds_case_and_accents_turkish_and_latvian_letters_included() -> None:
    assert fold("Ayşe YILMAZ") == "ayse yilmaz"
    assert fold("İstanbul ışık") == "istanbul isik"
    assert fold("Jānis Bērziņš") == "janis berzins"
    assert words("  Fatura  HATASI ") == ["fatura", "hatasi"]


def test_at_risk_is_an_open_unbreached_step_due_within_the_lead() -> None:
    lead = timedelta(hours=2)
    row = {"status": "open", "breached": False, "due_at": iso(1)}
    assert at_risk(row, AT, lead)
    assert not at_risk({**row, "due_at": iso(3)}, AT, lead)
    assert at_risk({**row, "due_at": iso(-1)}, AT, lead)  # past this level's deadline
    assert not at_risk({**row, "breached": True}, AT, lead)
    assert not at_risk({**row, "status": "waiting_customer"}, AT, lead)  # the clock is stopped
    assert not at_risk({**row, "due_at": None}, AT, lead)
