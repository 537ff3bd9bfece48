"""A conversation on the running local stack: an agent's public reply reaches the customer's outbox as
a threaded e-mail, and the customer's answer (sent over SMTP as a mail program would) comes back
onto the same ticket's timeline."""

from __future__ import annotations

import email
import smtplib
import uuid
from email import policy
from email.message import EmailMessage

import pytest

from tests.e2e.conftest import wait_for

pytestmark = pytest.mark.e2e

REPLY = "Merhaba Dilek Hanım,\n\nİkinci tahsilatı bulduk; iade 5 iş günü içinde kartınızda olacak."


def test_an_agent_reply_goes_out_threaded_and_the_customers_answer_comes_back(running_stack):
    # Given a Turkish customer's complaint, acknowledged by e-mail
    address = f"dilek.{uuid.uuid4().hex[:8]}@example.com"
    status, ticket = running_stack.call(
        "POST",
        "/tickets",
        {
            "channel": "web",
            "subject": "Faturada çift tahsilat",
            "description": "Kasım faturam iki kez tahsil edildi.",
            "customer": {"name": "Dilek Şahin", "email": address, "language": "tr"},
        },
    )
    assert status == 201, ticket
    ticket_id = ticket["ticket_id"]

    def mails() -> list[EmailMessage]:
        return [
            email.message_from_bytes(path.read_bytes(), policy=policy.default)
            for path in sorted(running_stack.outbox.glob(f"*{ticket_id}*.eml"))
        ]

    (ack,) = wait_for(mails, 30, "the acknowledgement")

    # When an agent answers her publicly
    status, comment = running_stack.call(
        "POST", f"/tickets/{ticket_id}/comments", {"body": REPLY, "visibility": "public"}
    )
    assert status == 201 and comment["type"] == "comment.public"

    # Then the reply lands in the outbox: to her, in Turkish, with the agent's words, under the acknowledgement
    def the_reply():
        found = [m for m in mails() if m["Message-ID"] != ack["Message-ID"]]
        return found[0] if found else None

    reply = wait_for(the_reply, 30, "the agent's reply in the outbox")
    assert reply["To"].addresses[0].addr_spec == address
    assert reply["Subject"] == f"[{ticket_id}] Şikâyetinizle ilgili yanıtımız: Faturada çift tahsilat"
    assert reply["Content-Language"] == "tr"
    assert reply["In-Reply-To"] == ack["Message-ID"] and ack["Message-ID"] in reply["References"]
    text = reply.get_body(("plain",)).get_content()
    assert REPLY in text.replace("\r\n", "\n") and "/status/" in text

    # When she answers it from her mail program: Re: subject, threading headers, the reply quoted
    answer = EmailMessage()
    answer["From"] = f"Dilek Şahin <{address}>"
    answer["To"] = reply["Reply-To"].addresses[0].addr_spec
    answer["Subject"] = "Re: " + reply["Subject"]
    answer["Message-ID"] = f"<{uuid.uuid4().hex}@mail.example.com>"
    answer["In-Reply-To"] = reply["Message-ID"]
    answer["References"] = f"{reply['References']} {reply['Message-ID']}"
    quoted = "".join(f"> {line}\n" for line in text.splitlines()[:6])
    answer.set_content("Teşekkürler, iadeyi bekliyorum.\n\n" + quoted)
    host, port = running_stack.info["smtp"].rsplit(":", 1)
    with smtplib.SMTP(host, int(port), timeout=10) as smtp:
        smtp.send_message(answer, to_addrs=[answer["To"]])

    # Then her answer is on the same ticket's timeline, after the reply
    def received():
        events = running_stack.call("GET", f"/tickets/{ticket_id}/timeline")[1]["events"]
        return [e for e in events if e["type"] == "email.received"]

    (event,) = wait_for(received, 30, "her answer on the ticket's timeline")
    assert event["data"]["new_text"] == "Teşekkürler, iadeyi bekliyorum."
    assert event["data"]["threaded_by"] == "in_reply_to"  # the reply's Message-ID named the ticket
    status, timeline = running_stack.call("GET", f"/tickets/{ticket_id}/timeline")
    types = [e["type"] for e in timeline["events"]]
    assert types.index("comment.public") < types.index("email.received")
    sent = [e for e in timeline["events"] if e["type"] == "notification.sent"]
    assert any(e["data"]["template"] == "agent.reply" and e["data"]["to"] == address for e in sent)
    # And no new ticket was opened for it
    status, found = running_stack.call("GET", f"/customers?email={address}")
    assert status == 200 and [t["ticket_id"] for t in found["tickets"]] == [ticket_id]
