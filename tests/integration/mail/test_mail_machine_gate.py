"""The machine-mail gate on the real ingest path (issue 12): no machine mail opens a ticket or gets
an acknowledgement, doubtful ones are quarantined as ``machine_suspected``, a DSN whose status part
is ``text/delivery-status`` marks the customer's dead address, and quoted local parts are customers."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote

import boto3

from tests.integration.mail.conftest import message

DATA = Path(__file__).resolve().parents[2] / "data" / "mail" / "machine"
ACCOUNT, REGION = "123456789012", "us-east-1"
MACHINE = {
    "arf-feedback-report-de.eml": "feedback_report",
    "auto-submitted-generated-de.eml": "auto_reply",
    "daemon-delay-de.eml": "auto_reply",
    "daemon-success-ru.eml": "auto_reply",
    "dsn-delayed-ru.eml": "auto_reply",
    "dsn-delivered-tr.eml": "auto_reply",
    "list-id-newsletter-lv.eml": "auto_reply",
    "mdn-read-receipt-lv.eml": "auto_reply",
    "null-return-path-ja.eml": "auto_reply",
    "precedence-junk-ru.eml": "auto_reply",
    "ses-complaint-json-de.eml": "feedback_report",
    "ses-delivery-json-lv.eml": "auto_reply",
    "daemon-unrecognised-lv.eml": "machine_suspected",
    "dsn-fields-in-body-tr.eml": "machine_suspected",
    "list-admin-request-de.eml": "machine_suspected",
    "sns-unreadable-ru.eml": "machine_suspected",
}
BOUNCES = [
    "daemon-flattened-dsn-ru.eml",
    "daemon-post-master-ja.eml",
    "dsn-message-delivery-status-ja.eml",
    "dsn-text-delivery-status-de.eml",
    "exim-failed-recipients-tr.eml",
    "ses-bounce-json-tr.eml",
]


def sent_mail() -> list:
    from moto.ses.models import ses_backends

    return ses_backends[ACCOUNT][REGION].sent_messages


def ticket_count(stack) -> int:
    table = boto3.resource("dynamodb").Table(stack.physical["TicketsTable"])
    return sum(1 for item in table.scan()["Items"] if item["SK"] == "TICKET")  # test inspection only


def test_machine_mail_never_opens_a_ticket_nor_is_acknowledged(mailroom, stack, deliver):
    sent_before = len(sent_mail())
    for name, reason in MACHINE.items():
        result = mailroom.send((DATA / name).read_bytes())
        assert (name, result.outcome, result.reason) == (name, "quarantined", reason)
        assert result.entry_id and result.detail
    for name in BOUNCES:
        result = mailroom.send((DATA / name).read_bytes())
        assert (name, result.outcome) == (name, "bounce")
    assert ticket_count(stack) == 0
    deliver("NotifyQueue")
    assert len(sent_mail()) == sent_before


def test_machine_suspected_is_quarantined_even_when_it_names_a_ticket(mailroom, api, deliver):
    first = mailroom.send(message(sender="Ilze Kalniņa <ilze@piemers.lv>"))
    deliver("NotifyQueue")
    sent_before = len(sent_mail())
    doubtful = message(
        sender="MAILER-DAEMON@pasts.piemers.lv",
        subject=f"Re: [{first.ticket_id}] Informācija",
        body="Labdien! Šī ir automātiska ziņa.",
        headers={"In-Reply-To": f"<{first.ticket_id}@x>"},
    )
    result = mailroom.send(doubtful)
    assert (result.outcome, result.reason) == ("quarantined", "machine_suspected")
    entry = api.get(f"/quarantine/{result.entry_id}")[1]
    assert entry["reason"] == "machine_suspected" and entry["detail"].startswith("daemon sender")
    deliver("NotifyQueue")
    assert len(sent_mail()) == sent_before


def test_a_text_delivery_status_dsn_marks_the_customer_bouncing(mailroom, api):
    first = mailroom.send(
        message(sender="Kunde Müller <kunde.mueller@beispiel.de>", subject="Lieferung fehlt")
    )
    assert first.outcome == "ticket"
    result = mailroom.send((DATA / "dsn-text-delivery-status-de.eml").read_bytes())
    assert (result.outcome, result.reason) == ("bounce", "permanent")
    assert result.detail == "kunde.mueller@beispiel.de"
    customer = api.get("/customers?email=kunde.mueller@beispiel.de")[1]["customer"]
    assert customer["email_status"] == "bouncing"


def test_an_ses_bounce_notification_marks_the_customer_bouncing(mailroom, api):
    mailroom.send(message(sender="Zeynep Ak <zeynep@ornek.com.tr>", subject="Kargo gelmedi"))
    result = mailroom.send((DATA / "ses-bounce-json-tr.eml").read_bytes())
    assert (result.outcome, result.reason, result.detail) == ("bounce", "permanent", "zeynep@ornek.com.tr")
    assert api.get("/customers?email=zeynep@ornek.com.tr")[1]["customer"]["email_status"] == "bouncing"


def test_list_mail_is_a_message_only_from_a_known_customer(mailroom):
    list_headers = {"List-Id": "Kunden <kunden.beispiel.de>", "Precedence": "list"}
    stranger = mailroom.send(message(sender="fremd@beispiel.de", headers=list_headers))
    assert (stranger.outcome, stranger.reason) == ("quarantined", "auto_reply")
    first = mailroom.send(message(sender="Anna Schmidt <anna@beispiel.de>", subject="Rechnung falsch"))
    assert first.outcome == "ticket"
    again = mailroom.send(
        message(sender="Anna Schmidt <anna@beispiel.de>", subject="Noch eine", headers=list_headers)
    )
    assert again.outcome == "ticket" and again.ticket_id != first.ticket_id


def test_a_quoted_local_part_opens_a_ticket(mailroom, api):
    result = mailroom.send((DATA / "de-quoted-local-part.eml").read_bytes())
    assert result.outcome == "ticket"
    ticket = api.get(f"/tickets/{result.ticket_id}")[1]
    assert ticket["subject"] == "Lieferung fehlt"
    status, customer = api.get("/customers?email=" + quote('"joerg mueller"@beispiel.de'))
    assert status == 200 and customer["customer"]["name"] == "Jörg Müller"
    assert [t["ticket_id"] for t in customer["tickets"]] == [result.ticket_id]
