"""The fault matrix's fixtures: the stack with the fault injector on, an in-memory stand-in for an
SQS event-source mapping (redelivery of what a batch reported failed), and what went out read back.

Redelivery is simulated rather than waited for: the queues' visibility timeout is minutes, and a
real queue would only add waiting. :class:`Mapping` hands the handler a batch of records exactly as
Lambda's SQS mapping with ``ReportBatchItemFailures`` does, and hands back the records the handler
reported failed (all of them when it raised), up to the queue's ``maxReceiveCount``.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from infra.local.pollers import LambdaContext
from tests.support.aws import reset_caches
from tests.support.faults import EVERY, FaultInjector, inject_faults

ACCOUNT, REGION = "123456789012", "us-east-1"
MAX_RECEIVES = 5  # template.yaml: every queue's RedrivePolicy maxReceiveCount
# Every DynamoDB operation the functions make (PynamoDB, Powertools idempotency, repository).
DYNAMODB_OPERATIONS = (
    "GetItem",
    "PutItem",
    "UpdateItem",
    "DeleteItem",
    "Query",
    "TransactWriteItems",
    "TransactGetItems",
    "BatchGetItem",
    "BatchWriteItem",
)


@pytest.fixture
def faults(stack: Any) -> Iterator[FaultInjector]:
    """The injector, active over the whole test; every client is built afresh under it."""
    with inject_faults() as injector:
        reset_caches()
        yield injector
    reset_caches()


def throttle_dynamodb(faults: FaultInjector) -> None:
    """The first attempt of every DynamoDB call is throttled (botocore retries each one)."""
    for operation in DYNAMODB_OPERATIONS:
        faults.transient("dynamodb", operation, calls=EVERY)


def mentions(*words: str) -> Callable[[Any], bool]:
    """A ``where=`` predicate: the call's parameters mention every one of ``words``."""

    def match(params: Any) -> bool:
        text = json.dumps(params, default=str)
        return all(word in text for word in words)

    return match


def sqs_record(body: str, message_id: str | None = None, queue: str = "queue") -> dict[str, Any]:
    """One SQS record as Lambda hands it to a function."""
    return {
        "messageId": message_id or str(uuid.uuid4()),
        "receiptHandle": uuid.uuid4().hex,
        "body": body,
        "attributes": {"ApproximateReceiveCount": "1"},
        "messageAttributes": {},
        "md5OfBody": "",
        "eventSource": "aws:sqs",
        "eventSourceARN": f"arn:aws:sqs:{REGION}:{ACCOUNT}:{queue}",
        "awsRegion": REGION,
    }


@dataclass
class Mapping:
    """An SQS → function event-source mapping with ReportBatchItemFailures, in memory."""

    handler: Callable[[dict[str, Any], Any], Any]
    function: str
    deliveries: list[list[str]] = field(default_factory=list)  # message ids of each invocation
    dead: list[dict[str, Any]] = field(default_factory=list)  # past maxReceiveCount (the DLQ)

    def invoke(self, records: list[dict[str, Any]]) -> list[str]:
        """One invocation; the message ids that stay on the queue (reported failed, or all on a raise)."""
        self.deliveries.append([r["messageId"] for r in records])
        try:
            result = self.handler({"Records": records}, LambdaContext(self.function)) or {}
        except Exception:  # a failed invocation: the whole batch comes again
            return [r["messageId"] for r in records]
        return [f["itemIdentifier"] for f in result.get("batchItemFailures", [])]

    def until_done(self, records: list[dict[str, Any]]) -> int:
        """Deliver, then redeliver what failed, until nothing is left or it went to the DLQ; the
        number of invocations it took."""
        pending, receives = list(records), {r["messageId"]: 0 for r in records}
        invocations = 0
        while pending:
            for record in pending:
                receives[record["messageId"]] += 1
            failed = set(self.invoke(pending))
            invocations += 1
            again = [r for r in pending if r["messageId"] in failed]
            self.dead += [r for r in again if receives[r["messageId"]] >= MAX_RECEIVES]
            pending = [r for r in again if receives[r["messageId"]] < MAX_RECEIVES]
        return invocations


@pytest.fixture
def notify_mapping(stack: Any) -> Mapping:
    from functions.notify.app import lambda_handler

    return Mapping(lambda_handler, "NotifyFunction")


@pytest.fixture
def ingest_mapping(stack: Any) -> Mapping:
    from functions.email_ingest.app import lambda_handler

    return Mapping(lambda_handler, "EmailIngestFunction")


# ---- what went out ---------------------------------------------------------------------------


def emails_to(address: str) -> list[Any]:
    """Every e-mail SES accepted for ``address`` (moto's SES backend)."""
    from moto.ses.models import ses_backends

    sent = ses_backends[ACCOUNT][REGION].sent_messages
    return [m for m in sent if address.lower() in [d.lower() for d in m.destinations]]


def timeline_types(api: Any, ticket_id: str) -> list[str]:
    status, body = api.get(f"/tickets/{ticket_id}/timeline?limit=500")
    assert status == 200, body
    return [e["type"] for e in body["events"]]


def tickets_of(api: Any, address: str) -> list[str]:
    """The ticket ids the API knows for a customer's e-mail address."""
    status, body = api.get(f"/customers?email={address}")
    if status == 404:
        return []
    assert status == 200, body
    return [t["ticket_id"] for t in body["tickets"]]
