"""The ticket API against moto in-process: intake, customers across channels, edits, errors, auth."""

from __future__ import annotations

import email
import json
from email import policy

import boto3
import pytest

from tests.support.aws import counting_aws_calls


def complaint(**overrides):
    body = {
        "channel": "web",
        "subject": "Parcel never arrived",
        "description": "I ordered a kettle on 3 November; the carrier's tracking has not moved for a week.",
        "customer": {"name": "Ayşe Yılmaz", "email": "Ayse.Yilmaz@Example.com", "language": "tr"},
        "product": "kettle-k2",
        "region": "Marmara",
        "unit": "Istanbul store 4",
    }
    body.update(overrides)
    return body


def ticket_items(stack) -> list[dict]:
    table = boto3.resource("dynamodb").Table(stack.physical["TicketsTable"])
    return [
        i for i in table.scan()["Items"] if i["SK"] == "TICKET"
    ]  # test inspection only, not a request path


def test_create_then_read_back(api):
    # Given a complaint from the web form
    status, created = api.post("/tickets", complaint())
    # Then it is received with a human-friendly number, open, tied to a customer
    assert status == 201
    assert created["ticket_id"].startswith("C-") and len(created["ticket_id"]) == len("C-2026-000001")
    assert created["status"] == "open" and created["priority"] == "normal"
    assert created["customer_id"].startswith("CU-")
    # When we read it back, it is the same ticket
    status, fetched = api.get(f"/tickets/{created['ticket_id']}")
    assert status == 200
    assert fetched["subject"] == "Parcel never arrived"
    assert fetched["region"] == "Marmara" and fetched["unit"] == "Istanbul store 4"
    assert fetched["version"] == 1
    # And its timeline starts with the receipt
    status, timeline = api.get(f"/tickets/{created['ticket_id']}/timeline")
    assert status == 200
    assert [e["type"] for e in timeline["events"]] == ["ticket.received"]


def test_ticket_numbers_count_up(api):
    first = api.post("/tickets", complaint())[1]["ticket_id"]
    second = api.post("/tickets", complaint())[1]["ticket_id"]
    assert int(second.rsplit("-", 1)[1]) == int(first.rsplit("-", 1)[1]) + 1


def test_idempotency_key_returns_the_same_ticket(api, stack):
    headers = {"Idempotency-Key": "order-7781-complaint"}
    status1, first = api.post("/tickets", complaint(), headers=headers)
    status2, again = api.post("/tickets", complaint(), headers=headers)
    assert (status1, status2) == (201, 201)
    assert again["ticket_id"] == first["ticket_id"]
    assert len(ticket_items(stack)) == 1
    # The same key with another body is a client mistake, not a second ticket
    status, error = api.post("/tickets", complaint(subject="Something else"), headers=headers)
    assert status == 409 and "Idempotency-Key" in error["error"]["message"]
    assert len(ticket_items(stack)) == 1


def test_one_customer_across_channels(api):
    # Given a customer who first phoned in
    phoned = api.post(
        "/tickets",
        complaint(
            channel="phone", customer={"name": "Jānis Bērziņš", "phone": "+371 2912 3456", "language": "lv"}
        ),
    )[1]
    # When the same person writes from the web with phone and e-mail
    web = api.post(
        "/tickets",
        complaint(
            channel="web",
            customer={
                "name": "Janis Berzins",
                "phone": "+37129123456",
                "email": "janis@example.lv",
                "language": "lv",
            },
        ),
    )[1]
    # And later from e-mail only, with the address in another case
    mailed = api.post(
        "/tickets", complaint(channel="email", customer={"name": "J. Bērziņš", "email": "JANIS@example.lv"})
    )[1]
    # Then all three tickets belong to one customer
    assert phoned["customer_id"] == web["customer_id"] == mailed["customer_id"]
    # And the 360 view, found by e-mail or by phone, shows every ticket and interaction
    status, by_email = api.get("/customers?email=janis@example.lv")
    assert status == 200
    assert by_email["customer"]["phone"] == "+37129123456"
    assert by_email["customer"]["email"] == "janis@example.lv"
    assert by_email["customer"]["channels"] == ["email", "phone", "web"]
    assert {t["ticket_id"] for t in by_email["tickets"]} == {
        phoned["ticket_id"],
        web["ticket_id"],
        mailed["ticket_id"],
    }
    assert len([i for i in by_email["interactions"] if i["type"] == "ticket.received"]) == 3
    status, by_phone = api.get("/customers?phone=%2B371%2029123456")
    assert status == 200 and by_phone["customer"]["customer_id"] == phoned["customer_id"]
    status, by_id = api.get(f"/customers/{phoned['customer_id']}")
    assert status == 200 and len(by_id["tickets"]) == 3


def test_agent_queues_with_cursor_pagination(api, publish_categories):
    publish_categories("late-delivery")
    fields = {"order_number": "TR-88123", "carrier": "aras", "promised_date": "2026-11-20"}
    created = [
        api.post("/tickets", complaint(category="late-delivery", fields=fields))[1]["ticket_id"]
        for _ in range(5)
    ]
    seen, cursor = [], None
    while True:
        path = "/tickets?status=open&limit=2" + (f"&cursor={cursor}" if cursor else "")
        status, page = api.get(path)
        assert status == 200 and len(page["tickets"]) <= 2
        seen += [t["ticket_id"] for t in page["tickets"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert seen == list(reversed(created))  # newest first, each once
    status, by_category = api.get("/tickets?category=late-delivery&status=open&limit=10")
    assert status == 200 and len(by_category["tickets"]) == 5
    customer = api.get(f"/tickets/{created[0]}")[1]["customer_id"]
    status, by_customer = api.get(f"/tickets?customer={customer}")
    assert status == 200 and len(by_customer["tickets"]) == 5
    assert api.get("/tickets?status=closed")[1]["tickets"] == []
    assert api.get("/tickets?cursor=not-a-cursor")[0] == 400


def test_patch_with_optimistic_locking(api):
    ticket = api.post("/tickets", complaint())[1]
    path = f"/tickets/{ticket['ticket_id']}"
    status, updated = api.patch(path, {"version": 1, "priority": "high", "fields": {"order_no": "7781"}})
    assert status == 200 and updated["priority"] == "high" and updated["version"] == 2
    assert updated["fields"] == {"order_no": "7781"}
    # A second agent still holding version 1 is refused, and nothing changes
    status, error = api.patch(path, {"version": 1, "priority": "low"})
    assert status == 409 and "version 2" in error["error"]["message"]
    assert api.get(path)[1]["priority"] == "high"
    events = api.get(f"{path}/timeline")[1]["events"]
    assert [e["type"] for e in events] == ["ticket.received", "ticket.updated"]
    assert events[1]["data"]["priority"] == {"from": "normal", "to": "high"}


def test_comments_internal_and_public(api):
    ticket = api.post("/tickets", complaint())[1]
    path = f"/tickets/{ticket['ticket_id']}"
    assert api.post(f"{path}/comments", {"body": "Carrier says the van broke down."})[0] == 201
    status, reply = api.post(f"{path}/comments", {"body": "We are on it.", "visibility": "public"})
    assert status == 201 and reply["visibility"] == "public"
    fetched = api.get(path)[1]
    assert fetched["first_response_at"] is not None
    types = [e["type"] for e in api.get(f"{path}/timeline")[1]["events"]]
    assert types == ["ticket.received", "comment.internal", "comment.public"]


@pytest.mark.parametrize(
    ("body", "raw", "field"),
    [
        (None, "{not json", None),
        ({"subject": "x"}, None, "channel"),
        (complaint(channel="carrier-pigeon"), None, "channel"),
        (complaint(customer={"name": "A", "email": "not-an-address"}), None, "customer.email"),
        (complaint(customer={"name": "A"}), None, "customer"),
        (complaint(description="x" * 20001), None, "description"),
        (complaint(colour="blue"), None, "colour"),
        ([1, 2, 3], None, None),
    ],
    ids=[
        "malformed-json",
        "missing-fields",
        "unknown-channel",
        "bad-email",
        "no-contact",
        "oversized",
        "unknown-field",
        "not-an-object",
    ],
)
def test_bad_input_is_refused_and_nothing_is_written(api, stack, body, raw, field):
    status, error = api.post("/tickets", body, raw=raw, headers={"Idempotency-Key": "bad-1"})
    assert status == 400
    assert error["error"]["code"] == "invalid_input" and error["error"]["message"]
    if field:
        assert field in [d["field"] for d in error["error"]["details"]]
    assert ticket_items(stack) == []
    idem = boto3.resource("dynamodb").Table(stack.physical["IdempotencyTable"]).scan()["Items"]
    assert idem == []


def test_unknown_ticket_and_customer(api):
    status, error = api.get("/tickets/C-2026-999999")
    assert status == 404 and error["error"]["code"] == "not_found"
    assert api.get("/customers/CU-NOPE")[0] == 404
    assert api.get("/customers?email=nobody@example.com")[0] == 404
    assert api.get("/customers?email=a@example.com&phone=+905321234567")[0] == 400


def test_every_endpoint_needs_a_valid_token(api):
    assert api.get("/tickets", role=None)[0] == 401
    status, error = api.get("/tickets", role=None, headers={"Authorization": "Bearer abc.def.ghi"})
    assert status == 401 and error["error"]["code"] == "unauthenticated"
    forged = api.tokens["agent"][:-4] + ("AAAA" if not api.tokens["agent"].endswith("AAAA") else "BBBB")
    assert api.get("/tickets", role=None, headers={"Authorization": f"Bearer {forged}"})[0] == 401


def test_roles_are_enforced(api):
    ticket = api.post("/tickets", complaint(), role="integration")[1]
    # A machine client may file and read complaints, but not edit or comment on them
    assert api.get(f"/tickets/{ticket['ticket_id']}", role="integration")[0] == 200
    status, error = api.patch(
        f"/tickets/{ticket['ticket_id']}", {"version": 1, "priority": "low"}, role="integration"
    )
    assert status == 403 and error["error"]["code"] == "forbidden"
    assert api.post(f"/tickets/{ticket['ticket_id']}/comments", {"body": "hi"}, role="integration")[0] == 403
    assert (
        api.patch(f"/tickets/{ticket['ticket_id']}", {"version": 1, "priority": "low"}, role="manager")[0]
        == 200
    )


def test_create_ticket_request_budget(api, monkeypatch, publish_outbox):
    """How many AWS requests one create costs (printed for the closing note; bounded here)."""
    api.post("/tickets", complaint())  # warm: the customer exists now
    publish_outbox()
    with counting_aws_calls(monkeypatch) as aws_calls:
        status, _ = api.post("/tickets", complaint(), headers={"Idempotency-Key": "budget-1"})
    assert status == 201
    dynamodb = aws_calls.of("dynamodb")
    print("\ncreate-ticket requests:", dict(aws_calls.calls))
    # Writes: the ticket counter, one transaction (ticket, timeline, outbox, key link), and the two
    # idempotency record writes. Nothing is published from the request: the outbox carries it.
    writes = {op: n for op, n in dynamodb.items() if op in ("UpdateItem", "TransactWriteItems", "PutItem")}
    assert writes == {"UpdateItem": 2, "TransactWriteItems": 1, "PutItem": 1}
    assert dynamodb.get("Scan", 0) == 0
    assert aws_calls.total("sns") == 0 and aws_calls.total("stepfunctions") == 0
    assert aws_calls.total("ses") == 0  # the acknowledgement goes out through the notify function
    # The publisher then sends the one event from the table's stream
    with counting_aws_calls(monkeypatch) as publisher_calls:
        assert publish_outbox() >= 1
    print("publisher requests:", dict(publisher_calls.calls))
    assert publisher_calls.of("sns") == {"Publish": 1}


def test_a_create_builds_one_dynamodb_client(api, monkeypatch):
    """Every model, the transaction and Powertools Idempotency share one botocore client (a cold
    create built seven: one per model touched, one for transactions, one for idempotency)."""
    import botocore.session

    built: list[str] = []
    with counting_aws_calls(monkeypatch) as aws_calls:  # forgets every cached client first
        original = botocore.session.Session.create_client

        def create_client(self, service_name, *args, **kwargs):
            built.append(service_name)
            return original(self, service_name, *args, **kwargs)

        monkeypatch.setattr(botocore.session.Session, "create_client", create_client)
        status, _ = api.post("/tickets", complaint(), headers={"Idempotency-Key": "one-client"})
    assert status == 201
    assert aws_calls.of("dynamodb").keys() >= {"GetItem", "PutItem", "UpdateItem", "TransactWriteItems"}
    assert built.count("dynamodb") == 1


def spy_on_events(stack) -> str:
    """A queue subscribed to the events topic, to read events back exactly as published."""
    sqs, sns = boto3.client("sqs"), boto3.client("sns")
    url = sqs.create_queue(QueueName="events-spy")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    sns.subscribe(
        TopicArn=stack.env["EVENTS_TOPIC_ARN"],
        Protocol="sqs",
        Endpoint=arn,
        Attributes={"RawMessageDelivery": "true"},
    )
    return url


def test_acknowledgement_email_once_per_ticket(api, stack, deliver):
    from moto.ses.models import ses_backends

    spy = spy_on_events(stack)
    ticket = api.post("/tickets", complaint())[1]
    deliver("outbox")  # the publisher sends what the ticket's transaction wrote
    published = boto3.client("sqs").receive_message(QueueUrl=spy)["Messages"][0]["Body"]
    assert json.loads(published)["event_type"] == "ticket.created"
    # When the notify function consumes the ticket.created event
    assert deliver("NotifyQueue") == 1
    sent = ses_backends["123456789012"]["us-east-1"].sent_messages
    assert len(sent) == 1
    message = email.message_from_bytes(sent[0].raw_data.encode(), policy=policy.default)
    # Then the customer gets a Turkish acknowledgement naming the ticket
    assert message["To"].addresses[0].addr_spec == "ayse.yilmaz@example.com"
    assert f"[{ticket['ticket_id']}]" in message["Subject"]
    assert message["Auto-Submitted"] == "auto-generated"  # a web complaint: a notification, not a reply
    assert ticket["ticket_id"] in message["Reply-To"]
    text = message.get_body(("plain",)).get_content()
    assert ticket["ticket_id"] in text and "/status/" in text
    # And the timeline records what was sent to whom
    events = api.get(f"/tickets/{ticket['ticket_id']}/timeline")[1]["events"]
    sent_event = next(e for e in events if e["type"] == "notification.sent")
    assert sent_event["data"]["to"] == "ayse.yilmaz@example.com"
    assert sent_event["data"]["template"] == "ticket.acknowledged"
    # A redelivered event (SNS and SQS deliver at least once) sends nothing new
    boto3.client("sqs").send_message(QueueUrl=stack.physical["NotifyQueue"], MessageBody=published)
    assert deliver("NotifyQueue") == 1
    assert len(sent) == 1
    assert [e["type"] for e in api.get(f"/tickets/{ticket['ticket_id']}/timeline")[1]["events"]].count(
        "notification.sent"
    ) == 1


def test_api_logs_are_json_with_the_ticket_id_and_no_contacts(api, capsys):
    capsys.readouterr()
    ticket = api.post(
        "/tickets",
        complaint(customer={"name": "Ali Demir", "email": "ali.demir@example.com", "phone": "+905321234567"}),
    )[1]
    api.get(f"/tickets/{ticket['ticket_id']}")
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.startswith("{")]
    logs = [line for line in lines if "level" in line]
    assert logs and all(line["ticket_id"] == ticket["ticket_id"] for line in logs)
    text = json.dumps(lines)
    assert "ali.demir@example.com" not in text and "905321234567" not in text
    metrics = [line for line in lines if "_aws" in line]
    assert metrics[0]["TicketsCreated"] == [1.0] and metrics[0]["channel"] == "web"
    assert metrics[0]["category"] == "none"
    assert metrics[0]["_aws"]["CloudWatchMetrics"][0]["Namespace"] == "ComplaintDesk"
