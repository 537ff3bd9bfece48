"""Names per language in a category: complete for tr, en and lv at publish, coded root causes, lookups."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from complaintdesk.categories import (
    CategoryError,
    incomplete_names,
    load_default_categories,
    parse_category,
    require_complete_names,
)
from complaintdesk.categories.defaults import shipped_categories_dir
from complaintdesk.errors import InvalidInput


def billing() -> dict[str, Any]:
    return json.loads((shipped_categories_dir() / "billing-error.json").read_text(encoding="utf-8"))


def test_every_shipped_category_names_everything_in_tr_en_and_lv() -> None:
    for defn in load_default_categories():
        assert incomplete_names(defn) == [], defn.id
        assert defn.root_causes, f"{defn.id} has no coded root causes"
        for step in defn.steps:
            assert step.names is not None and all((step.names.tr, step.names.en, step.names.lv))
            # a name per language, not the English copied over
            assert step.names.tr != step.names.en and step.names.lv != step.names.en, step.id


def test_a_missing_latvian_name_is_refused_naming_its_path() -> None:
    # Given the billing category with the second step's Latvian name and an escalation name removed
    data = billing()
    del data["steps"][1]["names"]["lv"]
    del data["steps"][0]["escalation"][1]["names"]
    defn = parse_category(data)  # a stored older version like this still loads
    # When it is checked for publishing
    with pytest.raises(CategoryError) as refused:
        require_complete_names(defn)
    # Then the 400 names each missing path
    fields = [d["field"] for d in refused.value.details]
    assert fields == ["steps[0].escalation[1].names", "steps[1].names.lv"]
    assert "steps[1].names.lv" in refused.value.message and "tr, en, lv" in refused.value.message


def test_team_and_root_cause_names_are_checked_too() -> None:
    data = billing()
    del data["teams"][1]["names"]
    data["root_causes"][0]["names"]["lv"] = None
    missing = incomplete_names(parse_category(data))
    assert missing == ["teams[1].names", "root_causes[0].names.lv"]


def test_root_cause_codes_are_slugs_and_unique() -> None:
    data = billing()
    data["root_causes"].append(copy.deepcopy(data["root_causes"][0]))
    with pytest.raises(CategoryError) as duplicate:
        parse_category(data)
    assert any("duplicate root cause code" in d["message"] for d in duplicate.value.details)
    data = billing()
    data["root_causes"][0]["code"] = "Billing error"
    with pytest.raises(CategoryError) as bad:
        parse_category(data)
    assert [d["field"] for d in bad.value.details] == ["root_causes[0].code"]


def test_an_unknown_root_cause_is_a_400_on_root_cause_listing_the_codes() -> None:
    defn = parse_category(billing())
    assert defn.check_root_cause("billing_system_error") == "billing_system_error"
    with pytest.raises(InvalidInput) as refused:
        defn.check_root_cause("billing system error")
    body = refused.value.to_body()["error"]
    assert body["details"][0]["field"] == "root_cause"
    assert "billing_system_error" in body["message"] and "no_error_found" in body["message"]
    # a category that lists no causes takes the words as written
    data = billing()
    data["root_causes"] = []
    assert parse_category(data).check_root_cause("words") == "words"


def test_names_in_each_language_with_english_then_the_state_name_as_fallback() -> None:
    defn = parse_category(billing())
    assert defn.step_name("investigate", "tr") == "Faturanın incelenmesi"
    assert defn.step_name("investigate", "lv") == "Rēķina izpēte"
    assert defn.team_name("finance", "lv") == "Finanses"
    assert defn.escalation_name("investigate", 1, "tr") == "Faturalama ekip lideri"
    assert defn.root_cause_name("billing_system_error", "lv") == "Kļūda norēķinu sistēmā"
    data = billing()
    del data["steps"][0]["names"]
    assert parse_category(data).step_name("investigate", "lv") == "Investigate"  # the state name
