"""infra/local/interpreter.py: what survives a round is frozen, and frozen garbage is still collected.

Each check runs in a fresh interpreter of its own (``alone``). A full collection walks every object
of its process: in a test worker, which holds the whole suite, each one took about a second, and
these checks need four or five apiece. A fresh process holds little, its collections take
milliseconds, and its freezes leave the worker's heap as it was."""

from __future__ import annotations

import gc
import multiprocessing
import weakref
from collections.abc import Callable

import pytest

from infra.local.interpreter import OldObjectsKept

# A full collection once the frozen objects grew by 1 %; the checks grow them by 5 %, with room for
# objects the interpreter itself frees meanwhile.
GROWN, BALLAST = 1.01, 0.05


def alone(check: Callable[[], None]) -> None:
    """Runs ``check`` (a function of this module) in a new interpreter ("spawn", not a fork of the
    worker); its traceback, if it fails, is on the captured stderr."""
    process = multiprocessing.get_context("spawn").Process(target=check, name=check.__name__)
    process.start()
    process.join(60)
    if process.exitcode is None:
        process.kill()
    assert process.exitcode == 0, f"{check.__name__} failed in its own interpreter (exit {process.exitcode})"


class Node:
    """An object in a reference cycle (only the cyclic collector frees it)."""

    def __init__(self) -> None:
        self.other: Node | None = None


def cycle() -> weakref.ref[Node]:
    first, second = Node(), Node()
    first.other, second.other = second, first
    return weakref.ref(first)


def keeper() -> OldObjectsKept:
    """A heap keeper driven by hand (its thread is not started)."""
    return OldObjectsKept(every=3600, grown=GROWN)


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


def ballast(kept: OldObjectsKept) -> list[list[object]]:
    """New objects enough to grow the frozen ones past ``GROWN`` at the next round."""
    return [[] for _ in range(int(gc.get_freeze_count() * BALLAST))]


def first_round() -> None:
    kept = keeper()
    dropped = cycle()
    held = Node()
    held.other = held
    alive = weakref.ref(held)
    kept.collect()
    assert dropped() is None  # garbage before the round: collected
    assert kept.full_collections == 1
    assert alive() is held and gc.get_freeze_count() > 0  # what is still used: kept, and frozen


def frozen_cycle_waits_for_growth() -> None:
    kept = keeper()
    kept.collect()  # the first round: a full one
    alive_at_freeze = cycle_alive_at_freeze(kept)  # frozen by a young round with the rest
    assert kept.full_collections == 1
    grown = ballast(kept)  # the frozen objects grow enough …
    kept.collect()
    assert alive_at_freeze() is not None
    kept.collect()  # … so the next round is a full one
    assert kept.full_collections == 2
    assert alive_at_freeze() is None
    del grown


def reference_counting_frees() -> None:
    kept = keeper()
    plain = Node()
    gone = weakref.ref(plain)
    kept.collect()
    assert gc.get_freeze_count() > 0
    del plain
    assert gone() is None  # no cycle: freed as soon as the last reference went


def busy_puts_full_off() -> None:
    kept = keeper()
    kept.collect()  # the first round: a full one
    garbage = cycle_alive_at_freeze(kept)
    grown = ballast(kept)
    kept.collect(cpu_share=0.9)  # grown enough for a quiet process, not for a busy one
    kept.collect(cpu_share=0.9)
    assert kept.full_collections == 1 and garbage() is not None
    kept.collect(cpu_share=0.1)  # quiet: the full collection runs
    assert kept.full_collections == 2 and garbage() is None
    del grown


def busy_still_collects_all() -> None:
    kept = keeper()
    # A clock of round numbers: from monotonic()'s value, (started + 600) - started can come out
    # a hair under 600, and the round at "600 s later" then did not count as one.
    started = 1_000.0
    kept.collect(now=started)
    garbage = cycle_alive_at_freeze(kept)
    grown = ballast(kept)
    kept.collect(cpu_share=0.9, now=started + kept.busy_every - 1)
    kept.collect(cpu_share=0.9, now=started + kept.busy_every - 1)
    assert kept.full_collections == 1 and garbage() is not None
    kept.collect(cpu_share=0.9, now=started + kept.busy_every)
    assert kept.full_collections == 2 and garbage() is None
    del grown


def settle_collects_everything_now() -> None:
    kept = keeper()
    kept.collect()
    garbage = cycle_alive_at_freeze(kept)
    kept.collect(cpu_share=0.0)  # not grown: a round leaves the frozen cycle alone
    assert kept.full_collections == 1 and garbage() is not None
    kept.settle()  # a process about to get busy: everything now, however little it grew
    assert kept.full_collections == 2 and garbage() is None
    assert gc.get_freeze_count() > 0  # and what is left is frozen


def thread_rounds_until_stopped() -> None:
    thread = OldObjectsKept(every=0.01)
    try:
        thread.start()
        for _ in range(500):
            if thread.full_collections:
                break
            thread.stopping.wait(0.01)
        assert thread.full_collections >= 1
    finally:
        thread.stop()
        thread.join(5)
    assert not thread.is_alive()


# Each check, by what it shows, run in its own interpreter.
CHECKS: dict[str, Callable[[], None]] = {
    "the first round collects everything and freezes what is left": first_round,
    "a frozen cycle is not walked until the frozen objects grow": frozen_cycle_waits_for_growth,
    "reference counting frees frozen objects": reference_counting_frees,
    "the thread rounds until stopped": thread_rounds_until_stopped,
    "a busy process puts the full collection off": busy_puts_full_off,
    "a busy process still collects everything every so often": busy_still_collects_all,
    "settle collects everything now": settle_collects_everything_now,
}


@pytest.mark.parametrize("check", CHECKS.values(), ids=[name.replace(" ", "_") for name in CHECKS])
def test_heap_keeper(check: Callable[[], None]) -> None:
    alone(check)


def test_a_failing_check_fails_its_test() -> None:
    try:
        alone(fails)
    except AssertionError as error:
        assert "fails failed in its own interpreter (exit 1)" in str(error)
    else:
        raise AssertionError("a check that fails in its own interpreter passed")


def fails() -> None:
    raise AssertionError("on purpose")
