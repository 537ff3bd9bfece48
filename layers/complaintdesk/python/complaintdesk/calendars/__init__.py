"""Business calendars (working hours, time zone, public holidays) and the shipped ones.

The names below load their submodule when first used (PEP 562), like the other domain packages.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from complaintdesk.lazy import lazy_getattr

if TYPE_CHECKING:
    from complaintdesk.calendars.business import BusinessCalendar, DatedHoliday, FixedHoliday, Holiday
    from complaintdesk.calendars.registry import ALWAYS_OPEN_ID, UnknownCalendar, calendar_ids, get_calendar

_HOMES = {
    "BusinessCalendar": "business",
    "DatedHoliday": "business",
    "FixedHoliday": "business",
    "Holiday": "business",
    "ALWAYS_OPEN_ID": "registry",
    "UnknownCalendar": "registry",
    "calendar_ids": "registry",
    "get_calendar": "registry",
}

__all__ = [
    "ALWAYS_OPEN_ID",
    "BusinessCalendar",
    "DatedHoliday",
    "FixedHoliday",
    "Holiday",
    "UnknownCalendar",
    "calendar_ids",
    "get_calendar",
]

__getattr__ = lazy_getattr(__name__, _HOMES)
