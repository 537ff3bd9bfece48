"""An agent's public reply reaches the customer (e-mail in the thread, SMS when opted in), once; an
internal note reaches nobody; the customer's answer to the reply comes back onto the same ticket."""

from __future__ import annotations

import json
import uuid
from email.message import EmailMessage

import boto3

from tests.integration.notify.conftest import REPO

REPLY = "Labdien, Jāni!\n\nMēs atradām otro maksājumu.\nNauda <atgriezīsies> piecu darba dienu laikā."


def latvian_ticket(notify) -> dict:
    return notify.ticket(
        {"name": "Jānis Bērziņš", "email": "janis@example.lv", "phone": "+371 2912 3456", "language": "lv",
         "sms_opt_in": True},
        subject="Divreiz iekasēta maksa",
    )  # fmt: skip


def test_a_public_reply_goes_out_by_email_and_sms_and_an_internal_note_does_not(notify):
    # Given a Latvian customer who agreed to SMS, acknowledged by e-mail and SMS
    ticket = latvian_ticket(notify)
    tid = ticket["ticket_id"]
    [ack] = notify.emails()
    assert notify.counts() == (1, 1)
    spy = notify.spy()

    # When an agent writes an internal note
    status, _ = notify.api.post(
        f"/tickets/{tid}/comments", {"body": "Checked the ledger.", "visibility": "internal"}
    )
    assert status == 201
    notify.drain()
    # Then nobody hears of it
    assert notify.counts() == (1, 1)

    # When the agent answers the customer publicly
    status, comment = notify.api.post(f"/tickets/{tid}/comments", {"body": REPLY, "visibility": "public"})
    assert status == 201 and comment["type"] == "comment.public"
    [event] = notify.published(spy, "comment.public")
    notify.drain()

    # Then one e-mail in Latvian carries the agent's words as written, threaded under the acknowledgement
    assert notify.counts() == (2, 2)
    sent = notify.emails()[-1]
    assert sent.to == ["janis@example.lv"] and sent.message["Content-Language"] == "lv"
    assert sent.subject == f"[{tid}] Mūsu atbilde par jūsu sūdzību: Divreiz iekasēta maksa"
    assert REPLY in sent.text.replace("\r\n", "\n")
    assert "Nauda &lt;atgriezīsies&gt; piecu" in sent.html
    assert sent.message["In-Reply-To"] == ack.message["Message-ID"]
    assert ack.message["Message-ID"] in sent.message["References"]
    assert "/status/" in sent.text
    # And one SMS in Latvian with the ticket number and the status link where the reply can be read
    phone, text = notify.sms()[-1]
    assert phone == "+37129123456" and tid in text and "/status/" in text and "atbilde" in text
    # And the timeline shows both sends, public, from the comment's event
    notes = [n for n in notify.notes(tid, "notification.sent") if n["data"]["template"] == "agent.reply"]
    assert sorted((n["channel"], n["data"]["to"], n["visibility"]) for n in notes) == [
        ("email", "janis@example.lv", "public"),
        ("sms", "+37129123456", "public"),
    ]
    assert {n["data"]["source_event"] for n in notes} == {event["event_id"]}
    assert {n["summary"] for n in notes} == {
        "agent.reply e-mail to the customer sent",
        "agent.reply SMS to the customer sent",
    }

    # When SNS delivers the same event again
    boto3.client("sqs").send_message(
        QueueUrl=notify.stack.physical["NotifyQueue"], MessageBody=json.dumps(event)
    )
    notify.drain()
    # Then nothing is sent twice
    assert notify.counts() == (2, 2)


def test_a_customer_without_sms_consent_gets_the_reply_by_email_only(notify):
    tid = notify.ticket({"name": "Ayşe", "email": "ayse@example.com", "phone": "+905321234567",
                         "language": "tr"})["ticket_id"]  # fmt: skip
    notify.api.post(f"/tickets/{tid}/comments", {"body": "İadeniz yapıldı.", "visibility": "public"})
    notify.drain()
    assert notify.counts() == (2, 0)
    sent = notify.emails()[-1]
    assert (
        sent.subject.startswith(f"[{tid}] Şikâyetinizle ilgili yanıtımız") and "İadeniz yapıldı." in sent.text
    )


def test_the_customers_answer_to_the_reply_threads_back_by_the_id_ses_gave_it(notify):
    # Given an agent's reply, sent through SES (which replaces our Message-ID with its own)
    ticket = latvian_ticket(notify)
    tid = ticket["ticket_id"]
    notify.api.post(f"/tickets/{tid}/comments", {"body": REPLY, "visibility": "public"})
    notify.drain()
    [note] = [n for n in notify.notes(tid, "notification.sent")
              if n["data"]["template"] == "agent.reply" and n["channel"] == "email"]  # fmt: skip
    ses_id = note["data"]["ses_thread_id"]
    assert ses_id and ses_id.endswith("@email.amazonses.com>")

    # When the customer answers it from his mail program, which saw only the SES id
    answer = EmailMessage()
    answer["From"] = "Jānis Bērziņš <janis@example.lv>"
    answer["To"] = "support@complaintdesk.example"
    answer["Subject"] = "Re: Mūsu atbilde par jūsu sūdzību: Divreiz iekasēta maksa"
    answer["Message-ID"] = f"<{uuid.uuid4().hex}@mail.example.lv>"
    answer["In-Reply-To"] = ses_id
    answer["References"] = ses_id
    answer.set_content("Paldies, gaidīšu naudu.\n\n> Mēs atradām otro maksājumu.\n")
    boto3.client("s3").put_object(
        Bucket=notify.stack.physical["MailBucket"], Key=f"inbound/{uuid.uuid4().hex}", Body=answer.as_bytes()
    )
    notify.deliver("InboundMailQueue", max_batches=100)

    # Then it is on the same ticket (the subject carries no ticket number: the id alone threads it)
    received = [e for e in notify.timeline(tid) if e["type"] == "email.received"]
    assert len(received) == 1 and received[0]["data"]["new_text"] == "Paldies, gaidīšu naudu."
    status, customer = notify.api.get(f"/customers/{ticket['customer_id']}")
    assert status == 200 and [t["ticket_id"] for t in customer["tickets"]] == [tid]


def test_the_sample_event_runs_through_the_notify_handler(notify):
    """events/notify/comment_public.json, as `sam local invoke NotifyFunction` would send it."""
    from functions.notify.app import lambda_handler
    from infra.local.pollers import LambdaContext

    tid = notify.ticket({"name": "Ayşe Yılmaz", "email": "ayse@example.com", "language": "tr"})["ticket_id"]
    sample = json.loads((REPO / "events" / "notify" / "comment_public.json").read_text(encoding="utf-8"))
    record = sample["Records"][0]
    event = {**json.loads(record["body"]), "ticket_id": tid}
    result = lambda_handler(
        {"Records": [{**record, "body": json.dumps(event)}]}, LambdaContext("NotifyFunction")
    )
    assert result == {"batchItemFailures": []}
    sent = notify.emails()[-1]
    assert sent.subject.startswith(f"[{tid}] Şikâyetinizle ilgili yanıtımız")
    assert "started the refund of 249.90 EUR.\nYou will see it" in sent.text.replace("\r\n", "\n")
