"""The acknowledgement's first-response promise comes from the plan, in business time, not 24 wall-clock hours."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from complaintdesk.categories import CategoryDefinition, CategoryError, parse_category
from complaintdesk.services.promises import first_response_due, zone_of
from complaintdesk.settings import reset_settings

ISTANBUL = ZoneInfo("Europe/Istanbul")
RIGA = ZoneInfo("Europe/Riga")
# Friday 27 November 2026, 14:22 in Istanbul: the complaint
FRIDAY_1422 = datetime(2026, 11, 27, 14, 22, tzinfo=ISTANBUL)


def category(first_sla: str = "4h", *, clock: str = "business", calendar: str = "tr-istanbul", **extra: Any):
    names = {"tr": "Deneme", "en": "Test", "lv": "Tests"}
    return parse_category(
        {
            "id": "promise-test",
            "names": names,
            "calendar": calendar,
            "teams": [{"id": "billing", "name": "Billing team"}],
            "steps": [
                {"id": "triage", "title": "Triage", "owner_team": "billing", "instructions": {"en": "x"},
                 "sla": first_sla, "clock": clock},
                {"id": "fix", "title": "Fix", "owner_team": "billing", "instructions": {"en": "x"}, "sla": "2d"},
            ],
            **extra,
        }
    )  # fmt: skip


@pytest.fixture(autouse=True)
def _desk_defaults(monkeypatch):
    for name in ("DEFAULT_CALENDAR", "FIRST_RESPONSE_SLA"):
        monkeypatch.delenv(name, raising=False)
    reset_settings()
    yield
    reset_settings()


def test_friday_1422_with_a_4h_first_step_is_promised_monday_not_saturday():
    # tr-istanbul works 09:00-18:00 Monday to Friday: 3 h 38 min left on Friday, 22 min on Monday
    due = first_response_due(FRIDAY_1422, category("4h")).astimezone(ISTANBUL)
    assert due == datetime(2026, 11, 30, 9, 22, tzinfo=ISTANBUL)
    assert due.strftime("%A") == "Monday"


def test_the_promise_is_the_first_steps_due_time_on_its_own_clock():
    # A first step on the wall clock keeps its 4 hours, weekend or not
    due = first_response_due(FRIDAY_1422, category("4h", clock="calendar"))
    assert due == datetime(2026, 11, 27, 18, 22, tzinfo=ISTANBUL)


def test_a_categorys_own_first_response_sla_wins_over_the_first_step():
    defn = category("2d", first_response="2h")
    assert defn.first_response == "2h"
    assert first_response_due(FRIDAY_1422, defn) == datetime(2026, 11, 27, 16, 22, tzinfo=ISTANBUL)
    # and one working day from Friday 14:22 is Monday 14:22 (a 9-hour day), not Saturday
    assert first_response_due(FRIDAY_1422, category("2d", first_response="1d")) == datetime(
        2026, 11, 30, 14, 22, tzinfo=ISTANBUL
    )


def test_a_first_response_sla_must_be_a_duration():
    with pytest.raises(CategoryError) as caught:
        category(first_response="soon")
    assert "first_response" in str(caught.value.details)
    with pytest.raises(CategoryError):
        category(first_response="0h")


def test_an_uncategorised_ticket_gets_the_desks_sla_in_the_default_calendars_hours(monkeypatch):
    # The default: one working day of tr-istanbul
    assert first_response_due(FRIDAY_1422) == datetime(2026, 11, 30, 14, 22, tzinfo=ISTANBUL)
    assert zone_of(None) == "Europe/Istanbul"
    # A Latvian desk (09:00-17:00 in Riga) with a 4-hour promise
    monkeypatch.setenv("DEFAULT_CALENDAR", "lv-riga")
    monkeypatch.setenv("FIRST_RESPONSE_SLA", "4h")
    reset_settings()
    friday_1500_riga = datetime(2026, 11, 27, 15, 0, tzinfo=RIGA)
    assert first_response_due(friday_1500_riga) == datetime(2026, 11, 30, 11, 0, tzinfo=RIGA)
    assert zone_of(None) == "Europe/Riga"


def test_the_promise_is_shown_in_the_categorys_zone():
    assert zone_of(category(calendar="lv-riga")) == "Europe/Riga"
    assert isinstance(category(), CategoryDefinition)
    assert first_response_due(datetime(2026, 11, 27, 11, 22, tzinfo=UTC), category()).tzinfo is not None
