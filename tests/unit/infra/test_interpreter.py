"""infra/local/interpreter.py: what survives a round is frozen, and frozen garbage is still collected."""

from __future__ import annotations

import gc
import time
import weakref
from collections.abc import Iterator

import pytest

from infra.local.interpreter import OldObjectsKept


class Node:
    """An object in a reference cycle (only the cyclic collector frees it)."""

    def __init__(self) -> None:
        self.other: Node | None = None


def cycle() -> weakref.ref[Node]:
    first, second = Node(), Node()
    first.other, second.other = second, first
    return weakref.ref(first)


# A full collection once the frozen objects grew by 1 %: the whole test process is frozen, so the
# tests grow it by a share of that, with room for frozen objects of the process freed meanwhile
# (an xdist worker's messages and reports).
GROWN, BALLAST = 1.01, 0.05


@pytest.fixture
def kept() -> Iterator[OldObjectsKept]:
    """A heap keeper driven by hand (its thread is not started). The test process freezes what it
    holds after collection (tests/conftest.py); the keeper unfreezes it in a full round, so it is
    frozen again after the test."""
    keeper = OldObjectsKept(every=3600, grown=GROWN)
    try:
        yield keeper
    finally:
        gc.unfreeze()
        gc.collect()
        gc.freeze()


def cycle_alive_at_freeze(kept: OldObjectsKept) -> weakref.ref[Node]:
    """A cycle frozen by a young round while alive, then dropped: garbage only a full round frees."""
    first, second = Node(), Node()
    first.other, second.other = second, first
    kept.collect()
    gone = weakref.ref(first)
    del first, second
    gc.collect()
    assert gone() is not None, "a frozen cycle is not walked by a collection"
    return gone


def test_the_first_round_collects_everything_and_freezes_what_is_left(kept: OldObjectsKept) -> None:
    dropped = cycle()
    held = Node()
    held.other = held
    alive = weakref.ref(held)
    kept.collect()
    assert dropped() is None  # garbage before the round: collected
    assert kept.full_collections == 1
    assert alive() is held and gc.get_freeze_count() > 0  # what is still used: kept, and frozen


def test_a_frozen_cycle_is_not_walked_until_the_frozen_objects_double(kept: OldObjectsKept) -> None:
    kept.collect()  # the first round: a full one
    frozen = gc.get_freeze_count()
    alive_at_freeze = cycle_alive_at_freeze(kept)  # frozen by a young round with the rest
    assert kept.full_collections == 1

    ballast = [[] for _ in range(int(frozen * BALLAST))]  # the frozen objects grow enough …
    kept.collect()
    assert alive_at_freeze() is not None
    kept.collect()  # … so the next round is a full one
    assert kept.full_collections == 2
    assert alive_at_freeze() is None
    del ballast


def test_reference_counting_frees_frozen_objects(kept: OldObjectsKept) -> None:
    plain = Node()
    gone = weakref.ref(plain)
    kept.collect()
    assert gc.get_freeze_count() > 0
    del plain
    assert gone() is None  # no cycle: freed as soon as the last reference went


def test_the_thread_rounds_until_stopped() -> None:
    keeper = OldObjectsKept(every=0.01)
    try:
        keeper.start()
        for _ in range(500):
            if keeper.full_collections:
                break
            keeper.stopping.wait(0.01)
        assert keeper.full_collections >= 1
    finally:
        keeper.stop()
        keeper.join(5)
    assert not keeper.is_alive()


def test_a_busy_process_puts_the_full_collection_off(kept: OldObjectsKept) -> None:
    kept.collect()  # the first round: a full one
    frozen = gc.get_freeze_count()
    garbage = cycle_alive_at_freeze(kept)
    ballast = [[] for _ in range(int(frozen * BALLAST))]
    kept.collect(cpu_share=0.9)  # grown enough for a quiet process, not for a busy one
    kept.collect(cpu_share=0.9)
    assert kept.full_collections == 1 and garbage() is not None
    kept.collect(cpu_share=0.1)  # quiet: the full collection runs
    assert kept.full_collections == 2 and garbage() is None
    del ballast


def test_a_busy_process_still_collects_everything_every_so_often(kept: OldObjectsKept) -> None:
    started = time.monotonic()
    kept.collect(now=started)
    frozen = gc.get_freeze_count()
    garbage = cycle_alive_at_freeze(kept)
    ballast = [[] for _ in range(int(frozen * BALLAST))]
    kept.collect(cpu_share=0.9, now=started + kept.busy_every - 1)
    kept.collect(cpu_share=0.9, now=started + kept.busy_every - 1)
    assert kept.full_collections == 1 and garbage() is not None
    kept.collect(cpu_share=0.9, now=started + kept.busy_every)
    assert kept.full_collections == 2 and garbage() is None
    del ballast
