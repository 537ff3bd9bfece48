"""Deadlines on business calendars: working hours, holidays, half days, DST and the demo time scale."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from complaintdesk.categories import CategoryDefinition, parse_category
from complaintdesk.workflow import closing_clock, preview, sla_time_used, step_schedule

ISTANBUL = ZoneInfo("Europe/Istanbul")
RIGA = ZoneInfo("Europe/Riga")


def plan(
    sla: str = "4h",
    *,
    calendar: str = "tr-istanbul",
    clock: str = "business",
    escalation: list[dict[str, Any]] | None = None,
    hours: dict[str, list[str]] | None = None,
    second_sla: str = "1d",
) -> CategoryDefinition:
    team: dict[str, Any] = {"id": "billing", "name": "Billing team"}
    if hours:
        team["hours"] = hours
    return parse_category(
        {
            "id": "sched-test",
            "names": {"tr": "Deneme", "en": "Test"},
            "calendar": calendar,
            "teams": [team],
            "steps": [
                {
                    "id": "investigate",
                    "title": "Investigate",
                    "owner_team": "billing",
                    "instructions": {"en": "x"},
                    "sla": sla,
                    "clock": clock,
                    "escalation": escalation or [],
                },
                {
                    "id": "confirm",
                    "title": "Confirm",
                    "owner_team": "billing",
                    "instructions": {"en": "x"},
                    "sla": second_sla,
                    "clock": clock,
                },
            ],
        }
    )


def local(zone: ZoneInfo, *args: int) -> datetime:
    return datetime(*args, tzinfo=zone)


def test_4h_raised_friday_1600_falls_due_monday_1100_in_a_09_18_calendar() -> None:
    raised = local(ISTANBUL, 2026, 11, 20, 16, 0)  # a Friday
    schedule = step_schedule(plan("4h"), "investigate", raised)
    assert schedule.due.astimezone(ISTANBUL) == local(ISTANBUL, 2026, 11, 23, 11, 0)
    assert schedule.seconds == [67 * 3600]  # Fri 16:00 → Mon 11:00 on the wall clock


def test_a_public_holiday_and_a_half_day_are_skipped() -> None:
    # Wed 28 Oct 2026 is Republic Day's eve (work stops 13:00), Thu 29 Oct is Republic Day.
    raised = local(ISTANBUL, 2026, 10, 28, 11, 0)
    due = step_schedule(plan("4h"), "investigate", raised).due
    assert due.astimezone(ISTANBUL) == local(ISTANBUL, 2026, 10, 30, 11, 0)


def test_friday_1630_before_a_religious_holiday() -> None:
    # Fri 5 Mar 2027 16:30: Mon 8 Mar is Ramazan Bayramı's eve (until 13:00), Tue–Thu are the feast.
    raised = local(ISTANBUL, 2027, 3, 5, 16, 30)
    schedule = step_schedule(plan("4h"), "investigate", raised)
    assert schedule.due.astimezone(ISTANBUL) == local(ISTANBUL, 2027, 3, 8, 11, 30)
    # one business day (9 h): 1.5 h Friday + 4 h Monday morning + 3.5 h on Friday 12 March
    day = step_schedule(plan("1d"), "investigate", raised)
    assert day.due.astimezone(ISTANBUL) == local(ISTANBUL, 2027, 3, 12, 12, 30)


def test_latvian_good_friday_and_easter_monday_are_skipped() -> None:
    raised = local(RIGA, 2026, 4, 2, 15, 0)  # Thursday before Easter; 09:00–17:00 calendar
    due = step_schedule(plan("4h", calendar="lv-riga"), "investigate", raised).due
    assert due.astimezone(RIGA) == local(RIGA, 2026, 4, 7, 11, 0)


def test_business_hours_across_the_spring_dst_change() -> None:
    # Riga moves to summer time on Sun 29 Mar 2026: Friday 16:00 + 4 working hours = Monday 12:00,
    # which is 67 hours later on the wall clock instead of 68.
    raised = local(RIGA, 2026, 3, 27, 16, 0)
    schedule = step_schedule(plan("4h", calendar="lv-riga"), "investigate", raised)
    assert schedule.due.astimezone(RIGA) == local(RIGA, 2026, 3, 30, 12, 0)
    assert schedule.seconds == [67 * 3600]


def test_calendar_days_keep_the_local_time_across_dst() -> None:
    raised = local(RIGA, 2026, 3, 28, 10, 0)
    schedule = step_schedule(plan("1d", calendar="lv-riga", clock="calendar"), "investigate", raised)
    assert schedule.due.astimezone(RIGA) == local(RIGA, 2026, 3, 29, 10, 0)
    assert schedule.seconds == [23 * 3600]


def test_team_hours_override_the_calendar() -> None:
    saturday_team = {d: ["08:00-19:00"] for d in ("mon", "tue", "wed", "thu", "fri")} | {
        "sat": ["09:00-14:00"]
    }
    raised = local(ISTANBUL, 2026, 11, 20, 17, 0)  # Friday
    due = step_schedule(plan("4h", hours=saturday_team), "investigate", raised).due
    assert due.astimezone(ISTANBUL) == local(ISTANBUL, 2026, 11, 21, 11, 0)  # 2 h Fri + 2 h Sat


def test_escalation_levels_chain_from_the_step_deadline() -> None:
    escalation = [
        {"label": "Billing lead", "notify": [{"kind": "manager", "value": "billing"}], "extra": "4h"},
        {"label": "Finance manager", "notify": [{"kind": "role", "value": "cfo_office"}], "extra": "1d"},
    ]
    raised = local(ISTANBUL, 2026, 11, 23, 9, 0)  # Monday
    schedule = step_schedule(plan("1d", escalation=escalation), "investigate", raised)
    assert [d.astimezone(ISTANBUL) for d in schedule.deadlines] == [
        local(ISTANBUL, 2026, 11, 23, 18, 0),
        local(ISTANBUL, 2026, 11, 24, 13, 0),
        local(ISTANBUL, 2026, 11, 25, 13, 0),
    ]
    assert schedule.seconds == [9 * 3600, 19 * 3600, 24 * 3600]
    assert [(lv.level, lv.label, lv.notify) for lv in schedule.levels] == [
        (1, "Billing lead", [{"kind": "manager", "value": "billing"}]),
        (2, "Finance manager", [{"kind": "role", "value": "cfo_office"}]),
    ]
    clock = schedule.clock()
    assert clock["seconds"] == schedule.seconds and len(clock["deadlines"]) == 3


def test_time_scale_shrinks_every_wait_and_deadlines_follow_the_timers() -> None:
    raised = datetime(2026, 11, 20, 13, 0, tzinfo=UTC)  # Friday 16:00 in Istanbul
    schedule = step_schedule(plan("4h"), "investigate", raised, time_scale=3600)
    assert schedule.seconds == [67]
    assert schedule.deadlines == [raised + timedelta(seconds=67)]
    assert schedule.plan_deadlines[0].astimezone(ISTANBUL) == local(ISTANBUL, 2026, 11, 23, 11, 0)


def test_waits_are_never_shorter_than_one_second() -> None:
    schedule = step_schedule(plan("30m", clock="calendar"), "investigate", datetime.now(UTC), time_scale=1e6)
    assert schedule.seconds == [1]


def test_consumed_time_is_not_given_again_on_resume() -> None:
    raised = local(ISTANBUL, 2026, 11, 23, 9, 0)  # Monday
    paused = local(ISTANBUL, 2026, 11, 23, 12, 0)
    used = sla_time_used(plan("4h"), "investigate", raised, paused)
    assert used == timedelta(hours=3)
    resumed_at = local(ISTANBUL, 2026, 11, 25, 17, 30)  # the customer answered two days later
    schedule = step_schedule(plan("4h"), "investigate", resumed_at, consumed=used)
    assert schedule.due.astimezone(ISTANBUL) == local(ISTANBUL, 2026, 11, 26, 9, 30)


def test_resume_at_an_escalation_level_keeps_the_indexes() -> None:
    escalation = [
        {"label": "Billing lead", "notify": [{"kind": "manager", "value": "billing"}], "extra": "4h"},
        {"label": "Finance manager", "notify": [{"kind": "manager", "value": "billing"}], "extra": "2h"},
    ]
    start = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
    schedule = step_schedule(
        plan("1h", clock="calendar", escalation=escalation),
        "investigate",
        start,
        level=1,
        consumed=timedelta(hours=1),
    )
    assert schedule.seconds == [1, 3 * 3600, 2 * 3600]
    assert schedule.due == start + timedelta(hours=3)


def test_sla_time_used_ignores_nights_and_weekends() -> None:
    since = local(ISTANBUL, 2026, 11, 20, 17, 0)  # Friday
    until = local(ISTANBUL, 2026, 11, 23, 10, 0)  # Monday
    assert sla_time_used(plan(), "investigate", since, until) == timedelta(hours=2)
    assert sla_time_used(plan(clock="calendar"), "investigate", since, until) == until - since


def test_preview_chains_steps_over_a_holiday_weekend() -> None:
    raised = local(ISTANBUL, 2027, 3, 5, 16, 30)
    rows = preview(plan("4h", second_sla="1d"), raised)
    assert [r.step_id for r in rows] == ["investigate", "confirm"]
    assert rows[0].due.astimezone(ISTANBUL) == local(ISTANBUL, 2027, 3, 8, 11, 30)
    assert rows[1].start == rows[0].due
    # Monday 11:30–13:00 (1.5 h), the feast Tue–Thu, then 7.5 h on Friday 12 March
    assert rows[1].due.astimezone(ISTANBUL) == local(ISTANBUL, 2027, 3, 12, 16, 30)
    assert rows[0].breached_at == rows[0].due  # no escalation levels: breached when due


def test_closing_clock_counts_calendar_days() -> None:
    resolved = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
    clock = closing_clock(plan(), resolved)
    assert clock["seconds"] == [3 * 86400, 11 * 86400]  # survey after 3 days, auto-close after 14
    scaled = closing_clock(plan(), resolved, time_scale=86400)
    assert scaled["seconds"] == [3, 11]


def test_schedule_rejects_naive_times_and_unknown_levels() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        step_schedule(plan(), "investigate", datetime(2026, 11, 20, 16, 0))
    with pytest.raises(ValueError, match=r"levels 0\.\.0"):
        step_schedule(plan(), "investigate", datetime.now(UTC), level=1)
    with pytest.raises(KeyError):
        step_schedule(plan(), "nope", datetime.now(UTC))
