"""Issue 12 on the running local stack: the acknowledgement in the outbox carries message ids a mail
program can quote, and answers quoting them (our id, or the id SES returned at any regional
amazonses.com domain) thread onto the ticket by those ids alone."""

from __future__ import annotations

import email
import smtplib
import uuid
from email import policy
from email.message import EmailMessage

import pytest

from tests.e2e.conftest import wait_for

pytestmark = pytest.mark.e2e
SUPPORT = "support@complaintdesk.example"


def _send(running_stack, mail: EmailMessage) -> None:
    host, port = running_stack.info["smtp"].rsplit(":", 1)
    with smtplib.SMTP(host, int(port), timeout=10) as smtp:
        smtp.send_message(mail, to_addrs=[SUPPORT])


def _answer(sender: str, parent_id: str, parent_references: str | None, text: str) -> EmailMessage:
    """What a mail program sends back: In-Reply-To the parent, References the parent's plus the parent."""
    reply = EmailMessage(policy=policy.SMTP)
    reply["From"] = sender
    reply["To"] = SUPPORT  # not the signed Reply-To, and no ticket number below: only the ids can thread
    reply["Subject"] = "Re: Kırık ekran"
    reply["Message-ID"] = f"<{uuid.uuid4().hex}@mail.example.com>"
    reply["In-Reply-To"] = parent_id
    reply["References"] = " ".join([*(parent_references or "").split(), parent_id])
    reply.set_content(f"{text}\n")
    return reply


def test_answers_to_the_acknowledgement_thread_by_its_ids(running_stack):
    address = f"emre.{uuid.uuid4().hex[:8]}@example.com"
    complaint = EmailMessage()
    complaint["From"] = f"Emre Aydın <{address}>"
    complaint["To"] = SUPPORT
    complaint["Subject"] = "Kırık ekran"
    complaint["Message-ID"] = f"<{uuid.uuid4().hex}@mail.example.com>"
    complaint.set_content("Merhaba, telefonun ekranı kutudan kırık çıktı.\n")
    # Given a complaint by e-mail and the acknowledgement the stack wrote to the outbox
    _send(running_stack, complaint)

    def tickets():
        status, found = running_stack.call("GET", f"/customers?email={address}")
        return found["tickets"] if status == 200 and found["tickets"] else None

    (summary,) = wait_for(tickets, 30, "the ticket from the e-mail")
    ticket_id = summary["ticket_id"]
    files = wait_for(
        lambda: sorted(running_stack.outbox.glob(f"*{ticket_id}*.eml")), 30, "the acknowledgement"
    )
    raw = files[0].read_bytes()
    head = raw.split(b"\r\n\r\n", 1)[0].decode("ascii").replace("\r\n ", " ").split("\r\n")
    ids = {line.split(":", 1)[0]: line.split(":", 1)[1].strip() for line in head
           if line.split(":", 1)[0] in ("Message-ID", "In-Reply-To", "References")}  # fmt: skip
    ack = email.message_from_bytes(raw, policy=policy.default)
    # its ids are on the wire as they are (no encoded words), and it says it answers her message
    assert ids == {
        "Message-ID": ack["Message-ID"],
        "In-Reply-To": complaint["Message-ID"],
        "References": complaint["Message-ID"],
    }
    assert ack["Auto-Submitted"] == "auto-replied"
    events = running_stack.call("GET", f"/tickets/{ticket_id}/timeline")[1]["events"]
    [note] = [e for e in events if e["type"] == "notification.sent" and e["channel"] == "email"]
    ses_id = note["data"]["ses_message_id"]
    assert ses_id

    # When she answers it twice: once quoting our id (as the outbox shows it), once the id SES gave
    # the message on AWS, at a regional domain
    _send(running_stack, _answer(address, ack["Message-ID"], ack["References"], "Fotoğraf ekte."))
    _send(
        running_stack, _answer(address, f"<{ses_id}@eu-west-1.amazonses.com>", ack["References"], "Ne zaman?")
    )

    # Then both are on the ticket, threaded by In-Reply-To, and she still has one ticket
    def received():
        events = running_stack.call("GET", f"/tickets/{ticket_id}/timeline")[1]["events"]
        found = [e for e in events if e["type"] == "email.received"]
        return found if len(found) == 2 else None

    answers = wait_for(received, 30, "both answers on the timeline")
    assert sorted(e["data"]["new_text"] for e in answers) == ["Fotoğraf ekte.", "Ne zaman?"]
    assert {e["data"]["threaded_by"] for e in answers} == {"in_reply_to"}
    assert len(tickets()) == 1
