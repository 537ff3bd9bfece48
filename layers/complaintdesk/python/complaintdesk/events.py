"""Domain events: their names, their payloads and their envelope — the one contract between the code
that emits an event and the code that consumes it (DESIGN.md decision 5 and "events leave through
the table").

- ``EventType`` names every event, whether it only goes on a ticket's timeline or also leaves
  through the SNS topic. Code never spells an event name as a string literal.
- A payload model per published event says what its ``data`` holds. Producers build the model;
  consumers read ``DomainEvent.payload()``. Payloads allow extra keys, so an older consumer reads a
  newer event, and the state machines' own SNS publishes (``workflow/compiler.py``) add theirs.
- ``DomainEvent`` is the envelope on the wire: ``{"event_id", "event_type", "occurred_at",
  "ticket_id", "data"}``; the event type is also a message attribute so subscriptions can filter.

Nothing here publishes. A change and its events are written in one transaction
(``store.repository.save_all(..., events=[...])`` puts each event in the outbox) and the publisher
function (``services/outbox.py``) sends them from the table's stream.
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from complaintdesk import clock


class EventType(StrEnum):
    # receipt and intake
    TICKET_RECEIVED = "ticket.received"
    TICKET_CREATED = "ticket.created"
    TICKET_ACKNOWLEDGED = "ticket.acknowledged"
    TICKET_UPDATED = "ticket.updated"
    TICKET_ASSIGNED = "ticket.assigned"  # timeline only: a person took, was given or gave back the ticket
    EMAIL_RECEIVED = "email.received"
    EMAIL_BOUNCED = "email.bounced"
    EMAIL_AUTO_REPLY = "email.auto_reply"
    # conversation
    COMMENT_PUBLIC = "comment.public"
    COMMENT_INTERNAL = "comment.internal"
    CUSTOMER_REPLIED = "customer.replied"
    CUSTOMER_WAITING = "customer.waiting"
    CUSTOMER_REMINDER = "customer.reminder"
    TICKET_RESUMED = "ticket.resumed"
    ATTACHMENT_ADDED = "attachment.added"  # timeline only: a file uploaded through the API, confirmed
    # the plan
    STEP_STARTED = "step.started"
    STEP_ASSIGNED = "step.assigned"
    STEP_REMINDER = "step.reminder"
    STEP_COMPLETED = "step.completed"
    STEP_ESCALATED = "step.escalated"
    STEP_BREACHED = "step.breached"
    RESOLUTION_PENDING = "resolution.pending"
    WORKFLOW_START_FAILED = "workflow.start_failed"
    WORKFLOW_ANSWER_REFUSED = "workflow.answer_refused"
    WORKFLOW_ANSWER_PENDING = "workflow.answer_pending"
    WORKFLOW_FAILED = "workflow.failed"
    # decision and closing
    RECOVERY_RECORDED = "recovery.recorded"
    TICKET_RESOLVED = "ticket.resolved"
    TICKET_REOPENED = "ticket.reopened"
    RESOLUTION_ACCEPTED = "resolution.accepted"
    RESOLUTION_REJECTED = "resolution.rejected"
    RESOLUTION_REPLIED = "resolution.replied"
    TICKET_SURVEY = "ticket.survey"
    SURVEY_ANSWERED = "survey.answered"
    TICKET_CLOSED = "ticket.closed"
    # what was sent to whom
    NOTIFICATION_SENT = "notification.sent"
    NOTIFICATION_SKIPPED = "notification.skipped"
    NOTIFICATION_FAILED = "notification.failed"


class Payload(BaseModel):
    """The ``data`` of a published event. Extra keys are kept (forward compatible).

    Validators are built on first use (``defer_build``): a function imports every payload model
    but validates only the few it meets, so a cold start does not pay for the rest.
    """

    model_config = ConfigDict(extra="allow", defer_build=True)


class TicketCreated(Payload):
    customer_id: str
    channel: str
    category: str | None = None
    priority: str = "normal"
    language: str | None = None
    product: str | None = None
    region: str | None = None
    unit: str | None = None
    first_response_due: str | None = None
    requested_remedy: dict[str, Any] | None = None


class TicketUpdated(Payload):
    changes: dict[str, Any] = Field(default_factory=dict)
    by: str | None = None


class CommentPublic(Payload):
    event_id: str
    body: str
    by: str | None = None
    # files the reply's e-mail carries: [{"attachment_id", "filename", "content_type", "size", "s3_key"}]
    attachments: list[dict[str, Any]] = Field(default_factory=list)


class CustomerReplied(Payload):
    channel: str
    resumed: bool = False
    step: str | None = None
    effect: str | None = None


class StepAssigned(Payload):
    category: str
    version: int
    step: str
    step_title: str
    team: str
    instructions: dict[str, Any] = Field(default_factory=dict)
    kind: str = "step"
    level: int = 0
    due_at: str | None = None
    deadlines: list[str] = Field(default_factory=list)
    customer_visible: bool = False
    first_step: bool = False


class StepReminder(Payload):
    step: str | None = None
    team: str | None = None
    due_at: str | None = None
    level: int = 0


class StepOutcome(Payload):
    """``step.completed`` and ``customer.waiting``: a team answered its step."""

    step: str
    step_title: str | None = None
    team: str | None = None
    outcome: str
    notes: str = ""
    by: str | None = None
    next_step: str | None = None
    next_step_title: str | None = None
    customer_visible: bool = False
    category: str | None = None
    request: str | None = None
    reply_by: str | None = None


class TicketResolved(Payload):
    category: str | None = None
    resolution: str
    root_cause: str
    by: str | None = None
    recovery_actions: list[dict[str, Any]] = Field(default_factory=list)
    first_contact_resolution: bool = False
    resolved_at: str | None = None


class TicketReopened(Payload):
    by: str | None = None
    reason: str = ""
    reopen_count: int = 1
    step: str | None = None


class ResolutionDecided(Payload):
    """``resolution.accepted`` / ``resolution.rejected``: the customer's answer to the decision link."""

    decision: str
    reason: str | None = None
    round: int = 0
    review_team: str | None = None


class ResolutionReplied(Payload):
    """``resolution.replied``: the customer wrote after the resolution; the owner team decides."""

    channel: str
    team: str | None = None
    excerpt: str = ""
    reopen_until: str | None = None


class RecoveryRecorded(Payload):
    action: dict[str, Any]


class EmailBounced(Payload):
    address: str
    status: str | None = None
    permanent: bool = False


class SurveyAnswered(Payload):
    score: int
    comment: str | None = None


class WorkflowEvent(Payload):
    """Events the state machines publish themselves (escalated, breached, survey, closed …).

    (The follow-up message the customer gets with the survey is a template, ``ticket.followup``,
    sent on ``ticket.survey``; no event of that name is published.)"""

    category: str | None = None
    version: int | None = None
    execution: str | None = None
    step: str | None = None
    last_outcome: str | None = None  # ticket.closed: the answer that ended the plan (close, accepted …)


PAYLOADS: dict[EventType, type[Payload]] = {
    EventType.TICKET_CREATED: TicketCreated,
    EventType.TICKET_UPDATED: TicketUpdated,
    EventType.COMMENT_PUBLIC: CommentPublic,
    EventType.CUSTOMER_REPLIED: CustomerReplied,
    EventType.STEP_ASSIGNED: StepAssigned,
    EventType.STEP_REMINDER: StepReminder,
    EventType.STEP_COMPLETED: StepOutcome,
    EventType.CUSTOMER_WAITING: StepOutcome,
    EventType.TICKET_RESOLVED: TicketResolved,
    EventType.TICKET_REOPENED: TicketReopened,
    EventType.RECOVERY_RECORDED: RecoveryRecorded,
    EventType.RESOLUTION_ACCEPTED: ResolutionDecided,
    EventType.RESOLUTION_REJECTED: ResolutionDecided,
    EventType.RESOLUTION_REPLIED: ResolutionReplied,
    EventType.EMAIL_BOUNCED: EmailBounced,
    EventType.SURVEY_ANSWERED: SurveyAnswered,
    EventType.STEP_ESCALATED: WorkflowEvent,
    EventType.STEP_BREACHED: WorkflowEvent,
    EventType.TICKET_SURVEY: WorkflowEvent,
    EventType.TICKET_CLOSED: WorkflowEvent,
    EventType.CUSTOMER_REMINDER: WorkflowEvent,
}


class DomainEvent(BaseModel):
    """The envelope every published event travels in."""

    model_config = ConfigDict(defer_build=True)  # built on first use, like the payloads

    event_id: str
    event_type: EventType
    occurred_at: str
    ticket_id: str
    data: dict[str, Any] = Field(default_factory=dict)

    @classmethod
    def new(
        cls,
        event_type: EventType,
        ticket_id: str,
        payload: Payload,
        *,
        event_id: str | None = None,
        at: datetime | None = None,
    ) -> DomainEvent:
        expected = PAYLOADS.get(event_type)
        if expected is not None and not isinstance(payload, expected):
            raise TypeError(f"{event_type} carries {expected.__name__}, not {type(payload).__name__}")
        return cls(
            event_id=event_id or str(uuid.uuid4()),
            event_type=event_type,
            occurred_at=clock.iso(at or clock.now()),
            ticket_id=ticket_id,
            data=payload.model_dump(mode="json", exclude_unset=True),
        )

    def payload(self) -> Payload:
        return PAYLOADS.get(self.event_type, Payload).model_validate(self.data)

    def message(self) -> str:
        """The SNS message body."""
        return json.dumps(self.model_dump(mode="json"), default=str)


# ``events.event(EventType.X, ticket_id, Payload(...))``: a new event to hand to ``save_all(events=...)``.
event = DomainEvent.new
