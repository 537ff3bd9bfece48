"""Typed models of what comes in at the edges (API bodies), with clear error messages."""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from complaintdesk.errors import InvalidInput
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


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class CustomerIn(_Strict):
    name: str = Field(min_length=1, max_length=200)
    email: str | None = None
    phone: str | None = None
    language: str = Field(default="en", min_length=2, max_length=8)
    sms_opt_in: bool = False

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
    version: int = Field(ge=1, description="the version you read; a stale one gets 409")
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
    from_customer: bool = False


def parse(model: type[BaseModel], data: Any) -> Any:
    """Validate ``data`` into ``model``; raise InvalidInput naming every bad field."""
    if not isinstance(data, dict):
        raise InvalidInput("the request body must be a JSON object")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        details = []
        for err in exc.errors():
            field = ".".join(str(p) for p in err["loc"]) or "body"
            message = err["msg"].removeprefix("Value error, ")
            if err["type"] == "literal_error":
                message = f"must be one of: {err['ctx']['expected']}"
            elif err["type"] == "extra_forbidden":
                message = "is not a known field"
            details.append({"field": field, "message": message})
        summary = "; ".join(f"{d['field']}: {d['message']}" for d in details)
        raise InvalidInput(f"invalid request: {summary}", details=details) from None
