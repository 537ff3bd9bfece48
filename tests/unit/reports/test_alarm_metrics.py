"""Alarms and the dashboard watch only metrics the code emits: name, namespace and dimension names."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from complaintdesk.observability import METRICS, NAMESPACE
from infra.local.template import load_template

REPO_ROOT = Path(__file__).resolve().parents[3]
CODE_DIRS = (REPO_ROOT / "layers" / "complaintdesk" / "python", REPO_ROOT / "functions")
# AWS service metrics the template may watch, with the dimension names each is published with.
AWS_METRICS = {
    ("AWS/SQS", "ApproximateNumberOfMessagesVisible"): {"QueueName"},
    ("AWS/Lambda", "Errors"): {"FunctionName"},
    ("AWS/Lambda", "Throttles"): {"FunctionName"},
    ("AWS/States", "ExecutionsFailed"): {"StateMachineArn"},
    ("AWS/States", "ExecutionsTimedOut"): {"StateMachineArn"},
    ("AWS/States", "ExecutionsAborted"): {"StateMachineArn"},
}
QUERY = re.compile(
    r"^SELECT\s+(?:SUM|AVG|MAX|MIN|COUNT)\((?P<metric>\w+)\)\s+"
    r'FROM\s+SCHEMA\(\s*"(?P<namespace>[^"]+)"\s*(?P<dims>(?:,\s*\w+\s*)*)\)'
    r"(?:\s+WHERE\s+(?P<where>.+?))?(?:\s+GROUP BY\s+(?P<group>[\w\s,]+?))?$"
)


@pytest.fixture(scope="module")
def template() -> dict[str, Any]:
    return load_template(REPO_ROOT / "template.yaml")


def code_text() -> str:
    return "\n".join(p.read_text() for d in CODE_DIRS for p in d.rglob("*.py"))


def parse_query(query: str) -> tuple[str, str, set[str], dict[str, str], set[str]]:
    """(namespace, metric, schema dimensions, WHERE dimension → value, GROUP BY dimensions)."""
    match = QUERY.match(query.strip())
    assert match, f"not a Metrics Insights query this test understands: {query}"
    dims = {d.strip() for d in match["dims"].split(",") if d.strip()}
    where = dict(re.findall(r"(\w+)\s*=\s*'([^']*)'", match["where"] or ""))
    group = {g.strip() for g in (match["group"] or "").split(",") if g.strip()}
    return match["namespace"], match["metric"], dims, where, group


def watched(template: dict[str, Any]) -> Iterator[tuple[str, str, str, set[str], dict[str, str], set[str]]]:
    """(where, namespace, metric, dimension names, WHERE filters, GROUP BY) of every alarm and widget."""
    for lid, resource in template["Resources"].items():
        if resource["Type"] == "AWS::CloudWatch::Alarm":
            props = resource["Properties"]
            if "MetricName" in props:
                dims = {d["Name"] for d in props.get("Dimensions", [])}
                yield lid, props["Namespace"], props["MetricName"], dims, {}, set()
            for query in props.get("Metrics", []):
                if "MetricStat" in query:
                    metric = query["MetricStat"]["Metric"]
                    dims = {d["Name"] for d in metric.get("Dimensions", [])}
                    yield lid, metric["Namespace"], metric["MetricName"], dims, {}, set()
                elif query["Expression"].lstrip().upper().startswith("SELECT"):
                    yield (lid, *parse_query(query["Expression"]))
        if resource["Type"] == "AWS::CloudWatch::Dashboard":
            body = json.loads(re.sub(r"\$\{[^}]+\}", "x", resource["Properties"]["DashboardBody"]["Fn::Sub"]))
            for widget in body["widgets"]:
                for line in widget["properties"].get("metrics", []):
                    head = line[0]
                    if isinstance(head, dict):
                        yield (f"{lid}: {widget['properties']['title']}", *parse_query(head["expression"]))
                    else:
                        names = [n for n in line[2:] if isinstance(n, str)][::2]
                        yield f"{lid}: {widget['properties']['title']}", head, line[1], set(names), {}, set()


def test_every_watched_metric_is_emitted_with_exactly_its_dimensions(template: dict[str, Any]) -> None:
    seen = list(watched(template))
    assert len(seen) > 20
    code = code_text()
    for where, namespace, metric, dims, filters, group in seen:
        assert set(filters) | group <= dims, f"{where}: filters or groups on a dimension not in the schema"
        if namespace.startswith("AWS/"):
            assert AWS_METRICS.get((namespace, metric)) == dims, f"{where}: {namespace} {metric} {dims}"
            continue
        assert namespace == NAMESPACE, where
        assert metric in METRICS, f"{where}: {metric} is not in observability.METRICS"
        assert set(METRICS[metric][1]) == dims, f"{where}: {metric} is emitted with {METRICS[metric][1]}"
        # And some code emits it (not only the catalogue names it).
        assert re.search(rf'emit\(\s*"{metric}"', code), f"{where}: no code emits {metric}"
        for name, value in filters.items():
            assert re.search(rf'emit\(\s*"{metric}"[^)]*\b{name}="{value}"', code), (
                f"{where}: no code emits {metric} with {name}={value!r}"
            )


def test_the_issue_alarms_exist_and_tell_the_ops_topic(template: dict[str, Any]) -> None:
    alarms = {
        lid: r["Properties"]
        for lid, r in template["Resources"].items()
        if r["Type"] == "AWS::CloudWatch::Alarm"
    }
    watched_by = {
        (ns, m, tuple(sorted(f.items()))) for lid, ns, m, _, f, _ in watched(template) if lid in alarms
    }
    assert ("ComplaintDesk", "SLABreached", (("level", "top"),)) in watched_by
    assert ("ComplaintDesk", "SLABreached", ()) in watched_by
    assert ("ComplaintDesk", "EmailsQuarantined", ()) in watched_by
    assert {
        ("AWS/States", m, ()) for m in ("ExecutionsFailed", "ExecutionsTimedOut", "ExecutionsAborted")
    } <= watched_by
    functions = [lid for lid, r in template["Resources"].items() if r["Type"] == "AWS::Serverless::Function"]
    for function in functions:
        (alarm,) = [a for lid, a in alarms.items() if lid == f"{function}ErrorsAlarm"]
        refs = [
            q["MetricStat"]["Metric"]["Dimensions"][0]["Value"] for q in alarm["Metrics"] if "MetricStat" in q
        ]
        assert refs == [{"Ref": function}, {"Ref": function}]
    ops = {"Fn::If": ["CreateOpsTopic", {"Ref": "OpsTopic"}, {"Ref": "OpsAlarmTopicArn"}]}
    assert all(props["AlarmActions"] == [ops] for props in alarms.values())
    assert alarms["SlaBreachesPerCategoryAlarm"]["Threshold"] == {"Ref": "SlaBreachThreshold"}


def test_the_dashboard_shows_what_the_issue_asks(template: dict[str, Any]) -> None:
    shown = {(ns, m) for lid, ns, m, *_ in watched(template) if lid.startswith("Dashboard")}
    for metric in (
        "TicketsCreated",
        "OpenTickets",
        "SLABreached",
        "Escalations",
        "TimeToFirstResponse",
        "TimeToResolution",
    ):
        assert (NAMESPACE, metric) in shown
    assert ("AWS/SQS", "ApproximateNumberOfMessagesVisible") in shown
    dlqs = {lid for lid, r in template["Resources"].items() if lid.endswith("DLQ")}
    body = template["Resources"]["Dashboard"]["Properties"]["DashboardBody"]["Fn::Sub"]
    assert {lid for lid in dlqs if f"${{{lid}.QueueName}}" in body} == dlqs


def test_an_unknown_dimension_would_be_caught() -> None:
    namespace, metric, dims, where, group = parse_query(
        """SELECT SUM(SLABreached) FROM SCHEMA("ComplaintDesk", category, step) WHERE level = 'top'"""
    )
    assert (namespace, metric, dims, where, group) == (
        "ComplaintDesk",
        "SLABreached",
        {"category", "step"},
        {"level": "top"},
        set(),
    )
    assert set(METRICS["SLABreached"][1]) != dims
