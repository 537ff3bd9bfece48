"""The business's console pages in a real browser (headless Chromium) on the running local stack.

An admin edits a category in the form: a bad SLA is refused by the API and the message appears next
to that step's SLA input; fixed, the deadline preview runs across Republic Day in Istanbul (the
calendar marks the holiday and the step's deadline lands after it); a root cause is added; the new
version is published and compared with the one before it. Agents and managers read the same plan
with no edit controls, and the API answers their PUT with 403. Teams: a manager reads, an admin
changes members. Screenshots of each page in tr/en/lv.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

CATEGORY = "staff-behaviour"  # Istanbul calendar; no other browser test works its tickets
# Wednesday 28 October 2026, 10:00 in Istanbul: Republic Day's eve stops work at 13:00 and the
# 29th is a holiday, so a multi-day SLA started here must jump over both.
START_LOCAL = "2026-10-28T10:00"
HOLIDAY = "2026-10-29"
ISTANBUL = ZoneInfo("Europe/Istanbul")


def open_editor(page: Any, console: Any, category: str = CATEGORY) -> None:
    page.goto(f"{console.url}/#/categories/{category}")
    page.get_by_test_id("cat-editor").wait_for()


def test_admin_edits_previews_publishes_and_compares(signed_in: Any, console: Any, screenshot: Any) -> None:
    stack = console.stack
    status, before = stack.call("GET", f"/categories/{CATEGORY}", role="admin")
    assert status == 200, before
    review = before["definition"]["steps"][1]
    assert review["id"] == "review"
    new_sla = "5d" if review["sla"] == "4d" else "4d"

    page = signed_in("admin")
    open_editor(page, console)
    sla = page.get_by_test_id("field-steps[1].sla")

    # When the admin types an SLA the API cannot read and publishes
    sla.fill("four days")
    page.get_by_test_id("cat-publish").click()

    # Then the API's message stands next to that input, which is marked invalid and focused
    error = page.get_by_test_id("error-steps[1].sla")
    error.wait_for(state="visible")
    assert "bad duration" in error.inner_text()
    assert sla.get_attribute("aria-invalid") == "true"
    assert sla.get_attribute("aria-describedby").endswith(error.get_attribute("id"))
    assert page.evaluate("document.activeElement.dataset.path") == "steps[1].sla"
    assert page.get_by_test_id("cat-problems").is_visible()
    screenshot(page, "category-error", "admin", "en")
    assert (
        stack.call("GET", f"/categories/{CATEGORY}", role="admin")[1]["current_version"]
        == before["current_version"]
    )

    # When it is fixed, the error goes, and the preview starts right before Republic Day
    sla.fill(new_sla)
    assert not error.is_visible()
    page.get_by_test_id("cat-preview-start").fill(START_LOCAL)
    page.get_by_test_id("cat-preview-run").click()
    page.get_by_test_id("cat-preview-table").wait_for()

    # Then the calendar marks the holiday (and the half day before it) ...
    holiday = page.get_by_test_id(f"cal-day-{HOLIDAY}")
    assert holiday.get_attribute("data-holiday") == "full"
    assert "Republic Day" in holiday.inner_text()
    assert page.get_by_test_id("cal-day-2026-10-28").get_attribute("data-holiday") == "half"
    assert page.get_by_test_id("cal-day-2026-10-31").get_attribute("data-weekend") == "true"
    # ... and the review step's deadline, where the API puts it for this draft, after the holiday
    draft = {**before["definition"]}
    draft["steps"] = [dict(s) for s in before["definition"]["steps"]]
    draft["steps"][1]["sla"] = new_sla
    start = datetime.fromisoformat(START_LOCAL).replace(tzinfo=ISTANBUL).isoformat()
    status, expected = stack.call(
        "POST", f"/categories/{CATEGORY}/preview", {"start": start, "definition": draft}, role="admin"
    )
    assert status == 200, expected
    due = next(s["due"] for s in expected["steps"] if s["step_id"] == "review")
    due_day = datetime.fromisoformat(due).astimezone(ISTANBUL).date().isoformat()
    assert due_day > HOLIDAY
    due_cell = page.get_by_test_id(f"cal-day-{due_day}")
    marks = due_cell.get_by_test_id("cal-mark-due").all_inner_texts()
    assert any("Reviewing" in m or "review" in m.lower() for m in marks), marks
    assert not holiday.get_by_test_id("cal-mark-due").count()
    screenshot(page, "category-preview", "admin", "en")

    # When a root cause is added (names in three languages) and the version published
    code = f"rc_{uuid.uuid4().hex[:8]}"
    causes = len(before["definition"].get("root_causes", []))
    page.get_by_test_id("cat-add-root_causes").click()
    page.get_by_test_id(f"field-root_causes[{causes}].code").fill(code)
    for language, text in {
        "tr": "Kuyrukta unutuldu",
        "en": "Forgotten in the queue",
        "lv": "Aizmirsts rindā",
    }.items():
        page.get_by_test_id(f"field-root_causes[{causes}].names.{language}").fill(text)
    page.get_by_test_id("cat-publish").click()
    page.get_by_test_id("toast-success").wait_for()

    # Then the API has the new version, and the page shows it with its changes
    status, after = stack.call("GET", f"/categories/{CATEGORY}", role="admin")
    new_version = before["current_version"] + 1
    assert after["current_version"] == new_version
    assert after["definition"]["steps"][1]["sla"] == new_sla
    assert after["definition"]["root_causes"][-1]["code"] == code
    page.get_by_test_id(f"cat-version-{new_version}").wait_for()
    assert str(new_version) in page.get_by_test_id("cat-current-version").inner_text()

    # When the admin compares the previous version with the new one
    page.get_by_test_id("cat-diff-from").select_option(str(new_version - 1))
    page.get_by_test_id("cat-diff-to").select_option(str(new_version))
    page.get_by_test_id("cat-diff-run").click()
    page.get_by_test_id("cat-diff").wait_for()

    # Then the step is "changed" with its SLA before and after, and the cause "added"
    step = page.get_by_test_id("diff-steps-review")
    assert step.get_attribute("data-kind") == "changed"
    changes = page.get_by_test_id("diff-changes-steps-review").inner_text()
    assert "SLA" in changes and review["sla"] in changes and new_sla in changes
    added = page.get_by_test_id(f"diff-root_causes-{code}")
    assert added.get_attribute("data-kind") == "added"
    assert "Forgotten in the queue" in added.inner_text()
    screenshot(page, "category-diff", "admin", "en")
    assert page.errors == []


@pytest.mark.parametrize("role", ["agent", "manager"])
def test_readers_see_no_edit_controls_and_the_api_refuses_them(
    signed_in: Any, console: Any, role: str
) -> None:
    page = signed_in(role)
    page.goto(f"{console.url}/#/categories")
    page.get_by_test_id(f"cat-open-{CATEGORY}").click()
    page.get_by_test_id("cat-readonly").wait_for()
    editor = page.get_by_test_id("cat-editor")
    # The plan is there, as text ...
    assert "2h" in editor.inner_text()
    # ... with nothing to edit: no inputs, no add / remove / move, no publish, no "new category"
    assert editor.locator("input, select, textarea").count() == 0
    assert (
        page.locator("[data-testid^='cat-add-'], [data-testid^='remove-'], [data-testid^='move-']").count()
        == 0
    )
    assert page.get_by_test_id("cat-publish").count() == 0
    page.goto(f"{console.url}/#/categories")
    page.get_by_test_id("cat-list").wait_for()
    assert page.get_by_test_id("cat-new").count() == 0
    # Tried anyway, with their own token: 403
    definition = console.stack.call("GET", f"/categories/{CATEGORY}", role=role)[1]["definition"]
    status, answer = console.stack.call("PUT", f"/categories/{CATEGORY}", definition, role=role)
    assert status == 403, answer
    assert answer["error"]["code"] == "forbidden"
    assert page.errors == []


def test_teams_managers_read_admins_change_members(signed_in: Any, console: Any) -> None:
    stack = console.stack
    team = "people-ops"
    reader = signed_in("manager")
    reader.goto(f"{console.url}/#/teams")
    reader.get_by_test_id(f"team-{team}").wait_for()
    assert reader.get_by_test_id(f"team-save-{team}").count() == 0
    assert reader.locator("[data-testid^='team-remove-'], [data-testid^='team-add-']").count() == 0
    status, answer = stack.call("PUT", f"/teams/{team}/members", {"members": []}, role="manager")
    assert status == 403, answer

    admin = signed_in("admin")
    admin.goto(f"{console.url}/#/teams")
    admin.get_by_test_id(f"team-{team}").wait_for()
    before = set(stack.call("GET", f"/teams/{team}", role="admin")[1]["members"])
    person = "manager@complaintdesk.local"
    if person in before:
        admin.get_by_test_id(f"team-remove-{team}-{person}").click()
        expected = before - {person}
    else:
        admin.get_by_test_id(f"team-add-{team}").select_option(person)
        admin.get_by_test_id(f"team-add-button-{team}").click()
        expected = before | {person}
    admin.get_by_test_id(f"team-save-{team}").click()
    admin.get_by_test_id("toast-success").wait_for()
    assert set(stack.call("GET", f"/teams/{team}", role="admin")[1]["members"]) == expected
    # The page draws the saved team again after the toast: wait for the new count, do not race it.
    expect(admin.get_by_test_id(f"teams-count-{team}")).to_have_text(str(len(expected)))
    assert reader.errors == [] and admin.errors == []


# English words of these pages that must not show through in Turkish or Latvian.
ENGLISH = [
    "Publish a new version",
    "Deadline preview",
    "Versions",
    "Root causes",
    "Members",
    "Download CSV",
    "Step 1",
]


@pytest.mark.parametrize("language", ["tr", "en", "lv"])
def test_screenshots_of_the_business_pages(
    signed_in: Any, console: Any, screenshot: Any, language: str
) -> None:
    page = signed_in("admin", language)
    pages = {
        "categories": ("#/categories", "cat-list"),
        "category-editor": (f"#/categories/{CATEGORY}", "cat-editor"),
        "teams": ("#/teams", "teams-list"),
        "reports": ("#/reports", "reports-summary"),
    }
    for name, (hash_, ready) in pages.items():
        page.goto(f"{console.url}/{hash_}")
        page.get_by_test_id(ready).wait_for()
        if name == "category-editor":
            page.get_by_test_id("cat-preview-start").fill(START_LOCAL)
            page.get_by_test_id("cat-preview-run").click()
            page.get_by_test_id("cat-preview-table").wait_for()
        text = page.locator("main").inner_text()
        if language != "en":
            assert not [word for word in ENGLISH if word in text], name
        screenshot(page, name, "admin", language)
    reader = signed_in("agent", language)
    reader.goto(f"{console.url}/#/categories/{CATEGORY}")
    reader.get_by_test_id("cat-readonly").wait_for()
    screenshot(reader, "category-readonly", "agent", language)
    assert page.errors == [] and reader.errors == []
