"""The order `make test` hands its tests to the workers (tests/conftest.py ``spread_among``): tests
that wait go evenly among the others, each where a module begins, and nothing is lost or moved
within a module."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.conftest import spread_among


@dataclass(frozen=True)
class Item:
    path: Path
    name: str


def module(name: str, tests: int) -> list[Item]:
    return [Item(Path(f"tests/integration/{name}.py"), f"{name}::{i}") for i in range(tests)]


def test_waiting_tests_go_evenly_between_modules_and_the_rest_keeps_its_order() -> None:
    among = [item for name in "abcdefgh" for item in module(name, 5)]  # 8 modules of 5 tests
    waiting = module("waits", 4)
    ordered: list[Any] = spread_among(waiting, among)

    assert sorted(ordered, key=str) == sorted(among + waiting, key=str)  # each test once
    assert [item for item in ordered if item in among] == among  # the others in their order
    assert [item for item in ordered if item in waiting] == waiting
    positions = [ordered.index(item) for item in waiting]
    # One in each quarter of the way (10 tests apart), each just before a module's first test
    assert [position - index for index, position in enumerate(positions)] == [5, 15, 25, 35]
    for position in positions:
        assert ordered[position + 1].name.endswith("::0")


def test_with_nothing_to_spread_among_the_waiting_tests_keep_their_order() -> None:
    waiting = module("waits", 3)
    assert spread_among(waiting, []) == waiting
    assert spread_among([], module("a", 2)) == module("a", 2)
