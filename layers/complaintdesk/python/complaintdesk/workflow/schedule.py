"""Deadlines of a step and of each of its escalation levels (Python computes, Step Functions enforces).

When a step starts — at intake, when the previous step is completed, or when a paused step resumes —
``step_schedule`` walks the team's calendar (working hours, time zone, holidays) and returns:

* ``deadlines``: index 0 = the step's due time, index k = when escalation level k runs out;
* ``seconds``: the same as relative waits for ``TimeoutSecondsPath`` (level k's wait starts when
  level k-1 timed out), each ≥ 1 and divided by ``time_scale`` (local demo only);
* ``levels``: who is notified at each level.

``consumed`` is SLA time already used at ``level`` before a pause, so a resumed step gets only what
is left. Entries before ``level`` are placeholders (those waits are over) so indexes stay stable.

``customer_wait_clock`` is the clock of a step parked for the customer (reminders, then close or
escalate, per the category's ``customer_wait``); ``closing_clock`` the clock of the closing waits.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from typing import TypedDict

from pydantic import BaseModel, ConfigDict

from complaintdesk.calendars import BusinessCalendar, get_calendar
from complaintdesk.categories.durations import Duration
from complaintdesk.categories.model import CategoryDefinition, Step


class ClockData(TypedDict):
    """A clock as an answer carries it to Step Functions (``workflow.contract.Clock`` validates it):
    seconds for the waits, ISO deadlines for people."""

    seconds: list[int]
    deadlines: list[str]


class EscalationInfo(BaseModel):
    model_config = ConfigDict(frozen=True, defer_build=True)

    level: int
    label: str
    notify: list[dict[str, str]]
    extra: str
    deadline: datetime


class StepSchedule(BaseModel):
    model_config = ConfigDict(frozen=True, defer_build=True)

    step_id: str
    team: str
    start: datetime
    level: int
    deadlines: list[datetime]  # when each wait fires (compressed by time_scale)
    plan_deadlines: list[datetime]  # the business deadlines (equal to `deadlines` at time_scale 1)
    seconds: list[int]
    levels: list[EscalationInfo]

    @property
    def due(self) -> datetime:
        return self.deadlines[max(self.level, 0)]

    def clock(self) -> ClockData:
        """The ``clock`` an answer carries to Step Functions: seconds for the waits, deadlines for people."""
        return {"seconds": list(self.seconds), "deadlines": [d.isoformat() for d in self.deadlines]}


class StepPreview(BaseModel):
    model_config = ConfigDict(frozen=True, defer_build=True)

    step_id: str
    title: str
    team: str
    start: datetime
    due: datetime
    escalations: list[EscalationInfo]
    breached_at: datetime  # when the top level runs out and the ticket is flagged breached


def team_calendar(defn: CategoryDefinition, step: Step) -> BusinessCalendar:
    """The category's calendar with the owner team's own hours, if it has any."""
    calendar = get_calendar(defn.calendar)
    team = defn.team(step.owner_team)
    return calendar.with_hours(team.hours) if team.hours else calendar


def _advance(
    calendar: BusinessCalendar, step: Step, moment: datetime, amount: Duration, consumed: timedelta
) -> datetime:
    if step.clock == "business":
        return calendar.add_business(moment, amount.as_business(calendar.day_length()) - consumed)
    return calendar.add_calendar(moment - consumed, amount.days, amount.minutes)


def _step_and_top(
    defn: CategoryDefinition, step_id: str, moment: datetime, name: str, time_scale: float, level: int
) -> tuple[Step, int]:
    """The step and its top escalation level, once the arguments are checked."""
    if moment.tzinfo is None:
        raise ValueError(f"{name} must be timezone-aware")
    if time_scale <= 0:
        raise ValueError("time_scale must be positive")
    step = defn.step(step_id)
    top = len(step.escalation)
    if not 0 <= level <= top:
        raise ValueError(f"step {step_id!r} has levels 0..{top}, not {level}")
    return step, top


def step_schedule(
    defn: CategoryDefinition,
    step_id: str,
    start: datetime,
    *,
    time_scale: float = 1.0,
    consumed: timedelta = timedelta(0),
    level: int = 0,
) -> StepSchedule:
    """The schedule of ``step_id`` starting (or resuming at ``level``) at ``start``."""
    step, top = _step_and_top(defn, step_id, start, "start", time_scale, level)
    calendar = team_calendar(defn, step)
    amounts = [step.sla_duration] + [e.extra_duration for e in step.escalation]

    plan: list[datetime] = [start] * (top + 1)
    previous = start
    for index in range(level, top + 1):
        plan[index] = _advance(
            calendar, step, previous, amounts[index], consumed if index == level else timedelta(0)
        )
        plan[index] = max(plan[index], previous)
        previous = plan[index]

    seconds: list[int] = []
    fired: list[datetime] = []
    previous_plan, previous_fired = start, start
    for index in range(top + 1):
        if index < level:
            seconds.append(1)
            fired.append(start)
            continue
        real = (plan[index] - previous_plan).total_seconds()
        wait = max(1, math.ceil(real / time_scale - 1e-9))
        seconds.append(wait)
        at = plan[index] if time_scale == 1 else previous_fired + timedelta(seconds=wait)
        fired.append(at)
        previous_plan, previous_fired = plan[index], at

    levels = [
        EscalationInfo(
            level=k,
            label=e.label,
            notify=[t.model_dump() for t in e.notify],
            extra=e.extra,
            deadline=fired[k],
        )
        for k, e in enumerate(step.escalation, start=1)
    ]
    return StepSchedule(
        step_id=step.id,
        team=step.owner_team,
        start=start,
        level=level,
        deadlines=fired,
        plan_deadlines=plan,
        seconds=seconds,
        levels=levels,
    )


def sla_time_used(defn: CategoryDefinition, step_id: str, since: datetime, until: datetime) -> timedelta:
    """SLA time a step used between two moments, on its own clock (pass it as ``consumed`` on resume)."""
    step = defn.step(step_id)
    if step.clock == "business":
        return team_calendar(defn, step).business_between(since, until)
    return max(until - since, timedelta(0))


def preview(defn: CategoryDefinition, start: datetime) -> list[StepPreview]:
    """Every step's and level's deadline for a dry run; each step starts when the previous one falls due."""
    result: list[StepPreview] = []
    moment = start
    for step in defn.steps:
        schedule = step_schedule(defn, step.id, moment)
        result.append(
            StepPreview(
                step_id=step.id,
                title=step.title,
                team=step.owner_team,
                start=moment,
                due=schedule.deadlines[0],
                escalations=schedule.levels,
                breached_at=schedule.deadlines[-1],
            )
        )
        moment = schedule.deadlines[0]
    return result


def customer_wait_index(step: Step, attempt: int = 0) -> int:
    """Where in a customer-wait clock's ``seconds`` the wait number ``attempt`` reads its timeout.

    Indexes ``0..top`` (top = the step's escalation levels) keep their meaning for the step's own
    waits; the customer waits follow: ``top + 1`` before the first reminder, ``top + 1 + r`` after
    reminder ``r``.
    """
    return len(step.escalation) + 1 + attempt


def customer_wait_clock(
    defn: CategoryDefinition,
    step_id: str,
    at: datetime,
    *,
    level: int = 0,
    time_scale: float = 1.0,
) -> ClockData:
    """The clock a ``waiting_for_customer`` answer carries (the customer waits of ``step_id``).

    ``seconds``/``deadlines`` have ``top + 1 + waits`` entries (see ``customer_wait_index``):

    * ``top + 1 ..``: each customer wait, ``customer_wait.remind_after`` of working time on the
      category's calendar (not the team's hours: it is the customer's time), one before each
      reminder and one after the last;
    * ``0 .. top``: the step's levels if the category escalates a silent customer
      (``customer_wait.then == "escalate"``): levels up to ``level`` are over (1 s placeholders),
      the later ones are counted from the moment the last customer wait runs out, so the
      escalation that follows reads the right seconds at its usual index. With ``then: close``
      they are all placeholders.

    ``level`` is the escalation level the step is at when it is parked. ``at`` must be timezone-aware.
    """
    _, top = _step_and_top(defn, step_id, at, "at", time_scale, level)
    policy = defn.customer_wait
    calendar = get_calendar(defn.calendar)
    amount = policy.remind_after_duration.as_business(calendar.day_length())

    waits: list[int] = []
    waits_at: list[datetime] = []
    planned, fired = at, at
    for _ in range(policy.waits):
        following = max(calendar.add_business(planned, amount), planned)
        wait = max(1, math.ceil((following - planned).total_seconds() / time_scale - 1e-9))
        fired = following if time_scale == 1 else fired + timedelta(seconds=wait)
        waits.append(wait)
        waits_at.append(fired)
        planned = following

    seconds = [1] * (top + 1)
    deadlines = [fired] * (top + 1)
    if policy.then == "escalate" and level < top:
        after = step_schedule(defn, step_id, planned, time_scale=time_scale, level=level + 1)
        seconds = list(after.seconds)
        if time_scale == 1:
            deadlines = list(after.deadlines)
        else:  # the escalation starts when the last (compressed) customer wait fires
            moment = fired
            for index in range(level + 1, top + 1):
                moment += timedelta(seconds=seconds[index])
                deadlines[index] = moment
    return {
        "seconds": seconds + waits,
        "deadlines": [d.isoformat() for d in deadlines + waits_at],
    }


def closing_clock(defn: CategoryDefinition, resolved_at: datetime, *, time_scale: float = 1.0) -> ClockData:
    """The clock the "resolved" answer carries: [wait before the survey, wait from survey to auto-close].

    Days are calendar days in the category's time zone. Without a survey, index 0 is unused (1 s).
    """
    calendar = get_calendar(defn.calendar)
    closing = defn.closing
    close_at = calendar.add_calendar(resolved_at, closing.auto_close_after_days)
    if closing.survey_after_days is None:
        survey_at = resolved_at
        first = 1
    else:
        survey_at = calendar.add_calendar(resolved_at, closing.survey_after_days)
        first = max(1, math.ceil((survey_at - resolved_at).total_seconds() / time_scale))
    second = max(1, math.ceil((close_at - survey_at).total_seconds() / time_scale))
    if time_scale != 1:
        survey_at = resolved_at + timedelta(seconds=first if closing.survey_after_days is not None else 0)
        close_at = survey_at + timedelta(seconds=second)
    return {"seconds": [first, second], "deadlines": [survey_at.isoformat(), close_at.isoformat()]}
