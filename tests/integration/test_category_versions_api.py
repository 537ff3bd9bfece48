"""What the console's category editor reads: any published version's definition (for a diff) and
the calendar a preview spans (weekends and holidays drawn around the deadlines)."""

from __future__ import annotations

import copy
from typing import Any


def test_each_published_version_keeps_its_definition(api: Any, publish_categories: Any) -> None:
    # Given billing-error published once, then again with a longer first step
    publish_categories("billing-error")
    first = api.get("/categories/billing-error")[1]["definition"]
    changed = copy.deepcopy(first)
    changed["steps"][0]["sla"] = "2d"
    assert api.put("/categories/billing-error", changed, role="admin")[0] == 201

    # When staff read both versions
    status, v1 = api.get("/categories/billing-error/versions/1", role="agent")
    assert status == 200
    status, v2 = api.get("/categories/billing-error/versions/2", role="manager")
    assert status == 200

    # Then each is the plan as it was published, with what changed
    assert v1["version"] == 1 and v1["definition"]["steps"][0]["sla"] == first["steps"][0]["sla"]
    assert v2["version"] == 2 and v2["definition"]["steps"][0]["sla"] == "2d"
    assert v2["changes"] == ["steps[investigate].sla"] and v2["published_by"]
    # A version that does not exist, or is not a number, is named as such
    assert api.get("/categories/billing-error/versions/3", role="agent")[0] == 404
    status, error = api.get("/categories/billing-error/versions/latest", role="agent")
    assert status == 400 and error["error"]["details"][0]["field"] == "version"
    # Integration accounts are not staff
    assert api.get("/categories/billing-error/versions/1", role="integration")[0] == 403


def test_a_preview_carries_the_calendar_it_spans(api: Any, publish_categories: Any) -> None:
    # Given a plan on the Istanbul calendar, started the afternoon before Republic Day's eve
    publish_categories("billing-error")
    status, preview = api.post(
        "/categories/billing-error/preview", {"start": "2026-10-27T15:00:00+03:00"}, role="admin"
    )
    assert status == 200
    calendar = preview["calendar"]
    # Then the answer names the calendar, its working weekdays and the holidays of those months
    assert calendar["id"] == "tr-istanbul" and calendar["timezone"] == "Europe/Istanbul"
    assert calendar["working_days"] == ["mon", "tue", "wed", "thu", "fri"]
    assert calendar["from"] == "2026-10-01"
    holidays = {h["date"]: h for h in calendar["holidays"]}
    assert holidays["2026-10-29"]["name_en"] == "Republic Day"
    assert holidays["2026-10-28"]["from_time"] == "13:00"
    # and the first deadline (one working day) lands after the holiday
    assert preview["steps"][0]["due"] > "2026-10-30"
    assert calendar["to"] >= preview["steps"][-1]["breached_at"][:10]
