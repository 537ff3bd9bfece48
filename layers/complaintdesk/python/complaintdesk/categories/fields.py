"""Custom fields of a category: a ticket's ``fields`` checked and normalized against them."""

from __future__ import annotations

import contextlib
import math
import re
from datetime import date
from typing import Any

from complaintdesk.categories.model import CategoryDefinition, CustomField
from complaintdesk.errors import InvalidInput

_EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_INT_RE = re.compile(r"^[+-]?\d{1,16}$")
DEFAULT_MAX_LENGTH = {"string": 500, "text": 10000}
# Whole numbers a browser (a JavaScript number) reads back exactly.
MAX_INTEGER = 2**53 - 1


class FieldValidationError(InvalidInput):
    """A ticket field that breaks its category's rules; the API answers 400 naming ``field``."""

    code = "invalid_field"

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"field {field!r}: {message}", details=[{"field": field, "message": message}])
        self.field = field


def validate_ticket_fields(defn: CategoryDefinition, fields: dict[str, Any] | None) -> dict[str, Any]:
    """The ticket's custom fields, normalized (types coerced, blanks dropped), or FieldValidationError.

    Unknown names are rejected, so a typo never silently loses data.
    """
    given = dict(fields or {})
    known = {spec.name: spec for spec in defn.fields}
    for name in given:
        if name not in known:
            allowed = ", ".join(sorted(known)) or "none"
            raise FieldValidationError(name, f"unknown field for category {defn.id!r} (fields: {allowed})")
    normalized: dict[str, Any] = {}
    for spec in defn.fields:
        value = given.get(spec.name)
        if value is None or (isinstance(value, str) and not value.strip()):
            if spec.required:
                raise FieldValidationError(spec.name, "is required")
            continue
        normalized[spec.name] = _coerce(spec, value)
    return normalized


def _coerce(spec: CustomField, value: Any) -> Any:
    match spec.type:
        case "string" | "text" | "enum":
            if not isinstance(value, str):
                raise FieldValidationError(spec.name, f"must be text, got {type(value).__name__}")
            text = value.strip()
            limit = spec.max_length or DEFAULT_MAX_LENGTH.get(spec.type, 500)
            if len(text) > limit:
                raise FieldValidationError(spec.name, f"is longer than {limit} characters")
            if spec.allowed is not None and text not in spec.allowed:
                raise FieldValidationError(
                    spec.name, f"must be one of {', '.join(spec.allowed)}; got {text!r}"
                )
            return text
        case "integer":
            if isinstance(value, bool):
                raise FieldValidationError(spec.name, "must be a whole number, got true/false")
            whole: int | None = None
            if isinstance(value, int):
                whole = value
            elif isinstance(value, float) and value.is_integer():
                whole = int(value)
            elif isinstance(value, str) and _INT_RE.match(value.strip()):
                whole = int(value.strip())
            if whole is None:
                raise FieldValidationError(spec.name, f"must be a whole number, got {value!r:.80}")
            if abs(whole) > MAX_INTEGER:
                raise FieldValidationError(spec.name, f"must be between -{MAX_INTEGER} and {MAX_INTEGER}")
            return whole
        case "number":
            if isinstance(value, bool):
                raise FieldValidationError(spec.name, "must be a number, got true/false")
            number: int | float | None = None
            if isinstance(value, int | float):
                number = value
            elif isinstance(value, str):
                with contextlib.suppress(ValueError):
                    number = float(value.strip().replace(",", "."))
            if number is None:
                raise FieldValidationError(spec.name, f"must be a number, got {value!r:.80}")
            if abs(number) > 1e300 or not math.isfinite(number):  # NaN, inf: JSON has neither
                raise FieldValidationError(spec.name, f"must be a finite number, got {value!r:.80}")
            return number
        case "boolean":
            if isinstance(value, bool):
                return value
            if isinstance(value, str) and value.strip().lower() in ("true", "false"):
                return value.strip().lower() == "true"
            raise FieldValidationError(spec.name, f"must be true or false, got {value!r}")
        case "date":
            if not isinstance(value, str):
                raise FieldValidationError(spec.name, f"must be a date YYYY-MM-DD, got {value!r}")
            try:
                return date.fromisoformat(value.strip()).isoformat()
            except ValueError:
                raise FieldValidationError(spec.name, f"must be a date YYYY-MM-DD, got {value!r}") from None
        case "email":
            if not isinstance(value, str) or not _EMAIL_RE.match(value.strip()):
                raise FieldValidationError(spec.name, f"must be an e-mail address, got {value!r}")
            return value.strip()
    raise FieldValidationError(spec.name, f"unsupported field type {spec.type!r}")  # pragma: no cover
