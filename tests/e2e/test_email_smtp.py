"""Mail over real SMTP to the running local stack: a ticket, its acknowledgement in the outbox,
and the customer's reply to that acknowledgement threaded onto the same ticket."""

from __future__ import annotations

import email
import smtplib
import uuid
from email import policy
from email.message import EmailMessage

import pytest

from tests.e2e.conftest import wait_for

pytestmark = pytest.mark.e2e


def send(running_stack, mail: EmailMessage, to: str) -> None:
    host, port = running_stack.info["smtp"].rsplit(":", 1)
    with smtplib.SMTP(host, int(port), timeout=10) as smtp:
        smtp.send_message(mail, to_addrs=[to])


def test_mail_over_smtp_becomes_a_ticket_and_a_reply_threads(running_stack):
    address = f"dilek.{uuid.uuid4().hex[:8]}@example.com"
    mail = EmailMessage()
    mail["From"] = f"Dilek Şahin <{address}>"
    mail["To"] = "support@complaintdesk.example"
    mail["Subject"] = "Kargo hasarlı geldi"
    mail["Message-ID"] = f"<{uuid.uuid4().hex}@mail.example.com>"
    mail.set_content("Merhaba, siparişim ezilmiş bir kutuda geldi ve ürün çalışmıyor.\n")
    # When the customer's mail program sends it to our inbound SMTP
    send(running_stack, mail, "support@complaintdesk.example")

    # Then a ticket appears for her, received by e-mail
    def her_tickets():
        status, found = running_stack.call("GET", f"/customers?email={address}")
        return found["tickets"] if status == 200 and found["tickets"] else None

    (summary,) = wait_for(her_tickets, 30, "the ticket from the e-mail")
    ticket_id = summary["ticket_id"]
    status, ticket = running_stack.call("GET", f"/tickets/{ticket_id}")
    assert status == 200 and ticket["channel"] == "email" and ticket["language"] == "tr"
    # And the acknowledgement lands in the outbox, loop-safe and with a signed Reply-To
    files = wait_for(
        lambda: sorted(running_stack.outbox.glob(f"*{ticket_id}*.eml")), 30, "the acknowledgement"
    )
    ack = email.message_from_bytes(files[0].read_bytes(), policy=policy.default)
    assert ack["To"].addresses[0].addr_spec == address
    assert ack["Auto-Submitted"] == "auto-replied" and f"[{ticket_id}]" in ack["Subject"]
    reply_to = ack["Reply-To"].addresses[0].addr_spec

    # When she answers the acknowledgement (her mail program drops References)
    reply = EmailMessage()
    reply["From"] = address
    reply["To"] = reply_to
    reply["Subject"] = "Re: " + ack["Subject"]
    reply["Message-ID"] = f"<{uuid.uuid4().hex}@mail.example.com>"
    quoted = "".join(f"> {line}\n" for line in ack.get_body(("plain",)).get_content().splitlines()[:5])
    reply.set_content("Fotoğrafları ekledim.\n\n" + quoted)
    send(running_stack, reply, reply_to)

    # Then it is on the same ticket's timeline, and she still has one ticket
    def received():
        events = running_stack.call("GET", f"/tickets/{ticket_id}/timeline")[1]["events"]
        return [e for e in events if e["type"] == "email.received"]

    (event,) = wait_for(received, 30, "the reply on the timeline")
    assert event["data"]["new_text"] == "Fotoğrafları ekledim."
    assert len(her_tickets()) == 1


def test_ingest_command_feeds_the_running_stack(running_stack, tmp_path):
    from infra.cli import main

    address = f"andris.{uuid.uuid4().hex[:8]}@example.lv"
    mail = EmailMessage()
    mail["From"] = f"Andris Kalniņš <{address}>"
    mail["To"] = "support@complaintdesk.example"
    mail["Subject"] = "Prece nav piegādāta"
    mail.set_content("Labdien! Pasūtījums nav saņemts jau divas nedēļas.\n")
    eml = tmp_path / "complaint.eml"
    eml.write_bytes(mail.as_bytes())
    bucket = running_stack.info["resources"]["MailBucket"]
    assert main(["ingest", str(eml), "--endpoint", running_stack.info["moto_url"], "--bucket", bucket]) == 0

    def tickets():
        status, found = running_stack.call("GET", f"/customers?email={address}")
        return found["tickets"] if status == 200 and found["tickets"] else None

    (summary,) = wait_for(tickets, 30, "the ticket from the ingested file")
    assert running_stack.call("GET", f"/tickets/{summary['ticket_id']}")[1]["language"] == "lv"


def test_the_cli_reads_the_running_stack(running_stack, tmp_path):
    """`complaintdesk report` and `sync-categories` find the local stack by themselves."""
    import os
    import subprocess
    import sys

    state = running_stack.outbox.parent / "stack.json"
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_") and k != "TABLE_NAME"}
    code = (
        "import infra.cli as cli, pathlib, sys; cli.STATE_FILE = pathlib.Path(sys.argv[1]); "
        "raise SystemExit(cli.main(sys.argv[2:]))"
    )
    sync = [sys.executable, "-c", code, str(state), "sync-categories"]
    run = subprocess.run(sync, env=env, capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    # `make run` published the five at start; a test sharing this stack (the console's editor) may
    # have published an edit since, which the sync keeps (a deploy does not undo the business's edit).
    lines = [line.split() for line in run.stdout.splitlines() if line.strip()]
    assert len(lines) == 5 and all(line[2] in ("unchanged", "kept") for line in lines), run.stdout
    again = subprocess.run(sync, env=env, capture_output=True, text=True, timeout=60)
    assert again.returncode == 0, again.stderr
    assert [line.split()[:3] for line in again.stdout.splitlines() if line.strip()] == [
        line[:3] for line in lines
    ], again.stdout
    chart = tmp_path / "trend.png"
    run = subprocess.run(
        [
            sys.executable,
            "-c",
            code,
            str(state),
            "report",
            "trend",
            "--metric",
            "opened",
            "--chart",
            str(chart),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 0, run.stderr
    assert chart.read_bytes()[:4] == b"\x89PNG"
