"""Tickets written to moto's table, folded into report items through the real stream path."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from infra.local.streams import StreamPoller, streams_client


@pytest.fixture
def stream(stack: Any) -> StreamPoller:
    """The aggregate function fed from the table's stream, as the event-source mapping would."""
    from functions.aggregate.app import lambda_handler

    return StreamPoller(
        streams_client("us-east-1"),
        stack.intrinsics.attributes[("TicketsTable", "StreamArn")],
        lambda_handler,
        "AggregateFunction",
    )


@pytest.fixture
def write_ticket(stack: Any) -> Callable[..., Any]:
    """Create or change a ticket item (one PutItem → one stream record)."""
    from complaintdesk.store import repository
    from complaintdesk.store.models import Ticket

    def write(ticket_id: str, **changes: Any) -> Ticket:
        repository.ready()
        found = repository.find(Ticket, Ticket.key(ticket_id))
        if found is None:
            found = Ticket(
                *Ticket.key(ticket_id),
                ticket_id=ticket_id,
                status="open",
                priority="normal",
                subject="s",
                description="d",
                language="en",
                customer_id="CUST-1",
                created_by="test",
                updated_at=changes["created_at"],
            )
        for name, value in changes.items():
            setattr(found, name, value)
        found.save()
        return found

    return write


@pytest.fixture
def mark_breached(stack: Any) -> Callable[[str, str, str], None]:
    """What the state machine's "Mark breached" state does: one UpdateItem, no PynamoDB."""
    import boto3

    def mark(ticket_id: str, step: str, at: str) -> None:
        boto3.client("dynamodb").update_item(
            TableName=stack.physical["TicketsTable"],
            Key={"PK": {"S": f"TICKET#{ticket_id}"}, "SK": {"S": "TICKET"}},
            UpdateExpression="SET breached = :yes, breached_step = :step, breached_at = :at ADD version :one",
            ConditionExpression="attribute_exists(PK)",
            ExpressionAttributeValues={
                ":yes": {"BOOL": True},
                ":step": {"S": step},
                ":at": {"S": at},
                ":one": {"N": "1"},
            },
        )

    return mark
