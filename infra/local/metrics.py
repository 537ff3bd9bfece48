"""EMF metrics of the local functions → moto CloudWatch (PutMetricData), as CloudWatch Logs does on AWS.

On Lambda, Powertools Metrics writes each Embedded Metric Format document as one JSON line to the
function's stdout; CloudWatch Logs reads the log stream and turns every document into metric data.
Powertools has no other way out for EMF (``single_metric`` and ``Metrics.flush_metrics`` both print
the document; a custom metrics provider would reach only ``Metrics``, not ``single_metric``), so the
local stack plays CloudWatch Logs' part on the same lines: ``EmfLogStream`` stands in for the
process's stdout, passes every byte through unchanged, and hands each complete line that is an EMF
document to a ``MetricPublisher``. The publisher maps it (``emf_to_metric_data``: namespace, every
dimension set, unit, storage resolution, the document's timestamp; a list of values becomes
Values/Counts) and sends the data in batches (one PutMetricData per namespace and at most
``MAX_DATUMS`` data per call) from its own thread, so a function never waits for CloudWatch.

Wiring (``infra/local/stack.py``)::

    publisher = MetricPublisher(cloudwatch_client); publisher.start()
    EmfLogStream.install(publisher)   # sys.stdout now feeds the publisher
    ...
    EmfLogStream.uninstall(); publisher.stop()   # flushes what is left
"""

from __future__ import annotations

import io
import json
import sys
import threading
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime
from typing import Any, TextIO

MAX_DATUMS = 1000  # PutMetricData accepts up to 1,000 metric data per request
MAX_VALUES = 150  # ... and up to 150 distinct values in one datum's Values
FLUSH_INTERVAL = 0.5  # seconds between batches


class NotEmf(ValueError):
    """A JSON document that is not (valid) Embedded Metric Format."""


def is_emf(document: Any) -> bool:
    return (
        isinstance(document, dict)
        and isinstance(document.get("_aws"), dict)
        and isinstance(document["_aws"].get("CloudWatchMetrics"), list)
    )


def _values(raw: Any, name: str) -> list[float]:
    values = raw if isinstance(raw, list) else [raw]
    if not values or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in values):
        raise NotEmf(f"metric {name!r} has no numeric value: {raw!r}")
    return [float(v) for v in values]


def emf_to_metric_data(document: Mapping[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """(namespace, PutMetricData datum) for every metric × dimension set of one EMF document.

    Follows the EMF specification: ``_aws.Timestamp`` (epoch milliseconds) is each datum's time;
    each directive's ``Dimensions`` is a list of dimension sets, each set giving one metric with
    the values of those members of the document; a metric's value is a number or a list of numbers.
    """
    if not is_emf(document):
        raise NotEmf("no _aws.CloudWatchMetrics")
    meta = document["_aws"]
    try:
        timestamp = datetime.fromtimestamp(int(meta["Timestamp"]) / 1000, tz=UTC)
    except (KeyError, TypeError, ValueError) as exc:
        raise NotEmf(f"bad _aws.Timestamp: {meta.get('Timestamp')!r}") from exc
    data: list[tuple[str, dict[str, Any]]] = []
    for directive in meta["CloudWatchMetrics"]:
        namespace = directive.get("Namespace")
        if not isinstance(namespace, str) or not namespace:
            raise NotEmf("a directive without Namespace")
        dimension_sets = directive.get("Dimensions") or [[]]
        for definition in directive.get("Metrics", []):
            name = definition["Name"]
            if name not in document:
                raise NotEmf(f"metric {name!r} has no value in the document")
            counts = Counter(_values(document[name], name))
            for dimension_set in dimension_sets:
                missing = [d for d in dimension_set if d not in document]
                if missing:
                    raise NotEmf(f"dimension(s) {missing} have no value in the document")
                datum: dict[str, Any] = {
                    "MetricName": name,
                    "Dimensions": [{"Name": d, "Value": str(document[d])} for d in dimension_set],
                    "Timestamp": timestamp,
                }
                if definition.get("Unit"):
                    datum["Unit"] = definition["Unit"]
                if definition.get("StorageResolution"):
                    datum["StorageResolution"] = int(definition["StorageResolution"])
                distinct = sorted(counts.items())
                for start in range(0, len(distinct), MAX_VALUES):
                    chunk = distinct[start : start + MAX_VALUES]
                    if len(counts) == 1 and chunk[0][1] == 1:
                        data.append((namespace, {**datum, "Value": chunk[0][0]}))
                    else:
                        values = {"Values": [v for v, _ in chunk], "Counts": [float(c) for _, c in chunk]}
                        data.append((namespace, {**datum, **values}))
    return data


def batches(
    data: Iterable[tuple[str, dict[str, Any]]], size: int = MAX_DATUMS
) -> list[tuple[str, list[dict[str, Any]]]]:
    """PutMetricData calls for ``data``: one namespace per call, at most ``size`` data each, in order."""
    by_namespace: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for namespace, datum in data:
        by_namespace[namespace].append(datum)
    return [
        (namespace, items[start : start + size])
        for namespace, items in by_namespace.items()
        for start in range(0, len(items), size)
    ]


class MetricPublisher(threading.Thread):
    """Collects EMF documents and sends their metric data to CloudWatch in batches."""

    def __init__(
        self,
        cloudwatch: Any,
        *,
        interval: float = FLUSH_INTERVAL,
        on_error: Callable[[str, BaseException], None] | None = None,
    ) -> None:
        super().__init__(name="emf-metrics", daemon=True)
        self.cloudwatch, self.interval, self.on_error = cloudwatch, interval, on_error
        self.stopping = threading.Event()
        self._lock = threading.Lock()
        self._pending: list[tuple[str, dict[str, Any]]] = []
        self._flush_lock = threading.Lock()
        self.published = 0  # metric data CloudWatch accepted
        # (namespace, metric) -> its dimension sets: what ListMetrics would answer for these metrics,
        # without moto's ListMetrics (quadratic in the data it holds); the alarm evaluator reads it.
        self._known: dict[tuple[str, str], dict[tuple[tuple[str, str], ...], dict[str, str]]] = {}
        self.rejected: list[str] = []  # documents that were not valid EMF, and why

    def add(self, document: Mapping[str, Any]) -> None:
        try:
            data = emf_to_metric_data(document)
        except (NotEmf, KeyError, TypeError, ValueError) as exc:
            self.rejected.append(str(exc))
            return
        with self._lock:
            self._pending += data
            for namespace, datum in data:
                dims = {d["Name"]: d["Value"] for d in datum["Dimensions"]}
                known = self._known.setdefault((namespace, datum["MetricName"]), {})
                known.setdefault(tuple(sorted(dims.items())), dims)

    def known_metrics(self, namespace: str, metric: str) -> list[dict[str, str]]:
        """The dimension sets ``metric`` was published with (each once)."""
        with self._lock:
            return list(self._known.get((namespace, metric), {}).values())

    def flush(self) -> int:
        """Send everything collected so far; the number of data sent."""
        with self._flush_lock:
            with self._lock:
                pending, self._pending = self._pending, []
            sent = 0
            for namespace, items in batches(pending):
                try:
                    self.cloudwatch.put_metric_data(Namespace=namespace, MetricData=items)
                    sent += len(items)
                except Exception as exc:  # a failed batch is reported, never takes the stack down
                    if self.on_error is not None:
                        self.on_error("emf-metrics", exc)
            self.published += sent
            return sent

    def run(self) -> None:
        while not self.stopping.wait(self.interval):
            self.flush()

    def stop(self) -> None:
        self.stopping.set()
        self.flush()


class EmfLogStream(io.TextIOBase):
    """A stand-in for sys.stdout: writes go through unchanged; each complete line that is an EMF
    document also goes to ``sink`` (lines are collected per thread, as each function writes its own)."""

    def __init__(self, target: TextIO, sink: Callable[[dict[str, Any]], None]) -> None:
        super().__init__()
        self.target, self.sink = target, sink
        self._partial = threading.local()

    def write(self, text: str) -> int:
        written = self.target.write(text)
        if '"_aws"' in text or self._pending():
            self._collect(text)
        return written if written is not None else len(text)

    def _pending(self) -> str:
        """This thread's unfinished line (kept only while it may be an EMF document)."""
        return str(vars(self._partial).get("text", ""))

    def _collect(self, text: str) -> None:
        buffered = self._pending() + text
        *lines, rest = buffered.split("\n")
        self._partial.text = rest if '"_aws"' in rest else ""
        for line in lines:
            if '"_aws"' not in line or not line.lstrip().startswith("{"):
                continue
            try:
                document = json.loads(line)
            except ValueError:
                continue
            if is_emf(document):
                self.sink(document)

    def flush(self) -> None:
        self.target.flush()

    def writable(self) -> bool:
        return True

    def isatty(self) -> bool:
        return self.target.isatty()

    def fileno(self) -> int:
        return self.target.fileno()

    # typeshed has TextIOBase.encoding as a plain attribute; here it is the wrapped stream's, read live.
    @property
    def encoding(self) -> str:  # type: ignore[override]
        return getattr(self.target, "encoding", "utf-8")

    @classmethod
    def install(cls, publisher: MetricPublisher) -> EmfLogStream:
        stream = cls(sys.stdout, publisher.add)
        sys.stdout = stream
        return stream

    @staticmethod
    def uninstall() -> None:
        while isinstance(sys.stdout, EmfLogStream):
            sys.stdout = sys.stdout.target
