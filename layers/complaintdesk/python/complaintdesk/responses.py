"""What the API answers: the shapes of its JSON responses, for the contract (``complaintdesk.openapi``).

The views build their answers as plain dicts (``services.*._view``); these models describe them so
the OpenAPI document can, and the contract test (schemathesis against the running stack) holds the
two together: an answer that leaves out a required field or changes a type fails it. Objects stay
open (``extra="allow"``) so a new field is not a breaking change. Imported only by the document's
generator and the tests, never on a request path.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class _Shape(BaseModel):
    model_config = ConfigDict(extra="allow", defer_build=True)


# ---------------------------------------------------------------------------- errors


class FieldProblem(_Shape):
    field: str = Field(description="the field, dotted for nested ones (customer.email)")
    message: str


class ErrorBody(_Shape):
    code: str = Field(description="invalid_input, unauthenticated, forbidden, not_found, conflict, …")
    message: str
    details: list[FieldProblem] | None = Field(default=None, description="one entry per bad field")


class Error(_Shape):
    """Every refusal, from the app and from the gateway alike."""

    error: ErrorBody


# ---------------------------------------------------------------------------- tickets


class TicketSummary(_Shape):
    ticket_id: str = Field(examples=["C-2026-000001"])
    status: str
    priority: str
    channel: str
    subject: str
    category: str | None
    customer_id: str
    owner_team: str | None
    assignee: str | None = Field(
        default=None, description="the person of the owner team who has it now; null: the team"
    )
    current_step: str | None
    due_at: str | None = Field(description="when the current step is due (ISO 8601)")
    breached: bool
    created_at: str
    version: int = Field(description="send it back on PATCH; a stale one gets 409")


class QueueRow(TicketSummary):
    at_risk: bool = Field(
        description="open, not breached, and due within the reminder lead (or past this level's deadline)"
    )


class Workflow(_Shape):
    current_step: str | None
    owner_team: str | None
    due_at: str | None
    escalation_level: int
    escalation_due_at: Any = Field(description="the due time of each escalation level of the step")
    breached: bool
    waiting_for: str | None
    paused_since: str | None
    next_step: str | None


class RequestedRemedy(_Shape):
    type: Literal["refund", "replacement", "apology", "repair", "explanation", "other"]
    details: str = ""


class Decision(_Shape):
    round: int = Field(description="which resolution: 0 for the first, one more after each reopen")
    decision: Literal["accepted", "rejected"]
    reason: str | None
    resolution: str | None = Field(description="the resolution the customer answered")
    at: str


class Ticket(TicketSummary):
    description: str
    language: str
    category_version: int | None
    product: str | None
    region: str | None
    unit: str | None
    fields: dict[str, Any]
    updated_at: str
    created_by: str
    first_response_due: str | None = Field(
        description="the first reply promised to the customer at receipt (business time of the plan)"
    )
    first_response_at: str | None
    resolved_at: str | None
    resolution: str | None
    root_cause: str | None
    requested_remedy: RequestedRemedy | None = Field(
        default=None, description="what the customer asked for at receipt (ISO 10002)"
    )
    decisions: list[Decision] = Field(
        default_factory=list, description="the customer's answers to each resolution (decision link)"
    )
    workflow: Workflow


class TicketPage(_Shape):
    """One page of an agent queue; pass ``next_cursor`` back as ``cursor`` for the next one."""

    tickets: list[QueueRow]
    next_cursor: str | None = Field(description="null on the last page")
    scanned: int | None = Field(
        default=None, description="a search (q, channel, priority, assignee): the tickets it read"
    )
    stopped_early: bool | None = Field(
        default=None,
        description="a search read its most tickets before the page was full: ask next_cursor for more",
    )


class TimelineEvent(_Shape):
    event_id: str
    ticket_id: str
    type: str
    at: str
    actor: str | None
    summary: str
    visibility: Literal["internal", "public"] | str
    channel: str | None = None
    data: dict[str, Any] | None = None


class Timeline(_Shape):
    ticket_id: str
    events: list[TimelineEvent]
    next_cursor: str | None


# ---------------------------------------------------------------------------- teams


class Team(_Shape):
    team_id: str = Field(examples=["billing"])
    name: str
    names: dict[str, str] = Field(description="the team's name per language")
    categories: list[str] = Field(description="the published categories naming the team")
    members: list[str] = Field(description="staff e-mails")
    version: int = Field(description="send it back on PUT members; 0: no members stored yet")
    updated_at: str | None
    updated_by: str | None


class TeamList(_Shape):
    teams: list[Team]


class StaffUser(_Shape):
    email: str
    roles: list[str] = Field(description="agent, manager, admin")
    teams: list[str]


class StaffList(_Shape):
    staff: list[StaffUser]


class BoardTally(_Shape):
    open: int = Field(description="active steps (waiting for the customer included)")
    at_risk: int
    breached: int
    waiting_customer: int
    oldest_due_at: str | None


class BoardPerson(BoardTally):
    assignee: str
    member: bool = Field(description="false: has tickets of the team but is no longer a member")


class TeamBoard(_Shape):
    team_id: str
    name: str
    names: dict[str, str]
    as_of: str
    totals: BoardTally
    unassigned: BoardTally
    people: list[BoardPerson] = Field(
        description="every member (and anyone holding a ticket), oldest due first"
    )
    tickets: list[QueueRow] = Field(description="the team's active steps, soonest due first")
    truncated: bool = Field(
        description="the team has more active steps than this board read (limit): ask for next_cursor"
    )
    next_cursor: str | None = Field(
        description="the board of the steps after these (their tallies only); null: no more"
    )


class EscalationRow(QueueRow):
    level: int = Field(description="the escalation level the step is at (1 = first)")
    label: str
    label_names: dict[str, str]
    step_title: str
    step_names: dict[str, str] = Field(
        description="the step's name per language, as the plan version the ticket runs names it"
    )
    category_version: int | None = Field(description="the plan version the ticket runs")
    escalated_at: str | None = Field(description="when this level started")


class EscalationList(_Shape):
    manager: str
    escalations: list[EscalationRow] = Field(description="newest first")
    truncated: bool = Field(
        description="a team's queue had more active steps than one request reads (1000 a team): "
        "escalations among the rest are not listed"
    )
    next_cursor: str | None = Field(description="the page after this one (limit rows); null: no more")


# ---------------------------------------------------------------------------- canned replies


class CannedReply(_Shape):
    category_id: str
    reply_id: str = Field(examples=["refund-on-its-way"])
    title: str
    texts: dict[str, str] = Field(description="language → text, with its {placeholders}")
    languages: list[str]
    placeholders: list[str] = Field(description="the placeholders its texts use")
    updated_at: str
    updated_by: str
    version: int = Field(description="send it back on PUT; a stale one gets 409")


class CannedReplyPage(_Shape):
    category_id: str
    replies: list[CannedReply]
    next_cursor: str | None


class CannedReplyDeleted(_Shape):
    category_id: str
    reply_id: str
    deleted: bool


class CannedReplyRendered(_Shape):
    """A canned reply filled for one ticket: post ``text`` as a public comment (edited or not)."""

    ticket_id: str
    category_id: str
    reply_id: str
    title: str
    language: str
    text: str


class Attachment(_Shape):
    """A file of a ticket: uploaded through the API (``staff``/``api``) or by the customer's e-mail."""

    attachment_id: str = Field(examples=["AT-5f0c2a9e41d7b3c8"])
    ticket_id: str
    filename: str
    content_type: str
    size: int = Field(description="bytes")
    source: Literal["staff", "api", "email"] | str
    state: Literal["pending", "uploaded"] | str = Field(description="pending until the upload is confirmed")
    added_by: str | None
    added_at: str


class PresignedPost(_Shape):
    """An S3 browser-style upload: POST multipart/form-data to ``url`` with every one of ``fields``,
    then the file as ``file_field``. S3 refuses another key, Content-Type or size than declared."""

    method: Literal["POST"]
    url: str
    fields: dict[str, str]
    file_field: str
    expires_at: str


class AttachmentUpload(Attachment):
    upload: PresignedPost


class AttachmentFile(Attachment):
    dangerous: bool = Field(description="an e-mail attachment that may be harmful (a program, a script)")
    inline: bool = Field(description="an e-mail part shown in the message body (a logo, a picture)")
    download_url: str | None = Field(
        description="presigned GET (saves the file under its name); null while pending"
    )
    download_expires_at: str | None


class AttachmentList(_Shape):
    ticket_id: str
    attachments: list[AttachmentFile]


class TicketCreated(Ticket):
    uploads: list[AttachmentUpload] | None = Field(
        default=None,
        description="one presigned upload per file declared in the body's attachments (absent if none); "
        "upload each, then POST /tickets/{ticket_id}/attachments/{attachment_id}/confirm",
    )


class RecoveryRecorded(_Shape):
    ticket_id: str
    action: dict[str, Any]
    recovery_actions: list[dict[str, Any]]
    version: int


# ---------------------------------------------------------------------------- customers


class Customer(_Shape):
    customer_id: str
    name: str
    email: str | None
    phone: str | None
    language: str
    sms_opt_in: bool
    channels: list[str]
    created_at: str
    version: int


class Customer360(_Shape):
    customer: Customer
    tickets: list[TicketSummary]
    interactions: list[TimelineEvent]


# ---------------------------------------------------------------------------- categories


class CategoryListItem(_Shape):
    category_id: str
    names: dict[str, str] = Field(description="the category's name per language")
    current_version: int
    updated_at: str | None


class CategoryList(_Shape):
    categories: list[CategoryListItem]


class CategoryVersion(_Shape):
    version: int
    published_at: str
    published_by: str
    changes: list[str] = Field(description="what changed from the version before (paths)")
    state_machine_arn: str | None


class Category(_Shape):
    category_id: str
    current_version: int
    names: dict[str, str]
    definition: dict[str, Any] = Field(description="the current plan (see PUT for its fields)")
    state_machine_arn: str | None
    versions: list[CategoryVersion]


class CategoryPublished(Category):
    published: bool = Field(description="false: the definition was the current one; nothing published")


class CategoryVersionDefinition(_Shape):
    category_id: str
    version: int
    published_at: str
    published_by: str
    changes: list[str] = Field(description="what changed from the version before (paths)")
    definition: dict[str, Any] = Field(description="the plan as this version published it")


class PreviewHoliday(_Shape):
    date: str
    name: str = Field(description="in the calendar's own language")
    name_en: str
    from_time: str | None = Field(description="a half day: work stops at this local time")


class PreviewCalendar(_Shape):
    id: str
    name: str
    timezone: str
    working_days: list[str] = Field(description="weekdays with working hours: mon, tue, ...")
    from_: str = Field(alias="from", description="first day of the first month the preview spans")
    to: str = Field(description="last day of the last month the preview spans")
    holidays: list[PreviewHoliday]


class PreviewDeadlines(_Shape):
    category_id: str
    start: str
    proposed: bool = Field(description="true: the deadlines of the proposed definition sent")
    steps: list[dict[str, Any]] = Field(description="each step's and escalation level's deadline")
    calendar: PreviewCalendar = Field(description="the category's calendar over the months the preview spans")


# ---------------------------------------------------------------------------- mail


class QuarantineEntry(_Shape):
    entry_id: str
    at: str
    reason: str
    detail: str
    kind: str | None
    subject: str | None
    raw: dict[str, Any] = Field(description="where the raw .eml is kept (and a download link on GET one)")


class QuarantinePage(_Shape):
    month: str
    entries: list[QuarantineEntry]
    next_cursor: str | None


# ---------------------------------------------------------------------------- reports


class ReportRow(_Shape):
    value: str = Field(description="the dimension's value (a category, a channel, …) or 'total'")
    opened: int
    resolved: int


class SummaryReport(_Shape):
    report: Literal["summary"]
    from_: str = Field(alias="from")
    to: str
    group_by: str
    rows: list[ReportRow]
    total: ReportRow


class TrendSeries(_Shape):
    key: str = Field(description="the value of group_by ('all' when not grouped)")
    values: list[float | None] = Field(description="one per period; null where a rate has no data")


class TrendReport(_Shape):
    report: Literal["trend"]
    metric: str
    interval: Literal["day", "week", "month"]
    group_by: str
    from_: str = Field(alias="from")
    to: str
    periods: list[str] = Field(description="the first day of each period")
    series: list[TrendSeries]


class SlaRow(_Shape):
    value: str
    steps_completed: int
    steps_on_time: int
    sla_compliance_pct: float | None
    breached: int
    escalated: int


class SlaReport(_Shape):
    report: Literal["sla"]
    from_: str = Field(alias="from")
    to: str
    by_category: list[SlaRow]
    by_step: list[SlaRow]
    by_team: list[SlaRow]


# ---------------------------------------------------------------------------- customer links


class PublicStatus(_Shape):
    """What the customer sees behind their status link: no internal notes, no staff names."""

    ticket_id: str
    subject: str
    status: str
    language: str
    waiting_for_you: bool
    expected: dict[str, str | None]
    received_at: str
    resolved_at: str | None
    closed_at: str | None
    resolution: str | None
    survey_answered: bool
    timeline: list[dict[str, Any]]


class SurveyRecorded(_Shape):
    ticket_id: str
    survey: dict[str, Any]


class SurveyState(_Shape):
    """``GET /survey/{token}`` for an API client: whether the survey was answered, and the score."""

    ticket_id: str
    answered: bool
    score: int | None


class Recourse(_Shape):
    kind: Literal["internal", "external"]
    name: str = Field(description="in the customer's language")
    url: str | None = None
    contact: str | None = None


class DecisionView(_Shape):
    """Behind the decision link: the resolution the customer accepts or rejects, and their recourse."""

    ticket_id: str
    subject: str
    language: str
    status: str
    resolution: str | None
    resolved_at: str | None
    decided: Literal["accepted", "rejected"] | None = Field(description="null until the customer answers")
    decided_at: str | None
    answer_by: str | None = Field(description="the link's answer is taken until then (the reopen window)")
    recourse: list[Recourse] = Field(description="internal first, then external bodies (ISO 10002)")
