"""What the acknowledgement promises the customer: when the first reply will come at the latest.

The promise comes from the plan, in business time, never from a fixed number of wall-clock hours:

1. a category with its own ``first_response`` (a duration such as ``4h``): that much working time of
   the first step's team calendar (the category's calendar with the team's hours, if any);
2. any other category: the first step's due time (its SLA on its own clock, as the workflow
   schedules it);
3. no category: the desk's ``FIRST_RESPONSE_SLA`` in working time of ``DEFAULT_CALENDAR``.

The moment is UTC; the acknowledgement shows it in the customer's zone (the calendar's, see
``zone_of``). The promise is the plan's business time even when ``TIME_SCALE`` shrinks the demo's
waits: it is a date a person reads.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from complaintdesk.settings import get_settings

if TYPE_CHECKING:
    from complaintdesk.categories.model import CategoryDefinition


def first_response_due(at: datetime, defn: CategoryDefinition | None = None) -> datetime:
    """The latest first reply promised for a complaint received at ``at`` (aware) in ``defn``."""
    if defn is None:
        from complaintdesk.calendars import get_calendar
        from complaintdesk.categories.durations import parse_duration

        calendar = get_calendar(get_settings().default_calendar)
        amount = parse_duration(get_settings().first_response_sla)
        return calendar.add_business(at, amount.as_business(calendar.day_length()))
    from complaintdesk.workflow.schedule import step_schedule, team_calendar

    first = defn.steps[0]
    own = defn.first_response_duration
    if own is not None:
        calendar = team_calendar(defn, first)
        return calendar.add_business(at, own.as_business(calendar.day_length()))
    return step_schedule(defn, first.id, at).plan_deadlines[0]


def zone_of(defn: CategoryDefinition | None) -> str:
    """The time zone a customer's dates are shown in: the category's calendar, else the desk's."""
    from complaintdesk.calendars import get_calendar

    return get_calendar(defn.calendar if defn is not None else get_settings().default_calendar).timezone
