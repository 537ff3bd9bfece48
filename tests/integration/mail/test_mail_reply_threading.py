"""Issue 12, Done when: an outbound acknowledgement's headers round-trip through the intake's own threading.

The customer's answer is built the way a mail program builds one (the standard library's
``EmailMessage`` with ``email.policy.SMTP``): In-Reply-To is the parent's Message-ID, References the
parent's References followed by that id (RFC 5322 3.6.4). The parent's Message-ID is either the one
in the local outbox (ours: what moto delivers) or the one SES puts on the message on AWS: the
``MessageId`` SendRawEmail returned, at an ``amazonses.com`` domain that depends on the region.
The answer goes to the plain support address with no ticket number in its subject, so only the
message ids can thread it.
"""

from __future__ import annotations

import email
import uuid
from email import policy
from email.message import EmailMessage

import pytest

from tests.integration.mail.conftest import message

ACCOUNT, REGION = "123456789012", "us-east-1"


def _sent_raw() -> list[str]:
    """The messages SES accepted, as sent (the bytes the local outbox writes to .eml files)."""
    from moto.ses.models import ses_backends

    return [m.raw_data for m in ses_backends[ACCOUNT][REGION].sent_messages]


def _client_reply(parent_id: str, parent_references: str | None, text: str) -> EmailMessage:
    """An answer to the message whose Message-ID is ``parent_id``, as a mail program writes it."""
    reply = EmailMessage(policy=policy.SMTP)
    reply["From"] = "Ayşe Yılmaz <ayse@example.com>"
    reply["To"] = "support@complaintdesk.example"
    reply["Subject"] = "Re: Su ısıtıcısı"
    reply["Message-ID"] = f"<{uuid.uuid4().hex}@mail.example.com>"
    reply["In-Reply-To"] = parent_id
    reply["References"] = " ".join([*(parent_references or "").split(), parent_id])
    reply.set_content(f"{text}\n\n> Şikâyetinizi aldık.\n")
    return reply


@pytest.fixture
def acknowledged(mailroom, api, deliver):
    """A complaint by e-mail, its ticket, and the acknowledgement the notify function sent for it."""
    complaint = message(subject="Su ısıtıcısı kırık geldi", body="Kapağı çatlak geldi, değiştirin lütfen.")
    opened = mailroom.send(complaint)
    assert opened.outcome == "ticket"
    deliver("NotifyQueue")
    [raw] = _sent_raw()
    ack = email.message_from_string(raw, policy=policy.default)
    events = api.get(f"/tickets/{opened.ticket_id}/timeline")[1]["events"]
    [note] = [e for e in events if e["type"] == "notification.sent" and e["channel"] == "email"]
    return opened.ticket_id, ack, note["data"], complaint["Message-ID"], raw


def test_the_acknowledgement_threads_on_the_customers_message_and_says_it_answers_it(acknowledged):
    _, ack, note, complaint_id, raw = acknowledged

    # The acknowledgement answers the customer's message: an automatic reply (RFC 3834)
    assert ack["Auto-Submitted"] == "auto-replied"
    assert ack["In-Reply-To"] == complaint_id and ack["References"] == complaint_id
    # No message id went out as an encoded word
    head = raw.replace("\r\n", "\n").split("\n\n", 1)[0].replace("\n ", " ")
    ids = [
        line for line in head.split("\n") if line.split(":")[0] in ("Message-ID", "In-Reply-To", "References")
    ]
    assert len(ids) == 3 and not any("=?" in line for line in ids), ids
    assert note["ses_message_id"] and note["message_id"] == ack["Message-ID"]


@pytest.mark.parametrize(
    "form",
    ["outbox", "email.amazonses.com", "eu-west-1.amazonses.com", "ap-southeast-2.amazonses.com"],
)
def test_a_mail_programs_answer_to_the_acknowledgement_threads_onto_the_ticket(
    acknowledged, mailroom, api, form
):
    ticket_id, ack, note, _, _ = acknowledged
    # Given the Message-ID the customer's mail program saw on the acknowledgement
    parent_id = ack["Message-ID"] if form == "outbox" else f"<{note['ses_message_id']}@{form}>"

    # When it answers, quoting that id and the acknowledgement's References
    answer = _client_reply(parent_id, ack["References"], "Yeni bir kapak gönderebilir misiniz?")
    result = mailroom.send(answer)

    # Then the answer is on the same ticket, found by In-Reply-To
    assert result.outcome == "interaction" and result.ticket_id == ticket_id, result
    events = api.get(f"/tickets/{ticket_id}/timeline")[1]["events"]
    [received] = [e for e in events if e["type"] == "email.received"]
    assert received["data"]["threaded_by"] == "in_reply_to"
    assert received["data"]["new_text"] == "Yeni bir kapak gönderebilir misiniz?"


def test_an_answer_that_quotes_the_ses_id_only_in_references_threads_too(acknowledged, mailroom):
    ticket_id, _, note, _, _ = acknowledged
    # Given a mail program that keeps the thread in References only (In-Reply-To is some other message)
    ses_id = f"<{note['ses_message_id']}@us-west-2.amazonses.com>"
    answer = _client_reply(f"<{uuid.uuid4().hex}@elsewhere.example.org>", ses_id, "Hâlâ cevap yok.")

    result = mailroom.send(answer)

    assert result.outcome == "interaction" and result.ticket_id == ticket_id, result


def test_a_foreign_amazonses_id_threads_nowhere(acknowledged, mailroom):
    # Given an answer to some other SES-sent message (an id we never got back from SendRawEmail)
    answer = _client_reply(f"<{uuid.uuid4()}-000000@email.amazonses.com>", None, "Başka bir konu.")

    result = mailroom.send(answer)

    # Then it opens a new ticket rather than joining an unrelated one
    assert result.outcome == "ticket" and result.ticket_id != acknowledged[0]


def test_links_written_under_the_regional_spelling_are_still_found(stack):
    """Links stored before SES ids were keyed by their left part alone keep threading."""
    from complaintdesk.store import repository as repo
    from complaintdesk.store.models import MessageLink

    old = "<0100018c2f9a-7e1b-4c1d-9f00-5d2a7c1e9b3a-000000@eu-west-1.amazonses.com>"
    pk, sk = MessageLink.legacy_key(old)
    repo.save(MessageLink(pk, sk, ticket_id="C-2026-000777", at="2026-01-01T00:00:00Z", direction="out"))

    assert repo.ticket_for_message(old) == "C-2026-000777"
    assert repo.ticket_for_message(old.replace("eu-west-1", "email")) is None  # only where it was written
