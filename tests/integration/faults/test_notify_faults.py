"""Faults around the notify function (SQS → functions/notify → SES, timeline in DynamoDB): after
botocore's retries and SQS redelivery, every customer is acknowledged exactly once and the
timeline says so once.

The tickets are opened through the API (setup only); the ``ticket.created`` records are built here
in the wire envelope, so these tests do not depend on how the event reaches the queue.
"""

from __future__ import annotations

import email
import json
import uuid
from email import policy
from typing import Any

import pytest

from tests.integration.faults.conftest import (
    emails_to,
    mentions,
    sqs_record,
    throttle_dynamodb,
    timeline_types,
)
from tests.support.faults import EVERY, FaultInjector

CUSTOMERS = [
    ("Ayşe Yılmaz", "ayse@example.com", "tr"),
    ("Jānis Bērziņš", "janis@example.lv", "lv"),
    ("Sam Carter", "sam@example.com", "en"),
]


def open_ticket(api: Any, name: str, address: str, language: str) -> dict[str, Any]:
    status, ticket = api.post(
        "/tickets",
        {
            "channel": "web",
            "subject": "Billed twice for November",
            "description": "My November invoice was charged twice.",
            "customer": {"name": name, "email": address, "language": language},
        },
    )
    assert status == 201, ticket
    return ticket


def created(ticket: dict[str, Any]) -> dict[str, Any]:
    """The ``ticket.created`` record for a ticket, as the events topic delivers it to the queue."""
    event = {
        "event_id": str(uuid.uuid4()),
        "event_type": "ticket.created",
        "occurred_at": ticket["created_at"],
        "ticket_id": ticket["ticket_id"],
        "data": {"customer_id": ticket["customer_id"], "channel": ticket["channel"]},
    }
    return sqs_record(json.dumps(event), queue="NotifyQueue")


def acknowledged_once(api: Any, ticket: dict[str, Any], address: str) -> None:
    """One acknowledgement e-mail to the customer, and one ``notification.sent`` on the timeline."""
    assert len(emails_to(address)) == 1
    assert timeline_types(api, ticket["ticket_id"]).count("notification.sent") == 1


@pytest.fixture
def tickets(api: Any) -> list[tuple[dict[str, Any], str]]:
    """Three tickets of three customers: (ticket, customer address)."""
    return [(open_ticket(api, name, address, lang), address) for name, address, lang in CUSTOMERS]


@pytest.fixture
def one(api: Any) -> tuple[dict[str, Any], str]:
    name, address, language = CUSTOMERS[0]
    return open_ticket(api, name, address, language), address


# ---- SES SendRawEmail -------------------------------------------------------------------------


def test_ses_throttled_once_is_retried_by_botocore(api, one, faults: FaultInjector, notify_mapping):
    ticket, address = one
    # Given SES throttles the first attempt of the next send
    faults.transient("ses", "SendRawEmail")
    # When the ticket.created record is delivered once
    assert notify_mapping.invoke([created(ticket)]) == []
    # Then botocore retried the send itself: one call, two attempts, nothing failed
    send = faults.tally("ses", "SendRawEmail")
    assert (send.calls, send.retries, send.errors) == (1, 1, 0)
    acknowledged_once(api, ticket, address)
    assert "notification.failed" not in timeline_types(api, ticket["ticket_id"])


def test_ses_hard_failure_is_redelivered_and_sends_once(api, one, faults, notify_mapping):
    ticket, address = one
    # Given SES refuses the first send outright (botocore does not retry it)
    faults.hard("ses", "SendRawEmail", code="ServiceUnavailable", status=503)
    # When the record is delivered, fails, and SQS delivers it again
    assert notify_mapping.until_done([created(ticket)]) == 2
    # Then the second delivery sent it, once; the timeline has the failure and one send
    assert faults.tally("ses", "SendRawEmail").calls == 2
    acknowledged_once(api, ticket, address)
    assert timeline_types(api, ticket["ticket_id"]).count("notification.failed") == 1
    assert notify_mapping.dead == []


def test_ses_failing_through_botocores_retries_is_redelivered_and_sends_once(
    api, one, faults, notify_mapping
):
    ticket, address = one
    # Given SES throttles every attempt of the first send: botocore gives up and the code sees it
    faults.transient("ses", "SendRawEmail", attempts=EVERY)
    notify_mapping.until_done([created(ticket)])
    send = faults.tally("ses", "SendRawEmail")
    assert (send.calls, send.attempts, send.errors) == (2, 4, 1)  # 3 attempts, then one clean call
    acknowledged_once(api, ticket, address)


# ---- a batch that fails in the middle ---------------------------------------------------------


def test_a_failure_in_the_middle_of_a_batch_fails_only_that_record(api, tickets, faults, notify_mapping):
    records = [created(ticket) for ticket, _ in tickets]
    # Given the send to the second customer fails
    faults.hard("ses", "SendRawEmail", where=mentions(tickets[1][1]))
    # When the batch of three is delivered
    failed = notify_mapping.invoke(records)
    # Then only the second record is reported for redelivery, and the others went out
    assert failed == [records[1]["messageId"]]
    assert [len(emails_to(address)) for _, address in tickets] == [1, 0, 1]
    # And redelivering it completes it without sending anything twice
    assert notify_mapping.invoke([records[1]]) == []
    for ticket, address in tickets:
        acknowledged_once(api, ticket, address)
    assert faults.tally("ses", "SendRawEmail").calls == 4


def test_a_crash_reading_the_ticket_mid_batch_is_redelivered(api, tickets, faults, notify_mapping):
    records = [created(ticket) for ticket, _ in tickets]
    # Given DynamoDB fails the read of the third ticket (the record raises before any send)
    faults.hard("dynamodb", "GetItem", where=mentions(tickets[2][0]["ticket_id"]))
    assert notify_mapping.invoke(records) == [records[2]["messageId"]]
    assert notify_mapping.until_done([records[2]]) == 1
    for ticket, address in tickets:
        acknowledged_once(api, ticket, address)


# ---- the same record twice --------------------------------------------------------------------


@pytest.mark.parametrize("same_message", [True, False], ids=["same-sqs-message", "same-event-new-message"])
def test_a_record_delivered_twice_sends_once(api, one, faults, notify_mapping, same_message):
    ticket, address = one
    first = created(ticket)
    # SQS delivers a message at least once; SNS may also deliver one event in two messages
    again = first if same_message else {**first, "messageId": str(uuid.uuid4())}
    assert notify_mapping.invoke([first]) == []
    assert notify_mapping.invoke([again]) == []
    assert faults.tally("ses", "SendRawEmail").calls == 1
    acknowledged_once(api, ticket, address)


def test_a_record_twice_in_one_batch_sends_once(api, one, faults, notify_mapping):
    ticket, address = one
    record = created(ticket)
    assert notify_mapping.invoke([record, {**record, "messageId": str(uuid.uuid4())}]) == []
    assert faults.tally("ses", "SendRawEmail").calls == 1
    acknowledged_once(api, ticket, address)


# ---- DynamoDB throttling ----------------------------------------------------------------------


def test_dynamodb_throttling_is_absorbed_by_botocore(api, tickets, faults, notify_mapping):
    records = [created(ticket) for ticket, _ in tickets]
    # Given every DynamoDB call's first attempt is throttled (reads, idempotency records, timeline)
    throttle_dynamodb(faults)
    # When the batch is delivered once
    assert notify_mapping.invoke(records) == []
    # Then every call was retried by botocore and nothing was lost or doubled
    used = {op: faults.tally("dynamodb", op) for op in faults.calls("dynamodb")}
    assert {"GetItem", "PutItem", "Query", "TransactWriteItems"} <= set(used)
    assert all(t.retries == t.calls and t.errors == 0 for t in used.values()), used
    faults.clear()
    for ticket, address in tickets:
        acknowledged_once(api, ticket, address)


# ---- the timeline write after a send ----------------------------------------------------------


def test_a_failed_timeline_write_after_the_send_does_not_send_twice(api, one, faults, notify_mapping):
    ticket, address = one
    # Given SES accepts the acknowledgement, but writing notification.sent fails
    faults.hard("dynamodb", "TransactWriteItems", where=mentions("notification.sent"))
    record = created(ticket)
    notify_mapping.until_done([record])
    # Then the customer still gets one e-mail, and the send is on the timeline once
    assert len(emails_to(address)) == 1
    acknowledged_once(api, ticket, address)
    # And a redelivery of the same event (SQS is at least once) neither sends nor records again
    notify_mapping.until_done([record])
    assert len(emails_to(address)) == 1
    acknowledged_once(api, ticket, address)


# ---- an agent's public reply (e-mail and SMS from one event) ----------------------------------


def test_an_agents_reply_whose_email_fails_is_redelivered_without_a_second_sms(api, faults, notify_mapping):
    from moto.sns.models import sns_backends

    # Given a customer who takes e-mail and SMS, and an agent's public reply on her ticket
    status, ticket = api.post(
        "/tickets",
        {
            "channel": "web",
            "subject": "Billed twice for November",
            "description": "My November invoice was charged twice.",
            "customer": {"name": "Ayşe Yılmaz", "email": "ayse@example.com", "phone": "+905321234567",
                         "language": "tr", "sms_opt_in": True},
        },
    )  # fmt: skip
    assert status == 201, ticket
    tid = ticket["ticket_id"]
    reply = "İkinci tahsilatı iade ettik."
    status, comment = api.post(f"/tickets/{tid}/comments", {"body": reply, "visibility": "public"})
    assert status == 201
    event = {
        "event_id": comment["event_id"],
        "event_type": "comment.public",
        "occurred_at": comment["at"],
        "ticket_id": tid,
        "data": {"body": reply, "by": "agent"},
    }
    texts = sns_backends["123456789012"]["us-east-1"].sms_messages
    before = len(texts)
    # When SES refuses the reply's e-mail outright the first time, and SQS delivers the event again
    faults.hard("ses", "SendRawEmail", code="ServiceUnavailable", status=503)
    assert notify_mapping.until_done([sqs_record(json.dumps(event), queue="NotifyQueue")]) == 2
    # Then the reply reached her once by e-mail and once by SMS: the redelivery sent only what failed
    assert faults.tally("ses", "SendRawEmail").calls == 2
    [sent] = emails_to("ayse@example.com")  # the acknowledgement's event was not delivered here
    body = email.message_from_string(sent.raw_data, policy=policy.default).get_body(("plain",)).get_content()
    assert reply in body
    assert len(texts) - before == 1
    kinds = timeline_types(api, tid)
    assert kinds.count("notification.failed") == 1
    assert notify_mapping.dead == []
