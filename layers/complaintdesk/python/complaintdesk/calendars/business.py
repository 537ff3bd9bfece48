"""Business calendars: working hours per weekday, an IANA time zone and public holidays.

Deadlines are computed in UTC; working hours and holidays are read in the calendar's local time,
so a 09:00–18:00 day is nine hours of work on an ordinary day and on a DST-change day alike, while
the wall-clock gap across the change is one hour shorter or longer.

Holidays are either fixed (same month/day every year; optionally moved to Monday when they fall on
a weekend, as Latvia does for 4 May and 18 November) or dated (one-off days such as Ramazan and
Kurban Bayramı, Good Friday, Easter Monday). A holiday with ``from_time`` is a half day: work stops
at that local time (Turkey's arife afternoons from 13:00).
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from functools import cached_property
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

Weekday = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
WEEKDAYS: tuple[Weekday, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_SPAN_RE = re.compile(r"^(?P<a>\d{2}):(?P<am>\d{2})-(?P<b>\d{2}):(?P<bm>\d{2})$")
_TIME_RE = re.compile(r"^(?P<h>\d{2}):(?P<m>\d{2})$")
_SEARCH_DAYS = 3 * 366  # give up when a calendar has no working time for three years

Interval = tuple[datetime, datetime]  # UTC start, UTC end


def _parse_span(text: str) -> tuple[int, int]:
    """``"09:00-18:00"`` → minutes since midnight (540, 1080); ``24:00`` is allowed as an end."""
    match = _SPAN_RE.match(text.strip())
    if not match:
        raise ValueError(f"bad working hours {text!r}: use 'HH:MM-HH:MM' such as '09:00-18:00'")
    start = int(match["a"]) * 60 + int(match["am"])
    end = int(match["b"]) * 60 + int(match["bm"])
    if int(match["am"]) > 59 or int(match["bm"]) > 59 or start >= 24 * 60 or end > 24 * 60:
        raise ValueError(f"bad working hours {text!r}: not a time of day")
    if end <= start:
        raise ValueError(f"bad working hours {text!r}: the end must be after the start")
    return start, end


def _parse_time(text: str) -> int:
    match = _TIME_RE.match(text.strip())
    if not match or int(match["h"]) > 23 or int(match["m"]) > 59:
        raise ValueError(f"bad time {text!r}: use 'HH:MM' such as '13:00'")
    return int(match["h"]) * 60 + int(match["m"])


def validate_hours(hours: dict[str, list[str]]) -> dict[str, list[str]]:
    """Check a weekday → spans table; spans must be ordered and must not overlap."""
    for day, spans in hours.items():
        if day not in WEEKDAYS:
            raise ValueError(f"unknown weekday {day!r}: use one of {', '.join(WEEKDAYS)}")
        previous_end = -1
        for span in spans:
            start, end = _parse_span(span)
            if start < previous_end:
                raise ValueError(f"working hours on {day} overlap or are out of order at {span!r}")
            previous_end = end
    return hours


class FixedHoliday(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    month: int = Field(ge=1, le=12)
    day: int = Field(ge=1, le=31)
    name: str
    name_en: str = ""
    from_time: str | None = None  # half day: work stops at this local time
    weekend_to_monday: bool = False  # Latvia: 4 May and 18 Nov on a weekend give the next Monday off

    @field_validator("from_time")
    @classmethod
    def _check_time(cls, value: str | None) -> str | None:
        if value is not None:
            _parse_time(value)
        return value


class DatedHoliday(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    date: date
    name: str
    name_en: str = ""
    from_time: str | None = None

    @field_validator("from_time")
    @classmethod
    def _check_time(cls, value: str | None) -> str | None:
        if value is not None:
            _parse_time(value)
        return value


class Holiday(BaseModel):
    """A holiday as it applies to one date."""

    model_config = ConfigDict(defer_build=True)

    date: date
    name: str
    name_en: str = ""
    from_time: str | None = None

    @property
    def half_day(self) -> bool:
        return self.from_time is not None


class BusinessCalendar(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{1,40}$")
    name: str = ""
    timezone: str
    hours: dict[str, list[str]]
    fixed_holidays: list[FixedHoliday] = Field(default_factory=list)
    dated_holidays: list[DatedHoliday] = Field(default_factory=list)
    # Years whose dated holidays are known (religious feasts, Easter). Outside them only fixed
    # holidays apply; `covers(year)` lets callers warn.
    dated_years: list[int] = Field(default_factory=list)
    sources: list[str] = Field(default_factory=list)

    @field_validator("timezone")
    @classmethod
    def _check_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(
                f"unknown time zone {value!r}: use an IANA name such as 'Europe/Istanbul'"
            ) from exc
        return value

    @field_validator("hours")
    @classmethod
    def _check_hours(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        return validate_hours(value)

    @model_validator(mode="after")
    def _has_work(self) -> BusinessCalendar:
        if not any(self.hours.get(day) for day in WEEKDAYS):
            raise ValueError(f"calendar {self.id!r} has no working hours on any weekday")
        return self

    # ---- derived -------------------------------------------------------------------------

    @cached_property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @cached_property
    def _spans(self) -> dict[int, list[tuple[int, int]]]:
        return {
            index: [_parse_span(s) for s in self.hours.get(day, [])] for index, day in enumerate(WEEKDAYS)
        }

    @cached_property
    def _years(self) -> dict[int, dict[date, Holiday]]:
        return {}

    def _table(self, year: int) -> dict[date, Holiday]:
        """Every holiday of ``year`` (fixed, moved-to-Monday and dated), built once per year."""
        table = self._years.get(year)
        if table is not None:
            return table
        table = {}
        for fixed in self.fixed_holidays:
            try:
                when = date(year, fixed.month, fixed.day)
            except ValueError:
                continue
            table.setdefault(
                when, Holiday(date=when, name=fixed.name, name_en=fixed.name_en, from_time=fixed.from_time)
            )
            if fixed.weekend_to_monday and when.weekday() >= 5:
                monday = when + timedelta(days=7 - when.weekday())
                table.setdefault(monday, Holiday(date=monday, name=fixed.name, name_en=fixed.name_en))
        for dated in self.dated_holidays:
            if dated.date.year == year:
                table[dated.date] = Holiday(
                    date=dated.date, name=dated.name, name_en=dated.name_en, from_time=dated.from_time
                )
        self._years[year] = table
        return table

    def with_hours(self, hours: dict[str, list[str]]) -> BusinessCalendar:
        """The same zone and holidays with a team's own working hours."""
        return BusinessCalendar.model_validate({**self.model_dump(), "hours": hours})

    def covers(self, year: int) -> bool:
        """True when the dated holidays of ``year`` are known (or the calendar needs none)."""
        return not self.dated_years or year in self.dated_years

    def holiday(self, day: date) -> Holiday | None:
        return self._table(day.year).get(day)

    def holidays(self, year: int) -> list[Holiday]:
        return sorted(self._table(year).values(), key=lambda h: h.date)

    def day_length(self) -> timedelta:
        """One standard working day: the longest ordinary weekday (what '1d' means in business time)."""
        minutes = max(sum(end - start for start, end in spans) for spans in self._spans.values())
        return timedelta(minutes=minutes)

    def working_intervals(self, day: date) -> list[Interval]:
        """The working time of one local date as UTC intervals, holidays and half days applied."""
        spans = self._spans[day.weekday()]
        holiday = self.holiday(day)
        if holiday is not None:
            if holiday.from_time is None:
                return []
            stop = _parse_time(holiday.from_time)
            spans = [(start, min(end, stop)) for start, end in spans if start < stop]
        return [(self._at(day, start), self._at(day, end)) for start, end in spans]

    def _at(self, day: date, minutes: int) -> datetime:
        if minutes >= 24 * 60:
            return datetime.combine(day + timedelta(days=1), time(0), tzinfo=self.zone).astimezone(UTC)
        local = datetime.combine(day, time(minutes // 60, minutes % 60), tzinfo=self.zone)
        return local.astimezone(UTC)

    # ---- arithmetic ----------------------------------------------------------------------

    def add_business(self, start: datetime, amount: timedelta) -> datetime:
        """The moment ``amount`` of working time after ``start`` (UTC)."""
        current = _utc(start)
        if amount <= timedelta(0):
            return current
        remaining = amount
        day = current.astimezone(self.zone).date()
        for _ in range(_SEARCH_DAYS):
            for begin, end in self.working_intervals(day):
                if end <= current:
                    continue
                begin = max(begin, current)
                available = end - begin
                if remaining <= available:
                    return begin + remaining
                remaining -= available
                current = end
            day += timedelta(days=1)
        raise ValueError(f"calendar {self.id!r} has no working time left within {_SEARCH_DAYS} days")

    def business_between(self, start: datetime, end: datetime) -> timedelta:
        """Working time between two moments (zero when ``end`` is not after ``start``)."""
        start, end = _utc(start), _utc(end)
        total = timedelta(0)
        day = start.astimezone(self.zone).date()
        last = end.astimezone(self.zone).date()
        while day <= last:
            for begin, finish in self.working_intervals(day):
                overlap = min(finish, end) - max(begin, start)
                if overlap > timedelta(0):
                    total += overlap
            day += timedelta(days=1)
        return total

    def add_calendar(self, start: datetime, days: int, minutes: int = 0) -> datetime:
        """Wall-clock time: ``days`` keep the local time of day across DST; minutes are elapsed time."""
        local = _utc(start).astimezone(self.zone)
        shifted = (local.replace(tzinfo=None) + timedelta(days=days)).replace(tzinfo=self.zone)
        return shifted.astimezone(UTC) + timedelta(minutes=minutes)


def _utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("naive datetime: pass a timezone-aware moment (UTC preferred)")
    return moment.astimezone(UTC)
