"""A published category version is read once per process (it never changes); which version is
current is read every time, so a new version takes effect at once and running tickets keep theirs."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import pytest

from complaintdesk.services import categories
from tests.support.aws import reset_caches
from tests.support.faults import FaultInjector, inject_faults


class Reads:
    """The sort keys of the items the code reads with GetItem, as the fault injector saw them."""

    def __init__(self, faults: FaultInjector) -> None:
        self.faults, self.seen = faults, 0

    def new(self) -> list[str]:
        """Those read since the last time this was asked."""
        keys = [p["Key"]["SK"]["S"] for p in self.faults.asked("dynamodb", "GetItem")]
        fresh, self.seen = keys[self.seen :], len(keys)
        return fresh


@pytest.fixture
def counted(stack: Any) -> Iterator[Reads]:
    """The GetItems the code makes, counted by a fault injector with nothing to inject."""
    with inject_faults() as faults:
        reset_caches()
        yield Reads(faults)
    reset_caches()


def test_a_version_is_read_once_and_the_current_one_every_time(publish_categories: Any, counted: Any) -> None:
    # Given billing-error published once
    publish_categories("billing-error")
    counted.new()
    # When its current plan is asked for three times
    for _ in range(3):
        item, definition = categories.published("billing-error")
        assert int(item.version) == 1 and definition.id == "billing-error"
    # Then the category list was read each time, version 1 only once
    assert counted.new() == ["billing-error", "VERSION#000001", "billing-error", "billing-error"]

    # When the business publishes version 2
    changed = copy.deepcopy(item.definition)
    changed["steps"][0]["sla"] = "2d"
    assert categories.publish("billing-error", changed, actor="admin@example.com")[0]
    counted.new()
    # Then new tickets get it at once, and version 1 is still what it was, from memory
    item2, definition2 = categories.published("billing-error")
    assert int(item2.version) == 2 and definition2.steps[0].sla == "2d"
    item1, definition1 = categories.published("billing-error", 1)
    assert int(item1.version) == 1 and definition1.steps[0].sla != "2d"
    assert counted.new() == ["billing-error", "VERSION#000002"]


def test_the_least_recently_used_version_is_dropped_past_the_bound(
    publish_categories: Any, counted: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(categories, "VERSIONS_KEPT", 1)
    publish_categories("billing-error", "late-delivery")
    counted.new()
    categories.published("billing-error", 1)
    categories.published("late-delivery", 1)  # billing-error v1 is dropped to keep one
    categories.published("late-delivery", 1)
    categories.published("billing-error", 1)
    assert counted.new() == ["VERSION#000001", "VERSION#000001", "VERSION#000001"]


def test_an_unknown_version_is_not_found_and_nothing_is_kept(publish_categories: Any, counted: Any) -> None:
    publish_categories("billing-error")
    for _ in range(2):
        with pytest.raises(categories.NotFound):
            categories.published("billing-error", 7)
    with pytest.raises(categories.NotFound):
        categories.published("no-such-category")
