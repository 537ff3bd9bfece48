"""SLA durations written the way people say them: ``4h``, ``30m``, ``2d``, ``1d4h``.

A duration is only a length. Whether it runs on the wall clock or on the team's working hours is
the step's ``clock`` ("calendar" or "business"); in business time one day means one standard
working day of the team (9 hours for 09:00–18:00), so ``2d`` raised Monday 10:00 falls due
Wednesday 10:00.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

_DURATION_RE = re.compile(r"^(?:(?P<d>\d+)d)?(?:(?P<h>\d+)h)?(?:(?P<m>\d+)m)?$")
MAX_DAYS = 366


class DurationError(ValueError):
    """A duration string that cannot be read."""


@dataclass(frozen=True)
class Duration:
    """Whole days plus hours/minutes, kept apart because a business day is not 24 hours."""

    days: int = 0
    minutes: int = 0

    @property
    def is_zero(self) -> bool:
        return self.days == 0 and self.minutes == 0

    def as_calendar(self) -> timedelta:
        """The length on the wall clock (a day is 24 hours)."""
        return timedelta(days=self.days, minutes=self.minutes)

    def as_business(self, day_length: timedelta) -> timedelta:
        """Working time to spend: days count as ``day_length`` each."""
        return self.days * day_length + timedelta(minutes=self.minutes)

    def __str__(self) -> str:
        return format_duration(self)


def parse_duration(text: str) -> Duration:
    """``"1d4h"`` → Duration(days=1, minutes=240). Raises DurationError with the reason."""
    if not isinstance(text, str):
        raise DurationError(f"duration must be a string like '4h', '30m', '2d' or '1d4h', got {text!r}")
    cleaned = text.strip().lower().replace(" ", "")
    match = _DURATION_RE.match(cleaned)
    if not cleaned or not match:
        raise DurationError(
            f"bad duration {text!r}: use days/hours/minutes such as '4h', '30m', '2d', '1d4h'"
        )
    # Counted in whole minutes before any timedelta exists: 10^20 days is an error, not an overflow
    # (and a part of more than 6 digits, a year being 527,040 minutes, is too long unread).
    parts = [match[part] or "0" for part in ("d", "h", "m")]
    days, hours, minutes = (int(p) if len(p.lstrip("0")) <= 6 else MAX_DAYS * 24 * 60 + 1 for p in parts)
    if (days * 24 + hours) * 60 + minutes > MAX_DAYS * 24 * 60:
        raise DurationError(f"bad duration {text[:40]!r}: longer than {MAX_DAYS} days")
    duration = Duration(days=days, minutes=hours * 60 + minutes)
    if duration.is_zero:
        raise DurationError(f"bad duration {text!r}: must be longer than zero")
    return duration


def format_duration(duration: Duration) -> str:
    """The canonical spelling: ``Duration(1, 270)`` → ``"1d4h30m"``."""
    hours, minutes = divmod(duration.minutes, 60)
    parts = [
        f"{duration.days}d" if duration.days else "",
        f"{hours}h" if hours else "",
        f"{minutes}m" if minutes else "",
    ]
    return "".join(parts) or "0m"
