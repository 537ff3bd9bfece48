"""Machine mail never looks like a customer (issue 12): every rule of the gate on a message built for
it, in tr/lv/ja/de/ru (tests/data/mail/machine/), and the sender spellings daemons use."""

from __future__ import annotations

from email.message import EmailMessage
from pathlib import Path

import pytest

from complaintdesk.mail import parse_email
from complaintdesk.mail.classify import is_daemon_sender, provider_notification

DATA = Path(__file__).resolve().parents[2] / "data" / "mail" / "machine"

# file, kind, reason (start of), bounce: (recipients, permanent, status) or None
CASES = [
    # RFC 3464 reports, both status-part content types, failure / delay / success
    ("dsn-text-delivery-status-de.eml", "bounce", "delivery status notification",
     (["kunde.mueller@beispiel.de"], True, "5.1.1")),
    ("dsn-message-delivery-status-ja.eml", "bounce", "delivery status notification",
     (["tanaka@example.jp"], True, "5.1.1")),
    ("dsn-delayed-ru.eml", "auto_reply", "delivery status notification (delayed)",
     (["ivanov@example.ru"], False, "4.4.7")),
    ("dsn-delivered-tr.eml", "auto_reply", "delivery status notification (delivered)",
     (["ayse@ornek.com.tr"], False, "2.0.0")),
    # RFC 3798 read receipt, RFC 5965 abuse report
    ("mdn-read-receipt-lv.eml", "auto_reply", "read receipt", None),
    ("arf-feedback-report-de.eml", "feedback_report", "abuse feedback report", None),
    # Daemon senders without a report: post_master, a flattened DSN, Exim's X-Failed-Recipients
    ("daemon-post-master-ja.eml", "bounce", "delivery failure notice", (["suzuki@example.jp"], True, None)),
    ("daemon-flattened-dsn-ru.eml", "bounce", "delivery failure notice", (["petrova@example.ru"], True, "5.2.1")),
    ("exim-failed-recipients-tr.eml", "bounce", "delivery failure notice", (["mehmet@ornek.com.tr"], True, None)),
    ("daemon-delay-de.eml", "auto_reply", "delivery delay, success", None),
    ("daemon-success-ru.eml", "auto_reply", "delivery delay, success", None),
    # RFC 3834, Precedence, RFC 2369/2919 lists, a null Return-Path
    ("auto-submitted-generated-de.eml", "auto_reply", "Auto-Submitted: auto-generated", None),
    ("precedence-junk-ru.eml", "auto_reply", "Precedence: junk", None),
    ("list-id-newsletter-lv.eml", "auto_reply", "mailing list (List-Id)", None),
    ("null-return-path-ja.eml", "auto_reply", "null Return-Path", None),
    # Amazon SES notifications mailed through SNS (JSON bodies)
    ("ses-bounce-json-tr.eml", "bounce", "SES bounce notification", (["zeynep@ornek.com.tr"], True, "5.1.1")),
    ("ses-complaint-json-de.eml", "feedback_report", "SES complaint notification", None),
    ("ses-delivery-json-lv.eml", "auto_reply", "SES notification (Delivery)", None),
    # Doubtful: quarantined as machine_suspected
    ("sns-unreadable-ru.eml", "machine_suspected", "provider notification mail without a readable body", None),
    ("daemon-unrecognised-lv.eml", "machine_suspected", "daemon sender", None),
    ("list-admin-request-de.eml", "machine_suspected", "mailing-list software address", None),
    ("dsn-fields-in-body-tr.eml", "machine_suspected", "delivery-status fields in the body", None),
]  # fmt: skip


@pytest.mark.parametrize(("name", "kind", "reason", "bounce"), CASES, ids=[case[0] for case in CASES])
def test_every_rule_on_its_own_message(name: str, kind: str, reason: str, bounce: tuple | None) -> None:
    parsed = parse_email((DATA / name).read_bytes())

    assert parsed.kind == kind
    assert parsed.auto_submitted is True
    assert parsed.auto_reason is not None and parsed.auto_reason.startswith(reason)
    if bounce is None:
        assert parsed.bounce is None or parsed.kind != "bounce"
    else:
        assert parsed.bounce is not None
        assert (parsed.bounce.recipients, parsed.bounce.permanent, parsed.bounce.status) == bounce


def test_the_notices_are_read_in_their_own_language() -> None:
    japanese = parse_email((DATA / "dsn-message-delivery-status-ja.eml").read_bytes())
    assert japanese.subject == "メール配信エラー" and "配信できませんでした" in japanese.text
    russian = parse_email((DATA / "dsn-delayed-ru.eml").read_bytes())
    assert russian.subject == "Задержка доставки сообщения" and "Попытки продолжаются" in russian.text


@pytest.mark.parametrize(
    "address",
    [
        "MAILER-DAEMON@mx.example.com", "mailer_daemon@mx.example.com", "Mailer.Daemon@mx.example.com",
        "mailerdaemon@mx.example.com", "postmaster@example.com", "post_master@example.com",
        "Post-Master@example.com", "mail-delivery-system@example.com", "bounces+abc123@example.com",
    ],
)  # fmt: skip
def test_daemon_sender_spellings(address: str) -> None:
    assert is_daemon_sender(address, "")


@pytest.mark.parametrize(
    ("sender", "subject", "body"),
    [
        (
            "Kaito Sato <store-admin@example.jp>",
            "不在票が入っていましたが荷物が届きません",
            "再配達をお願いします。",
        ),
        ("Klaus Postmann <postmann@beispiel.de>", "Lieferung", "Meine Lieferung fehlt."),
        ("Masha <bounce.house@example.ru>", "Батут сломан", "Батут порвался через день."),
    ],
)
def test_customers_that_look_a_little_like_machines_are_customers(
    sender: str, subject: str, body: str
) -> None:
    mail = EmailMessage()
    mail["From"], mail["To"], mail["Subject"] = sender, "support@complaintdesk.example", subject
    mail.set_content(body)
    parsed = parse_email(mail.as_bytes())
    assert (parsed.kind, parsed.auto_reason) == ("message", None)


def test_a_person_named_like_a_post_office_is_not_a_daemon() -> None:
    assert not is_daemon_sender("postmann@example.de", "Klaus Postmann")
    assert not is_daemon_sender("master@example.com", "")


def built(headers: dict[str, str], body: str, sender: str = "Derya Kaya <derya@ornek.com.tr>") -> bytes:
    mail = EmailMessage()
    mail["From"] = sender
    mail["To"] = "support@complaintdesk.example"
    mail["Subject"] = "Sipariş hakkında"
    for name, value in headers.items():
        mail[name] = value
    mail.set_content(body)
    return mail.as_bytes()


@pytest.mark.parametrize(
    ("headers", "reason"),
    [
        ({"Auto-Submitted": "auto-notified"}, "Auto-Submitted: auto-notified"),
        ({"Auto-Submitted": "auto-generated (nightly)"}, "Auto-Submitted: auto-generated (nightly)"),
        ({"List-Post": "<mailto:liste@ornek.com.tr>"}, "mailing list (List-Post)"),
        ({"List-Help": "<mailto:liste-request@ornek.com.tr?subject=help>"}, "mailing list (List-Help)"),
        ({"List-Archive": "<https://ornek.com.tr/arsiv>"}, "mailing list (List-Archive)"),
        ({"Return-Path": "<>"}, "null Return-Path"),
    ],
)
def test_header_rules_on_built_messages(headers: dict[str, str], reason: str) -> None:
    parsed = parse_email(built(headers, "Merhaba, bu otomatik bir iletidir."))
    assert (parsed.kind, parsed.auto_reason) == ("auto_reply", reason)


def test_auto_submitted_no_is_a_person() -> None:
    parsed = parse_email(built({"Auto-Submitted": "no"}, "Merhaba, kargom gelmedi."))
    assert parsed.kind == "message" and parsed.auto_reason is None


def test_a_status_part_outside_a_report_still_marks_the_bounce() -> None:
    mail = EmailMessage()
    mail["From"] = "Posta Sunucusu <mailer-daemon@ornek.com.tr>"
    mail["To"] = "support@complaintdesk.example"
    mail["Subject"] = "Bilgi"
    mail.set_content("İletiniz teslim edilemedi.")
    mail.add_attachment(
        b"Reporting-MTA: dns; ornek.com.tr\r\n\r\nFinal-Recipient: rfc822; elif@ornek.com.tr\r\n"
        b"Action: failed\r\nStatus: 5.1.1\r\n",
        maintype="text",
        subtype="delivery-status",
    )
    parsed = parse_email(mail.as_bytes())
    assert parsed.kind == "bounce"
    assert parsed.bounce is not None and parsed.bounce.recipients == ["elif@ornek.com.tr"]
    assert parsed.bounce.permanent is True


def test_a_customer_pasting_json_is_not_a_provider_notification() -> None:
    assert provider_notification("derya@ornek.com.tr", '{"order": 123, "status": "lost"}') is None
    parsed = parse_email(built({}, '{"siparis": 123}\nKargom kayboldu.'))
    assert parsed.kind == "message"


def test_an_ses_notification_without_sns_envelope_is_read_too() -> None:
    body = '{"notificationType": "Bounce", "bounce": {"bounceType": "Transient", "bouncedRecipients": [{"emailAddress": "A@Ornek.com.tr"}]}}'
    kind, reason, bounce = provider_notification("no-reply@amazonses.com", body)  # type: ignore[misc]
    assert (kind, reason) == ("bounce", "SES bounce notification")
    assert bounce is not None and bounce.recipients == ["a@ornek.com.tr"] and bounce.permanent is False
