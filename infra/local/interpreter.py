"""How the local processes use the interpreter: old objects out of the garbage collections, and a
shorter switch interval and rarer young collections (``share_the_interpreter``, at the end).

moto holds everything the local stack stores (items, stream records, messages, execution histories)
as Python objects that live as long as its process, and the stack's process holds its pollers'
and handlers' state the same way. CPython's cyclic collector walks every tracked object of the
process in each full (generation 2) collection, with the interpreter lock held, so every thread of
the process waits for it. Python starts one whenever the objects that survived the younger
generations reach a quarter of the old ones: under ``make loadtest`` (500 tickets over 75 s) moto's
process ran 19 of them, each longer than the last (0.1 s at the start, 1.6 s a minute later): 10.5 s
of CPU, and every request that came in meanwhile waited. They were the tail of the create latency.

``OldObjectsKept`` runs a collection every ``every`` seconds and then moves what survived it into
the permanent generation (``gc.freeze``), which no collection walks. Each collection, Python's own
included, then walks only what was made since the last one. Reference counting still frees every
object that is no longer referenced, frozen or not, but a frozen object is never collected as part
of a reference cycle. Cycles that were alive at a freeze and became garbage later (a finished
execution's program, a request that was in flight) are therefore collected in a full collection of
everything. That one walks the whole heap again, so it waits for a quiet moment: it runs once the
frozen objects have doubled in number since the last one and the process used less than a quarter
of a core over the last round, or, if the process stays busy, once ten minutes have passed since
the last one. At most half of what is frozen can then be such garbage while the process is quiet
now and then, and the full collections come ever more rarely (a heap that grows to 16 times its
size at start pays for four); a process busy for hours pays for one every ten minutes, not one
every few seconds.
"""

from __future__ import annotations

import gc
import sys
import threading
import time

# How long a thread may run before one that waits for the interpreter lock gets it (Python's
# default: 5 ms); ``share_the_interpreter``.
SWITCH_SECONDS = 0.001
THRESHOLDS = (20_000, 20, 10)  # gc.set_threshold: the youngest generation every 20,000 allocations
EVERY_SECONDS = 5.0
FULL_WHEN_GROWN = 2.0  # a full collection once the frozen objects are this many times as many …
QUIET_CPU_SHARE = 0.25  # … and the process used less than this share of a core over the last round,
FULL_WHEN_BUSY_EVERY = 600.0  # or, busy, this many seconds after the last full collection


class OldObjectsKept(threading.Thread):
    """A daemon thread that freezes what survives its collections (see the module's docstring)."""

    def __init__(
        self,
        every: float = EVERY_SECONDS,
        grown: float = FULL_WHEN_GROWN,
        quiet_share: float = QUIET_CPU_SHARE,
        busy_every: float = FULL_WHEN_BUSY_EVERY,
    ) -> None:
        super().__init__(name="old-objects-kept", daemon=True)
        self.every, self.grown, self.quiet_share, self.busy_every = every, grown, quiet_share, busy_every
        self.stopping = threading.Event()
        self._collecting = threading.Lock()  # a settle() from another thread waits for a round
        self.full_collections = 0
        self._frozen_after_full: int | None = None
        self._full_at = 0.0

    def collect(self, cpu_share: float = 0.0, now: float | None = None) -> None:
        """One round: a full collection the first time, and once the frozen objects have grown
        ``grown`` times if the process was quiet (``cpu_share``: the share of a core it used since
        the last round) or ``busy_every`` seconds have passed since the last full one; else a
        collection of what was made since the last round. Then everything left is frozen."""
        with self._collecting:
            self._collect(cpu_share, time.monotonic() if now is None else now)

    def settle(self) -> None:
        """A full collection now, and everything left frozen: for a process about to get busy (the
        stack once started; its heap grew many times over while it started, so the first quiet round
        would otherwise walk all of it, with every request of the first seconds waiting)."""
        with self._collecting:
            self._collect(0.0, time.monotonic(), full=True)

    def _collect(self, cpu_share: float, now: float, full: bool = False) -> None:
        base = self._frozen_after_full
        grown = base is not None and gc.get_freeze_count() >= self.grown * base
        quiet = cpu_share < self.quiet_share or now - self._full_at >= self.busy_every
        if full or base is None or (grown and quiet):
            gc.unfreeze()
            gc.collect()
            gc.freeze()
            self._frozen_after_full, self._full_at = gc.get_freeze_count(), now
            self.full_collections += 1
            return
        gc.collect()
        gc.freeze()

    def run(self) -> None:
        used, at = time.process_time(), time.monotonic()
        while not self.stopping.wait(self.every):
            now_used, now = time.process_time(), time.monotonic()
            self.collect(cpu_share=(now_used - used) / max(now - at, 1e-9))
            used, at = time.process_time(), time.monotonic()

    def stop(self) -> None:
        self.stopping.set()


def share_the_interpreter(
    seconds: float = SWITCH_SECONDS, thresholds: tuple[int, int, int] = THRESHOLDS
) -> None:
    """Hand the interpreter lock to a waiting thread after ``seconds`` instead of Python's 5 ms.

    Each local process runs many threads; most wait on sockets, a few compute (a handler, moto's
    DynamoDB work). A thread whose answer has arrived waits for the one that computes to reach the
    switch interval, and a create waits so at each of its ~8 calls to moto, in both processes. At
    1 ms a paced `make loadtest` (`--spread 150`) gave p99 create 1.17 s against 1.65 s, and 8
    creates waiting for a free client against 26, for about 3 % more CPU (one run each).

    And the youngest generation is collected every 20,000 allocations instead of 700 (``thresholds``,
    for ``gc.set_threshold``): a request's objects then mostly die before a collection sees them,
    instead of being walked and moved to an older generation while the request still runs. In a
    paced run p50 create fell from 0.36-0.47 s to 0.30 s and the two processes' CPU from
    283-309 to 272 s (one run).
    """
    sys.setswitchinterval(seconds)
    gc.set_threshold(*thresholds)
