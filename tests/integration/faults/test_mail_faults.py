"""Faults around the e-mail intake (S3 notification on SQS → functions/email_ingest → S3 GetObject,
DynamoDB): after botocore's retries and SQS redelivery, every message is one ticket or one
interaction, never none and never two, and every new customer is acknowledged exactly once.

The raw mail is stored outside ``inbound/`` (so S3 queues no notification of its own) and the SQS
records naming it are built here, as S3 sends them.
"""

from __future__ import annotations

import json
import uuid
from email.message import EmailMessage
from typing import Any
from urllib.parse import quote_plus

import boto3
import pytest

from tests.integration.faults.conftest import (
    REGION,
    emails_to,
    mentions,
    sqs_record,
    throttle_dynamodb,
    tickets_of,
    timeline_types,
)
from tests.integration.mail.conftest import message
from tests.support.faults import EVERY, FaultInjector

AYSE, JANIS, SAM = "ayse@example.com", "janis@example.lv", "sam@example.com"


@pytest.fixture
def post(stack: Any) -> Any:
    """Store a raw message where SES would, and return the SQS record S3 would send about it."""
    bucket = stack.physical["MailBucket"]
    s3 = boto3.client("s3")

    def store(mail: EmailMessage, key: str | None = None) -> dict[str, Any]:
        key = key or f"manual/{uuid.uuid4().hex}.eml"
        s3.put_object(Bucket=bucket, Key=key, Body=mail.as_bytes())
        notification = {
            "Records": [
                {
                    "eventName": "ObjectCreated:Put",
                    "eventTime": "2026-11-24T10:00:00.000Z",
                    "s3": {"bucket": {"name": bucket}, "object": {"key": quote_plus(key)}},
                }
            ]
        }
        return sqs_record(json.dumps(notification), queue="InboundMailQueue")

    return store


@pytest.fixture
def acknowledge(stack: Any, deliver: Any) -> Any:
    """Let the events of what was ingested reach the notify function by whatever path template.yaml
    wires (a stream-fed publisher, if there is one; the events topic's queue), and run it."""

    def run() -> None:
        from infra.local.pollers import load_handler
        from infra.local.streams import StreamPoller, stream_event_sources, streams_client
        from infra.local.template import load_template

        for source in stream_event_sources(load_template()):
            if source.function == "AggregateFunction":
                continue
            StreamPoller(
                streams_client(REGION),
                stack.intrinsics.attributes[(source.table, "StreamArn")],
                load_handler(source.module, source.attr),
                source.function,
            ).drain()
        deliver("NotifyQueue")

    return run


def mail_from(address: str, name: str, subject: str, **kw: Any) -> EmailMessage:
    return message(sender=f"{name} <{address}>", subject=subject, **kw)


def reply_to(first: EmailMessage, text: str = "Here is the photo of the lid.") -> EmailMessage:
    return message(
        sender=str(first["From"]),
        subject=f"Re: {first['Subject']}",
        body=text,
        headers={"In-Reply-To": first["Message-ID"], "References": first["Message-ID"]},
    )


def one_ticket_each(api: Any, *addresses: str) -> list[str]:
    found = [tickets_of(api, address) for address in addresses]
    assert [len(ids) for ids in found] == [1] * len(addresses), found
    return [ids[0] for ids in found]


def acknowledged_once(acknowledge: Any, faults: FaultInjector, *addresses: str) -> None:
    faults.clear()
    acknowledge()
    assert [len(emails_to(address)) for address in addresses] == [1] * len(addresses)


# ---- S3 GetObject -----------------------------------------------------------------------------


def test_s3_read_failing_once_is_retried_by_botocore(api, post, faults, ingest_mapping, acknowledge):
    record = post(mail_from(AYSE, "Ayşe Yılmaz", "Kettle arrived broken"))
    # Given S3 answers the first attempt to read the raw mail with 503 SlowDown
    faults.transient("s3", "GetObject")
    # When the record is delivered once
    assert ingest_mapping.invoke([record]) == []
    # Then botocore's retry read it, and one ticket was opened and acknowledged
    read = faults.tally("s3", "GetObject")
    assert (read.calls, read.retries, read.errors) == (1, 1, 0)
    one_ticket_each(api, AYSE)
    acknowledged_once(acknowledge, faults, AYSE)


@pytest.mark.parametrize("how", ["after-botocore-retries", "at-once"])
def test_s3_read_failing_hard_is_redelivered_and_opens_one_ticket(
    api, post, faults, ingest_mapping, acknowledge, how
):
    records = [
        post(mail_from(AYSE, "Ayşe Yılmaz", "Kettle arrived broken")),
        post(mail_from(JANIS, "Jānis Bērziņš", "Prece nav piegādāta")),
    ]
    # Given S3 cannot serve the first message's raw mail (503 on every attempt, or an error at once)
    if how == "at-once":
        faults.hard("s3", "GetObject", code="InternalError")
    else:
        faults.transient("s3", "GetObject", attempts=EVERY)
    # When the batch is delivered: only that record is reported failed
    assert ingest_mapping.invoke(records) == [records[0]["messageId"]]
    # And when SQS delivers it again, it becomes a ticket; nobody has two
    assert ingest_mapping.until_done([records[0]]) == 1
    one_ticket_each(api, AYSE, JANIS)
    assert faults.tally("s3", "GetObject").errors == 1
    acknowledged_once(acknowledge, faults, AYSE, JANIS)


# ---- a batch that fails in the middle ---------------------------------------------------------


def test_a_failure_in_the_middle_of_a_batch_fails_only_those_records(
    api, post, faults, ingest_mapping, acknowledge
):
    first = mail_from(AYSE, "Ayşe Yılmaz", "Kettle arrived broken")
    records = [
        post(first),
        post(mail_from(JANIS, "Jānis Bērziņš", "Prece nav piegādāta")),
        post(reply_to(first)),
        post(mail_from(SAM, "Sam Carter", "Wrong colour")),
    ]
    # Given the writes of Jānis's new ticket and of Ayşe's reply fail (once each)
    faults.hard("dynamodb", "TransactWriteItems", where=mentions(JANIS))
    faults.hard("dynamodb", "TransactWriteItems", where=mentions("email.received"))
    # When the batch of four is delivered, exactly those two records are reported failed
    failed = ingest_mapping.invoke(records)
    assert failed == [records[1]["messageId"], records[2]["messageId"]]
    # And redelivering them completes them
    assert ingest_mapping.invoke([records[1], records[2]]) == []
    # Then one ticket per customer, the reply recorded once on Ayşe's, everyone acknowledged once
    ayse, _, _ = one_ticket_each(api, AYSE, JANIS, SAM)
    assert timeline_types(api, ayse).count("email.received") == 1
    acknowledged_once(acknowledge, faults, AYSE, JANIS, SAM)


# ---- the same record twice --------------------------------------------------------------------


@pytest.mark.parametrize("copy", ["same-sqs-message", "same-notification-new-message", "stored-twice"])
def test_a_message_delivered_twice_is_ingested_once(api, post, faults, ingest_mapping, acknowledge, copy):
    mail = mail_from(AYSE, "Ayşe Yılmaz", "Kettle arrived broken")
    first = post(mail)
    second = {
        "same-sqs-message": first,
        "same-notification-new-message": {**first, "messageId": str(uuid.uuid4())},
        "stored-twice": post(mail),  # the same message under a second key (SES delivered it twice)
    }[copy]
    assert ingest_mapping.invoke([first]) == []
    assert ingest_mapping.invoke([second]) == []
    (ticket,) = one_ticket_each(api, AYSE)
    assert timeline_types(api, ticket).count("ticket.received") == 1
    acknowledged_once(acknowledge, faults, AYSE)


def test_a_reply_delivered_twice_is_recorded_once(api, post, faults, ingest_mapping, acknowledge):
    first = mail_from(AYSE, "Ayşe Yılmaz", "Kettle arrived broken")
    opened, reply = post(first), post(reply_to(first))
    assert ingest_mapping.invoke([opened, reply, {**reply, "messageId": str(uuid.uuid4())}]) == []
    assert ingest_mapping.invoke([reply]) == []
    (ticket,) = one_ticket_each(api, AYSE)
    assert timeline_types(api, ticket).count("email.received") == 1
    acknowledged_once(acknowledge, faults, AYSE)


# ---- DynamoDB throttling ----------------------------------------------------------------------


def test_dynamodb_throttling_is_absorbed_by_botocore(api, post, faults, ingest_mapping, acknowledge):
    first = mail_from(AYSE, "Ayşe Yılmaz", "Kettle arrived broken")
    records = [
        post(first),
        post(mail_from(JANIS, "Jānis Bērziņš", "Prece nav piegādāta")),
        post(reply_to(first)),
    ]
    # Given every DynamoDB call's first attempt is throttled
    throttle_dynamodb(faults)
    # When the batch is delivered once, nothing fails
    assert ingest_mapping.invoke(records) == []
    used = {op: faults.tally("dynamodb", op) for op in faults.calls("dynamodb")}
    assert {"GetItem", "UpdateItem", "TransactWriteItems"} <= set(used)
    assert all(t.retries == t.calls and t.errors == 0 for t in used.values()), used
    # Then two tickets, one reply, two acknowledgements
    ayse, _ = one_ticket_each(api, AYSE, JANIS)
    assert timeline_types(api, ayse).count("email.received") == 1
    acknowledged_once(acknowledge, faults, AYSE, JANIS)
