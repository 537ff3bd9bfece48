"""Nothing lost, nothing doubled, on the ticket path: the transactional outbox, the Idempotency-Key
that survives any failure, plans that start after a refused start, and answers to Step Functions
that are recorded only once accepted. Faults come from tests/support/faults.py; the platform's own
retries (botocore, the stream mapping, SQS redelivery, the client's retry) are played for real."""

from __future__ import annotations

import json
import threading

import boto3
import pytest

from tests.integration.test_workflow_api import Flow, complaint, plan, waiting_on
from tests.support.aws import reset_caches
from tests.support.faults import inject_faults

ACCOUNT, REGION = "123456789012", "us-east-1"


@pytest.fixture
def faults(stack):
    with inject_faults() as injector:
        reset_caches()
        yield injector
    reset_caches()


@pytest.fixture
def publisher(publish_outbox):
    """The publisher's stream mapping (the one the deliver fixture runs too)."""

    class Mapping:
        drain = staticmethod(publish_outbox)

    return Mapping()


@pytest.fixture
def flow(api, stack, deliver, faults, monkeypatch):
    from complaintdesk.settings import reset_settings

    monkeypatch.setenv("TIME_SCALE", "3600")
    reset_settings()
    status, _ = api.put("/categories/wf-demo", plan(), role="admin")
    assert status == 201
    return Flow(api, stack, deliver)


def sent_mail():
    from moto.ses.models import ses_backends

    return ses_backends[ACCOUNT][REGION].sent_messages


def acknowledgements(ticket_id: str) -> int:
    return sum(1 for m in sent_mail() if f"[{ticket_id}]" in m.raw_data and "ticket" in m.raw_data.lower())


def customer_tickets(api, customer_id: str) -> list[str]:
    status, body = api.get(f"/tickets?customer={customer_id}&limit=100")
    assert status == 200
    return [t["ticket_id"] for t in body["tickets"]]


def types(api, ticket_id: str) -> list[str]:
    return [e["type"] for e in api.get(f"/tickets/{ticket_id}/timeline")[1]["events"]]


# ------------------------------------------------------------------------------ publishing


def test_a_failed_publish_neither_loses_nor_doubles_a_ticket(api, deliver, faults, publisher):
    """Reproduction: the ticket.created publish fails once, the client retries with its key."""
    # Given SNS refuses the next publish
    faults.hard("sns", "Publish", code="InternalError")
    status, first = api.post("/tickets", complaint(category=None), headers={"Idempotency-Key": "k-1"})
    # Then the request does not depend on it: the event waits in the outbox
    assert status == 201
    publisher.drain()
    # The first delivery reported the record failed; the stream gave it again and it went out
    assert faults.tally("sns", "Publish").injected == 1 and faults.tally("sns", "Publish").calls == 2
    # When the client retries anyway
    status, again = api.post("/tickets", complaint(category=None), headers={"Idempotency-Key": "k-1"})
    assert status == 201 and again["ticket_id"] == first["ticket_id"]
    # Then there is one ticket, acknowledged exactly once
    deliver("NotifyQueue")
    assert customer_tickets(api, first["customer_id"]) == [first["ticket_id"]]
    assert acknowledgements(first["ticket_id"]) == 1
    assert faults.tally("sns", "Publish").injected == 1


def test_the_same_key_after_a_failure_after_the_commit_returns_the_same_ticket(api, stack, faults):
    """The ticket is saved, then marking the idempotency record done fails (500): the retry must
    find the saved ticket, not create a second one."""
    table = stack.env["IDEMPOTENCY_TABLE_NAME"]
    faults.hard("dynamodb", "UpdateItem", where=lambda p: p.get("TableName") == table)
    status, _ = api.post("/tickets", complaint(category=None), headers={"Idempotency-Key": "k-2"})
    assert status == 500
    for _ in range(2):
        status, again = api.post("/tickets", complaint(category=None), headers={"Idempotency-Key": "k-2"})
        assert status == 201
    assert customer_tickets(api, again["customer_id"]) == [again["ticket_id"]]
    # The same key with another body is still refused
    other = {**complaint(category=None), "subject": "Something else"}
    assert api.post("/tickets", other, headers={"Idempotency-Key": "k-2"})[0] == 409


def test_throttled_writes_are_retried_by_the_sdk_and_the_ticket_is_saved_once(api, faults, deliver):
    faults.transient("dynamodb", "TransactWriteItems", calls=range(1, 4))
    faults.transient("dynamodb", "UpdateItem")
    status, ticket = api.post("/tickets", complaint(category=None), headers={"Idempotency-Key": "k-3"})
    assert status == 201
    deliver("NotifyQueue")
    assert customer_tickets(api, ticket["customer_id"]) == [ticket["ticket_id"]]
    assert acknowledgements(ticket["ticket_id"]) == 1
    assert faults.tally("dynamodb", "TransactWriteItems").retries >= 1


def test_concurrent_creates_all_succeed(stack, tokens, monkeypatch):
    """8 clients create complaints at once, all for one customer seen for the first time: the
    customer record's race is retried inside, so every client gets 201 and one customer.

    moto in-process is not thread-safe (a cancelled transaction restores a copy of the whole table
    taken before it, undoing writes other threads committed meanwhile); DynamoDB applies each
    request atomically, so here each request is handled whole, one at a time, as it would be."""
    from chalice.test import Client
    from moto.core.botocore_stubber import BotocoreStubber

    serial = threading.RLock()
    handle = BotocoreStubber.__call__

    def one_at_a_time(self, *args, **kwargs):
        with serial:
            return handle(self, *args, **kwargs)

    monkeypatch.setattr(BotocoreStubber, "__call__", one_at_a_time)

    from functions.api.app import app
    from tests.support.aws import ApiClient

    results: list[tuple[int, dict]] = []
    lock = threading.Lock()

    def client(n: int) -> None:
        with Client(app) as raw:
            api = ApiClient(raw.http, tokens)
            body = {**complaint(category=None), "subject": f"Complaint {n}"}
            outcome = api.post("/tickets", body, headers={"Idempotency-Key": f"concurrent-{n}"})
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert sorted(status for status, _ in results) == [201] * 8, results
    assert len({body["ticket_id"] for _, body in results}) == 8
    assert len({body["customer_id"] for _, body in results}) == 1


# ------------------------------------------------------------------------------ plans


def test_a_plan_start_that_fails_runs_after_the_stream_retry(flow, faults, publisher):
    faults.hard("stepfunctions", "StartExecution", code="ThrottlingException", status=400)
    status, ticket = flow.api.post("/tickets", complaint())
    assert status == 201
    publisher.drain()
    flow.until(ticket["ticket_id"], waiting_on("triage"), "triage to be assigned after the retried start")
    assert faults.tally("stepfunctions", "StartExecution").injected == 1
    # However often the start was delivered, one execution runs the plan
    sfn = boto3.client("stepfunctions")
    machines = [m["stateMachineArn"] for m in sfn.list_state_machines()["stateMachines"]]
    runs = [e for arn in machines for e in sfn.list_executions(stateMachineArn=arn)["executions"]]
    assert [e["name"] for e in runs] == [ticket["ticket_id"]]


def test_a_plan_step_functions_refuses_loses_nothing(flow, faults, publisher):
    """A start refused for good (the state machine is gone): the complaint stays, the timeline says
    why, and setting the category again starts the plan."""
    faults.hard("stepfunctions", "StartExecution", code="StateMachineDoesNotExist", status=400)
    status, ticket = flow.api.post("/tickets", complaint())
    assert status == 201
    publisher.drain()
    tid = ticket["ticket_id"]
    fresh = flow.ticket(tid)
    assert fresh["status"] == "open" and fresh["workflow"]["current_step"] is None
    assert types(flow.api, tid) == ["ticket.received", "workflow.start_failed"]
    status, retried = flow.api.patch(f"/tickets/{tid}", {"version": fresh["version"], "category": "wf-demo"})
    assert status == 200 and retried["workflow"]["current_step"] == "triage"
    flow.until(tid, waiting_on("triage"), "triage to be assigned")


# ------------------------------------------------------------------------------ answers


def park_for_the_customer(flow) -> str:
    api = flow.api
    tid = api.post("/tickets", complaint())[1]["ticket_id"]
    flow.until(tid, waiting_on("triage"), "triage")
    assert api.post(f"/tickets/{tid}/steps/triage/complete", {})[0] == 200
    flow.until(tid, waiting_on("investigate"), "investigate")
    status, _ = api.post(
        f"/tickets/{tid}/steps/investigate/complete", {"outcome": "waiting_for_customer", "notes": "Invoice?"}
    )
    assert status == 200
    flow.until(tid, lambda t: t["workflow"]["waiting_for"] == "customer_wait", "the customer wait")
    return tid


def test_a_failed_resume_is_finished_by_the_retry(flow, faults):
    """Reproduction: SendTaskSuccess fails when the customer's answer resumes the step. Nothing is
    recorded as resumed until Step Functions accepted it, and the client's retry finishes the job."""
    tid = park_for_the_customer(flow)
    faults.hard("stepfunctions", "SendTaskSuccess", code="ServiceUnavailable", status=503)
    status, _ = flow.api.post(f"/tickets/{tid}/comments", {"body": "INV-1", "from_customer": True})
    assert status == 500
    assert "ticket.resumed" not in types(flow.api, tid)
    # When the client sends the answer again
    status, _ = flow.api.post(f"/tickets/{tid}/comments", {"body": "INV-1", "from_customer": True})
    assert status == 201
    resumed = flow.until(tid, waiting_on("investigate"), "the step to resume")
    assert resumed["status"] == "open"
    assert types(flow.api, tid).count("ticket.resumed") == 1
    assert faults.tally("stepfunctions", "SendTaskSuccess").injected == 1


def test_a_failed_resume_by_email_is_finished_when_the_mail_comes_again(flow, faults):
    """Reproduction, e-mail: the reply's SendTaskSuccess fails; SQS redelivers the mail; the claim
    on the ticket lets the redelivery finish the resume (it used to be a silent no-op)."""
    from complaintdesk import signing
    from complaintdesk.services.email_intake import ingest_object
    from tests.integration.mail.conftest import message

    tid = park_for_the_customer(flow)
    reply = message(
        sender="Elif Şahin <elif@example.com>",
        to=signing.reply_address(tid),
        subject=f"Re: [{tid}] Billed twice",
        body="It is INV-2026-11-0042.",
    )
    bucket, key = flow.stack.physical["MailBucket"], "inbound/reply-fault"
    boto3.client("s3").put_object(Bucket=bucket, Key=key, Body=reply.as_bytes())
    faults.hard("stepfunctions", "SendTaskSuccess", code="ServiceUnavailable", status=503)
    with pytest.raises(Exception, match="ServiceUnavailable"):
        ingest_object(bucket, key)
    assert "ticket.resumed" not in types(flow.api, tid)
    result = ingest_object(bucket, key)  # the redelivered message
    assert result.outcome == "interaction" and result.ticket_id == tid
    flow.until(tid, waiting_on("investigate"), "the step to resume")
    timeline = types(flow.api, tid)
    assert timeline.count("ticket.resumed") == 1 and timeline.count("email.received") == 1
    replied = flow.published("customer.replied")
    assert [json.dumps(r["data"]["resumed"]) for r in replied] == ["true"]


def test_an_outbox_record_delivered_twice_acknowledges_once(api, stack, deliver):
    """The stream mapping delivers at least once: the same outbox record handed to the publisher
    again publishes the same event id, and the customer still hears from us once."""
    from functions.publish.app import lambda_handler
    from infra.local.pollers import LambdaContext
    from infra.local.streams import lambda_record, streams_client

    status, ticket = api.post("/tickets", complaint(category=None))
    assert status == 201
    deliver("NotifyQueue")  # published once and acknowledged
    # Given the stream hands the publisher the ticket's outbox record once more
    client = streams_client(REGION)
    arn = stack.intrinsics.attributes[("TicketsTable", "StreamArn")]
    shards = client.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]
    records = []
    for shard in shards:
        iterator = client.get_shard_iterator(
            StreamArn=arn, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
        )
        records += client.get_records(ShardIterator=iterator["ShardIterator"])["Records"]
    outbox = [r for r in records if r["dynamodb"]["Keys"]["SK"]["S"].startswith("OUTBOX#")]
    assert len(outbox) == 1
    result = lambda_handler({"Records": [lambda_record(outbox[0], arn)]}, LambdaContext("PublishFunction"))
    assert result == {"batchItemFailures": []}
    # Then notify receives the event again and sends nothing new
    assert deliver("NotifyQueue") == 1
    assert acknowledgements(ticket["ticket_id"]) == 1
    assert customer_tickets(api, ticket["customer_id"]) == [ticket["ticket_id"]]
