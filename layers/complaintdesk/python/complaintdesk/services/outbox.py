"""The publisher: outbox items from the table's stream → SNS events and plan starts.

A change to a ticket and the events it causes are written in one transaction
(``repository.save_all(..., events=..., start=...)``); nothing is published from a request path.
For every outbox item the stream delivers (INSERT only):

1. a plan start → ``StartExecution`` named after the ticket: a repeat raises
   ``ExecutionAlreadyExists``, which means done. If Step Functions refuses the start for good (the
   state machine is gone, the input is invalid), the complaint is not lost: the ticket stays open
   without a plan, the timeline says why (``workflow.start_failed``), and setting its category
   again retries. Any other error raises, and the stream retries the record (bisecting the batch,
   then the on-failure queue, which has an alarm).
2. an event → SNS ``Publish`` with the event type as a message attribute. A repeat publishes the
   same ``event_id`` again; every subscriber is idempotent on it.

Handled records are never changed here; TTL removes the items after the stream can no longer
return them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from complaintdesk import aws
from complaintdesk.events import DomainEvent
from complaintdesk.observability import bind_ticket, emit, logger
from complaintdesk.settings import get_settings
from complaintdesk.store.models import OutboxEvent

# Step Functions' answers to StartExecution that no retry can change.
START_REFUSED = frozenset(
    {
        "StateMachineDoesNotExist",
        "StateMachineDeleting",
        "InvalidArn",
        "InvalidName",
        "InvalidExecutionInput",
        "ValidationException",
    }
)


def is_outbox_record(keys: Mapping[str, Any] | None) -> bool:
    return str((keys or {}).get("SK", "")).startswith(OutboxEvent.SK_PREFIX)


def deliver(item: Mapping[str, Any]) -> str:
    """Publish one outbox item (its NEW_IMAGE, as plain values). Returns what was done."""
    ticket_id = str(item.get("ticket_id") or "")
    if ticket_id:
        bind_ticket(ticket_id)
    done = []
    start = item.get("start")
    if start:
        done.append(start_plan(ticket_id, _json(start)))
    event = item.get("event")
    if event:
        done.append(publish(DomainEvent.model_validate(_json(event))))
    return ", ".join(done) or "nothing to do"


def publish(event: DomainEvent) -> str:
    aws.client("sns").publish(
        TopicArn=get_settings().events_topic_arn,
        Message=event.message(),
        MessageAttributes={"event_type": {"DataType": "String", "StringValue": str(event.event_type)}},
    )
    emit("EventsPublished", event_type=str(event.event_type))
    return f"published {event.event_type}"


def start_plan(ticket_id: str, start: Mapping[str, Any]) -> str:
    from botocore.exceptions import ClientError

    sfn = aws.client("stepfunctions")
    try:
        sfn.start_execution(
            stateMachineArn=start["state_machine_arn"], name=start["name"], input=start["input"]
        )
    except ClientError as exc:
        code = exc.response.get("Error", {}).get("Code", "")
        if code == "ExecutionAlreadyExists":
            logger().info("plan already running", extra={"execution": start["name"]})
            return "plan already running"
        if code not in START_REFUSED:
            raise  # throttled, unavailable …: the stream delivers the record again
        record_start_failed(ticket_id, start, code, str(exc))
        return f"plan refused ({code})"
    emit("PlansStarted")
    return "plan started"


def record_start_failed(ticket_id: str, start: Mapping[str, Any], code: str, message: str) -> None:
    """The plan cannot start: keep the complaint, say why on its timeline, let PATCH retry."""
    from complaintdesk import clock
    from complaintdesk.errors import Conflict
    from complaintdesk.store import tickets as stored
    from complaintdesk.store.tickets import load

    logger().error("plan did not start", extra={"execution": start.get("name"), "error": code})
    for _ in range(5):
        ticket = load(ticket_id)
        if not ticket.runs_plan(start["name"]):
            return  # the ticket has moved on (recategorised, or already recorded)
        change = ticket.plan_refused(start["name"], code, message, clock.now())
        try:
            stored.save(ticket, change)
            return
        except Conflict:
            continue


def _json(value: Any) -> Any:
    """The stream gives JSONAttribute values as their stored JSON text."""
    import json

    return json.loads(value) if isinstance(value, str) else value
