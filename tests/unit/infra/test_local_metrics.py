"""EMF documents → PutMetricData data (infra/local/metrics.py), from what Powertools really prints."""

from __future__ import annotations

import io
import json
import threading
from datetime import UTC, datetime
from typing import Any

import pytest

from infra.local.metrics import (
    MAX_DATUMS,
    EmfLogStream,
    MetricPublisher,
    NotEmf,
    batches,
    emf_to_metric_data,
)


def powertools_lines(emit: Any) -> tuple[str, list[dict[str, Any]]]:
    """What ``emit`` writes to stdout (all of it) and the EMF documents EmfLogStream picks out."""
    out = io.StringIO()
    documents: list[dict[str, Any]] = []
    stream = EmfLogStream(out, documents.append)
    import contextlib

    with contextlib.redirect_stdout(stream):
        emit()
    return out.getvalue(), documents


def test_a_single_metric_of_the_observability_module_becomes_one_datum(monkeypatch) -> None:
    from complaintdesk.observability import emit

    monkeypatch.setenv("POWERTOOLS_METRICS_NAMESPACE", "ComplaintDesk")
    # Given the SLA breach metric as assign_step emits it
    text, documents = powertools_lines(
        lambda: emit("SLABreached", category="billing-error", step="investigate", level="top")
    )
    # Then the line still reaches stdout unchanged, and it is read as one EMF document
    assert [json.loads(line) for line in text.splitlines()] == documents
    (document,) = documents
    (item,) = emf_to_metric_data(document)
    namespace, datum = item
    assert namespace == "ComplaintDesk"
    assert datum["MetricName"] == "SLABreached" and datum["Value"] == 1.0 and datum["Unit"] == "Count"
    assert sorted((d["Name"], d["Value"]) for d in datum["Dimensions"]) == [
        ("category", "billing-error"),
        ("level", "top"),
        ("step", "investigate"),
    ]
    assert datum["Timestamp"] == datetime.fromtimestamp(document["_aws"]["Timestamp"] / 1000, tz=UTC)
    assert "StorageResolution" not in datum  # Powertools leaves out the standard (60 s) resolution


def test_a_metrics_flush_with_repeated_values_and_two_dimension_sets() -> None:
    from aws_lambda_powertools import Metrics
    from aws_lambda_powertools.metrics import MetricUnit

    metrics = Metrics(namespace="Shop", service="orders")
    metrics.add_dimension(name="country", value="LV")
    metrics.add_metric(name="Latency", unit=MetricUnit.Milliseconds, value=5)
    metrics.add_metric(name="Latency", unit=MetricUnit.Milliseconds, value=5)
    metrics.add_metric(name="Latency", unit=MetricUnit.Milliseconds, value=9)
    _, (document,) = powertools_lines(metrics.flush_metrics)
    document["_aws"]["CloudWatchMetrics"][0]["Dimensions"].append([])  # a second set: no dimensions

    data = emf_to_metric_data(document)

    # A list of values becomes Values/Counts (5 twice, 9 once), once per dimension set
    assert [ns for ns, _ in data] == ["Shop", "Shop"]
    first, second = (d for _, d in data)
    assert (first["Values"], first["Counts"]) == ([5.0, 9.0], [2.0, 1.0])
    assert first["Unit"] == "Milliseconds"
    assert sorted(d["Name"] for d in first["Dimensions"]) == ["country", "service"]
    assert second["Dimensions"] == [] and second["Values"] == first["Values"]


@pytest.mark.parametrize(
    "document",
    [
        {"level": "INFO", "message": "_aws mentioned in a log line"},
        {"_aws": {"Timestamp": 1, "CloudWatchMetrics": [{"Namespace": "N", "Metrics": [{"Name": "M"}]}]}},
        {
            "_aws": {"Timestamp": 1, "CloudWatchMetrics": [{"Namespace": "N", "Metrics": [{"Name": "M"}]}]},
            "M": "x",
        },
        {
            "_aws": {
                "Timestamp": 1,
                "CloudWatchMetrics": [{"Namespace": "N", "Dimensions": [["d"]], "Metrics": [{"Name": "M"}]}],
            },
            "M": 1,
        },
        {"_aws": {"CloudWatchMetrics": [{"Namespace": "N", "Metrics": [{"Name": "M"}]}]}, "M": 1},
    ],
    ids=["not-emf", "no-value", "text-value", "dimension-without-value", "no-timestamp"],
)
def test_documents_that_are_not_valid_emf_are_refused(document) -> None:
    with pytest.raises(NotEmf):
        emf_to_metric_data(document)


def test_batches_keep_one_namespace_per_call_and_the_api_limit() -> None:
    data = [("A", {"MetricName": f"m{i}"}) for i in range(MAX_DATUMS + 5)] + [("B", {"MetricName": "b"})]
    calls = batches(data)
    assert [(ns, len(items)) for ns, items in calls] == [("A", MAX_DATUMS), ("A", 5), ("B", 1)]
    assert calls[1][1][0]["MetricName"] == f"m{MAX_DATUMS}"  # order kept


def test_lines_written_in_pieces_by_several_threads_are_read_whole() -> None:
    out = io.StringIO()
    documents: list[dict[str, Any]] = []
    lock = threading.Lock()

    def sink(document: dict[str, Any]) -> None:
        with lock:
            documents.append(document)

    stream = EmfLogStream(out, sink)

    def writer(n: int) -> None:
        for i in range(50):
            line = json.dumps({"_aws": {"Timestamp": 0, "CloudWatchMetrics": []}, "n": n, "i": i})
            stream.write(line[:10])  # print() writes the text, then the newline: pieces interleave
            stream.write(line[10:])
            stream.write("\n")

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted((d["n"], d["i"]) for d in documents) == [(n, i) for n in range(4) for i in range(50)]
    assert len(out.getvalue()) == sum(
        len(json.dumps({"_aws": {"Timestamp": 0, "CloudWatchMetrics": []}, "n": n, "i": i})) + 1
        for n in range(4)
        for i in range(50)
    )


class RecordingCloudWatch:
    def __init__(self, fail: bool = False) -> None:
        self.calls: list[tuple[str, int]] = []
        self.fail = fail

    def put_metric_data(self, Namespace: str, MetricData: list[dict[str, Any]]) -> None:
        if self.fail:
            raise RuntimeError("throttled")
        self.calls.append((Namespace, len(MetricData)))


def emf(name: str, namespace: str = "ComplaintDesk") -> dict[str, Any]:
    return {
        "_aws": {
            "Timestamp": 1764288000000,
            "CloudWatchMetrics": [
                {"Namespace": namespace, "Dimensions": [[]], "Metrics": [{"Name": name, "Unit": "Count"}]}
            ],
        },
        name: 1,
    }


def test_the_publisher_sends_what_it_collected_in_one_call_per_namespace_and_reports_failures() -> None:
    cloudwatch = RecordingCloudWatch()
    publisher = MetricPublisher(cloudwatch)
    for name in ("A", "B", "C"):
        publisher.add(emf(name))
    publisher.add(emf("D", namespace="Other"))
    publisher.add({"_aws": {"Timestamp": 0, "CloudWatchMetrics": [{"Metrics": []}]}})  # refused, counted
    assert publisher.flush() == 4
    assert cloudwatch.calls == [("ComplaintDesk", 3), ("Other", 1)]
    assert publisher.flush() == 0 and len(publisher.rejected) == 1

    errors: list[str] = []
    failing = MetricPublisher(
        RecordingCloudWatch(fail=True), on_error=lambda who, exc: errors.append(f"{who}: {exc}")
    )
    failing.add(emf("A"))
    assert failing.flush() == 0 and errors == ["emf-metrics: throttled"]
