"""The local alarm evaluator's rules (infra/local/alarms.py): comparison, missing data, M of N,
contributors, Metrics Insights and metric math, and the notification CloudWatch would send."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from infra.local.alarms import (
    InsightsQuery,
    NotEvaluable,
    Verdict,
    breaches,
    combine_contributors,
    combine_insights,
    evaluate_math,
    evaluate_series,
    insights_matches,
    notification,
    parse_insights,
    state_reason,
)
from infra.local.template import load_template


@pytest.mark.parametrize(
    ("operator", "value", "expected"),
    [
        ("GreaterThanThreshold", 1.0, True),
        ("GreaterThanThreshold", 0.0, False),
        ("GreaterThanOrEqualToThreshold", 0.0, True),
        ("GreaterThanOrEqualToThreshold", -0.5, False),
        ("LessThanThreshold", -0.5, True),
        ("LessThanThreshold", 0.0, False),
        ("LessThanOrEqualToThreshold", 0.0, True),
        ("LessThanOrEqualToThreshold", 0.1, False),
    ],
)
def test_each_comparison_operator_against_a_zero_threshold(operator, value, expected) -> None:
    assert breaches(value, 0.0, operator) is expected


def test_an_anomaly_band_operator_is_not_evaluated_locally() -> None:
    with pytest.raises(NotEvaluable):
        breaches(1.0, 0.0, "LessThanLowerOrGreaterThanUpperThreshold")


def rule(**changes):
    base = {
        "threshold": 0.0,
        "operator": "GreaterThanThreshold",
        "datapoints_to_alarm": 1,
        "treat_missing": "missing",
        "current": "OK",
    }
    return base | changes


@pytest.mark.parametrize(
    ("treat", "current", "expected"),
    [
        ("notBreaching", "ALARM", "OK"),
        ("breaching", "OK", "ALARM"),
        ("missing", "OK", "INSUFFICIENT_DATA"),
        ("ignore", "ALARM", "ALARM"),
        ("ignore", "OK", "OK"),
    ],
)
def test_no_data_at_all_follows_treat_missing_data(treat, current, expected) -> None:
    verdict = evaluate_series([None, None, None], **rule(treat_missing=treat, current=current))
    assert verdict.state == expected and verdict.present == []


def test_m_out_of_n_counts_missing_periods_as_treat_missing_data_says() -> None:
    points = [1.0, None, None]  # one breaching period, two empty ones; 2 of 3 needed
    two_of_three = rule(datapoints_to_alarm=2)
    assert evaluate_series(points, **two_of_three | {"treat_missing": "notBreaching"}).state == "OK"
    assert evaluate_series(points, **two_of_three | {"treat_missing": "breaching"}).state == "ALARM"
    assert evaluate_series(points, **two_of_three | {"treat_missing": "missing"}).state == "OK"
    verdict = evaluate_series([2.0, 0.0, 3.0], **two_of_three)
    assert (verdict.state, verdict.breaching, verdict.present) == ("ALARM", 2, [2.0, 0.0, 3.0])


def test_an_unknown_missing_data_treatment_is_refused() -> None:
    with pytest.raises(NotEvaluable):
        evaluate_series([1.0], **rule(treat_missing="sometimes"))


def test_a_multi_series_alarm_is_in_alarm_while_any_contributor_is() -> None:
    fine, bad = Verdict("OK", 0, [3.0]), Verdict("ALARM", 1, [9.0])
    no_data = Verdict("OK", 0, [])
    assert combine_contributors({"category=a": fine, "category=b": bad}, no_data).state == "ALARM"
    assert combine_contributors({"category=a": fine}, no_data).state == "OK"
    assert combine_contributors({}, Verdict("INSUFFICIENT_DATA", 0, [])).state == "INSUFFICIENT_DATA"


def template_expressions() -> list[str]:
    return [
        query["Expression"]
        for resource in load_template()["Resources"].values()
        if resource["Type"] == "AWS::CloudWatch::Alarm"
        for query in resource["Properties"].get("Metrics", [])
        if "Expression" in query
    ]


def test_every_query_of_the_template_is_understood() -> None:
    expressions = template_expressions()
    insights = [e for e in expressions if e.startswith("SELECT")]
    math = [e for e in expressions if not e.startswith("SELECT")]
    assert insights and math
    for expression in insights:
        parse_insights(expression)
    for expression in math:
        evaluate_math(expression, {"errors": [1.0], "throttles": [None]}, 1)


def test_the_sla_alarm_query_reads_top_level_breaches_of_exactly_its_schema() -> None:
    (sla,) = [e for e in template_expressions() if "level = 'top'" in e]
    query = parse_insights(sla)
    assert query == InsightsQuery(
        function="SUM",
        metric="SLABreached",
        namespace="ComplaintDesk",
        schema=("category", "level", "step"),
        where=(("level", "=", "top"),),
        group_by=(),
    )
    top = {"category": "billing-error", "level": "top", "step": "investigate"}
    assert insights_matches(query, top)
    assert not insights_matches(query, top | {"level": "1"})
    assert not insights_matches(query, top | {"service": "complaintdesk"})  # SCHEMA: exactly these keys


def test_group_by_and_a_namespace_without_schema() -> None:
    query = parse_insights(
        "SELECT MAX(OpenTickets) FROM \"ComplaintDesk\" WHERE category != 'x' AND team = 'b' GROUP BY category"
    )
    assert (query.function, query.schema, query.group_by) == ("MAX", None, ("category",))
    assert query.where == (("category", "!=", "x"), ("team", "=", "b"))
    assert insights_matches(query, {"category": "y", "team": "b", "extra": "1"})
    assert not insights_matches(query, {"category": "x", "team": "b"})
    assert not insights_matches(query, {"team": "b"})  # no group-by dimension


@pytest.mark.parametrize(
    "expression",
    [
        'SELECT SUM(SLABreached) FROM SCHEMA("ComplaintDesk", category) ORDER BY SUM() DESC LIMIT 3',
        "SELECT SUM(SLABreached) FROM SCHEMA(\"ComplaintDesk\", category) WHERE category LIKE 'b%'",
        'SELECT PERCENTILE(StepDuration, 90) FROM "ComplaintDesk"',
    ],
)
def test_queries_beyond_the_local_subset_say_so(expression) -> None:
    with pytest.raises(NotEvaluable):
        parse_insights(expression)


def test_insights_functions_combine_metrics_period_by_period() -> None:
    a = {
        "Sum": [1.0, None, 4.0],
        "SampleCount": [1.0, None, 2.0],
        "Maximum": [1.0, None, 3.0],
        "Minimum": [1.0, None, 1.0],
    }
    b = {
        "Sum": [2.0, None, None],
        "SampleCount": [2.0, None, None],
        "Maximum": [1.5, None, None],
        "Minimum": [0.5, None, None],
    }
    assert combine_insights("SUM", [a, b], 3) == [3.0, None, 4.0]
    assert combine_insights("MAX", [a, b], 3) == [1.5, None, 3.0]
    assert combine_insights("MIN", [a, b], 3) == [0.5, None, 1.0]
    assert combine_insights("COUNT", [a, b], 3) == [3.0, None, 2.0]
    assert combine_insights("AVG", [a, b], 3) == [1.0, None, 2.0]
    assert combine_insights("SUM", [], 2) == [None, None]


def test_metric_math_fills_gaps_and_keeps_precedence() -> None:
    series = {"errors": [1.0, None, 2.0], "throttles": [None, None, 3.0]}
    assert evaluate_math("FILL(errors, 0) + FILL(throttles, 0)", series, 3) == [1.0, 0.0, 5.0]
    assert evaluate_math("errors + throttles", series, 3) == [None, None, 5.0]
    assert evaluate_math("2 + errors * 3", series, 3) == [5.0, None, 8.0]
    assert evaluate_math("(2 + errors) * 3", series, 3) == [9.0, None, 12.0]
    assert evaluate_math("-errors / throttles", series, 3) == [None, None, -2.0 / 3.0]
    assert evaluate_math("errors / 0", series, 3) == [None, None, None]
    for bad in ("SUM(errors)", "errors +", "unknown * 2", "FILL(errors, 0"):
        with pytest.raises(NotEvaluable):
            evaluate_math(bad, series, 3)


ALARM = {
    "AlarmName": "complaintdesk-local-SlaBreachTopLevelAlarm",
    "AlarmArn": "arn:aws:cloudwatch:us-east-1:123456789012:alarm:complaintdesk-local-SlaBreachTopLevelAlarm",
    "AlarmDescription": "A step ran out of its last escalation level.",
    "AlarmConfigurationUpdatedTimestamp": datetime(2026, 11, 27, 9, 0, tzinfo=UTC),
    "ActionsEnabled": True,
    "OKActions": [],
    "AlarmActions": ["arn:aws:sns:us-east-1:123456789012:complaintdesk-local-ops"],
    "InsufficientDataActions": [],
    "EvaluationPeriods": 1,
    "Threshold": 0.0,
    "ComparisonOperator": "GreaterThanThreshold",
    "TreatMissingData": "notBreaching",
    "Metrics": [
        {
            "Id": "breaches",
            "Expression": "SELECT SUM(SLABreached) FROM SCHEMA(\"ComplaintDesk\", category, level, step) WHERE level = 'top'",
            "Period": 60,
            "ReturnData": True,
        }
    ],
}


def test_the_notification_is_cloudwatchs_alarm_json_with_its_subject() -> None:
    at = datetime(2026, 11, 28, 0, 4, 23, 980000, tzinfo=UTC)
    verdict = Verdict("ALARM", 1, [1.0])
    reason = state_reason(ALARM, verdict, "OK", 1, at)
    assert reason == (
        "Threshold Crossed: 1 out of the last 1 datapoints [1.0] was greater than the threshold (0.0) "
        "(minimum 1 datapoint for OK -> ALARM transition)."
    )
    subject, body = notification(
        ALARM, old="OK", new="ALARM", reason=reason, at=at, region="us-east-1", period=60
    )
    assert subject == 'ALARM: "complaintdesk-local-SlaBreachTopLevelAlarm" in US East (N. Virginia)'
    message = json.loads(body)
    assert message["NewStateValue"] == "ALARM" and message["OldStateValue"] == "OK"
    assert message["StateChangeTime"] == "2026-11-28T00:04:23.980+0000"
    assert message["AlarmConfigurationUpdatedTimestamp"] == "2026-11-27T09:00:00.000+0000"
    assert message["AWSAccountId"] == "123456789012" and message["AlarmArn"] == ALARM["AlarmArn"]
    assert message["AlarmActions"] == ALARM["AlarmActions"] and message["NewStateReason"] == reason
    trigger = message["Trigger"]
    assert trigger["Metrics"][0]["expression"].startswith("SELECT SUM(SLABreached)")
    assert (trigger["Period"], trigger["Threshold"], trigger["TreatMissingData"]) == (60, 0.0, "notBreaching")


def test_the_reason_for_no_data_names_the_treatment() -> None:
    reason = state_reason(ALARM, Verdict("OK", 0, []), "ALARM", 1, datetime.now(UTC))
    assert reason == (
        "Threshold Crossed: no datapoints were received for 1 period and 1 missing datapoint was "
        "treated as [NonBreaching]."
    )
