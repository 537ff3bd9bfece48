"""The local SQS pollers play Lambda's event-source mapping: several batches of one queue in flight,
bounded by the mapping's concurrency, each message handled once, and a stop seen within a second."""

from __future__ import annotations

import threading
import time
from collections import Counter
from typing import Any

import boto3
import pytest

from infra.local.pollers import DEFAULT_CONCURRENCY, SqsPoller, SqsScaling, sqs_scaling
from infra.local.template import load_template

REGION = "us-east-1"


@pytest.fixture
def sqs(patched_moto: None) -> Any:
    """SQS in moto as the local stack runs it: safe for concurrent receivers."""
    return boto3.client("sqs", region_name=REGION)


def test_batches_run_concurrently_up_to_the_bound_and_each_message_once(sqs: Any) -> None:
    url = sqs.create_queue(QueueName="work")["QueueUrl"]
    for n in range(24):
        sqs.send_message(QueueUrl=url, MessageBody=f"m{n}")
    handled: Counter[str] = Counter()
    in_flight, most = 0, 0
    lock = threading.Lock()

    def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        nonlocal in_flight, most
        with lock:
            in_flight += 1
            most = max(most, in_flight)
            handled.update(r["body"] for r in event["Records"])
        time.sleep(0.3)
        with lock:
            in_flight -= 1
        return {"batchItemFailures": []}

    arn = "arn:aws:sqs:us-east-1:123456789012:work"
    poller = SqsPoller(sqs, url, arn, handler, "Work", REGION, batch_size=2, concurrency=3)
    poller.start()
    try:
        deadline = time.monotonic() + 30
        while sum(handled.values()) < 24 and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        stopped_at = time.monotonic()
        poller.stop()
        poller.join(2)
    assert not poller.is_alive() and time.monotonic() - stopped_at <= 1.5
    assert handled == Counter(f"m{n}" for n in range(24))
    assert 2 <= most <= 3
    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
    assert attributes["ApproximateNumberOfMessages"] == "0"
    assert attributes["ApproximateNumberOfMessagesNotVisible"] == "0"


def test_an_idle_poller_stops_within_a_second(sqs: Any) -> None:
    url = sqs.create_queue(QueueName="idle")["QueueUrl"]
    arn = "arn:aws:sqs:us-east-1:123456789012:idle"
    poller = SqsPoller(sqs, url, arn, lambda e, c: {}, "Idle", REGION, concurrency=DEFAULT_CONCURRENCY)
    poller.start()
    time.sleep(0.5)  # every consumer is in a receive
    started = time.monotonic()
    poller.stop()
    poller.join(3)
    assert not poller.is_alive()
    assert time.monotonic() - started <= 1.5


def test_the_template_sets_batch_size_and_concurrency():
    scaling = sqs_scaling(load_template())
    assert scaling[("NotifyFunction", "NotifyQueue")] == SqsScaling(batch_size=10, concurrency=2)
    assert scaling[("EmailIngestFunction", "InboundMailQueue")] == SqsScaling(5, DEFAULT_CONCURRENCY)
