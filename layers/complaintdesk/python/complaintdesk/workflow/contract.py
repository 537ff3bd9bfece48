"""The messages between the state machine and the code around it (see docs/workflow.md).

* ``ExecutionInput``: what StartExecution gets (execution named after the ticket id).
* ``TaskMessage``: the SQS body every callback task sends; the step-assignment function stores
  ``task_token`` on the ticket.
* ``TaskAnswer``: the JSON given to SendTaskSuccess(output=...). It always carries a ``clock``;
  the next wait reads ``clock.seconds[level]`` (a customer wait reads the entries after the step's
  levels: ``schedule.customer_wait_index``). It always carries ``step`` (null unless a reopen
  names the step to reopen at), so Choice rules never meet a missing path.
* ``WorkflowEvent``: what the state machine itself publishes to the events topic.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from complaintdesk.events import EventType

if TYPE_CHECKING:
    from complaintdesk.workflow.schedule import ClockData

Kind = Literal["step", "escalation_wait", "customer_wait", "resolution", "follow_up", "survey"]

# Outcomes the state machine routes on. Anything else re-enters the wait the task belonged to with
# the answer's clock ("reschedule": a priority change keeps the level and the time already used).
DONE = "done"
WAITING_FOR_CUSTOMER = "waiting_for_customer"
RESUME = "resume"
RESCHEDULE = "reschedule"
RESOLVED = "resolved"
REOPEN = "reopen"
CLOSE = "close"
START = "start"
Outcome = Literal[
    "start", "done", "waiting_for_customer", "resume", "reschedule", "resolved", "reopen", "close"
]

# What the state machines publish themselves (``compiler.publish``): names from the one contract.
EVENT_ESCALATED = EventType.STEP_ESCALATED
EVENT_BREACHED = EventType.STEP_BREACHED
EVENT_SURVEY = EventType.TICKET_SURVEY
EVENT_CLOSED = EventType.TICKET_CLOSED
EVENT_CUSTOMER_REMINDER = EventType.CUSTOMER_REMINDER


class Clock(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)

    seconds: list[int] = Field(min_length=1)
    deadlines: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _positive(self) -> Clock:
        if any(s < 1 for s in self.seconds):
            raise ValueError("every wait must be at least 1 second")
        if any(s > 365 * 24 * 3600 for s in self.seconds):
            raise ValueError("a wait may not exceed one year (the Standard workflow limit)")
        if self.deadlines and len(self.deadlines) != len(self.seconds):
            raise ValueError("deadlines and seconds must have the same length")
        return self


class TaskAnswer(BaseModel):
    """SendTaskSuccess output (and the ``reply`` of the execution input)."""

    model_config = ConfigDict(extra="allow", defer_build=True)

    outcome: Outcome
    clock: Clock
    step: str | None = None  # reopen: the step to reopen at (null = back to resolution)
    by: str | None = None
    notes: str | None = None

    def to_output(self) -> str:
        return self.model_dump_json()


class ExecutionInput(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)

    ticket_id: str = Field(pattern=r"^[A-Z]-\d{4}-\d{6,}$")
    category: str
    version: int = Field(ge=1)
    reply: TaskAnswer

    @classmethod
    def first(cls, ticket_id: str, category: str, version: int, clock: ClockData) -> ExecutionInput:
        return cls(
            ticket_id=ticket_id,
            category=category,
            version=version,
            reply=TaskAnswer(outcome="start", clock=Clock.model_validate(clock)),
        )


class TaskMessage(BaseModel):
    """The body of every callback message on the callback queue."""

    model_config = ConfigDict(extra="ignore", defer_build=True)

    task_token: str
    ticket_id: str
    category: str
    version: int
    kind: Kind
    step: str  # a step id, or "resolution" for the closing tasks
    team: str | None = None
    level: int = 0  # 0 = within the SLA, k = after escalation k
    breached: bool = False
    clock: Clock | None = None  # the clock this wait runs on (deadlines for the ticket's due times)
    execution: str
    state: str
    entered_at: str
    # $$.State.RetryCount: > 0 when the send was retried; the copies share entered_at, and only the
    # newest token is alive.
    attempt: int = 0


class WorkflowEvent(BaseModel):
    """An event the state machine publishes to the events topic (message attribute ``event_type``)."""

    model_config = ConfigDict(extra="allow", defer_build=True)

    event_type: str
    event_id: str
    ticket_id: str
    category: str
    version: int
    execution: str
    at: str
    step: str | None = None
    level: int | None = None
    label: str | None = None
    notify: list[dict[str, str]] = Field(default_factory=list)
    clock: Clock | None = None


def execution_name(ticket_id: str) -> str:
    """Executions are named after the ticket, so a retried start cannot create a second one."""
    return ticket_id
