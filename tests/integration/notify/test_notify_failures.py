"""Delivery failures: recorded on the timeline, retried by SQS, only what failed is sent again, and a
message that keeps failing ends in the dead-letter queue."""

from __future__ import annotations

import json

import boto3
import pytest
from aws_lambda_powertools.utilities.batch.exceptions import BatchProcessingError
from botocore.exceptions import ClientError

from complaintdesk import aws


def redeliver_at_once(notify) -> None:
    """Failed messages become visible again at once (on AWS: after the visibility timeout)."""
    boto3.client("sqs").set_queue_attributes(
        QueueUrl=notify.stack.physical["NotifyQueue"], Attributes={"VisibilityTimeout": "0"}
    )


def test_a_failed_email_is_recorded_and_retried_without_resending_the_sms(notify, monkeypatch, capsys):
    ticket = notify.ticket({"name": "Ali", "email": "ali@example.com", "phone": "+905321234567",
                            "language": "tr", "sms_opt_in": True})  # fmt: skip
    tid = ticket["ticket_id"]
    redeliver_at_once(notify)
    ses = aws.client("ses")
    real_send, calls = ses.send_raw_email, []

    def throttled_once(**kwargs):
        calls.append(kwargs)
        if len(calls) == 1:
            raise ClientError(
                {"Error": {"Code": "Throttling", "Message": "Maximum sending rate exceeded."}}, "SendRawEmail"
            )
        return real_send(**kwargs)

    monkeypatch.setattr(ses, "send_raw_email", throttled_once)
    capsys.readouterr()
    # When the e-mail of an event fails while its SMS goes out
    notify.emit("ticket.closed", tid, {"last_outcome": "close"})
    with pytest.raises(BatchProcessingError):
        notify.drain()
    assert notify.counts() == (1, 2)
    failed = notify.notes(tid, "notification.failed")
    assert len(failed) == 1 and failed[0]["channel"] == "email" and "Throttling" in failed[0]["data"]["error"]
    metrics = [json.loads(line) for line in capsys.readouterr().out.splitlines() if '"_aws"' in line]
    assert any(m.get("NotificationsFailed") == [1.0] and m["channel"] == "email" for m in metrics)
    # Then SQS delivers the message again: only the e-mail is sent, the SMS is not repeated
    assert notify.drain() == 1
    assert notify.counts() == (2, 2) and len(calls) == 2
    sent = [n["data"]["template"] + "/" + n["channel"] for n in notify.notes(tid, "notification.sent")]
    assert sorted(sent) == ["ticket.acknowledged/email", "ticket.acknowledged/sms", "ticket.closed/email",
                            "ticket.closed/sms"]  # fmt: skip


def test_a_message_that_keeps_failing_ends_in_the_dead_letter_queue(notify):
    tid = notify.ticket()["ticket_id"]
    redeliver_at_once(notify)
    # Given SES refuses our sender (the identity is no longer verified)
    ses = boto3.client("ses")
    for identity in ses.list_identities()["Identities"]:
        ses.delete_identity(Identity=identity)
    notify.emit("ticket.reopened", tid, {"reason": "still broken"})
    # When SQS delivers it five times (maxReceiveCount in template.yaml)
    for _ in range(5):
        with pytest.raises(BatchProcessingError):
            notify.drain()
    # Then the next receive moves it to NotifyDLQ (whose alarm fires) and nothing went out
    assert notify.drain() == 0
    sqs = boto3.client("sqs")
    dlq = sqs.receive_message(QueueUrl=notify.stack.physical["NotifyDLQ"])["Messages"]
    assert json.loads(dlq[0]["Body"])["event_type"] == "ticket.reopened"
    assert notify.counts() == (1, 0)
    # And every attempt is on the timeline
    failed = notify.notes(tid, "notification.failed")
    assert len(failed) == 5 and all("MessageRejected" in f["data"]["error"] for f in failed)
