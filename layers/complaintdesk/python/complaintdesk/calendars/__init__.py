"""Business calendars (working hours, time zone, public holidays) and the shipped ones."""

from complaintdesk.calendars.business import BusinessCalendar, DatedHoliday, FixedHoliday, Holiday
from complaintdesk.calendars.registry import ALWAYS_OPEN_ID, UnknownCalendar, calendar_ids, get_calendar

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
