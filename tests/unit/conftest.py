"""The unit tests' order under pytest-xdist: the few that cost seconds of CPU go first.

xdist's ``--dist load`` hands tests out in collected order and gives a worker more as it finishes.
A test of ten seconds collected last (tests/unit/workflow sorts late) starts when the other worker
has nothing left to do, and the run waits for it alone; started first, it runs while the other
worker takes the short ones. Mark such a test ``@pytest.mark.costly``.
"""

from __future__ import annotations

import pytest


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "costly: takes seconds of CPU; handed out before the short tests")


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A stable sort, so every worker computes the same order (as xdist requires); it runs before
    tests/conftest.py's own sort, which is stable too and keeps this order behind its e2e tests."""
    items.sort(key=lambda item: item.get_closest_marker("costly") is None)
