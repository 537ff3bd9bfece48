"""The local CloudWatch alarm evaluator: moto stores alarms but never evaluates them; this thread does.

Every ``interval`` seconds, for every metric alarm in (moto) CloudWatch (``DescribeAlarms``; the
template's alarms are created by ``infra/local/resources.py``):

1. Read its data over ``EvaluationPeriods`` × ``Period`` ending now, with ``GetMetricStatistics``
   (one call per period; ``GetMetricData`` where only it matches dimensions exactly, ``_read``):
   - a single metric (``Namespace``/``MetricName``/``Dimensions``/``Statistic``) or a ``MetricStat``
     query: as it is;
   - a Metrics Insights query (``SELECT SUM(m) FROM SCHEMA("ns", d1, d2) WHERE d = 'v' GROUP BY d``;
     moto answers these with the sum of every datum of the account): ``ListMetrics`` finds the
     metrics of the schema that pass the WHERE (the local stack passes the EMF publisher's record
     of the metrics it sent instead: moto's ListMetrics is quadratic in its data), their statistics
     are read per metric and combined
     here (SUM, MIN, MAX, AVG, COUNT); with GROUP BY each group is a contributor of its own;
   - metric math on those (``FILL(a, 0) + FILL(b, 0)``, + - * / and parentheses; moto answers
     only a bare id): computed here, period by period.
2. Compare each period's value with ``Threshold`` by ``ComparisonOperator``, treat empty periods as
   ``TreatMissingData`` says, and decide: ALARM when at least ``DatapointsToAlarm`` (default:
   ``EvaluationPeriods``) periods breach; a multi-series alarm is in ALARM while any contributor is.
3. On a change of state: ``SetAlarmState`` (reason and reason data as CloudWatch words them) and,
   when actions are enabled, publish the new state's actions (``AlarmActions``, ``OKActions``,
   ``InsufficientDataActions``) the way CloudWatch does: one SNS message per topic, subject
   ``ALARM: "<name>" in <region>``, body the alarm JSON (``notification``).

Differences from CloudWatch, on purpose: windows slide (they end at the moment of evaluation, not
at a minute boundary), and ``time_scale`` divides every period (``make run ARGS='--alarm-time-scale
60'``: a 5-minute period lasts 5 s, an hour 60 s) so a demo or a test need not wait. Only
namespaces that have data locally can breach: ComplaintDesk (the functions' EMF, infra/local/
metrics.py) and AWS/SQS (queue depth sampled by ``sample_queue_metrics`` below); AWS/Lambda and
AWS/States have no local source, so those alarms stay OK (their missing data is notBreaching).
"""

from __future__ import annotations

import functools
import json
import re
import sys
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

EVALUATION_INTERVAL = 2.0  # seconds between two evaluations of every alarm
STATES = ("OK", "ALARM", "INSUFFICIENT_DATA")
ACTIONS_OF = {"ALARM": "AlarmActions", "OK": "OKActions", "INSUFFICIENT_DATA": "InsufficientDataActions"}
REGION_NAMES = {
    "us-east-1": "US East (N. Virginia)",
    "us-east-2": "US East (Ohio)",
    "us-west-2": "US West (Oregon)",
    "eu-west-1": "EU (Ireland)",
    "eu-central-1": "EU (Frankfurt)",
    "eu-north-1": "EU (Stockholm)",
}
# AWS/SQS metrics SQS publishes for every queue → the queue attribute each one reports.
SQS_METRICS = {
    "ApproximateNumberOfMessagesVisible": "ApproximateNumberOfMessages",
    "ApproximateNumberOfMessagesNotVisible": "ApproximateNumberOfMessagesNotVisible",
    "ApproximateNumberOfMessagesDelayed": "ApproximateNumberOfMessagesDelayed",
}

Series = list[float | None]  # one value per period, oldest first; None: no data in that period


class NotEvaluable(ValueError):
    """An alarm the local evaluator cannot read (an expression or statistic it does not know)."""


# ---------------------------------------------------------------------------- the rules


_OPERATORS: dict[str, Callable[[float, float], bool]] = {
    "GreaterThanThreshold": lambda v, t: v > t,
    "GreaterThanOrEqualToThreshold": lambda v, t: v >= t,
    "LessThanThreshold": lambda v, t: v < t,
    "LessThanOrEqualToThreshold": lambda v, t: v <= t,
}
_OPERATOR_WORDS = {
    "GreaterThanThreshold": "greater than",
    "GreaterThanOrEqualToThreshold": "greater than or equal to",
    "LessThanThreshold": "less than",
    "LessThanOrEqualToThreshold": "less than or equal to",
}


def breaches(value: float, threshold: float, operator: str) -> bool:
    """Whether one period's value crosses the threshold the way ``operator`` says."""
    try:
        return _OPERATORS[operator](value, threshold)
    except KeyError:
        raise NotEvaluable(f"comparison operator {operator} is not evaluated locally") from None


@dataclass(frozen=True)
class Verdict:
    state: str
    breaching: int  # periods counted as breaching
    present: list[float]  # the values that were there, oldest first


def evaluate_series(
    points: Sequence[float | None],
    *,
    threshold: float,
    operator: str,
    datapoints_to_alarm: int,
    treat_missing: str,
    current: str,
) -> Verdict:
    """The state one series asks for (CloudWatch's M out of N, with its missing-data treatments).

    - ``breaching``/``notBreaching``: an empty period counts as breaching / not breaching;
    - ``missing`` (the default) and ``ignore``: only periods with data count; with none at all the
      alarm goes to INSUFFICIENT_DATA (``missing``) or stays as it is (``ignore``).
    """
    present = [p for p in points if p is not None]
    treat = treat_missing or "missing"
    if treat not in ("missing", "ignore", "breaching", "notBreaching"):
        raise NotEvaluable(f"TreatMissingData {treat_missing} is not known")
    if not present and treat in ("missing", "ignore"):
        return Verdict("INSUFFICIENT_DATA" if treat == "missing" else current, 0, [])
    flags = [breaches(p, threshold, operator) for p in present]
    if treat == "breaching":
        flags += [True] * (len(points) - len(present))
    count = sum(flags)
    return Verdict("ALARM" if count >= datapoints_to_alarm else "OK", count, present)


def combine_contributors(verdicts: Mapping[str, Verdict], no_data: Verdict) -> Verdict:
    """A multi-series alarm (GROUP BY): ALARM while any contributor is; OK when all are fine; with no
    contributor at all (no series has data) the missing-data rule decides (``no_data``)."""
    if not verdicts:
        return no_data
    alarming = [v for v in verdicts.values() if v.state == "ALARM"]
    if alarming:
        return Verdict("ALARM", sum(v.breaching for v in alarming), [p for v in alarming for p in v.present])
    return Verdict("OK", 0, [p for v in verdicts.values() for p in v.present])


# ---------------------------------------------------------------------------- Metrics Insights


@dataclass(frozen=True)
class InsightsQuery:
    function: str  # SUM, AVG, MIN, MAX, COUNT
    metric: str
    namespace: str
    schema: tuple[str, ...] | None  # SCHEMA's dimension keys (exactly these); None: FROM "namespace"
    where: tuple[tuple[str, str, str], ...] = ()  # (dimension, = or !=, value)
    group_by: tuple[str, ...] = ()


_INSIGHTS = re.compile(
    r"""^\s*SELECT\s+(?P<function>SUM|AVG|MIN|MAX|COUNT)\s*\(\s*(?P<metric>[\w.\-/]+|"[^"]+")\s*\)
        \s+FROM\s+(?:SCHEMA\s*\(\s*"(?P<schema_ns>[^"]+)"(?P<dims>(?:\s*,\s*[\w.\-]+)*)\s*\)|"(?P<ns>[^"]+)")
        (?:\s+WHERE\s+(?P<where>.+?))?
        (?:\s+GROUP\s+BY\s+(?P<group>[\w.\-]+(?:\s*,\s*[\w.\-]+)*))?
        \s*$""",
    re.IGNORECASE | re.VERBOSE,
)
_CONDITION = re.compile(r"^\s*([\w.\-]+)\s*(=|!=)\s*'([^']*)'\s*$")


def parse_insights(expression: str) -> InsightsQuery:
    """The parts of a Metrics Insights query the local evaluator understands (or NotEvaluable)."""
    match = _INSIGHTS.match(expression)
    if not match:
        raise NotEvaluable(f"Metrics Insights query not evaluated locally: {expression}")
    where: list[tuple[str, str, str]] = []
    if match["where"]:
        for part in re.split(r"\s+AND\s+", match["where"], flags=re.IGNORECASE):
            condition = _CONDITION.match(part)
            if not condition:
                raise NotEvaluable(f"WHERE clause not evaluated locally: {part.strip()}")
            where.append((condition[1], condition[2], condition[3]))
    dims = tuple(d.strip() for d in (match["dims"] or "").split(",") if d.strip())
    return InsightsQuery(
        function=match["function"].upper(),
        metric=match["metric"].strip('"'),
        namespace=match["schema_ns"] or match["ns"],
        schema=dims if match["schema_ns"] else None,
        where=tuple(where),
        group_by=tuple(d.strip() for d in (match["group"] or "").split(",") if d.strip()),
    )


def insights_matches(query: InsightsQuery, dimensions: Mapping[str, str]) -> bool:
    """Whether a metric with these dimensions is one the query reads."""
    if query.schema is not None and set(dimensions) != set(query.schema):
        return False
    if any(d not in dimensions for d in query.group_by):
        return False
    return all((dimensions.get(name) == value) == (op == "=") for name, op, value in query.where)


# Per metric and period, the statistics the query's function needs; then how periods combine.
INSIGHTS_STATS = {
    "SUM": ("Sum",),
    "MAX": ("Maximum",),
    "MIN": ("Minimum",),
    "COUNT": ("SampleCount",),
    "AVG": ("Sum", "SampleCount"),
}


def combine_insights(function: str, per_metric: Sequence[Mapping[str, Series]], periods: int) -> Series:
    """One series from several metrics' statistics (each a {statistic: series}), period by period."""
    combined: Series = []
    for i in range(periods):
        if function == "AVG":
            sums = [m["Sum"][i] for m in per_metric if m["Sum"][i] is not None]
            counts = [m["SampleCount"][i] for m in per_metric if m["SampleCount"][i] is not None]
            total = sum(c for c in counts if c is not None)
            combined.append(sum(s for s in sums if s is not None) / total if total else None)
            continue
        (stat,) = INSIGHTS_STATS[function]
        values = [v for m in per_metric if (v := m[stat][i]) is not None]
        if not values:
            combined.append(None)
        elif function == "MAX":
            combined.append(max(values))
        elif function == "MIN":
            combined.append(min(values))
        else:
            combined.append(sum(values))
    return combined


# ---------------------------------------------------------------------------- metric math

_TOKEN = re.compile(r"\s*(?:(\d+(?:\.\d*)?|\.\d+)|([A-Za-z_]\w*)|(.))")


def _tokens(expression: str) -> list[tuple[str, str]]:
    tokens = []
    for number, name, other in _TOKEN.findall(expression):
        if number:
            tokens.append(("num", number))
        elif name:
            tokens.append(("name", name))
        elif other.strip():
            tokens.append(("op", other))
    return tokens


def evaluate_math(expression: str, series: Mapping[str, Series], periods: int) -> Series:
    """A metric math expression over other queries' series: numbers, ids, + - * /, parentheses and
    FILL(x, number). A period where an operand has no value has none in the result (FILL gives one)."""
    tokens = _tokens(expression)
    position = 0

    def peek() -> tuple[str, str] | None:
        return tokens[position] if position < len(tokens) else None

    def take(expected: str | None = None) -> tuple[str, str]:
        nonlocal position
        token = peek()
        if token is None or (expected is not None and token[1] != expected):
            raise NotEvaluable(f"metric math not evaluated locally: {expression}")
        position += 1
        return token

    def apply(op: str, left: Series, right: Series) -> Series:
        out: Series = []
        for a, b in zip(left, right, strict=True):
            if a is None or b is None or (op == "/" and b == 0):
                out.append(None)
            else:
                out.append(a + b if op == "+" else a - b if op == "-" else a * b if op == "*" else a / b)
        return out

    def atom() -> Series:
        kind, text = take()
        if kind == "num":
            return [float(text)] * periods
        if kind == "op" and text == "(":
            value = expr()
            take(")")
            return value
        if kind == "op" and text == "-":
            return apply("-", [0.0] * periods, atom())
        if kind == "name" and text.upper() == "FILL" and peek() == ("op", "("):
            take("(")
            value = expr()
            take(",")
            fill = float(take()[1])
            take(")")
            return [fill if v is None else v for v in value]
        if kind == "name" and text in series:
            return list(series[text])
        raise NotEvaluable(f"metric math not evaluated locally: {expression}")

    def term() -> Series:
        value = atom()
        while (token := peek()) is not None and token[1] in ("*", "/"):
            value = apply(take()[1], value, atom())
        return value

    def expr() -> Series:
        value = term()
        while (token := peek()) is not None and token[1] in ("+", "-"):
            value = apply(take()[1], value, term())
        return value

    result = expr()
    if peek() is not None:
        raise NotEvaluable(f"metric math not evaluated locally: {expression}")
    return result


# ---------------------------------------------------------------------------- the notification


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "+0000"


def _number(value: float) -> str:
    return repr(float(value))


def state_reason(alarm: Mapping[str, Any], verdict: Verdict, old: str, periods: int, start: datetime) -> str:
    """The reason CloudWatch would give for ``verdict`` (its wording, locally computed)."""
    operator = alarm["ComparisonOperator"]
    threshold = float(alarm["Threshold"])
    needed = int(alarm.get("DatapointsToAlarm") or alarm["EvaluationPeriods"])
    if not verdict.present:
        treated = {"breaching": "Breaching", "notBreaching": "NonBreaching"}.get(
            alarm.get("TreatMissingData") or "missing", "Missing"
        )
        return (
            f"Threshold Crossed: no datapoints were received for {periods} period"
            f"{'s' if periods != 1 else ''} and {periods} missing datapoint"
            f"{'s were' if periods != 1 else ' was'} treated as [{treated}]."
        )
    shown = ", ".join(_number(v) for v in verdict.present[-5:])
    negation = "" if verdict.state == "ALARM" else "not "
    return (
        f"Threshold Crossed: {verdict.breaching} out of the last {periods} datapoints [{shown}] "
        f"was {negation}{_OPERATOR_WORDS.get(operator, operator)} the threshold ({_number(threshold)}) "
        f"(minimum {needed} datapoint{'s' if needed != 1 else ''} for {old} -> {verdict.state} transition)."
    )


def notification(
    alarm: Mapping[str, Any],
    *,
    old: str,
    new: str,
    reason: str,
    at: datetime,
    region: str,
    period: int,
) -> tuple[str, str]:
    """(subject, message) of the SNS message CloudWatch publishes to an alarm's action topic."""
    arn = str(alarm["AlarmArn"])
    trigger: dict[str, Any] = {
        "Period": period,
        "EvaluationPeriods": alarm["EvaluationPeriods"],
        "ComparisonOperator": alarm["ComparisonOperator"],
        "Threshold": float(alarm["Threshold"]),
        "TreatMissingData": alarm.get("TreatMissingData", "missing"),
        "EvaluateLowSampleCountPercentile": alarm.get("EvaluateLowSampleCountPercentile", ""),
    }
    if alarm.get("Metrics"):
        trigger["Metrics"] = [
            {k[0].lower() + k[1:]: v for k, v in query.items()} for query in alarm["Metrics"]
        ]
    else:
        trigger.update(
            MetricName=alarm.get("MetricName"),
            Namespace=alarm.get("Namespace"),
            StatisticType="Statistic",
            Statistic=str(alarm.get("Statistic", "")).upper(),
            Unit=alarm.get("Unit"),
            Dimensions=[{"value": d["Value"], "name": d["Name"]} for d in alarm.get("Dimensions", [])],
        )
    region_name = REGION_NAMES.get(region, region)
    message = {
        "AlarmName": alarm["AlarmName"],
        "AlarmDescription": alarm.get("AlarmDescription"),
        "AWSAccountId": arn.split(":")[4],
        "AlarmConfigurationUpdatedTimestamp": _stamp(alarm["AlarmConfigurationUpdatedTimestamp"])
        if isinstance(alarm.get("AlarmConfigurationUpdatedTimestamp"), datetime)
        else alarm.get("AlarmConfigurationUpdatedTimestamp"),
        "NewStateValue": new,
        "NewStateReason": reason,
        "StateChangeTime": _stamp(at),
        "Region": region_name,
        "AlarmArn": arn,
        "OldStateValue": old,
        "OKActions": alarm.get("OKActions", []),
        "AlarmActions": alarm.get("AlarmActions", []),
        "InsufficientDataActions": alarm.get("InsufficientDataActions", []),
        "Trigger": trigger,
    }
    subject = f'{new}: "{alarm["AlarmName"]}" in {region_name}'
    return subject[:100], json.dumps(message, default=str)


# ---------------------------------------------------------------------------- reading CloudWatch


def _dimensions(items: Iterable[Mapping[str, str]]) -> dict[str, str]:
    return {d["Name"]: d["Value"] for d in items}


@dataclass
class Window:
    start: datetime
    period: int  # seconds, already scaled
    periods: int

    @property
    def end(self) -> datetime:
        return self.start + timedelta(seconds=self.period * self.periods)

    def index(self, timestamp: datetime) -> int:
        return int((timestamp - self.start).total_seconds() // self.period)


@dataclass
class _Fetch:
    """The metric statistics one evaluation of an alarm reads."""

    queries: list[dict[str, Any]] = field(default_factory=list)

    def add(self, metric: Mapping[str, Any], stat: str, unit: str | None = None) -> str:
        query_id = f"q{len(self.queries)}"
        stat_query: dict[str, Any] = {"Metric": dict(metric), "Period": 0, "Stat": stat}
        if unit:
            stat_query["Unit"] = unit
        self.queries.append({"Id": query_id, "MetricStat": stat_query, "ReturnData": True})
        return query_id


STATISTICS = ("SampleCount", "Average", "Sum", "Minimum", "Maximum")
KnownMetrics = Callable[[str, str], list[dict[str, str]]]  # (namespace, metric) -> dimension sets


def _statistics_are_exact(query: Mapping[str, Any], known: KnownMetrics) -> bool:
    """GetMetricStatistics serves ``query`` exactly: a plain statistic, and no other metric of that
    name whose dimensions include the query's and more (moto's GetMetricStatistics would count it
    too, where CloudWatch matches dimensions exactly)."""
    stat = query["MetricStat"]
    if stat["Stat"] not in STATISTICS:
        return False
    dims = _dimensions(stat["Metric"].get("Dimensions", []))
    return not any(
        len(other) > len(dims) and all(other.get(k) == v for k, v in dims.items())
        for other in known(stat["Metric"]["Namespace"], stat["Metric"]["MetricName"])
    )


def _read(cloudwatch: Any, fetch: _Fetch, window: Window, known: KnownMetrics) -> dict[str, Series]:
    """Each query's value per period of ``window``: GetMetricStatistics, one call per period (moto's
    GetMetricData compares every datum of the window with every query), or GetMetricData where
    only it is exact (see ``_statistics_are_exact``)."""
    series: dict[str, Series] = {q["Id"]: [None] * window.periods for q in fetch.queries}
    for q in fetch.queries:
        q["MetricStat"]["Period"] = window.period
    by_data = [q for q in fetch.queries if not _statistics_are_exact(q, known)]
    for q in fetch.queries:
        if q in by_data:
            continue
        stat = q["MetricStat"]
        for i in range(window.periods):
            begin = window.start + timedelta(seconds=window.period * i)
            kwargs: dict[str, Any] = {
                "Namespace": stat["Metric"]["Namespace"],
                "MetricName": stat["Metric"]["MetricName"],
                "Dimensions": stat["Metric"].get("Dimensions", []),
                "StartTime": begin,
                "EndTime": begin + timedelta(seconds=window.period),
                "Period": window.period,
                "Statistics": [stat["Stat"]],
            }
            if stat.get("Unit"):
                kwargs["Unit"] = stat["Unit"]
            points = [p[stat["Stat"]] for p in cloudwatch.get_metric_statistics(**kwargs)["Datapoints"]]
            if points:  # one bucket: the call's range is one period
                series[q["Id"]][i] = float(points[0]) if len(points) == 1 else _merge(stat["Stat"], points)
    for chunk in range(0, len(by_data), 500):  # GetMetricData takes up to 500 queries
        request: dict[str, Any] = {
            "MetricDataQueries": by_data[chunk : chunk + 500],
            "StartTime": window.start,
            "EndTime": window.end,
            "ScanBy": "TimestampAscending",
        }
        while True:
            page = cloudwatch.get_metric_data(**request)
            for result in page["MetricDataResults"]:
                for timestamp, value in zip(result["Timestamps"], result["Values"], strict=True):
                    i = window.index(timestamp)
                    if 0 <= i < window.periods:
                        series[result["Id"]][i] = float(value)
            if not page.get("NextToken"):
                break
            request["NextToken"] = page["NextToken"]
    return series


def _merge(stat: str, points: list[float]) -> float:
    if stat == "Maximum":
        return float(max(points))
    if stat == "Minimum":
        return float(min(points))
    if stat == "Average":
        return float(sum(points) / len(points))
    return float(sum(points))


def _list_metrics(cloudwatch: Any, namespace: str, metric: str) -> list[dict[str, str]]:
    """The distinct dimension sets of ``metric`` in ``namespace``."""
    seen: dict[tuple[tuple[str, str], ...], dict[str, str]] = {}
    kwargs: dict[str, Any] = {"Namespace": namespace, "MetricName": metric}
    while True:
        page = cloudwatch.list_metrics(**kwargs)
        for item in page["Metrics"]:
            dims = _dimensions(item.get("Dimensions", []))
            seen.setdefault(tuple(sorted(dims.items())), dims)
        if not page.get("NextToken"):
            return list(seen.values())
        kwargs["NextToken"] = page["NextToken"]


def alarm_series(
    cloudwatch: Any, alarm: Mapping[str, Any], window: Window, known: KnownMetrics | None = None
) -> dict[str, Series] | Series:
    """The data an alarm compares: one series, or {contributor: series} for a GROUP BY query.

    ``known`` lists the dimension sets of a metric (default: ListMetrics, which moto answers in time
    quadratic in the data it holds; the local stack passes the EMF publisher's own record).
    """
    if known is None:
        known = functools.partial(_list_metrics, cloudwatch)
    if not alarm.get("Metrics"):
        fetch = _Fetch()
        stat = str(alarm.get("Statistic") or alarm.get("ExtendedStatistic") or "")
        if not stat:
            raise NotEvaluable(f"{alarm['AlarmName']}: no statistic")
        metric = {
            "Namespace": alarm["Namespace"],
            "MetricName": alarm["MetricName"],
            "Dimensions": alarm.get("Dimensions", []),
        }
        query_id = fetch.add(metric, stat, alarm.get("Unit"))
        return _read(cloudwatch, fetch, window, known)[query_id]

    fetch = _Fetch()
    stat_ids: dict[str, str] = {}
    insights: dict[str, tuple[InsightsQuery, list[tuple[dict[str, str], dict[str, str]]]]] = {}
    for query in alarm["Metrics"]:
        if "MetricStat" in query:
            stat = query["MetricStat"]
            stat_ids[query["Id"]] = fetch.add(stat["Metric"], stat["Stat"], stat.get("Unit"))
        elif str(query.get("Expression", "")).lstrip().upper().startswith("SELECT"):
            parsed = parse_insights(query["Expression"])
            members = []
            for dims in known(parsed.namespace, parsed.metric):
                if insights_matches(parsed, dims):
                    metric = {
                        "Namespace": parsed.namespace,
                        "MetricName": parsed.metric,
                        "Dimensions": [{"Name": k, "Value": v} for k, v in dims.items()],
                    }
                    ids = {s: fetch.add(metric, s) for s in INSIGHTS_STATS[parsed.function]}
                    members.append((dims, ids))
            insights[query["Id"]] = (parsed, members)
    read = _read(cloudwatch, fetch, window, known) if fetch.queries else {}

    values: dict[str, Series] = {qid: read[fetch_id] for qid, fetch_id in stat_ids.items()}
    grouped: dict[str, dict[str, Series]] = {}
    for qid, (parsed, members) in insights.items():
        groups: dict[str, list[dict[str, Series]]] = {}
        for dims, ids in members:
            key = ", ".join(f"{d}={dims[d]}" for d in parsed.group_by)
            groups.setdefault(key, []).append({s: read[i] for s, i in ids.items()})
        combined = {
            key: combine_insights(parsed.function, stats, window.periods) for key, stats in groups.items()
        }
        if parsed.group_by:
            grouped[qid] = combined
        else:
            values[qid] = combined.get("", [None] * window.periods)
    for query in alarm["Metrics"]:
        expression = str(query.get("Expression", ""))
        if expression and query["Id"] not in values and query["Id"] not in grouped:
            values[query["Id"]] = evaluate_math(expression, values, window.periods)

    (returned,) = [q["Id"] for q in alarm["Metrics"] if q.get("ReturnData", True)]
    return grouped[returned] if returned in grouped else values[returned]


def alarm_period(alarm: Mapping[str, Any]) -> int:
    """The alarm's period in seconds (its own, or its returned query's, or its metrics')."""
    if alarm.get("Period"):
        return int(alarm["Period"])
    for query in alarm.get("Metrics", []):
        if query.get("ReturnData", True) and query.get("Period"):
            return int(query["Period"])
    periods = [int(q["MetricStat"]["Period"]) for q in alarm.get("Metrics", []) if "MetricStat" in q]
    if periods:
        return max(periods)
    raise NotEvaluable(f"{alarm['AlarmName']}: no period")


# ---------------------------------------------------------------------------- queue depth


def sample_queue_metrics(sqs: Any, cloudwatch: Any, alarms: Iterable[Mapping[str, Any]]) -> int:
    """Publish the AWS/SQS depth metrics alarms watch (SQS does this every minute on AWS; moto does
    not): for each QueueName they name, its ApproximateNumberOf* attributes now. Returns data sent."""
    wanted: dict[str, set[str]] = {}
    for alarm in alarms:
        metrics = [(alarm.get("Namespace"), alarm.get("MetricName"), alarm.get("Dimensions", []))]
        metrics += [
            (q["MetricStat"]["Metric"]["Namespace"], q["MetricStat"]["Metric"]["MetricName"],
             q["MetricStat"]["Metric"].get("Dimensions", []))
            for q in alarm.get("Metrics", [])
            if "MetricStat" in q
        ]  # fmt: skip
        for namespace, name, dims in metrics:
            queue = _dimensions(dims).get("QueueName")
            if namespace == "AWS/SQS" and name in SQS_METRICS and queue:
                wanted.setdefault(queue, set()).add(name)
    data = []
    now = datetime.now(UTC)
    for queue, names in sorted(wanted.items()):
        try:
            url = sqs.get_queue_url(QueueName=queue)["QueueUrl"]
            wanted_attributes = sorted({SQS_METRICS[n] for n in names})
            attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=wanted_attributes)[
                "Attributes"
            ]
        except Exception:  # a queue the alarm names but nobody created: no data, as on AWS
            continue
        for name in sorted(names):
            data.append(
                {
                    "MetricName": name,
                    "Dimensions": [{"Name": "QueueName", "Value": queue}],
                    "Value": float(attributes.get(SQS_METRICS[name], 0)),
                    "Unit": "Count",
                    "Timestamp": now,
                }
            )
    if data:
        cloudwatch.put_metric_data(Namespace="AWS/SQS", MetricData=data)
    return len(data)


# ---------------------------------------------------------------------------- the thread


@dataclass
class Transition:
    alarm: str
    old: str
    new: str
    reason: str
    at: datetime
    published: list[str]  # SNS message ids


class AlarmEvaluator(threading.Thread):
    """Evaluates every metric alarm of (moto) CloudWatch every ``interval`` seconds."""

    def __init__(
        self,
        cloudwatch: Any,
        sns: Any,
        *,
        sqs: Any = None,
        region: str = "us-east-1",
        time_scale: float = 1.0,
        interval: float = EVALUATION_INTERVAL,
        on_error: Callable[[str, BaseException], None] | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        known_metrics: KnownMetrics | None = None,
    ) -> None:
        super().__init__(name="alarms", daemon=True)
        if time_scale <= 0:
            raise ValueError("time_scale must be positive")
        self.cloudwatch, self.sns, self.sqs = cloudwatch, sns, sqs
        self.region, self.time_scale, self.interval = region, time_scale, interval
        self.on_error, self.clock, self.known_metrics = on_error, clock, known_metrics
        self.last_duration = 0.0  # seconds the last evaluation of every alarm took
        self.stopping = threading.Event()
        self.transitions: list[Transition] = []
        self.not_evaluable: dict[str, str] = {}  # alarm name -> why (reported once)

    def scaled(self, seconds: int) -> int:
        return max(1, round(seconds / self.time_scale))

    def alarms(self) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        kwargs: dict[str, Any] = {"AlarmTypes": ["MetricAlarm"]}
        while True:
            page = self.cloudwatch.describe_alarms(**kwargs)
            found += page.get("MetricAlarms", [])
            if not page.get("NextToken"):
                return found
            kwargs["NextToken"] = page["NextToken"]

    def evaluate(self, alarm: Mapping[str, Any]) -> Transition | None:
        """Evaluate one alarm now; set its state (and publish its actions) when it changes."""
        now = self.clock().replace(microsecond=0) + timedelta(seconds=1)
        periods = int(alarm["EvaluationPeriods"])
        period = self.scaled(alarm_period(alarm))
        window = Window(start=now - timedelta(seconds=period * periods), period=period, periods=periods)
        data = alarm_series(self.cloudwatch, alarm, window, self.known_metrics)
        current = alarm["StateValue"]
        rule = {
            "threshold": float(alarm["Threshold"]),
            "operator": alarm["ComparisonOperator"],
            "datapoints_to_alarm": int(alarm.get("DatapointsToAlarm") or periods),
            "treat_missing": alarm.get("TreatMissingData") or "missing",
            "current": current,
        }
        no_data = evaluate_series([None] * periods, **rule)
        if isinstance(data, dict):
            contributors = {key: evaluate_series(s, **rule) for key, s in data.items() if any(
                v is not None for v in s)}  # fmt: skip
            verdict = combine_contributors(contributors, no_data)
            breaching = sorted(k for k, v in contributors.items() if v.state == "ALARM")
        else:
            verdict, breaching = evaluate_series(data, **rule), []
        if verdict.state == current:
            return None
        reason = state_reason(alarm, verdict, current, periods, window.start)
        if breaching:
            reason += f" Contributors in ALARM: {'; '.join(breaching)}."
        reason_data = {
            "version": "1.0",
            "queryDate": _stamp(now),
            "startDate": _stamp(window.start),
            "period": period,
            "recentDatapoints": verdict.present,
            "threshold": float(alarm["Threshold"]),
            "evaluatedDatapoints": [
                {"timestamp": _stamp(window.start + timedelta(seconds=period * i)), "value": v}
                for i, v in enumerate(data if isinstance(data, list) else [])
                if v is not None
            ],
        }
        self.cloudwatch.set_alarm_state(
            AlarmName=alarm["AlarmName"],
            StateValue=verdict.state,
            StateReason=reason[:1023],
            StateReasonData=json.dumps(reason_data),
        )
        at = self.clock()
        published = []
        if alarm.get("ActionsEnabled", True):
            subject, message = notification(
                alarm, old=current, new=verdict.state, reason=reason, at=at, region=self.region, period=period
            )
            for action in alarm.get(ACTIONS_OF[verdict.state], []):
                if action.startswith("arn:aws:sns:"):
                    published.append(
                        self.sns.publish(TopicArn=action, Subject=subject, Message=message)["MessageId"]
                    )
        transition = Transition(alarm["AlarmName"], current, verdict.state, reason, at, published)
        self.transitions.append(transition)
        return transition

    def evaluate_all(self) -> list[Transition]:
        alarms = self.alarms()
        if self.sqs is not None:
            sample_queue_metrics(self.sqs, self.cloudwatch, alarms)
        changed = []
        for alarm in alarms:
            if self.stopping.is_set():
                break
            try:
                transition = self.evaluate(alarm)
            except NotEvaluable as exc:
                if alarm["AlarmName"] not in self.not_evaluable:
                    self.not_evaluable[alarm["AlarmName"]] = str(exc)
                    print(
                        f"[local] alarm {alarm['AlarmName']} is not evaluated: {exc}",
                        file=sys.stderr,
                        flush=True,
                    )
                continue
            if transition is not None:
                changed.append(transition)
        return changed

    def run(self) -> None:
        # Under load an evaluation takes longer (moto scans its data on every read): the pause
        # grows with it, so the evaluator never takes more than about a sixth of the process's time.
        while not self.stopping.wait(max(self.interval, 5 * self.last_duration)):
            began = time.monotonic()
            try:
                self.evaluate_all()
            except Exception as exc:  # one bad round is reported; the next one tries again
                if self.on_error is not None:
                    self.on_error("alarms", exc)
            self.last_duration = time.monotonic() - began

    def stop(self) -> None:
        self.stopping.set()
        if self.is_alive() and threading.current_thread() is not self:
            self.join(timeout=1.0)
