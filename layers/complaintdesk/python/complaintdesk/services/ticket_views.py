"""What the API shows of a ticket: the summary in lists and queues, the full view of one ticket.

Use cases return these (``services/tickets.py``, ``services/workflow.py``, the customer 360 of
``services/customers.py``); they read a stored ticket and change nothing.
"""

from __future__ import annotations

from typing import Any

from complaintdesk.store.models import Ticket


def ticket_summary(ticket: Ticket) -> dict[str, Any]:
    return {
        "ticket_id": ticket.ticket_id,
        "status": ticket.status,
        "priority": ticket.priority,
        "channel": ticket.channel,
        "subject": ticket.subject,
        "category": ticket.category,
        "customer_id": ticket.customer_id,
        "owner_team": ticket.owner_team,
        "assignee": ticket.assignee,
        "current_step": ticket.current_step,
        "due_at": ticket.step_due_at,
        "breached": ticket.breached,
        "created_at": ticket.created_at,
        "version": ticket.version,
    }


def ticket_view(ticket: Ticket) -> dict[str, Any]:
    view = ticket_summary(ticket)
    view.update(
        description=ticket.description,
        language=ticket.language,
        category_version=ticket.category_version,
        product=ticket.product,
        region=ticket.region,
        unit=ticket.unit,
        fields=ticket.fields or {},
        updated_at=ticket.updated_at,
        created_by=ticket.created_by,
        first_response_due=ticket.first_response_due,
        first_response_at=ticket.first_response_at,
        resolved_at=ticket.resolved_at,
        resolution=ticket.resolution,
        root_cause=ticket.root_cause,
        requested_remedy=ticket.requested_remedy,
        decisions=ticket.decisions or [],
        workflow={
            "current_step": ticket.current_step,
            "owner_team": ticket.owner_team,
            "due_at": ticket.step_due_at,
            "escalation_level": ticket.escalation_level,
            "escalation_due_at": ticket.escalation_due_at,
            "breached": ticket.breached,
            "waiting_for": ticket.task_kind,
            "paused_since": ticket.paused_at,
            "next_step": ticket.next_step,
        },
    )
    return view
