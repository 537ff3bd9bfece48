"""The template's alarms, evaluated by the local evaluator against moto CloudWatch (in-process):
EMF → PutMetricData → ALARM → the CloudWatch notification on the ops topic, and back to OK."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest
from moto import mock_aws

from infra.local.alarms import AlarmEvaluator
from infra.local.metrics import MetricPublisher
from infra.local.resources import LocalResources, create_local_resources

REGION = "us-east-1"


@pytest.fixture
def local() -> Iterator[tuple[LocalResources, dict[str, Any]]]:
    with pytest.MonkeyPatch.context() as env, mock_aws():
        env.setenv("AWS_DEFAULT_REGION", REGION)
        env.setenv("AWS_REGION", REGION)
        resources = create_local_resources(stage="local")
        clients = {s: boto3.client(s, region_name=REGION) for s in ("cloudwatch", "sns", "sqs")}
        # A queue on the ops topic reads what CloudWatch would publish there
        spy = clients["sqs"].create_queue(QueueName="ops-spy")["QueueUrl"]
        arn = clients["sqs"].get_queue_attributes(QueueUrl=spy, AttributeNames=["QueueArn"])["Attributes"][
            "QueueArn"
        ]
        clients["sns"].subscribe(TopicArn=resources.arns["OpsTopic"], Protocol="sqs", Endpoint=arn)
        clients["spy"] = spy
        yield resources, clients


def emf(name: str, value: float, **dimensions: str) -> dict[str, Any]:
    return {
        "_aws": {
            "Timestamp": int(datetime.now(UTC).timestamp() * 1000),
            "CloudWatchMetrics": [
                {
                    "Namespace": "ComplaintDesk",
                    "Dimensions": [sorted(dimensions)],
                    "Metrics": [{"Name": name, "Unit": "Count"}],
                }
            ],
        },
        name: value,
        **dimensions,
    }


def state(clients: dict[str, Any], resources: LocalResources, logical_id: str) -> dict[str, Any]:
    name = resources.physical[logical_id]
    (alarm,) = clients["cloudwatch"].describe_alarms(AlarmNames=[name])["MetricAlarms"]
    return alarm


def notifications(clients: dict[str, Any]) -> list[dict[str, Any]]:
    messages = (
        clients["sqs"].receive_message(QueueUrl=clients["spy"], MaxNumberOfMessages=10).get("Messages", [])
    )
    return [json.loads(m["Body"]) for m in messages]


def test_a_top_level_breach_fires_the_sla_alarm_and_only_it(local) -> None:
    resources, clients = local
    # Given assign_step's EMF documents (one top-level breach, one first-level escalation)
    publisher = MetricPublisher(clients["cloudwatch"])
    publisher.add(emf("SLABreached", 1, category="billing-error", level="top", step="investigate"))
    publisher.add(emf("SLABreached", 1, category="billing-error", level="1", step="investigate"))
    assert publisher.flush() == 2
    evaluator = AlarmEvaluator(clients["cloudwatch"], clients["sns"], sqs=clients["sqs"], region=REGION)

    # When every alarm is evaluated
    changed = evaluator.evaluate_all()

    # Then only the top-level SLA alarm changed, to ALARM, with CloudWatch's reason
    assert [(t.alarm, t.old, t.new) for t in changed] == [
        (resources.physical["SlaBreachTopLevelAlarm"], "OK", "ALARM")
    ]
    alarm = state(clients, resources, "SlaBreachTopLevelAlarm")
    assert alarm["StateValue"] == "ALARM"
    assert alarm["StateReason"].startswith("Threshold Crossed: 1 out of the last 1 datapoints [1.0]")
    assert json.loads(alarm["StateReasonData"])["recentDatapoints"] == [1.0]
    # And CloudWatch's notification went to the ops topic (the alarm's action)
    (envelope,) = notifications(clients)
    assert envelope["Subject"] == f'ALARM: "{alarm["AlarmName"]}" in US East (N. Virginia)'
    message = json.loads(envelope["Message"])
    assert (message["AlarmName"], message["OldStateValue"], message["NewStateValue"]) == (
        alarm["AlarmName"],
        "OK",
        "ALARM",
    )
    # And a second evaluation changes nothing and publishes nothing
    assert evaluator.evaluate_all() == [] and notifications(clients) == []

    # When the minute has passed without another breach, the alarm is OK again (missing data is
    # notBreaching); the template gives no OKActions, so nobody is told
    later = AlarmEvaluator(
        clients["cloudwatch"],
        clients["sns"],
        region=REGION,
        clock=lambda: datetime.now(UTC) + timedelta(seconds=90),
    )
    (back,) = later.evaluate_all()
    assert (back.alarm, back.new, back.published) == (alarm["AlarmName"], "OK", [])
    assert "treated as [NonBreaching]" in back.reason


def test_breaches_per_category_are_contributors_and_a_shorter_period_is_a_setting(local) -> None:
    resources, clients = local
    publisher = MetricPublisher(clients["cloudwatch"])
    # Six breaches in one category (threshold 5 an hour), five in another
    for _ in range(6):
        publisher.add(emf("SLABreached", 1, category="late-delivery", level="0", step="triage"))
    for _ in range(5):
        publisher.add(emf("SLABreached", 1, category="billing-error", level="0", step="investigate"))
    publisher.flush()
    # An hour lasts a minute at alarm time scale 60
    evaluator = AlarmEvaluator(clients["cloudwatch"], clients["sns"], region=REGION, time_scale=60)
    changed = {t.alarm: t for t in evaluator.evaluate_all()}
    per_category = changed[resources.physical["SlaBreachesPerCategoryAlarm"]]
    assert per_category.new == "ALARM"
    assert "Contributors in ALARM: category=late-delivery." in per_category.reason
    assert resources.physical["SlaBreachTopLevelAlarm"] not in changed
    # 61 s later the scaled hour is over: OK again
    later = AlarmEvaluator(
        clients["cloudwatch"],
        clients["sns"],
        region=REGION,
        time_scale=60,
        clock=lambda: datetime.now(UTC) + timedelta(seconds=61),
    )
    assert [t.new for t in later.evaluate_all() if t.alarm == per_category.alarm] == ["OK"]


def test_a_message_in_a_dead_letter_queue_and_function_errors_fire_their_alarms(local) -> None:
    resources, clients = local
    # A notification that failed five times sits in NotifyDLQ; the API function reported an error
    clients["sqs"].send_message(QueueUrl=resources.physical["NotifyDLQ"], MessageBody="{}")
    errors = state(clients, resources, "ApiFunctionErrorsAlarm")["Metrics"][0]["MetricStat"]["Metric"]
    clients["cloudwatch"].put_metric_data(
        Namespace="AWS/Lambda",
        MetricData=[
            {
                "MetricName": "Errors",
                "Dimensions": errors["Dimensions"],  # FunctionName of the API function
                "Value": 1.0,
                "Unit": "Count",
            }
        ],
    )
    evaluator = AlarmEvaluator(clients["cloudwatch"], clients["sns"], sqs=clients["sqs"], region=REGION)
    changed = {t.alarm: t.new for t in evaluator.evaluate_all()}
    assert changed == {
        resources.physical["NotifyDLQAlarm"]: "ALARM",  # AWS/SQS depth, sampled from the queue
        resources.physical["ApiFunctionErrorsAlarm"]: "ALARM",  # FILL(errors, 0) + FILL(throttles, 0)
    }
    subjects = sorted(n["Subject"].split('"')[1] for n in notifications(clients))
    assert subjects == sorted(changed)


def test_only_metrics_of_exactly_the_schema_count(local) -> None:
    resources, clients = local
    publisher = MetricPublisher(clients["cloudwatch"])
    top = {"category": "billing-error", "level": "top", "step": "investigate"}
    # Given a top-level breach counted with one dimension more than the SLA alarm's SCHEMA names
    publisher.add(emf("SLABreached", 1, service="complaintdesk", **top))
    publisher.flush()
    evaluator = AlarmEvaluator(
        clients["cloudwatch"], clients["sns"], region=REGION, known_metrics=publisher.known_metrics
    )
    assert evaluator.evaluate_all() == []  # not of the schema: the alarm stays OK
    # When the schema's own metric arrives too, it alone is read (value 1, not 2)
    publisher.add(emf("SLABreached", 1, **top))
    publisher.flush()
    assert sorted(len(d) for d in publisher.known_metrics("ComplaintDesk", "SLABreached")) == [3, 4]
    (fired,) = evaluator.evaluate_all()
    assert fired.alarm == resources.physical["SlaBreachTopLevelAlarm"] and fired.new == "ALARM"
    assert "datapoints [1.0]" in fired.reason
