"""Typed models of what comes in at the edges (API bodies), with clear error messages."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal, get_args

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    StrictInt,
    ValidationError,
    field_validator,
    model_validator,
)

from complaintdesk.errors import InvalidInput
from complaintdesk.lifecycle import TicketStatus
from complaintdesk.settings import get_settings

Channel = Literal["api", "web", "phone", "store", "social", "email"]
Priority = Literal["low", "normal", "high", "urgent"]
CHANNELS: tuple[str, ...] = Channel.__args__  # type: ignore[attr-defined]
LANGUAGES = ("tr", "en", "lv")

# A practical addr-spec check: one @, a dotted domain, no spaces or control characters.
_EMAIL_RE = re.compile(
    r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
    r"(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$"
)


def normalize_email(value: str) -> str:
    value = value.strip()
    if len(value) > 254 or not _EMAIL_RE.match(value) or ".." in value:
        raise ValueError("is not a valid e-mail address")
    local, _, domain = value.rpartition("@")
    return f"{local}@{domain.lower()}".lower()


def normalize_phone(value: str) -> str:
    """E.164-like: a leading + and 8 to 15 digits; spaces, dots, dashes and brackets dropped."""
    raw = value.strip()
    digits = re.sub(r"[\s().-]", "", raw)
    if digits.startswith("00"):
        digits = "+" + digits[2:]
    if not re.fullmatch(r"\+?\d{8,15}", digits):
        raise ValueError("is not a valid phone number (use international form, e.g. +905321234567)")
    return digits if digits.startswith("+") else "+" + digits


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
    phone: str | None = None
    language: str = Field(default="en", min_length=2, max_length=8)
    sms_opt_in: StrictBool = False

    @field_validator("email")
    @classmethod
    def _email(cls, value: str | None) -> str | None:
        return None if value in (None, "") else normalize_email(value)

    @field_validator("phone")
    @classmethod
    def _phone(cls, value: str | None) -> str | None:
        return None if value in (None, "") else normalize_phone(value)

    @field_validator("language")
    @classmethod
    def _language(cls, value: str) -> str:
        return value.lower().split("-")[0]

    @model_validator(mode="after")
    def _reachable(self) -> CustomerIn:
        if not self.email and not self.phone:
            raise ValueError("give the customer's email or phone (or both)")
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
    body: str = Field(min_length=1, max_length=20000)
    visibility: Literal["internal", "public"] = "internal"
    # The customer's own words, taken by an agent (phone, store): resumes a step waiting for them.
    from_customer: StrictBool = False


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
        description="a short code (carrier-delay, billing-system-error) or words",
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
    limit: int = Field(default=25, ge=1, le=100)
    cursor: str | None = Field(default=None, max_length=CURSOR_MAX)


class TimelineQuery(_Query):
    """``GET /tickets/{id}/timeline``."""

    limit: int = Field(default=100, ge=1, le=500)
    cursor: str | None = Field(default=None, max_length=CURSOR_MAX)


class QuarantineQuery(_Query):
    """``GET /quarantine``: one month of quarantined mail."""

    month: str | None = Field(default=None, pattern=r"^\d{4}-(0[1-9]|1[0-2])$", description="YYYY-MM")
    limit: int = Field(default=50, ge=1, le=100)
    cursor: str | None = Field(default=None, max_length=CURSOR_MAX)


class CustomerLookupQuery(_Query):
    """``GET /customers``: exactly one of ``email`` or ``phone``."""

    email: str | None = Field(default=None, max_length=254)
    phone: str | None = Field(default=None, max_length=40)

    @field_validator("email")
    @classmethod
    def _email(cls, value: str | None) -> str | None:
        return None if value is None else normalize_email(value)

    @field_validator("phone")
    @classmethod
    def _phone(cls, value: str | None) -> str | None:
        return None if value is None else normalize_phone(value)

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
    return _validate(model, {k: v for k, v in (query or {}).items() if v not in ("", None)}, whole="query")


def _validate(model: type[BaseModel], data: dict[str, Any], *, whole: str) -> Any:
    """``whole``: the name of a problem of the body or query as a whole (no one field)."""
    try:
        return model.model_validate(data)
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
