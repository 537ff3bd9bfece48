"""Category definitions, durations, custom fields and calendars: precise errors, real data."""

from __future__ import annotations

import copy
import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from complaintdesk.calendars import UnknownCalendar, get_calendar
from complaintdesk.categories import (
    CategoryError,
    Duration,
    DurationError,
    FieldValidationError,
    load_default_categories,
    parse_category,
    parse_duration,
    validate_ticket_fields,
)
from complaintdesk.categories.defaults import shipped_categories_dir
from complaintdesk.errors import InvalidInput

BILLING = json.loads((shipped_categories_dir() / "billing-error.json").read_text(encoding="utf-8"))


def edited(change: Any) -> dict[str, Any]:
    data = copy.deepcopy(BILLING)
    change(data)
    return data


def problems(data: dict[str, Any]) -> list[str]:
    with pytest.raises(CategoryError) as caught:
        parse_category(data)
    assert caught.value.status == 400
    return [d["message"] for d in caught.value.details]


# ---- durations ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("4h", Duration(minutes=240)),
        ("30m", Duration(minutes=30)),
        ("2d", Duration(days=2)),
        ("1d4h", Duration(days=1, minutes=240)),
        (" 1D 4H 30M ", Duration(days=1, minutes=270)),
    ],
)
def test_durations_read_the_way_people_write_them(text: str, expected: Duration) -> None:
    assert parse_duration(text) == expected


@pytest.mark.parametrize("text", ["", "4", "4x", "h4", "0h", "-1h", "4h2d", "400d"])
def test_bad_durations_say_why(text: str) -> None:
    with pytest.raises(DurationError, match="bad duration"):
        parse_duration(text)


def test_business_days_are_working_days() -> None:
    from datetime import timedelta

    assert parse_duration("2d").as_business(timedelta(hours=9)) == timedelta(hours=18)
    assert parse_duration("2d").as_calendar() == timedelta(days=2)
    assert str(parse_duration("90m")) == "1h30m"


# ---- definitions -------------------------------------------------------------------------------


def test_every_default_category_loads_with_turkish_and_english_names() -> None:
    defaults = load_default_categories()
    assert {d.id for d in defaults} >= {
        "late-delivery",
        "defective-product",
        "billing-error",
        "staff-behaviour",
        "service-outage",
    }
    for definition in defaults:
        assert definition.names.tr and definition.names.en and definition.names.lv
        assert all(step.escalation for step in definition.steps[:1])


def test_the_categories_folder_can_be_moved_with_an_env_var(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "billing-error.json").write_text(json.dumps(BILLING), encoding="utf-8")
    monkeypatch.setenv("CATEGORIES_DIR", str(tmp_path))
    assert [d.id for d in load_default_categories()] == ["billing-error"]
    (tmp_path / "other-name.json").write_text(json.dumps(BILLING), encoding="utf-8")
    with pytest.raises(CategoryError, match="file name must be the category id"):
        load_default_categories()


def test_unknown_owner_team_is_named() -> None:
    found = problems(edited(lambda d: d["steps"][1].update(owner_team="treasury")))
    assert found == [
        "steps[1].owner_team: unknown team 'treasury' (teams of this category: billing, finance)"
    ]


def test_duplicate_step_ids_are_refused() -> None:
    found = problems(edited(lambda d: d["steps"][2].update(id="investigate")))
    assert found == ["steps[2]: duplicate step id 'investigate'"]


def test_bad_sla_string_is_located() -> None:
    found = problems(edited(lambda d: d["steps"][0].update(sla="4 hours")))
    assert found == [
        "steps[0].sla: bad duration '4 hours': use days/hours/minutes such as '4h', '30m', '2d', '1d4h'"
    ]


def test_escalation_chain_is_checked_level_by_level() -> None:
    def change(d: dict[str, Any]) -> None:
        d["steps"][0]["escalation"][1]["notify"] = [{"kind": "team", "value": "legal"}]
        d["steps"][0]["escalation"][0]["extra"] = "soon"

    assert problems(edited(change)) == [
        "steps[0].escalation[0].extra: bad duration 'soon': use days/hours/minutes such as '4h', '30m', '2d', '1d4h'"
    ]

    def unknown_team(d: dict[str, Any]) -> None:
        d["steps"][0]["escalation"][1]["notify"] = [{"kind": "team", "value": "legal"}]

    assert problems(edited(unknown_team)) == ["steps[0].escalation[1].notify[0].value: unknown team 'legal'"]
    empty = problems(edited(lambda d: d["steps"][0]["escalation"][0].update(notify=[])))
    assert empty[0].startswith("steps[0].escalation[0].notify: List should have at least 1 item")
    email = problems(
        edited(lambda d: d["steps"][0]["escalation"][0].update(notify=[{"kind": "email", "value": "nobody"}]))
    )
    assert email == ["steps[0].escalation[0].notify[0]: bad e-mail address 'nobody'"]


def test_custom_fields_are_checked() -> None:
    enum = problems(edited(lambda d: d["fields"].append({"name": "channel", "type": "enum"})))
    assert enum == ["fields[4]: field 'channel' is an enum: list its allowed values"]
    typo = problems(edited(lambda d: d["fields"].append({"name": "x", "type": "colour"})))
    assert typo[0].startswith("fields[4].type: Input should be 'string'")
    duplicate = problems(edited(lambda d: d["fields"].append({"name": "currency", "type": "string"})))
    assert duplicate == ["fields[4]: duplicate field name 'currency'"]


def test_closing_rules_are_checked() -> None:
    found = problems(edited(lambda d: d["closing"].update(survey_after_days=10, auto_close_after_days=7)))
    assert found == [
        "closing: auto_close_after_days (7) must be later than survey_after_days (10): "
        "the survey goes out before the ticket closes"
    ]


def test_names_calendar_and_unknown_properties() -> None:
    found = problems(edited(lambda d: (d["names"].pop("tr"), d.update(calendar="mars", colour="red"))))
    assert "names.tr: Field required" in found
    assert "calendar: unknown calendar 'mars': known calendars are 24x7, lv-riga, tr-istanbul" in found
    assert "colour: unknown property" in found


def test_step_titles_must_fit_state_names() -> None:
    found = problems(edited(lambda d: d["steps"][0].update(title="Investigate: billing")))
    assert found == [
        "steps[0].title: step title 'Investigate: billing' contains a character not allowed "
        "in workflow state names"
    ]


def test_category_error_is_a_400_domain_error() -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_category({})
    assert caught.value.to_body()["error"]["code"] == "invalid_category"


# ---- ticket fields -----------------------------------------------------------------------------


def billing() -> Any:
    return parse_category(BILLING)


def test_ticket_fields_are_normalized() -> None:
    fields = {
        "invoice_number": " INV-2026-0042 ",
        "disputed_amount": "149,90",
        "currency": "TRY",
        "error_type": "double_charge",
    }
    assert validate_ticket_fields(billing(), fields) == {
        "invoice_number": "INV-2026-0042",
        "disputed_amount": 149.9,
        "currency": "TRY",
        "error_type": "double_charge",
    }


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"disputed_amount": 10, "currency": "TRY", "error_type": "other"}, "invoice_number", "is required"),
        (
            {"invoice_number": "1", "disputed_amount": "ten", "currency": "TRY", "error_type": "other"},
            "disputed_amount",
            "must be a number, got 'ten'",
        ),
        (
            {"invoice_number": "1", "disputed_amount": 1, "currency": "GBP", "error_type": "other"},
            "currency",
            "must be one of TRY, EUR, USD; got 'GBP'",
        ),
        (
            {
                "invoice_number": "1",
                "disputed_amount": 1,
                "currency": "TRY",
                "error_type": "other",
                "colour": "red",
            },
            "colour",
            "unknown field for category 'billing-error' (fields: currency, disputed_amount, error_type, "
            "invoice_number)",
        ),
        (
            {"invoice_number": "1", "disputed_amount": True, "currency": "TRY", "error_type": "other"},
            "disputed_amount",
            "must be a number, got true/false",
        ),
    ],
)
def test_ticket_field_violations_name_the_field(fields: dict[str, Any], field: str, message: str) -> None:
    with pytest.raises(FieldValidationError) as caught:
        validate_ticket_fields(billing(), fields)
    assert (caught.value.field, caught.value.status) == (field, 400)
    assert caught.value.details == [{"field": field, "message": message}]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("NaN", "must be a finite number, got 'NaN'"),
        ("-inf", "must be a finite number, got '-inf'"),
        ("1e400", "must be a finite number, got '1e400'"),
        (10**400, "must be a finite number, got 1" + "0" * 79),  # shown cut at 80 characters
    ],
)
def test_numbers_json_cannot_carry_are_refused(value: Any, message: str) -> None:
    fields = {"invoice_number": "1", "disputed_amount": value, "currency": "TRY", "error_type": "other"}
    with pytest.raises(FieldValidationError) as caught:
        validate_ticket_fields(billing(), fields)
    assert caught.value.details == [{"field": "disputed_amount", "message": message}]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("9" * 5000, "must be a whole number, got '" + "9" * 79),
        (2**53, "must be between -9007199254740991 and 9007199254740991"),
        ("-9007199254740992", "must be between -9007199254740991 and 9007199254740991"),
    ],
)
def test_whole_numbers_stay_within_what_a_browser_reads_exactly(value: Any, message: str) -> None:
    data = copy.deepcopy(BILLING)
    data["fields"].append({"name": "items", "type": "integer"})
    defn = parse_category(data)
    base = {"invoice_number": "1", "disputed_amount": 1, "currency": "TRY", "error_type": "other"}
    assert validate_ticket_fields(defn, {**base, "items": "9007199254740991"})["items"] == 2**53 - 1
    with pytest.raises(FieldValidationError) as caught:
        validate_ticket_fields(defn, {**base, "items": value})
    assert caught.value.details[0]["message"].startswith(message)


def test_dates_booleans_and_integers() -> None:
    defective = next(d for d in load_default_categories() if d.id == "defective-product")
    base = {
        "order_number": "A1",
        "product_sku": "SKU-1",
        "purchase_date": "2026-11-02",
        "defect_type": "broke_in_use",
    }
    assert validate_ticket_fields(defective, {**base, "under_warranty": "true"})["under_warranty"] is True
    with pytest.raises(FieldValidationError, match="must be a date YYYY-MM-DD"):
        validate_ticket_fields(defective, {**base, "purchase_date": "02/11/2026"})


# ---- calendars ---------------------------------------------------------------------------------


def test_turkish_calendar_has_the_religious_holidays_of_2026_and_2027() -> None:
    turkey = get_calendar("tr-istanbul")
    full_days = {h.date for year in (2026, 2027) for h in turkey.holidays(year) if not h.half_day}
    feasts = {
        date(2026, 3, 20),
        date(2026, 3, 21),
        date(2026, 3, 22),
        date(2026, 5, 27),
        date(2026, 5, 30),
        date(2027, 3, 9),
        date(2027, 3, 11),
        date(2027, 5, 16),
        date(2027, 5, 19),
    }
    assert feasts <= full_days
    eves = {h.date: h.from_time for h in turkey.holidays(2026) if h.half_day}
    assert eves == {date(2026, 3, 19): "13:00", date(2026, 5, 26): "13:00", date(2026, 10, 28): "13:00"}
    assert turkey.covers(2027) and not turkey.covers(2028)


def test_latvian_calendar_moves_weekend_independence_days_to_monday() -> None:
    latvia = get_calendar("lv-riga")
    assert latvia.holiday(date(2026, 4, 3)).name_en == "Good Friday"  # type: ignore[union-attr]
    assert latvia.holiday(date(2027, 3, 29)).name_en == "Easter Monday"  # type: ignore[union-attr]
    # 18 Nov 2028 is a Saturday: Monday 20 Nov is off
    assert latvia.holiday(date(2028, 11, 20)) is not None
    assert latvia.holiday(date(2026, 11, 23)) is None


def test_a_half_day_shortens_the_working_day() -> None:
    turkey = get_calendar("tr-istanbul")
    ((start, end),) = turkey.working_intervals(date(2026, 5, 26))  # Kurban Bayramı eve
    assert (end - start).total_seconds() == 4 * 3600
    assert turkey.working_intervals(date(2026, 5, 27)) == []


def test_unknown_calendar_is_a_404_domain_error() -> None:
    with pytest.raises(UnknownCalendar) as caught:
        get_calendar("atlantis")
    assert caught.value.status == 404
    assert get_calendar("24x7").day_length().total_seconds() == 24 * 3600
