"""Complaint categories: the definition model, durations, custom fields and the shipped defaults.

The names below load their submodule when first used (PEP 562): importing ``categories.durations``
alone does not build the pydantic definition model or read the shipped defaults.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from complaintdesk.lazy import lazy_getattr

if TYPE_CHECKING:
    from complaintdesk.categories.defaults import load_default_categories
    from complaintdesk.categories.durations import Duration, DurationError, format_duration, parse_duration
    from complaintdesk.categories.fields import FieldValidationError, validate_ticket_fields
    from complaintdesk.categories.model import (
        CategoryDefinition,
        CategoryError,
        Closing,
        CustomField,
        EscalationLevel,
        NotifyTarget,
        RootCause,
        Step,
        Team,
        incomplete_names,
        parse_category,
        require_complete_names,
    )

_HOMES = {
    "load_default_categories": "defaults",
    "Duration": "durations",
    "DurationError": "durations",
    "format_duration": "durations",
    "parse_duration": "durations",
    "FieldValidationError": "fields",
    "validate_ticket_fields": "fields",
    "CategoryDefinition": "model",
    "CategoryError": "model",
    "Closing": "model",
    "CustomField": "model",
    "EscalationLevel": "model",
    "NotifyTarget": "model",
    "RootCause": "model",
    "Step": "model",
    "Team": "model",
    "incomplete_names": "model",
    "parse_category": "model",
    "require_complete_names": "model",
}

__all__ = [
    "CategoryDefinition",
    "CategoryError",
    "Closing",
    "CustomField",
    "Duration",
    "DurationError",
    "EscalationLevel",
    "FieldValidationError",
    "NotifyTarget",
    "RootCause",
    "Step",
    "Team",
    "format_duration",
    "incomplete_names",
    "load_default_categories",
    "parse_category",
    "parse_duration",
    "require_complete_names",
    "validate_ticket_fields",
]

__getattr__ = lazy_getattr(__name__, _HOMES)
