"""store/ owns ticket persistence: the index keys are computed in one place, on every save.

Pure: the ticket's serialized form (what PynamoDB writes) is read without any AWS call.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from complaintdesk import clock
from complaintdesk.events import EventType
from complaintdesk.lifecycle import Change, TicketLifecycle
from complaintdesk.store import tickets as stored
from complaintdesk.store.models import Ticket

AT = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


def received() -> Ticket:
    ticket, _ = Ticket.received(
        ticket_id="C-2026-000042",
        customer_id="CUS-9",
        channel="web",
        subject="Late delivery",
        description="The parcel never came",
        language="en",
        actor="api",
        at=AT,
        first_response_due=AT + timedelta(hours=24),
    )
    return ticket


def written(ticket: Ticket) -> dict[str, str | None]:
    """The index keys as the ticket's write carries them."""
    item = ticket.serialize()
    return {name: item.get(name, {}).get("S") for name in ("GSI1PK", "GSI3PK", "GSI3SK", "GSI5PK")}


def test_every_write_of_a_ticket_places_it_in_the_queues_of_its_fields() -> None:
    # Given a ticket in no team's queue
    ticket = received()
    assert written(ticket) == {"GSI1PK": "STATUS#open", "GSI3PK": None, "GSI3SK": None, "GSI5PK": None}
    # When its fields change without a transition (as a migration or a test might)
    due = clock.iso(AT + timedelta(hours=4))
    ticket.owner_team, ticket.step_due_at = "billing", due
    # Then its write still puts it in the team's queue and the due-soon index: nobody had to remember
    assert written(ticket) == {
        "GSI1PK": "STATUS#open",
        "GSI3PK": "TEAM#billing",
        "GSI3SK": f"{due}#C-2026-000042",
        "GSI5PK": f"DUE#{due[:10]}",
    }
    # And a resolved ticket leaves the working queues on its next write
    ticket.status = "resolved"
    assert written(ticket) == {"GSI1PK": "STATUS#resolved", "GSI3PK": None, "GSI3SK": None, "GSI5PK": None}


def test_the_lifecycle_leaves_the_table_layout_to_the_store() -> None:
    # The transitions alone know no index and no timeline item: the stored model supplies them
    with pytest.raises(NotImplementedError):
        TicketLifecycle().index_keys()
    # The stored model's entries join the customer's 360 view when they are interactions
    entry = received()._new_entry(
        EventType.TICKET_RECEIVED, "Complaint received", actor="api", at=AT, visibility="public"
    )
    assert entry.GSI4PK == "CUSTOMER#CUS-9" and entry.SK.startswith(f"EVENT#{clock.iso(AT)}#")


def test_a_partial_update_may_not_write_what_the_indexes_are_computed_from() -> None:
    ticket = received()
    for field in ("status", "owner_team", "step_due_at", "paused_at", "category"):
        with pytest.raises(ValueError, match="save the ticket instead"):
            stored.update_fields(ticket, Change(), [field])
