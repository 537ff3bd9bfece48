"""Where calendars come from: the JSON files in ``data/`` plus the built-in ``24x7``."""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources

from complaintdesk.calendars.business import WEEKDAYS, BusinessCalendar
from complaintdesk.errors import NotFound

ALWAYS_OPEN_ID = "24x7"


class UnknownCalendar(NotFound):
    code = "unknown_calendar"


def _always_open() -> BusinessCalendar:
    return BusinessCalendar(
        id=ALWAYS_OPEN_ID,
        name="Always open (UTC, no holidays)",
        timezone="UTC",
        hours={day: ["00:00-24:00"] for day in WEEKDAYS},
    )


@lru_cache(maxsize=1)
def _calendars() -> dict[str, BusinessCalendar]:
    found = {ALWAYS_OPEN_ID: _always_open()}
    folder = resources.files("complaintdesk.calendars") / "data"
    for entry in sorted(folder.iterdir(), key=lambda item: item.name):
        if entry.name.endswith(".json"):
            calendar = BusinessCalendar.model_validate(json.loads(entry.read_text(encoding="utf-8")))
            found[calendar.id] = calendar
    return found


def calendar_ids() -> list[str]:
    return sorted(_calendars())


def get_calendar(calendar_id: str) -> BusinessCalendar:
    """A shipped calendar by id ("tr-istanbul", "lv-riga", "24x7"); raises UnknownCalendar."""
    try:
        return _calendars()[calendar_id]
    except KeyError:
        raise UnknownCalendar(
            f"unknown calendar {calendar_id!r}: known calendars are {', '.join(calendar_ids())}"
        ) from None
