"""Typed models of what comes in at the edges (API bodies), with clear error messages."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal, get_args

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from complaintdesk.errors import InvalidInput
from complaintdesk.lifecycle import TicketStatus
from complaintdesk.settings import get_settings

Channel = Literal["api", "web", "phone", "store", "social", "email"]
Priority = Literal["low", "normal", "high", "urgent"]
CHANNELS: tuple[str, ...] = get_args(Channel)
LANGUAGES = ("tr", "en", "lv")
CANNED_REPLY_ID = r"^[a-z0-9][a-z0-9-]{0,63}$"

# A practical addr-spec check: a dot-atom local part, or an RFC 5322 quoted string
# ("first last"@example.com: printable ASCII and spaces, \" and \\ escaped), then one @ and a dotted
# domain; no control characters.
_EMAIL_RE = re.compile(
    r"^(?:[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+|\"(?:[\x20\x21\x23-\x5b\x5d-\x7e]|\\[\x20-\x7e])+\")"
    r"@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$"
)


def normalize_email(value: str) -> str:
    value = value.strip()
    local = value.rpartition("@")[0]
    dotted = not local.startswith('"')
    if (
        len(value) > 254
        or not _EMAIL_RE.match(value)
        or (dotted and ".." in local)
        or ".." in value.rpartition("@")[2]
    ):
        raise ValueError("is not a valid e-mail address")
    local, _, domain = value.rpartition("@")
    return f"{local}@{domain.lower()}".lower()


def normalize_phone(value: str, region: str | None = None) -> str:
    """E.164 (complaintdesk.phones): national forms read in ``region``, else the default region."""
    from complaintdesk.phones import normalize_phone as to_e164

    return to_e164(value, region)


def _country(value: str | None) -> str | None:
    from complaintdesk.phones import is_region

    if value in (None, ""):
        return None
    if not is_region(value):
        raise ValueError("is not a country code phone numbers know (ISO 3166 alpha-2, e.g. TR, LV)")
    return value.upper()


# Dates anyone may send (report ranges, preview starts): wide enough for any real plan, narrow
# enough that every deadline computed from them stays a valid datetime.
EARLIEST = date(2000, 1, 1)
LATEST = date(2100, 12, 31)


def _in_range(day: date) -> None:
    if not EARLIEST <= day <= LATEST:
        raise ValueError(f"must be between {EARLIEST.isoformat()} and {LATEST.isoformat()}")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, defer_build=True)


class _Query(BaseModel):
    """A query string: unknown parameters are ignored, bad values of known ones are refused."""

    model_config = ConfigDict(
        extra="ignore", str_strip_whitespace=True, populate_by_name=True, defer_build=True
    )


class CustomerIn(_Strict):
    name: str = Field(min_length=1, max_length=200)
    email: str | None = None
    # Declared before ``phone``: the phone's validator reads it.
    country: str | None = Field(
        default=None,
        max_length=2,
        description="ISO 3166 alpha-2; a phone without a country code is read in this country "
        "(else in the deployment's default region)",
        examples=["TR"],
    )
    phone: str | None = Field(default=None, examples=["0532 123 45 67", "+371 2912 3456"])
    language: str = Field(default="en", min_length=2, max_length=8)
    sms_opt_in: StrictBool = False

    @field_validator("email")
    @classmethod
    def _email(cls, value: str | None) -> str | None:
        return None if value in (None, "") else normalize_email(value)

    @field_validator("country")
    @classmethod
    def _country(cls, value: str | None) -> str | None:
        return _country(value)

    @field_validator("phone")
    @classmethod
    def _phone(cls, value: str | None, info: ValidationInfo) -> str | None:
        return None if value in (None, "") else normalize_phone(value, info.data.get("country"))

    @field_validator("language")
    @classmethod
    def _language(cls, value: str) -> str:
        return value.lower().split("-")[0]

    @model_validator(mode="after")
    def _reachable(self) -> CustomerIn:
        if not self.email and not self.phone:
            raise ValueError("give the customer's email or phone (or both)")
        return self


# Files staff and API clients may upload to a ticket (complaintdesk.services.attachments): at most
# 10 MB each (as the e-mail intake keeps), of the types below; executables and scripts are refused
# by name as well as by type (complaintdesk.mail.is_dangerous, the intake's own check).
ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
ATTACHMENTS_PER_CREATE = 10
ATTACHMENT_TYPES = frozenset(
    {
        "application/pdf", "text/plain", "text/csv", "application/json", "application/xml",
        "message/rfc822", "application/zip", "application/vnd.ms-outlook",
        "application/msword", "application/vnd.ms-excel", "application/vnd.ms-powerpoint",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "application/vnd.oasis.opendocument.text", "application/vnd.oasis.opendocument.spreadsheet",
        "image/jpeg", "image/png", "image/gif", "image/webp", "image/heic", "image/heif", "image/tiff",
        "image/bmp", "audio/mpeg", "audio/mp4", "audio/ogg", "audio/wav", "video/mp4", "video/quicktime",
        "video/webm",
    }
)  # fmt: skip
_MEDIA_TYPE_RE = re.compile(r"^[a-z0-9][a-z0-9!#$&^_.+-]{0,63}/[a-z0-9][a-z0-9!#$&^_.+-]{0,99}$")
_FILENAME_BAD_RE = re.compile(r"[\\/\x00-\x1f\x7f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


class AttachmentIn(_Strict):
    """A file to upload: its name, media type and exact size in bytes (the upload must match)."""

    filename: str = Field(min_length=1, max_length=200, examples=["receipt.pdf"])
    content_type: str = Field(min_length=3, max_length=164, examples=["application/pdf"])
    size: StrictInt = Field(ge=1, le=ATTACHMENT_MAX_BYTES, description="bytes; at most 10 MB")

    @field_validator("filename")
    @classmethod
    def _plain_name(cls, value: str) -> str:
        from complaintdesk.mail import is_dangerous

        if _FILENAME_BAD_RE.search(value):
            raise ValueError("must be a plain file name: no slashes, control or direction characters")
        if value.strip(". ") == "":
            raise ValueError("must be a file name, not dots")
        if is_dangerous(value, ""):
            raise ValueError("names a program or script; such files are not accepted")
        return value

    @field_validator("content_type")
    @classmethod
    def _accepted_type(cls, value: str) -> str:
        media = value.lower()
        if not _MEDIA_TYPE_RE.match(media):
            raise ValueError("is not a media type (type/subtype, no parameters)")
        if media not in ATTACHMENT_TYPES:
            raise ValueError(f"{media} is not accepted; send documents, images, audio or video")
        return media


RemedyType = Literal["refund", "replacement", "apology", "repair", "explanation", "other"]


class RequestedRemedy(_Strict):
    """What the customer asks for (ISO 10002 receipt): one of the kinds, with their own words."""

    type: RemedyType
    details: str = Field(
        default="", max_length=2000, description="the customer's own words; required for other"
    )

    @model_validator(mode="after")
    def _other_says_what(self) -> RequestedRemedy:
        if self.type == "other" and not self.details.strip():
            raise ValueError("details: say what you ask for when the type is other")
        return self


class TicketCreate(_Strict):
    customer: CustomerIn
    channel: Channel
    subject: str = Field(min_length=1, max_length=300)
    description: str = Field(min_length=1)
    category: str | None = Field(default=None, max_length=64)
    priority: Priority | None = None
    product: str | None = Field(default=None, max_length=120)
    region: str | None = Field(default=None, max_length=120)
    unit: str | None = Field(default=None, max_length=120)
    fields: dict[str, Any] = Field(default_factory=dict)
    # Files to upload with the complaint: the 201 answer carries a presigned upload per file.
    attachments: list[AttachmentIn] = Field(default_factory=list, max_length=ATTACHMENTS_PER_CREATE)
    # What the customer asks for (refund, replacement, …), recorded at receipt and shown to staff.
    requested_remedy: RequestedRemedy | None = None

    @field_validator("description")
    @classmethod
    def _description_size(cls, value: str) -> str:
        limit = get_settings().max_description_chars
        if len(value) > limit:
            raise ValueError(f"is {len(value)} characters long; the limit is {limit}")
        return value


class TicketPatch(_Strict):
    version: StrictInt = Field(ge=1, description="the version you read; a stale one gets 409")
    priority: Priority | None = None
    category: str | None = Field(default=None, max_length=64)
    fields: dict[str, Any] | None = None

    @model_validator(mode="after")
    def _something(self) -> TicketPatch:
        if self.priority is None and self.category is None and self.fields is None:
            raise ValueError("nothing to change: give priority, category or fields")
        return self


class CommentIn(_Strict):
    body: str | None = Field(
        default=None, min_length=1, max_length=20000, description="the words; or give canned_reply_id"
    )
    visibility: Literal["internal", "public"] = "internal"
    # The customer's own words, taken by an agent (phone, store): resumes a step waiting for them.
    from_customer: StrictBool = False
    canned_reply_id: str | None = Field(
        default=None,
        pattern=CANNED_REPLY_ID,
        description="instead of body: a canned reply of the ticket's category, filled for this ticket "
        "in the customer's language",
    )
    attachment_ids: list[Annotated[str, Field(pattern=r"^A[TM]-[0-9a-f]{16}$")]] = Field(
        default_factory=list,
        max_length=10,
        description="files of the ticket (GET /tickets/{id}/attachments) the public reply's e-mail carries",
    )

    @model_validator(mode="after")
    def _one_text(self) -> CommentIn:
        if (self.body is None) == (self.canned_reply_id is None):
            raise ValueError("give body or canned_reply_id (one of them)")
        if self.canned_reply_id is not None and self.from_customer:
            raise ValueError("a canned reply is ours, not the customer's words: leave out from_customer")
        if self.attachment_ids and (self.visibility != "public" or self.from_customer):
            raise ValueError("attachment_ids go out with a public reply of ours: set visibility to public")
        return self


class _CannedReplyWords(_Strict):
    title: str = Field(min_length=1, max_length=200, description="what agents pick it by")
    texts: dict[Literal["tr", "en", "lv"], str] = Field(
        description="the text per language (at least one); placeholders {customer_name}, {ticket_id}, "
        "{due_date}, {complaint_subject}; {{ and }} are literal braces",
    )

    @field_validator("texts")
    @classmethod
    def _texts(cls, texts: dict[str, str]) -> dict[str, str]:
        from complaintdesk.notify.canned import CannedTextError, placeholders

        if not texts:
            raise ValueError("give the text in at least one language (tr, en, lv)")
        for language, text in texts.items():
            if not 1 <= len(text.strip()) <= 20000:
                raise ValueError(f"{language}: give 1 to 20000 characters")
            try:
                placeholders(text)
            except CannedTextError as exc:
                raise ValueError(f"{language}: {exc}") from None
        return {language: text.strip() for language, text in texts.items()}


class CannedReplyCreate(_CannedReplyWords):
    """``POST /categories/{id}/canned-replies``: a new reply."""

    id: str | None = Field(
        default=None,
        pattern=CANNED_REPLY_ID,
        description="lower-case letters, digits and dashes (at most 64); generated when left out",
    )


class CannedReplyUpdate(_CannedReplyWords):
    """``PUT /categories/{id}/canned-replies/{reply_id}``: the whole reply, replaced."""

    version: StrictInt | None = Field(
        default=None, ge=1, description="the version you read; a stale one gets 409"
    )


class StepComplete(_Strict):
    """``POST /tickets/{id}/steps/{step}/complete``."""

    outcome: Literal["done", "waiting_for_customer"] = "done"
    notes: str = Field(
        default="", max_length=4000, description="what was done, or what we need from the customer"
    )
    version: StrictInt | None = Field(
        default=None, ge=1, description="the version you read; a stale one gets 409"
    )


class TicketResolve(_Strict):
    """``POST /tickets/{id}/resolve``: the decision the customer is told, and why it happened."""

    resolution: str = Field(
        min_length=1, max_length=10000, description="the explanation the customer receives"
    )
    root_cause: str = Field(
        min_length=1,
        max_length=200,
        description="a code from the category's root_causes (billing_system_error); words only for a "
        "ticket without a category or a category that lists none",
    )


class TicketReopen(_Strict):
    """``POST /tickets/{id}/reopen``."""

    reason: str = Field(default="reopened", min_length=1, max_length=1000)


class RecoveryActionIn(_Strict):
    """``POST /tickets/{id}/recovery-actions``: an apology, or a compensation with its amount."""

    type: Literal["apology", "compensation"]
    compensation_type: str | None = Field(
        default=None, min_length=1, max_length=40, pattern=r"^[a-z][a-z0-9_-]*$"
    )
    amount: Decimal | None = Field(default=None, gt=0, max_digits=12, decimal_places=2, allow_inf_nan=False)
    currency: str | None = Field(default=None, pattern=r"^[A-Z]{3}$", description="ISO 4217, e.g. TRY, EUR")
    note: str | None = Field(default=None, max_length=1000)

    @field_validator("amount", mode="before")
    @classmethod
    def _amount_is_a_number(cls, value: Any) -> Any:
        if isinstance(value, bool):
            raise ValueError("must be a number like 1250.50")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> RecoveryActionIn:
        if self.type == "apology" and (self.compensation_type or self.amount is not None or self.currency):
            raise ValueError("an apology carries no compensation_type, amount or currency")
        if self.type == "compensation" and not self.compensation_type:
            raise ValueError("a compensation needs its compensation_type (refund, credit, voucher, ...)")
        if (self.amount is None) != (self.currency is None):
            raise ValueError("give amount and currency together")
        return self


class DecisionIn(_Strict):
    """``POST /decision/{token}``: the customer accepts or rejects the resolution, once."""

    decision: Literal["accept", "reject"]
    reason: str | None = Field(default=None, max_length=2000, description="why, when rejecting")


class SurveyIn(_Strict):
    """``POST /survey/{token}``: the customer's score, once."""

    score: StrictInt = Field(ge=1, le=5)
    comment: str = Field(default="", max_length=2000)


class CategoryPreview(_Strict):
    """``POST /categories/{id}/preview``: deadlines from ``start`` under a proposed (or the current) plan."""

    start: datetime = Field(description="ISO 8601 with a zone, e.g. 2026-11-27T16:30:00+03:00")
    # A proposed plan is checked by the category model itself (its errors name the place).
    definition: dict[str, Any] | None = None

    @field_validator("start", mode="before")
    @classmethod
    def _iso_text(cls, value: Any) -> Any:
        if not isinstance(value, str):
            raise ValueError("must be an ISO 8601 time with a zone, e.g. 2026-11-27T16:30:00+03:00")
        try:
            return datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            raise ValueError("must be an ISO 8601 time with a zone, e.g. 2026-11-27T16:30:00+03:00") from None

    @field_validator("start")
    @classmethod
    def _sane(cls, value: datetime) -> datetime:
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError("must include a time zone offset, e.g. +03:00 or Z")
        _in_range(value.date())
        return value


# --- query strings ----------------------------------------------------------------------------

# Category and team ids as the category model allows them (lower-case slugs).
_ID_FILTER = r"^[a-z][a-z0-9-]{1,47}$"
CURSOR_MAX = 2048


class TicketListQuery(_Query):
    """``GET /tickets``: an agent queue (default: the open queue)."""

    status: TicketStatus | None = None
    category: str | None = Field(default=None, pattern=_ID_FILTER)
    team: str | None = Field(default=None, pattern=_ID_FILTER)
    customer: str | None = Field(default=None, pattern=r"^CU-[A-Za-z0-9]{1,40}$")
    channel: Channel | None = None
    priority: Priority | None = None
    assignee: str | None = Field(
        default=None,
        max_length=254,
        description="me (the caller), none (nobody but the team has it) or a staff e-mail",
    )
    q: str | None = Field(
        default=None,
        min_length=2,
        max_length=200,
        description="words to find in the subject, the description and the customer's name, e-mail "
        "or phone (every word must appear; case and accents do not matter)",
    )
    limit: int = Field(default=25, ge=1, le=100)
    cursor: str | None = Field(default=None, max_length=CURSOR_MAX)

    @field_validator("assignee")
    @classmethod
    def _assignee(cls, value: str | None) -> str | None:
        if value is None or value.lower() in ("me", "none"):
            return value.lower() if value else value
        return normalize_email(value)


class TicketAssign(_Strict):
    """``POST /tickets/{id}/assign``: give the ticket to a member of its owner team."""

    assignee: str = Field(max_length=254, description="the staff e-mail of a member of the owner team")
    version: StrictInt = Field(ge=1, description="the version you read; a stale one gets 409")

    @field_validator("assignee")
    @classmethod
    def _email(cls, value: str) -> str:
        return normalize_email(value)


class TicketVersion(_Strict):
    """``POST /tickets/{id}/take`` and ``/unassign``: the version you read."""

    version: StrictInt = Field(ge=1, description="the version you read; a stale one gets 409")


class TeamMembersPut(_Strict):
    """``PUT /teams/{id}/members``: the team's people, replaced (staff e-mails of the user pool)."""

    members: list[Annotated[str, AfterValidator(normalize_email)]] = Field(
        max_length=500, description="staff e-mails (agent, manager or admin users)"
    )
    version: StrictInt | None = Field(
        default=None, ge=0, description="the version you read (0: no members yet); a stale one gets 409"
    )

    @field_validator("members")
    @classmethod
    def _once(cls, value: list[str]) -> list[str]:
        if len(set(value)) != len(value):
            raise ValueError("names a person more than once")
        return value


class BoardQuery(_Query):
    """``GET /teams/{id}/board``: a team's active steps, soonest due first, a page at a time."""

    limit: int = Field(default=1000, ge=1, le=1000, description="active steps one board reads")
    cursor: str | None = Field(
        default=None, max_length=CURSOR_MAX, description="the previous board's next_cursor"
    )


class EscalationsQuery(_Query):
    """``GET /escalations``: the escalations a manager received."""

    manager: str = Field(default="me", max_length=254, description="me, or (admin) a staff e-mail")
    limit: int = Field(default=200, ge=1, le=200)
    cursor: str | None = Field(default=None, max_length=CURSOR_MAX)

    @field_validator("manager")
    @classmethod
    def _manager(cls, value: str) -> str:
        return "me" if value.lower() == "me" else normalize_email(value)


class TimelineQuery(_Query):
    """``GET /tickets/{id}/timeline``."""

    limit: int = Field(default=100, ge=1, le=500)
    cursor: str | None = Field(default=None, max_length=CURSOR_MAX)


class CannedReplyQuery(_Query):
    """``GET /categories/{id}/canned-replies``: ?language= keeps the replies written in it."""

    language: Literal["tr", "en", "lv"] | None = None
    limit: int = Field(default=100, ge=1, le=200)
    cursor: str | None = Field(default=None, max_length=CURSOR_MAX)


class CannedReplyRenderQuery(_Query):
    """``GET /tickets/{id}/canned-replies/{reply_id}``: the language (default: the customer's)."""

    language: Literal["tr", "en", "lv"] | None = None


class QuarantineQuery(_Query):
    """``GET /quarantine``: one month of quarantined mail."""

    month: str | None = Field(default=None, pattern=r"^\d{4}-(0[1-9]|1[0-2])$", description="YYYY-MM")
    limit: int = Field(default=50, ge=1, le=100)
    cursor: str | None = Field(default=None, max_length=CURSOR_MAX)


class CustomerLookupQuery(_Query):
    """``GET /customers``: exactly one of ``email`` or ``phone``."""

    email: str | None = Field(default=None, max_length=254)
    country: str | None = Field(
        default=None, max_length=2, description="ISO 3166 alpha-2 the phone is read in"
    )
    phone: str | None = Field(
        default=None, max_length=40, description="any format; national ones read in country"
    )

    @field_validator("email")
    @classmethod
    def _email(cls, value: str | None) -> str | None:
        return None if value is None else normalize_email(value)

    @field_validator("country")
    @classmethod
    def _country(cls, value: str | None) -> str | None:
        return _country(value)

    @field_validator("phone")
    @classmethod
    def _phone(cls, value: str | None, info: ValidationInfo) -> str | None:
        return None if value is None else normalize_phone(value, info.data.get("country"))

    @model_validator(mode="after")
    def _one(self) -> CustomerLookupQuery:
        if (self.email is None) == (self.phone is None):
            raise ValueError("give exactly one of email or phone")
        return self


ReportGroup = Literal["category", "channel", "region", "product", "unit", "team", "root_cause", "step"]
ReportInterval = Literal["day", "week", "month"]
# The counters of a report day (store/report_models.COUNTERS, checked by a test) and the rates
# derived from them.
CounterMetric = Literal[
    "opened",
    "resolved",
    "breached",
    "escalated",
    "reopened",
    "first_contact_resolutions",
    "first_responses",
    "first_response_seconds",
    "resolution_seconds",
    "csat_sum",
    "csat_count",
    "steps_completed",
    "steps_on_time",
]
DerivedMetric = Literal[
    "first_contact_resolution_pct",
    "avg_first_response_hours",
    "avg_resolution_hours",
    "csat_avg",
    "sla_compliance_pct",
]
ReportMetric = Literal[CounterMetric, DerivedMetric]
REPORT_GROUPS: tuple[str, ...] = get_args(ReportGroup)


class ReportRange(_Query):
    """``from``/``to`` (YYYY-MM-DD, inclusive) of a report; the service fills in the defaults."""

    start: date | None = Field(default=None, alias="from")
    end: date | None = Field(default=None, alias="to")

    @field_validator("start", "end", mode="before")
    @classmethod
    def _day_text(cls, value: Any) -> Any:
        if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
            raise ValueError("must be a date like 2026-03-31")
        return value.strip()

    @field_validator("start", "end")
    @classmethod
    def _sane(cls, value: date) -> date:
        _in_range(value)
        return value

    @model_validator(mode="after")
    def _ordered(self) -> ReportRange:
        if self.start and self.end and self.start > self.end:
            raise ValueError("from must not be after to")
        return self

    def dates(self) -> tuple[str | None, str | None]:
        return (
            self.start.isoformat() if self.start else None,
            self.end.isoformat() if self.end else None,
        )


class ReportSummaryQuery(ReportRange):
    """``GET /reports/summary``."""

    group_by: ReportGroup = "category"


class ReportTrendQuery(ReportRange):
    """``GET /reports/trend``."""

    metric: ReportMetric = "opened"
    interval: ReportInterval = "day"
    group_by: Literal[ReportGroup, "all"] | None = None  # one Literal: a refusal names group_by


class ReportSlaQuery(ReportRange):
    """``GET /reports/sla``."""


# --- parsing ----------------------------------------------------------------------------------


def parse(model: type[BaseModel], data: Any) -> Any:
    """Validate a JSON body ``data`` into ``model``; raise InvalidInput naming every bad field.

    An instance of ``model`` (a body the route already validated) is returned as it is."""
    if isinstance(data, model):
        return data
    if not isinstance(data, dict):
        raise InvalidInput("the request body must be a JSON object")
    return _validate(model, data, whole="body")


def parse_query(model: type[BaseModel], query: Mapping[str, Any] | BaseModel | None) -> Any:
    """Validate a query string into ``model``; an empty value (or None) counts as not given.

    An instance of ``model`` (a query the route already validated) is returned as it is."""
    if isinstance(query, model):
        return query
    if isinstance(query, BaseModel):
        raise TypeError(f"a {type(query).__name__} is not a {model.__name__} query")
    return _validate(model, {k: v for k, v in (query or {}).items() if v not in ("", None)}, whole="query")


def parse_form(model: type[BaseModel], fields: Mapping[str, str]) -> Any:
    """Validate a plain HTML form's fields (all text) into ``model``, read as JSON would read them
    ("4" is the number 4 for an int field); the errors name the fields as ``parse`` does."""
    return _validate(model, dict(fields), whole="body", strings=True)


def _validate(model: type[BaseModel], data: dict[str, Any], *, whole: str, strings: bool = False) -> Any:
    """``whole``: the name of a problem of the body or query as a whole (no one field).
    ``strings``: every value is text (a form), converted as the field's type reads text."""
    try:
        return model.model_validate_strings(data) if strings else model.model_validate(data)
    except ValidationError as exc:
        details = []
        for err in exc.errors():
            field = ".".join(str(p) for p in err["loc"]) or whole
            message = err["msg"].removeprefix("Value error, ")
            if err["type"] == "literal_error":
                message = f"must be one of: {err['ctx']['expected']}"
            elif err["type"] == "extra_forbidden":
                message = "is not a known field"
            elif err["type"] == "missing":
                message = "is required"
            details.append({"field": field, "message": message})
        summary = "; ".join(f"{d['field']}: {d['message']}" for d in details)
        raise InvalidInput(f"invalid request: {summary}", details=details) from None
