"""Plans that stopped anyway: a category execution that FAILED, TIMED_OUT or was ABORTED.

Retries absorb transient errors inside the state machine; what still stops an execution (a bug, a
definition the service refuses at run time, the Standard workflow's one-year limit, an operator's
StopExecution) would leave a ticket that no longer moves, silently. EventBridge sends each such
"Step Functions Execution Status Change" of this stack's state machines to the watch_executions
function, which calls ``record_stopped`` once per event:

1. The event is read (``ExecutionStopped``); an execution not named after a ticket, or a status
   other than the three, is ignored.
2. A ``workflow.failed`` timeline event goes on the ticket (internal; status, error, cause, the
   execution), written only if it does not exist yet: its key is derived from the EventBridge
   event id and time, so a redelivered event writes nothing the second time.
3. On that first write only, the ``PlansFailed`` metric (category, status) is emitted; the
   PlansFailedAlarm watches it.
"""

from __future__ import annotations

import hashlib
import re
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from complaintdesk.errors import Conflict
from complaintdesk.events import EventType
from complaintdesk.observability import bind_ticket, emit, logger
from complaintdesk.services.timeline import new_event
from complaintdesk.settings import get_settings
from complaintdesk.store import repository as repo
from complaintdesk.store.models import TimelineEvent

STOPPED = ("FAILED", "TIMED_OUT", "ABORTED")
WORKFLOW_FAILED = EventType.WORKFLOW_FAILED  # the timeline event
SYSTEM = "complaintdesk"
_TICKET_ID = re.compile(r"^[A-Z]-\d{4}-\d{6,}$")  # workflow.contract.execution_name: the ticket id
_VERSIONED = re.compile(r"^(?P<category>[a-z][a-z0-9-]*)-v(?P<version>\d+)$")


class ExecutionDetail(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True, defer_build=True)

    execution_arn: str = Field(alias="executionArn")
    state_machine_arn: str = Field(alias="stateMachineArn")
    name: str
    status: str
    error: str | None = None
    cause: str | None = None


class ExecutionStopped(BaseModel):
    """The EventBridge event ("Step Functions Execution Status Change", source aws.states)."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True, defer_build=True)

    id: str
    time: datetime
    source: Literal["aws.states"]
    detail: ExecutionDetail


def ticket_of(execution_name: str) -> str | None:
    """The ticket an execution belongs to (executions are named after their ticket), or None."""
    return execution_name if _TICKET_ID.match(execution_name) else None


def category_of(state_machine_arn: str) -> str:
    """``...:stateMachine:<STATE_MACHINE_PREFIX>-<category>-v<n>`` → the category (or "none")."""
    name = state_machine_arn.rsplit(":", 1)[-1]
    prefix = get_settings().state_machine_prefix + "-"
    match = _VERSIONED.match(name.removeprefix(prefix)) if name.startswith(prefix) else None
    return match["category"] if match else "none"


def _event_id(eventbridge_id: str) -> str:
    return "wf-" + hashlib.sha256(eventbridge_id.encode()).hexdigest()[:16]


def record_stopped(event: dict[str, Any]) -> str:
    """Put one stopped execution on its ticket's timeline, once. Returns what happened."""
    stopped = ExecutionStopped.model_validate(event)
    detail = stopped.detail
    ticket_id = ticket_of(detail.name)
    if ticket_id is None or detail.status not in STOPPED:
        logger().info("execution ignored", extra={"execution": detail.execution_arn, "status": detail.status})
        return "ignored"
    bind_ticket(ticket_id)
    category = category_of(detail.state_machine_arn)
    words = {"FAILED": "failed", "TIMED_OUT": "timed out", "ABORTED": "was stopped"}[detail.status]
    reason = f": {detail.error}" if detail.error else ""
    record = new_event(
        ticket_id,
        None,
        WORKFLOW_FAILED,
        f"The {category} plan {words}{reason}; the ticket no longer moves by itself — "
        "an agent must take it over",
        actor=SYSTEM,
        at=stopped.time,
        data={
            "status": detail.status,
            "category": category,
            "error": detail.error,
            "cause": (detail.cause or "")[:1000] or None,
            "execution": detail.execution_arn,
            "state_machine": detail.state_machine_arn,
            "eventbridge_id": stopped.id,
        },
        event_id=_event_id(stopped.id),
    )
    try:
        repo.save(record, condition=TimelineEvent.SK.does_not_exist())
    except Conflict:
        logger().info("execution stop already recorded", extra={"eventbridge_id": stopped.id})
        return "already recorded"
    emit("PlansFailed", category=category, status=detail.status)
    logger().warning(
        "plan stopped",
        extra={"status": detail.status, "error": detail.error, "execution": detail.execution_arn},
    )
    return "recorded"
