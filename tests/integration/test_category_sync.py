"""`complaintdesk sync-categories` after a deploy keeps a plan the business changed through the API.

"The business changes a category's plan without IT": a deploy (which runs the sync) must not
quietly put the shipped plan back over their edit; it says what it kept, and publishes the shipped
plan over an edit only when asked by name.
"""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from infra.cli import main


def rows(capsys: Any) -> dict[str, list[str]]:
    """The sync's table: category -> its columns (log lines of a configured logger left out)."""
    lines = [line for line in capsys.readouterr().out.splitlines() if line and not line.startswith("{")]
    return {line.split()[0]: line.split()[1:] for line in lines}


@pytest.fixture
def shipped_billing_sla(monkeypatch: pytest.MonkeyPatch) -> Any:
    """Ship a new release whose billing-error plan has a different first-step SLA."""
    from complaintdesk import categories as shipped_module
    from complaintdesk.services import categories as service

    original = shipped_module.load_default_categories()

    def ship(sla: str) -> None:
        released = []
        for defn in original:
            if defn.id == "billing-error":
                data = json.loads(defn.model_dump_json(exclude_none=True))
                data["steps"][0]["sla"] = sla
                defn = shipped_module.parse_category(data)
            released.append(defn)
        monkeypatch.setattr(service, "load_default_categories", lambda: released)

    return ship


def test_an_edit_made_through_the_api_survives_the_next_deploys_sync(
    api: Any, capsys: Any, shipped_billing_sla: Any
) -> None:
    # Given the five shipped plans, then an admin lengthens billing-error's first step in the API
    assert main(["sync-categories"]) == 0
    assert {c[1] for c in rows(capsys).values()} == {"published"}
    edited = copy.deepcopy(api.get("/categories/billing-error")[1]["definition"])
    edited["steps"][0]["sla"] = "3d"
    assert api.put("/categories/billing-error", edited, role="admin")[0] == 201

    # When the next deploy's sync runs (the shipped plans unchanged)
    assert main(["sync-categories"]) == 0
    table = rows(capsys)

    # Then the edit is kept and said so, and the current plan is still the admin's
    assert table["billing-error"][:2] == ["v2", "kept"]
    assert "edited by" in " ".join(table["billing-error"])
    assert "shipped plan differs" in " ".join(table["billing-error"])
    assert {c[1] for k, c in table.items() if k != "billing-error"} == {"unchanged"}
    current = api.get("/categories/billing-error")[1]
    assert current["current_version"] == 2 and current["definition"]["steps"][0]["sla"] == "3d"

    # When a release changes billing-error's shipped plan, the edit still wins over it
    shipped_billing_sla("5d")
    assert main(["sync-categories"]) == 0
    assert rows(capsys)["billing-error"][:2] == ["v2", "kept"]
    assert api.get("/categories/billing-error")[1]["definition"]["steps"][0]["sla"] == "3d"

    # Until it is asked for by name: then the shipped plan is published as the next version
    assert main(["sync-categories", "--restore-shipped", "billing-error"]) == 0
    assert rows(capsys)["billing-error"] == ["v3", "published"]
    v3 = api.get("/categories/billing-error/versions/3", role="admin")[1]
    assert v3["definition"]["steps"][0]["sla"] == "5d"
    # and from then on the category follows the shipped plans again
    shipped_billing_sla("6d")
    assert main(["sync-categories"]) == 0
    assert rows(capsys)["billing-error"] == ["v4", "published"]


def test_a_shipped_plan_that_changed_is_published_where_nobody_edited(
    api: Any, capsys: Any, shipped_billing_sla: Any
) -> None:
    assert main(["sync-categories"]) == 0
    capsys.readouterr()
    shipped_billing_sla("4d")
    assert main(["sync-categories"]) == 0
    table = rows(capsys)
    assert table["billing-error"] == ["v2", "published"]
    assert api.get("/categories/billing-error")[1]["definition"]["steps"][0]["sla"] == "4d"


def test_restoring_an_unknown_category_is_refused_before_anything_is_published(api: Any, capsys: Any) -> None:
    assert main(["sync-categories", "--restore-shipped", "billing-eror"]) == 2
    assert "not a shipped category: billing-eror" in capsys.readouterr().out
    assert api.get("/categories", role="admin")[1]["categories"] == []


def test_versions_published_before_the_shipped_mark_are_told_apart_by_who_published_them(
    stack: Any,
) -> None:
    from complaintdesk.services.categories import _edited_by_a_person
    from complaintdesk.store.models import CategoryVersion

    def version(by: str, shipped: bool | None) -> CategoryVersion:
        return CategoryVersion("CATEGORY#x", "VERSION#000001", published_by=by, shipped=shipped, version=1)

    assert not _edited_by_a_person(version("make run", None))
    assert not _edited_by_a_person(version("sync-categories", None))
    assert _edited_by_a_person(version("ayse@example.com", None))
    assert _edited_by_a_person(version("sync-categories", False))
    assert not _edited_by_a_person(version("ayse@example.com", True))
