"""Complaint categories: the definition model, durations, custom fields and the shipped defaults."""

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
    Step,
    Team,
    parse_category,
)

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
    "Step",
    "Team",
    "format_duration",
    "load_default_categories",
    "parse_category",
    "parse_duration",
    "validate_ticket_fields",
]
