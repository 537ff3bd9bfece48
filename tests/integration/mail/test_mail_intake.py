"""E-mail intake through the real path (S3 object → S3 notification on SQS → functions/email_ingest)
against moto in-process: new tickets, threading, replay safety, loops, bounces, reopening,
rate limits, SES verdicts, attachments and the quarantine API."""

from __future__ import annotations

import email
from datetime import timedelta
from email import policy
from email.message import EmailMessage

import boto3
import pytest

from complaintdesk import clock, signing
from tests.integration.mail.conftest import message

ACCOUNT, REGION = "123456789012", "us-east-1"


class Published:
    """The domain events the outbox publisher sent, read after it has sent what the table holds."""

    def __init__(self, drain) -> None:
        self.drain, self.seen = drain, []

    def all(self) -> list[dict]:
        self.drain()
        return self.seen

    def __iter__(self):
        return iter(self.all())

    def __len__(self) -> int:
        return len(self.all())

    def __getitem__(self, index):
        return self.all()[index]

    def __eq__(self, other) -> bool:
        return self.all() == other


@pytest.fixture
def published(monkeypatch, publish_outbox):
    """Every domain event published (from the outbox, through SNS)."""
    from complaintdesk.services import outbox

    seen = Published(publish_outbox)
    real = outbox.publish

    def spy(event):
        done = real(event)
        seen.seen.append(event.model_dump(mode="json"))
        return done

    monkeypatch.setattr(outbox, "publish", spy)
    return seen


def sent_mail() -> list:
    from moto.ses.models import ses_backends

    return ses_backends[ACCOUNT][REGION].sent_messages


def as_message(sent) -> EmailMessage:
    return email.message_from_bytes(sent.raw_data.encode(), policy=policy.default)


def ticket_items(stack) -> list[dict]:
    table = boto3.resource("dynamodb").Table(stack.physical["TicketsTable"])
    return [i for i in table.scan()["Items"] if i["SK"] == "TICKET"]  # test inspection only


def timeline_types(api, ticket_id: str) -> list[str]:
    return [e["type"] for e in api.get(f"/tickets/{ticket_id}/timeline")[1]["events"]]


def set_status(ticket_id: str, status: str, *, resolved_days_ago: float | None = None) -> None:
    from complaintdesk.services.tickets import load

    ticket = load(ticket_id)
    ticket.status = status
    if resolved_days_ago is not None:
        ticket.resolved_at = clock.iso(clock.now() - timedelta(days=resolved_days_ago))
    ticket.save()  # the save places it in the queues of its new status


def acknowledged(deliver) -> EmailMessage:
    """Run the notify function; the acknowledgement it sent."""
    deliver("NotifyQueue")
    return as_message(sent_mail()[-1])


# ------------------------------------------------------------------------------- new ticket


def test_new_mail_becomes_a_ticket_and_is_acknowledged(mailroom, api, deliver, published):
    # Given a Turkish customer writing to the support address, with a quoted signature
    body = (
        "Merhaba,\n\nSiparişim kırık geldi, kapağı çatlak. Lütfen değiştirin.\n\nSaygılarımla,\nAyşe Yılmaz\n"
    )
    result = mailroom.send(message(subject="Çaydanlık kırık geldi", body=body))
    # Then a ticket is opened for her, by e-mail
    assert result.outcome == "ticket"
    status, ticket = api.get(f"/tickets/{result.ticket_id}")
    assert status == 200
    assert ticket["channel"] == "email" and ticket["subject"] == "Çaydanlık kırık geldi"
    assert ticket["language"] == "tr" and ticket["created_by"] == "email"
    assert ticket["description"].startswith("Merhaba") and "Saygılarımla" not in ticket["description"]
    # The customer is the one the API knows by this address: one history
    status, customer = api.get("/customers?email=ayse@example.com")
    assert [t["ticket_id"] for t in customer["tickets"]] == [result.ticket_id]
    assert customer["customer"]["name"] == "Ayşe Yılmaz"
    # ticket.created went out, and the notify function acknowledges it with loop-safe headers
    assert [e["event_type"] for e in published] == ["ticket.created"]
    ack = acknowledged(deliver)
    assert f"[{result.ticket_id}]" in ack["Subject"] and ack["Auto-Submitted"] == "auto-replied"
    received = api.get(f"/tickets/{result.ticket_id}/timeline")[1]["events"][0]
    assert received["type"] == "ticket.received"
    assert (
        received["data"]["raw_s3_key"].startswith("inbound/")
        and received["data"]["from"] == "ayse@example.com"
    )


def test_sample_event_keys_are_url_decoded_and_the_test_event_ignored(stack, api):
    """events/email_ingest/s3_inbound.json through the handler, as `sam local invoke` would."""
    import json
    from pathlib import Path

    from functions.email_ingest.app import lambda_handler
    from infra.local.pollers import LambdaContext

    text = (Path(__file__).resolve().parents[3] / "events" / "email_ingest" / "s3_inbound.json").read_text()
    # The sample names a deployed bucket; each test has a bucket of its own.
    sample = json.loads(
        text.replace("complaintdesk-test-mail-123456789012-us-east-1", stack.physical["MailBucket"])
    )
    # The key in the event is "inbound/kettle+complaint%C3%BC.eml": '+' is a space, %C3%BC is ü
    boto3.client("s3").put_object(
        Bucket=stack.physical["MailBucket"],
        Key="inbound/kettle complaintü.eml",
        Body=message(
            sender="Jānis Bērziņš <janis@example.lv>", body="Labdien! Prece nav piegādāta."
        ).as_bytes(),
    )
    assert lambda_handler(sample, LambdaContext("EmailIngestFunction")) == {"batchItemFailures": []}
    tickets = api.get("/customers?email=janis@example.lv")[1]["tickets"]
    assert len(tickets) == 1
    assert api.get(f"/tickets/{tickets[0]['ticket_id']}")[1]["language"] == "lv"


def test_a_failure_fails_only_its_record_and_the_batch_goes_on(mailroom, monkeypatch):
    from complaintdesk import aws
    from functions.email_ingest.app import lambda_handler
    from infra.local.pollers import LambdaContext

    def record(key: str, n: int) -> dict:
        body = (
            '{"Records":[{"eventName":"ObjectCreated:Put","eventTime":"2026-11-24T10:00:00.000Z",'
            f'"s3":{{"bucket":{{"name":"{mailroom.bucket}"}},"object":{{"key":"{key}"}}}}}}]}}'
        )
        return {
            "messageId": f"m{n}",
            "receiptHandle": "r",
            "body": body,
            "attributes": {},
            "eventSource": "aws:sqs",
        }

    # Given a batch: an empty message, one S3 cannot serve right now, and a good one
    # (stored outside inbound/, so no notification of their own is queued)
    mailroom.put(b"\r\n\r\n   \r\n", key="manual/empty")
    mailroom.put(message(), key="manual/good")
    s3 = aws.client("s3")
    real_get = s3.get_object

    def flaky(**kwargs):
        if kwargs["Key"] == "manual/broken":
            raise s3.exceptions.ClientError(
                {"Error": {"Code": "InternalError", "Message": "boom"}}, "GetObject"
            )
        return real_get(**kwargs)

    monkeypatch.setattr(s3, "get_object", flaky)
    event = {"Records": [record("manual/empty", 1), record("manual/broken", 2), record("manual/good", 3)]}
    # When the batch runs, only the record S3 failed on is reported for a retry
    response = lambda_handler(event, LambdaContext("EmailIngestFunction"))
    assert response == {"batchItemFailures": [{"itemIdentifier": "m2"}]}
    # And the others were handled: the empty one quarantined with its reason, the good one a ticket
    outcomes = {r.s3_key: r for r in mailroom.results}
    assert (outcomes["manual/empty"].outcome, outcomes["manual/empty"].detail) == (
        "quarantined",
        "empty message",
    )
    assert outcomes["manual/good"].outcome == "ticket"
    # A missing object (deleted before we read it) is reported, not retried forever
    assert lambda_handler({"Records": [record("manual/gone", 4)]}, LambdaContext("EmailIngestFunction")) == {
        "batchItemFailures": []
    }
    assert mailroom.results[-1].outcome == "missing"


def test_unparseable_mail_is_quarantined_with_its_reason(mailroom, api):
    result = mailroom.send(b"just some text without any header block\r\n")
    assert result.outcome == "quarantined" and result.reason == "unparseable"
    entry = api.get(f"/quarantine/{result.entry_id}")[1]
    assert entry["detail"] == result.detail and entry["raw"]["key"] == result.s3_key


# -------------------------------------------------------------------------------- threading


def test_reply_to_our_acknowledgement_threads_by_in_reply_to(mailroom, api, deliver, published):
    first = mailroom.send(message())
    ack = acknowledged(deliver)
    # When the customer answers the acknowledgement from her mail program (References kept)
    reply = message(
        subject=f"Re: {ack['Subject']}",
        body="I attached the photo now.\n\nOn Tue, Support wrote:\n> Thank you for your message",
        headers={"In-Reply-To": ack["Message-ID"], "References": ack["Message-ID"]},
    )
    result = mailroom.send(reply)
    # Then it is an interaction on the same ticket, not a new ticket
    assert result.outcome == "interaction" and result.ticket_id == first.ticket_id
    assert result.detail == "in_reply_to" and result.reason == "recorded"
    events = api.get(f"/tickets/{first.ticket_id}/timeline")[1]["events"]
    received = next(e for e in events if e["type"] == "email.received")
    assert received["visibility"] == "public" and received["data"]["new_text"] == "I attached the photo now."
    assert received["data"]["message_id"] == reply["Message-ID"].strip("<>")
    replied = [e for e in published if e["event_type"] == "customer.replied"]
    assert replied and replied[0]["data"] == {"channel": "email", "resumed": False, "step": None}
    assert len(api.get("/customers?email=ayse@example.com")[1]["tickets"]) == 1


def test_plus_address_threads_when_references_are_stripped_and_a_forged_tag_does_not(mailroom):
    first = mailroom.send(message())
    # A help desk forwarded the answer with no In-Reply-To/References, to our signed Reply-To
    result = mailroom.send(message(to=signing.reply_address(first.ticket_id), subject="Answer"))
    assert result.outcome == "interaction" and result.ticket_id == first.ticket_id
    assert result.detail == "plus_address"
    # Someone guessing the ticket number with a made-up tag gets a ticket of their own
    forged = f"support+{first.ticket_id}.aaaaaa@complaintdesk.example"
    other = mailroom.send(message(sender="mallory@example.net", to=forged, subject="Attach me"))
    assert other.outcome == "ticket" and other.ticket_id != first.ticket_id


def test_subject_token_threads_only_for_the_tickets_own_customer(mailroom):
    first = mailroom.send(message())
    subject = f"Still waiting [{first.ticket_id}]"
    same = mailroom.send(message(subject=subject, sender="AYSE@Example.com"))
    assert (
        same.outcome == "interaction" and same.ticket_id == first.ticket_id and same.detail == "subject_token"
    )
    stranger = mailroom.send(message(subject=subject, sender="eve@example.org"))
    assert stranger.outcome == "ticket" and stranger.ticket_id != first.ticket_id


# ------------------------------------------------------------------------------- replay safety


def test_redelivery_and_second_copies_make_one_ticket_and_one_interaction(mailroom, stack, api):
    original = message(message_id="<complaint-1@mail.example.com>")
    first = mailroom.send(original, key="inbound/copy-a")
    # The same object announced again (SQS and S3 notifications are at-least-once)
    again = mailroom.send(original, key="inbound/copy-a")
    # The same message stored twice under two keys (SES delivered it twice)
    copy = mailroom.send(original, key="inbound/copy-b")
    assert first.outcome == "ticket"
    assert (again.outcome, again.ticket_id) == ("duplicate", first.ticket_id)
    assert (copy.outcome, copy.ticket_id) == ("duplicate", first.ticket_id)
    assert len(ticket_items(stack)) == 1
    # A reply redelivered is one interaction
    reply = message(subject=f"[{first.ticket_id}] more", message_id="<reply-1@mail.example.com>")
    assert mailroom.send(reply, key="inbound/reply-a").outcome == "interaction"
    assert mailroom.send(reply, key="inbound/reply-b").outcome == "duplicate"
    assert timeline_types(api, first.ticket_id).count("email.received") == 1
    # A message without Message-ID is keyed by a hash of its bytes
    anonymous = message()
    del anonymous["Message-ID"]
    assert mailroom.send(anonymous.as_bytes(), key="inbound/anon-a").outcome == "ticket"
    assert mailroom.send(anonymous.as_bytes(), key="inbound/anon-b").outcome == "duplicate"


def test_concurrent_copies_lose_on_the_transaction_condition(mailroom, stack, monkeypatch):
    """Two workers with the same message: the one whose transaction fails on the MessageLink
    condition reports a duplicate instead of an error."""
    from complaintdesk.services import email_intake

    original = message(message_id="<race@mail.example.com>")
    mailroom.put(original, key="inbound/race-a")
    mailroom.put(original, key="inbound/race-b")
    mailroom.results.clear()
    # Both copies passed the "seen before?" check before either wrote (simulated by skipping it)
    real_seen = email_intake._seen
    calls = {"n": 0}

    def blind_first_check(key):
        calls["n"] += 1
        return None if calls["n"] <= 2 else real_seen(key)

    monkeypatch.setattr(email_intake, "_seen", blind_first_check)
    first = email_intake.ingest_object(mailroom.bucket, "inbound/race-a")
    second = email_intake.ingest_object(mailroom.bucket, "inbound/race-b")
    assert first.outcome == "ticket"
    assert second.outcome == "duplicate" and second.ticket_id == first.ticket_id
    assert len(ticket_items(stack)) == 1


# ------------------------------------------------------------------------- loops and bounces


def test_auto_replies_are_never_acknowledged(mailroom, api, deliver):
    first = mailroom.send(message())
    ack = acknowledged(deliver)
    sent_before = len(sent_mail())
    # An out-of-office answer to our acknowledgement
    ooo = message(
        subject=f"Automatic reply: {ack['Subject']}",
        body="I am out of office until Monday.",
        headers={"Auto-Submitted": "auto-replied", "In-Reply-To": ack["Message-ID"]},
    )
    result = mailroom.send(ooo)
    assert result.outcome == "auto_reply" and result.ticket_id == first.ticket_id
    events = api.get(f"/tickets/{first.ticket_id}/timeline")[1]["events"]
    auto = next(e for e in events if e["type"] == "email.auto_reply")
    assert auto["visibility"] == "internal"
    # An auto-reply to nothing of ours (a list, a vacation notice) is quarantined, not a ticket
    stray = mailroom.send(message(sender="news@lists.example.com", headers={"Precedence": "bulk"}))
    assert stray.outcome == "quarantined" and stray.reason == "auto_reply"
    # Mail from our own address is a loop, never a ticket
    loop = mailroom.send(message(sender="Support <support@complaintdesk.example>"))
    assert loop.outcome == "quarantined" and loop.reason == "own_address"
    # And nothing is sent back to any of them
    deliver("NotifyQueue")
    assert len(sent_mail()) == sent_before
    assert api.get(f"/tickets/{first.ticket_id}")[1]["status"] == "open"


def dsn(recipient: str, original: EmailMessage, status: str = "5.1.1") -> bytes:
    """An RFC 3464 delivery status notification returning the headers of ``original``."""
    headers = "".join(f"{k}: {v}\r\n" for k, v in original.items())
    return (
        "From: Mail Delivery System <MAILER-DAEMON@mx.example.net>\r\n"
        "To: support@complaintdesk.example\r\n"
        "Subject: Undelivered Mail Returned to Sender\r\n"
        "Message-ID: <dsn-1@mx.example.net>\r\n"
        "MIME-Version: 1.0\r\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="b1"\r\n\r\n'
        "--b1\r\nContent-Type: text/plain\r\n\r\nThe mail system could not deliver your message.\r\n"
        "--b1\r\nContent-Type: message/delivery-status\r\n\r\n"
        "Reporting-MTA: dns; mx.example.net\r\n\r\n"
        f"Final-Recipient: rfc822; {recipient}\r\nAction: failed\r\nStatus: {status}\r\n"
        "Diagnostic-Code: smtp; 550 5.1.1 user unknown\r\n"
        "--b1\r\nContent-Type: text/rfc822-headers\r\n\r\n"
        f"{headers}\r\n--b1--\r\n"
    ).encode()


def test_a_bounce_marks_the_customer_and_is_never_a_ticket(mailroom, api, stack, deliver, published):
    first = mailroom.send(message())
    ack = acknowledged(deliver)
    sent_before = len(sent_mail())
    # The customer's mailbox is gone: the DSN returns our acknowledgement's headers
    result = mailroom.send(dsn("ayse@example.com", ack))
    assert result.outcome == "bounce" and result.ticket_id == first.ticket_id and result.reason == "permanent"
    customer = api.get("/customers?email=ayse@example.com")[1]
    assert customer["customer"]["email_status"] == "bouncing"
    assert len(customer["tickets"]) == 1 and len(ticket_items(stack)) == 1
    assert "email.bounced" in timeline_types(api, first.ticket_id)
    bounced = [e for e in published if e["event_type"] == "email.bounced"]
    assert bounced[0]["ticket_id"] == first.ticket_id
    assert bounced[0]["data"] == {"address": "ayse@example.com", "status": "5.1.1", "permanent": True}
    # And the next complaint of this customer is not acknowledged into the void
    api.post(
        "/tickets",
        {
            "channel": "web",
            "subject": "Again",
            "description": "x",
            "customer": {"name": "A", "email": "ayse@example.com"},
        },
    )
    deliver("NotifyQueue")
    assert len(sent_mail()) == sent_before


def test_a_soft_bounce_is_recorded_without_marking(mailroom, api, deliver):
    first = mailroom.send(message())
    ack = acknowledged(deliver)
    result = mailroom.send(dsn("ayse@example.com", ack, status="4.2.2"))
    assert result.outcome == "bounce" and result.reason == "temporary"
    assert api.get("/customers?email=ayse@example.com")[1]["customer"]["email_status"] == "ok"
    assert "email.bounced" in timeline_types(api, first.ticket_id)


def test_per_sender_rate_limit_stops_a_mail_storm(mailroom, monkeypatch, stack):
    monkeypatch.setenv("MAIL_SENDER_LIMIT_PER_HOUR", "3")
    results = [mailroom.send(message(sender="storm@example.com", subject=f"n{n}")) for n in range(5)]
    assert [r.outcome for r in results] == ["ticket", "ticket", "ticket", "quarantined", "quarantined"]
    assert {r.reason for r in results[3:]} == {"rate_limited"}
    # Another sender is not affected
    assert mailroom.send(message(sender="calm@example.com")).outcome == "ticket"


# ------------------------------------------------------------------------------- reopen


def test_a_reply_within_the_window_never_reopens_and_tells_the_team_at_most_three_times_a_day(
    mailroom, api, published
):
    first = mailroom.send(message())
    set_status(first.ticket_id, "resolved", resolved_days_ago=2)
    # "Paldies, viss kārtībā" (thanks, all fine) must not reopen a resolved complaint
    outcomes = [
        mailroom.send(message(subject=f"[{first.ticket_id}] Paldies, viss kārtībā ({n})")).reason
        for n in range(4)
    ]
    assert outcomes == ["after resolution"] * 4
    ticket = api.get(f"/tickets/{first.ticket_id}")[1]
    assert ticket["status"] == "resolved"
    assert timeline_types(api, first.ticket_id).count("ticket.reopened") == 0
    assert timeline_types(api, first.ticket_id).count("email.received") == 4
    assert [e for e in published if e["event_type"] == "ticket.reopened"] == []
    told = [e for e in published if e["event_type"] == "resolution.replied"]
    assert len(told) == 3  # a mail storm tells the team a few times a day, not once per mail
    assert told[0]["data"]["channel"] == "email" and told[0]["data"]["excerpt"].startswith("The kettle")


def test_reply_after_the_window_or_to_a_closed_ticket_opens_a_linked_ticket(mailroom, stack):
    from complaintdesk.services.tickets import load

    old = mailroom.send(message())
    set_status(old.ticket_id, "resolved", resolved_days_ago=20)
    later = mailroom.send(message(subject=f"[{old.ticket_id}] it broke again"))
    assert later.outcome == "ticket" and later.linked_to == old.ticket_id and later.ticket_id != old.ticket_id
    assert load(old.ticket_id).linked_tickets == {later.ticket_id}
    assert load(later.ticket_id).linked_tickets == {old.ticket_id}
    assert load(old.ticket_id).status == "resolved"
    # A closed ticket never reopens by mail
    set_status(later.ticket_id, "closed", resolved_days_ago=1)
    again = mailroom.send(message(subject=f"[{later.ticket_id}] and again"))
    assert again.outcome == "ticket" and again.linked_to == later.ticket_id


def test_customer_answered_decides_without_mail(stack, mailroom):
    """The one decision of what a customer's answer does (services/replies.py), whatever the channel."""
    from complaintdesk.services.replies import ReplyRules, customer_answered
    from complaintdesk.services.tickets import load

    first = mailroom.send(message())
    now = clock.now()
    assert customer_answered(load(first.ticket_id), at=now, channel="email", actor="x") == "recorded"
    set_status(first.ticket_id, "waiting_customer")
    assert customer_answered(load(first.ticket_id), at=now, channel="email", actor="x") == "recorded"
    set_status(first.ticket_id, "resolved", resolved_days_ago=3)
    narrow = ReplyRules(reopen_window_days=2)
    assert customer_answered(load(first.ticket_id), at=now, channel="api", actor="x", rules=narrow) == (
        "outside reopen window"
    )
    assert customer_answered(load(first.ticket_id), at=now, channel="api", actor="x") == "after resolution"
    assert load(first.ticket_id).status == "resolved" and load(first.ticket_id).reopen_count == 0
    set_status(first.ticket_id, "closed", resolved_days_ago=1)
    assert (
        customer_answered(load(first.ticket_id), at=now, channel="api", actor="x") == "outside reopen window"
    )


# -------------------------------------------------------------------------------- SES verdicts

SES_HEADERS = {
    "X-SES-Spam-Verdict": "PASS",
    "X-SES-Virus-Verdict": "PASS",
    "Received-SPF": "pass (spfCheck: domain of example.com designates 192.0.2.1 as permitted sender)",
    "Authentication-Results": "amazonses.com; spf=pass (spfCheck: ok) smtp.mailfrom=example.com; "
    "dkim=pass header.i=@example.com; dmarc=pass header.from=example.com;",
}


VERDICT_CASES = [
    ({}, None),
    ({"X-SES-Virus-Verdict": "FAIL"}, "virus"),
    ({"X-SES-Spam-Verdict": "FAIL"}, "spam"),
    ({"Authentication-Results": "amazonses.com; spf=pass; dkim=pass; dmarc=fail header.from=x"}, "dmarc"),
    ({"Authentication-Results": "amazonses.com; spf=fail (spfCheck: no); dkim=none; dmarc=none"}, "spf"),
    ({"Authentication-Results": "amazonses.com; spf=fail (spfCheck: no); dkim=pass; dmarc=pass"}, None),
    ({"X-SES-Spam-Verdict": "GRAY"}, None),
]


def test_ses_verdicts_quarantine_failed_mail_with_the_reason(mailroom, api):
    quarantined = []
    for n, (changes, reason) in enumerate(VERDICT_CASES):
        result = mailroom.send(message(sender=f"sender{n}@example.com", headers={**SES_HEADERS, **changes}))
        if reason is None:
            assert result.outcome == "ticket", changes
        else:
            assert (result.outcome, result.reason) == ("quarantined", reason), changes
            quarantined.append((result.entry_id, reason))
    # Each is visible to staff with its reason, newest first; the raw is kept
    listed = api.get("/quarantine")[1]["entries"]
    assert [(e["entry_id"], e["reason"]) for e in listed] == quarantined[::-1]
    assert all(e["raw"]["key"].startswith("inbound/") for e in listed)


def test_only_amazon_ses_results_count():
    from complaintdesk.mail.verdicts import ses_verdict

    foreign = b"Authentication-Results: mx.google.com; dmarc=fail; spf=fail\r\nFrom: a@b.example\r\n\r\nhi"
    assert ses_verdict(foreign) is None
    ours = b"Authentication-Results: amazonses.com; spf=softfail; dkim=none; dmarc=fail\r\n\r\nhi"
    assert ses_verdict(ours)[0] == "dmarc"


# -------------------------------------------------------------------------------- attachments


def test_attachments_are_stored_under_the_ticket_with_their_metadata(mailroom, api):
    mail = message()
    mail.add_attachment(b"%PDF-1.4 receipt", maintype="application", subtype="pdf", filename="fiş ödeme.pdf")
    mail.add_attachment(
        b"MZ\x90\x00", maintype="application", subtype="octet-stream", filename="photo.jpg.exe"
    )
    result = mailroom.send(mail)
    from complaintdesk.services.tickets import load

    files = load(result.ticket_id).attachments
    assert [(f["name"], f["content_type"], f["size"], f["dangerous"]) for f in files] == [
        ("fiş ödeme.pdf", "application/pdf", 16, False),
        ("photo.jpg.exe", "application/octet-stream", 4, True),
    ]
    assert files[0]["s3_key"].startswith(f"attachments/{result.ticket_id}/")
    assert files[0]["s3_key"].endswith("/1-fi_deme.pdf")
    stored = boto3.client("s3").get_object(Bucket=mailroom.bucket, Key=files[1]["s3_key"])
    assert stored["Body"].read() == b"MZ\x90\x00"
    # A reply's attachments go on its timeline event, under the same ticket
    reply = message(subject=f"[{result.ticket_id}] one more photo")
    reply.add_attachment(b"\x89PNG", maintype="image", subtype="png", filename="crack.png")
    mailroom.send(reply)
    events = api.get(f"/tickets/{result.ticket_id}/timeline")[1]["events"]
    received = next(e for e in events if e["type"] == "email.received")
    assert [a["name"] for a in received["data"]["attachments"]] == ["crack.png"]
    assert received["data"]["attachments"][0]["s3_key"].startswith(f"attachments/{result.ticket_id}/")


# ------------------------------------------------------------------------------ quarantine API


def test_quarantine_is_listed_for_staff_by_month(mailroom, api):
    first = mailroom.send(b"no header block at all\r\n")
    second = mailroom.send(message(headers={"X-SES-Virus-Verdict": "FAIL"}))
    status, page = api.get("/quarantine?limit=1")
    assert status == 200 and page["month"] == clock.now().strftime("%Y-%m")
    assert [e["entry_id"] for e in page["entries"]] == [second.entry_id]  # newest first
    status, rest = api.get(f"/quarantine?limit=1&cursor={page['next_cursor']}")
    assert [e["entry_id"] for e in rest["entries"]] == [first.entry_id]
    status, entry = api.get(f"/quarantine/{second.entry_id}")
    assert status == 200 and entry["reason"] == "virus" and entry["from"] == "ayse@example.com"
    assert entry["raw"]["download_url"].startswith("http")
    assert api.get("/quarantine?month=2020-01")[1]["entries"] == []
    assert api.get("/quarantine?month=January")[0] == 400
    assert api.get("/quarantine/20261124T000000000-nothing")[0] == 404
    assert api.get("/quarantine/not-an-id")[0] == 404
    assert api.get("/quarantine", role="integration")[0] == 403
