"""The sample events in events/ run through the real handlers (as `sam local invoke` would)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from infra.local.pollers import LambdaContext

EVENTS = Path(__file__).resolve().parents[2] / "events"


def load(name: str) -> dict:
    return json.loads((EVENTS / name).read_text())


def test_api_gateway_event_with_cognito_claims(stack, monkeypatch, publish_categories):
    """On AWS the authorizer has verified the token; the handler trusts the claims it put in the context."""
    from complaintdesk.settings import reset_settings
    from functions.api.app import app

    monkeypatch.setenv("AUTH_MODE", "apigateway")
    reset_settings()
    publish_categories("billing-error")  # the sample event's category
    response = app(load("api/post_tickets.json"), LambdaContext("ApiFunction"))
    assert response["statusCode"] == 201, response["body"]
    ticket = json.loads(response["body"])
    assert (
        ticket["category"] == "billing-error"
        and ticket["created_by"] == "agent@complaintdesk.example (agent)"
    )
    # Without claims in the context (no authorizer ran) nothing is trusted
    event = load("api/post_tickets.json")
    event["requestContext"].pop("authorizer")
    assert app(event, LambdaContext("ApiFunction"))["statusCode"] == 401


def test_notify_event_acknowledges_and_fails_only_what_it_cannot_handle(stack, api):
    from aws_lambda_powertools.utilities.batch.exceptions import BatchProcessingError
    from moto.ses.models import ses_backends

    from functions.notify.app import lambda_handler

    sample = load("notify/ticket_created.json")
    # A record about a ticket that does not exist fails; a batch of only failures is retried whole
    with pytest.raises(BatchProcessingError):
        lambda_handler(sample, LambdaContext("NotifyFunction"))
    # Given the ticket exists, the same record is handled, and the unknown one fails alone
    status, ticket = api.post(
        "/tickets",
        {
            "channel": "phone",
            "subject": "Billed twice",
            "description": "Twice.",
            "customer": {"name": "Jānis", "email": "janis@example.lv", "language": "lv"},
        },
    )
    assert status == 201
    good = json.loads(sample["Records"][0]["body"])
    good.update(ticket_id=ticket["ticket_id"], event_id="5b1f0f57-0000-4b0e-9c51-1f6f4d1c2a11")
    known = {**sample["Records"][0], "messageId": "m-good", "body": json.dumps(good)}
    result = lambda_handler({"Records": [known, sample["Records"][0]]}, LambdaContext("NotifyFunction"))
    assert result == {"batchItemFailures": [{"itemIdentifier": "2e1424d4-f796-459a-8184-9c92662be6da"}]}
    assert len(ses_backends["123456789012"]["us-east-1"].sent_messages) == 1


FUNCTIONS = Path(__file__).resolve().parents[2] / "functions"


@pytest.mark.parametrize("function", sorted(p.name for p in FUNCTIONS.iterdir() if (p / "app.py").exists()))
def test_every_function_has_a_sample_event(function):
    assert list((EVENTS / function).glob("*.json")), (
        f"functions/{function} has no sample event in events/{function}/"
    )


def test_assign_step_sample_for_an_unknown_ticket_fails_and_stays_on_the_queue(stack):
    from aws_lambda_powertools.utilities.batch.exceptions import BatchProcessingError

    from functions.assign_step.app import lambda_handler

    with pytest.raises(BatchProcessingError):  # the only record failed: Lambda retries the batch
        lambda_handler(load("assign_step/callback_task.json"), LambdaContext("AssignStepFunction"))


def test_aggregate_sample_counts_a_resolution_once(stack):
    from complaintdesk.services import reports
    from functions.aggregate.app import lambda_handler

    sample = load("aggregate/ticket_resolved_stream.json")
    assert lambda_handler(sample, LambdaContext("AggregateFunction")) == {"batchItemFailures": []}
    assert lambda_handler(sample, LambdaContext("AggregateFunction")) == {
        "batchItemFailures": []
    }  # redelivered
    day = reports.summary("category", "2026-11-24", "2026-11-24")
    (billing,) = [row for row in day["rows"] if row["value"] == "billing-error"]
    assert billing["resolved"] == 1


def test_publish_sample_sends_the_outbox_event_to_the_topic(stack):
    """An outbox INSERT from the table's stream becomes exactly the envelope it holds, on SNS; the
    same record again publishes the same event id (subscribers dedupe on it); other records are
    left alone."""
    import boto3

    from functions.publish.app import lambda_handler

    sqs = boto3.client("sqs")
    spy = sqs.create_queue(QueueName="publish-spy")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=spy, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    boto3.client("sns").subscribe(
        TopicArn=stack.env["EVENTS_TOPIC_ARN"],
        Protocol="sqs",
        Endpoint=arn,
        Attributes={"RawMessageDelivery": "true"},
    )
    sample = load("publish/ticket_created_outbox_stream.json")
    not_outbox = load("aggregate/ticket_resolved_stream.json")["Records"][0]
    result = lambda_handler({"Records": [*sample["Records"], not_outbox]}, LambdaContext("PublishFunction"))
    assert result == {"batchItemFailures": []}
    lambda_handler(sample, LambdaContext("PublishFunction"))
    bodies = [
        json.loads(m["Body"]) for m in sqs.receive_message(QueueUrl=spy, MaxNumberOfMessages=10)["Messages"]
    ]
    expected = json.loads(sample["Records"][0]["dynamodb"]["NewImage"]["event"]["S"])
    assert bodies == [expected, expected]
