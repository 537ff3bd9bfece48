"""PynamoDB models of the single table (see docs/access-patterns.md).

Every item has ``PK``/``SK``; items join the overloaded indexes GSI1..GSI5 by setting the
index's key attributes: a ticket's are computed by ``Ticket.index_keys`` on every save, a timeline
entry's by ``timeline_entry``. Table name and region are bound from settings on first use
(``bind_models``), so importing this module touches no AWS.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, ClassVar

from pynamodb.attributes import (
    BooleanAttribute,
    JSONAttribute,
    NumberAttribute,
    UnicodeAttribute,
    UnicodeSetAttribute,
    VersionAttribute,
)
from pynamodb.connection import Connection
from pynamodb.connection import base as _pynamodb_connection
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from complaintdesk import clock
from complaintdesk.aws import botocore_session
from complaintdesk.events import EventType
from complaintdesk.lifecycle import ACTIVE_STATUSES, CUSTOMER_INTERACTIONS, TicketLifecycle
from complaintdesk.settings import get_settings

# PynamoDB gives every model its own connection and every connection a fresh botocore session,
# which parses the DynamoDB service model again (~150 ms each; a create touched 6 models). Its
# connections use the thread's one session instead (complaintdesk.aws.botocore_session).
_pynamodb_connection.get_session = botocore_session


def _index(number: int) -> type[GlobalSecondaryIndex[Any]]:
    name = f"GSI{number}"

    class Meta:
        index_name = name
        projection = AllProjection()

    attrs: dict[str, Any] = {
        "Meta": Meta,
        f"{name}PK": UnicodeAttribute(hash_key=True),
        f"{name}SK": UnicodeAttribute(range_key=True),
    }
    return type(f"{name}Index", (GlobalSecondaryIndex,), attrs)


StatusIndex = _index(1)  # STATUS#<status>        → <created_at>#<ticket_id>
CategoryIndex = _index(2)  # CATEGORY#<category>  → <created_at>#<ticket_id>
TeamIndex = _index(3)  # TEAM#<team>              → <due_at|created_at>#<ticket_id>
CustomerIndex = _index(4)  # CUSTOMER#<customer>  → <at>#TICKET|EVENT#...
DueIndex = _index(5)  # DUE#<yyyy-mm-dd>          → <due_at>#<ticket_id>


class Item(Model):
    """Base of every item on the single table; subclass it (anywhere) for a new item type."""

    class Meta:
        table_name = "complaintdesk"
        region = "us-east-1"

    PK = UnicodeAttribute(hash_key=True)
    SK = UnicodeAttribute(range_key=True)


class Ticket(TicketLifecycle, Item):
    """A complaint as stored. Its state changes only through the transitions of
    ``complaintdesk.lifecycle.TicketLifecycle`` (one method per change, returning its events)."""

    SK_VALUE: ClassVar[str] = "TICKET"

    ticket_id = UnicodeAttribute()
    status = UnicodeAttribute()
    priority = UnicodeAttribute()
    channel = UnicodeAttribute()
    subject = UnicodeAttribute()
    description = UnicodeAttribute()
    language = UnicodeAttribute()
    customer_id = UnicodeAttribute()
    category = UnicodeAttribute(null=True)
    category_version = NumberAttribute(null=True)
    product = UnicodeAttribute(null=True)
    region = UnicodeAttribute(null=True)
    unit = UnicodeAttribute(null=True)
    fields = JSONAttribute(default=dict)
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()
    created_by = UnicodeAttribute()
    # Workflow state, kept by the step-assignment function and the API.
    owner_team = UnicodeAttribute(null=True)
    # The person who has the ticket now (a staff e-mail of the owner team; services/assignment.py):
    # null while only the team has it. A step of another team hands it back to that team.
    assignee = UnicodeAttribute(null=True)
    assigned_at = UnicodeAttribute(null=True)
    current_step = UnicodeAttribute(null=True)
    next_step = UnicodeAttribute(null=True)
    step_started_at = UnicodeAttribute(null=True)
    step_due_at = UnicodeAttribute(null=True)
    escalation_level = NumberAttribute(default=0)
    escalation_due_at = JSONAttribute(null=True)
    breached = BooleanAttribute(default=False)
    breached_step = UnicodeAttribute(null=True)  # written by the state machine at the top level
    breached_at = UnicodeAttribute(null=True)
    task_token = UnicodeAttribute(null=True)
    task_kind = UnicodeAttribute(null=True)
    task_entered_at = UnicodeAttribute(null=True)
    task_attempt = NumberAttribute(default=0)  # Step Functions' retry count of the callback's send
    task_level_started_at = UnicodeAttribute(null=True)
    last_step = UnicodeAttribute(null=True)
    # "<step>#<level>" between a resume and the wait it leads to (that wait is not a new assignment)
    resumed_step = UnicodeAttribute(null=True)
    reminded_for = UnicodeAttribute(null=True)  # "<step>#<level>#<due_at>" last reminded (reminders)
    execution_arn = UnicodeAttribute(null=True)
    # An answer claimed but not yet known to be accepted by Step Functions (services/workflow.py):
    # the token, the output and what to record once it is. Whoever finds it finishes it.
    pending_token = UnicodeAttribute(null=True)
    pending_answer = JSONAttribute(null=True)
    paused_at = UnicodeAttribute(null=True)
    consumed_seconds = NumberAttribute(default=0)
    first_response_due = UnicodeAttribute(null=True)  # promised at receipt (services/promises.py)
    first_response_at = UnicodeAttribute(null=True)
    resolved_at = UnicodeAttribute(null=True)
    closed_at = UnicodeAttribute(null=True)
    resolution = UnicodeAttribute(null=True)
    root_cause = UnicodeAttribute(null=True)
    reopen_count = NumberAttribute(default=0)
    linked_tickets = UnicodeSetAttribute(null=True)
    # [{"name", "content_type", "size", "s3_key", "dangerous"}] — files that came with the complaint
    attachments = JSONAttribute(default=list)
    # [{"type": "apology" | "compensation", "compensation_type", "amount", "currency", "note", "by", "at"}]
    recovery_actions = JSONAttribute(default=list)
    # {"score": 1-5, "comment", "at"} once the customer answered the survey
    survey = JSONAttribute(null=True)
    # {"type": "refund" | "replacement" | "apology" | "repair" | "explanation" | "other", "details"}:
    # what the customer asked for at receipt (ISO 10002), when they said
    requested_remedy = JSONAttribute(null=True)
    # [{"round", "decision": "accepted" | "rejected", "reason", "at"}]: the customer's answers to the
    # decision links, one per resolution round (``reopen_count`` when it was resolved)
    decisions = JSONAttribute(default=list)
    version = VersionAttribute()

    status_index = StatusIndex()
    category_index = CategoryIndex()
    team_index = TeamIndex()
    customer_index = CustomerIndex()
    due_index = DueIndex()
    GSI1PK = UnicodeAttribute(null=True)
    GSI1SK = UnicodeAttribute(null=True)
    GSI2PK = UnicodeAttribute(null=True)
    GSI2SK = UnicodeAttribute(null=True)
    GSI3PK = UnicodeAttribute(null=True)
    GSI3SK = UnicodeAttribute(null=True)
    GSI4PK = UnicodeAttribute(null=True)
    GSI4SK = UnicodeAttribute(null=True)
    GSI5PK = UnicodeAttribute(null=True)
    GSI5SK = UnicodeAttribute(null=True)

    @staticmethod
    def key(ticket_id: str) -> tuple[str, str]:
        return f"TICKET#{ticket_id}", Ticket.SK_VALUE

    def index_keys(self) -> None:
        """Place the ticket in the agent queues (GSI1–GSI5) its current state belongs to: the one
        place the index keys of a ticket are computed. Run on every save (``serialize``) and by
        every transition, so no caller sets or remembers them."""
        ref = f"{self.created_at}#{self.ticket_id}"
        self.GSI1PK, self.GSI1SK = f"STATUS#{self.status}", ref
        self.GSI2PK, self.GSI2SK = (f"CATEGORY#{self.category}", ref) if self.category else (None, None)
        active = self.status in ACTIVE_STATUSES
        if self.owner_team and active:
            self.GSI3PK = f"TEAM#{self.owner_team}"
            self.GSI3SK = f"{self.step_due_at or self.created_at}#{self.ticket_id}"
        else:
            self.GSI3PK = self.GSI3SK = None
        self.GSI4PK, self.GSI4SK = f"CUSTOMER#{self.customer_id}", f"TICKET#{ref}"
        if self.step_due_at and active and not self.paused_at:
            self.GSI5PK, self.GSI5SK = f"DUE#{self.step_due_at[:10]}", f"{self.step_due_at}#{self.ticket_id}"
        else:
            self.GSI5PK = self.GSI5SK = None

    def _new_entry(
        self, event_type: EventType, summary: str, *, actor: str, at: datetime, **kw: Any
    ) -> TimelineEvent:
        return timeline_entry(self.ticket_id, self.customer_id, event_type, summary, actor=actor, at=at, **kw)

    def _stored_entry(self, raw: dict[str, Any]) -> TimelineEvent:
        return TimelineEvent.from_raw_data(raw)

    def serialize(self, null_check: bool = True) -> dict[str, dict[str, Any]]:
        """Every write of a ticket places it in the queues its fields belong to."""
        self.index_keys()
        return super().serialize(null_check=null_check)


class Customer(Item):
    SK_VALUE: ClassVar[str] = "PROFILE"

    customer_id = UnicodeAttribute()
    name = UnicodeAttribute()
    email = UnicodeAttribute(null=True)
    phone = UnicodeAttribute(null=True)
    language = UnicodeAttribute()
    sms_opt_in = BooleanAttribute(default=False)
    email_status = UnicodeAttribute(default="ok")  # ok | bouncing
    email_bounced_at = UnicodeAttribute(null=True)
    channels = UnicodeSetAttribute(null=True)
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()
    version = VersionAttribute()

    @staticmethod
    def key(customer_id: str) -> tuple[str, str]:
        return f"CUSTOMER#{customer_id}", Customer.SK_VALUE


class ContactLookup(Item):
    """E-mail address or phone number → the one customer who owns it (one history across channels)."""

    customer_id = UnicodeAttribute()

    @staticmethod
    def key(kind: str, value: str) -> tuple[str, str]:
        return f"{kind.upper()}#{value}", kind.upper()


class TimelineEvent(Item):
    """One thing that happened to a ticket. SK sorts by time: ``EVENT#<at>#<event_id>``."""

    event_id = UnicodeAttribute()
    ticket_id = UnicodeAttribute()
    event_type = UnicodeAttribute()
    at = UnicodeAttribute()
    actor = UnicodeAttribute()
    summary = UnicodeAttribute()
    visibility = UnicodeAttribute(default="internal")  # internal | public
    channel = UnicodeAttribute(null=True)
    data = JSONAttribute(default=dict)
    customer_index = CustomerIndex()
    GSI4PK = UnicodeAttribute(null=True)
    GSI4SK = UnicodeAttribute(null=True)


def timeline_entry(
    ticket_id: str,
    customer_id: str | None,
    event_type: str,
    summary: str,
    *,
    actor: str,
    at: datetime | None = None,
    visibility: str = "internal",
    channel: str | None = None,
    data: dict[str, Any] | None = None,
    event_id: str | None = None,
) -> TimelineEvent:
    """One timeline entry (``EVENT#<at>#<event_id>``); interactions with the customer also join the
    customer's 360 view (GSI4; which events are interactions: ``lifecycle.CUSTOMER_INTERACTIONS``)."""
    moment = clock.iso(at or clock.now())
    event_id = event_id or uuid.uuid4().hex[:12]
    entry = TimelineEvent(
        f"TICKET#{ticket_id}",
        f"EVENT#{moment}#{event_id}",
        event_id=event_id,
        ticket_id=ticket_id,
        event_type=event_type,
        at=moment,
        actor=actor,
        summary=summary,
        visibility=visibility,
        channel=channel,
        data=data or {},
    )
    if customer_id and (event_type in CUSTOMER_INTERACTIONS or visibility == "public"):
        entry.GSI4PK = f"CUSTOMER#{customer_id}"
        entry.GSI4SK = f"EVENT#{moment}#{ticket_id}#{event_id}"
    return entry


class MessageLink(Item):
    """An e-mail Message-ID we sent or received → its ticket (threading, replay safety)."""

    ticket_id = UnicodeAttribute()
    at = UnicodeAttribute()
    direction = UnicodeAttribute()  # in | out

    @staticmethod
    def key(message_id: str) -> tuple[str, str]:
        """One key per message, whatever the spelling: an SES id under any regional domain
        (``complaintdesk.mail.references.message_id_key``)."""
        from complaintdesk.mail.references import message_id_key

        return f"MSGID#{message_id_key(message_id)}", "MSGID"

    @staticmethod
    def legacy_key(message_id: str) -> tuple[str, str]:
        """The key links were written under before SES ids were keyed by their left part alone."""
        return f"MSGID#{message_id.strip('<>').lower()}", "MSGID"


class CategoryVersion(Item):
    """One published, immutable version of a category: its definition and its state machine."""

    category_id = UnicodeAttribute()
    version = NumberAttribute()
    definition = JSONAttribute()
    state_machine_arn = UnicodeAttribute()
    published_at = UnicodeAttribute()
    published_by = UnicodeAttribute()
    changes = JSONAttribute(default=list)
    # True when the version is a shipped default published by the sync (``make run``,
    # ``complaintdesk sync-categories``), False when a person published it through the API.
    shipped = BooleanAttribute(null=True)

    @staticmethod
    def key(category_id: str, version: int) -> tuple[str, str]:
        return f"CATEGORY#{category_id}", f"VERSION#{version:06d}"


class CategoryHead(Item):
    """The category list (one small partition): each category's current version."""

    category_id = UnicodeAttribute()
    current_version = NumberAttribute()
    state_machine_arn = UnicodeAttribute()
    names = JSONAttribute(default=dict)
    updated_at = UnicodeAttribute()

    @staticmethod
    def key(category_id: str) -> tuple[str, str]:
        return "CATEGORIES", category_id


class OutboxEvent(Item):
    """An event (and/or a plan start) written in the same transaction as the change that caused it.

    The publisher function (``services/outbox.py``) reads it from the table's stream, publishes the
    event to SNS and starts the plan; a stream retry repeats both harmlessly (subscribers are
    idempotent on ``event_id``, executions are named after the ticket). TTL removes it later.
    """

    SK_PREFIX: ClassVar[str] = "OUTBOX#"

    ticket_id = UnicodeAttribute()
    event = JSONAttribute(null=True)  # the DomainEvent envelope, as it goes out
    start = JSONAttribute(null=True)  # {"state_machine_arn", "name", "input"}: a plan to start
    created_at = UnicodeAttribute()
    expires_at = NumberAttribute()

    @staticmethod
    def key(ticket_id: str, item_id: str) -> tuple[str, str]:
        return (f"TICKET#{ticket_id}" if ticket_id else "OUTBOX"), f"{OutboxEvent.SK_PREFIX}{item_id}"


class IntakeKey(Item):
    """An ``Idempotency-Key`` the API accepted → the ticket it created, written in that ticket's
    own transaction: whatever fails after the commit, the same key finds the same ticket."""

    ticket_id = UnicodeAttribute()
    body_hash = UnicodeAttribute()
    created_at = UnicodeAttribute()
    expires_at = NumberAttribute()

    @staticmethod
    def key(digest: str) -> tuple[str, str]:
        return f"INTAKEKEY#{digest}", "INTAKEKEY"


class CannedReply(Item):
    """A reply prepared for a category, one text per language (``notify/canned.py`` says which
    placeholders it may use). The category's replies are one partition, read by Query, sorted by id."""

    SK_PREFIX: ClassVar[str] = "REPLY#"

    category_id = UnicodeAttribute()
    reply_id = UnicodeAttribute()
    title = UnicodeAttribute()
    texts = JSONAttribute(default=dict)  # language -> text
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()
    updated_by = UnicodeAttribute()
    version = VersionAttribute()

    @staticmethod
    def key(category_id: str, reply_id: str) -> tuple[str, str]:
        return f"CANNED#{category_id}", f"{CannedReply.SK_PREFIX}{reply_id}"


class Counter(Item):
    value = NumberAttribute(default=0)


def all_models() -> list[type[Model]]:
    """Every model on the table: subclasses of ``Item`` wherever they are defined."""
    found: list[type[Model]] = [Item]
    for model in found:
        found.extend(model.__subclasses__())
    return found


_bound: tuple[str, str, int] | None = None


def bind_models(force: bool = False) -> None:
    """Point every model at the configured table and region (once, or again after ``force``).

    Every model shares one PynamoDB connection, so one botocore client: PynamoDB would give each
    model a connection of its own, and each builds its client on first use (~15 ms of CPU apiece;
    a create touched seven). They are one table, so one connection fits them all: Ticket's, whose
    schema names every index of the table (a model with an index Ticket lacks is refused here).
    """
    global _bound
    settings = get_settings()
    models = all_models()
    target = (settings.table_name, settings.region, len(models))
    if _bound == target and not force:
        return
    for model in models:
        model.Meta.table_name = settings.table_name
        model.Meta.region = settings.region
        model._connection = None
    shared = Ticket._get_connection()
    for model in models:
        unknown = set(model._indexes) - set(Ticket._indexes)
        if unknown:
            raise TypeError(f"{model.__name__} queries indexes the Ticket model lacks: {sorted(unknown)}")
        model._connection = shared
    _bound = target


def connection() -> Connection:
    """The one PynamoDB connection of the table (transactions use it too: the same client)."""
    bind_models()
    return Ticket._get_connection().connection
