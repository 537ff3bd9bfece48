"""The verdicts taken before any lookup (mail/verdicts.py) and the customer's language (mail/language.py):
pure, so every rule is checked here without moto."""

from __future__ import annotations

from email.message import EmailMessage

import pytest

from complaintdesk.mail import parse_email
from complaintdesk.mail.language import guess_language
from complaintdesk.mail.verdicts import Verdict, is_list_mail, is_own_address, verdict

OURS = "support@complaintdesk.example"


def _mail(sender: str = "jo@example.com", subject: str = "Broken kettle", **headers: str) -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = OURS
    message["Subject"] = subject
    message["Message-ID"] = "<m1@example.com>"
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content("The kettle arrived broken; please replace it.")
    return message.as_bytes()


def _verdict(raw: bytes) -> Verdict | None:
    return verdict(raw, parse_email(raw), OURS)


def test_a_person_writing_gets_no_verdict() -> None:
    assert _verdict(_mail()) is None


@pytest.mark.parametrize(
    ("sender", "ours"),
    [
        ("support@complaintdesk.example", True),
        ("Support+C-2026-000001.ab12@ComplaintDesk.example", True),
        ("support@other.example", False),
        ("support-team@complaintdesk.example", False),
        ("not-an-address", False),
    ],
)
def test_own_address_with_or_without_plus_tag(sender: str, ours: bool) -> None:
    assert is_own_address(sender, OURS) is ours


def test_ses_verdict_comes_first_then_the_loop() -> None:
    # A message from our own address that SES also marked as a virus is held for the virus
    raw = _mail(sender=OURS, X_SES_Virus_Verdict="FAIL")
    assert _verdict(raw) == Verdict("quarantine", "virus", "SES virus scan verdict: FAIL")
    assert _verdict(_mail(sender=OURS)) == Verdict(
        "quarantine", "own_address", "sent from our own address (a mail loop)"
    )


def test_a_bounce_is_handed_to_the_intake_not_quarantined() -> None:
    raw = _mail(sender="MAILER-DAEMON@mx.example.com", subject="Undelivered Mail Returned to Sender")
    raw = raw.replace(
        b"The kettle arrived broken; please replace it.",
        b"Delivery to the following recipient failed permanently:\n\n    jo@example.com\n\n550 5.1.1 no such user",
    )
    parsed = parse_email(raw)
    assert parsed.kind == "bounce"
    assert verdict(raw, parsed, OURS) == Verdict("bounce")


def test_list_mail_is_only_an_automatic_kind_of_message() -> None:
    listed = parse_email(_mail(List_Id="<kettles.lists.example.com>", Precedence="list"))
    assert listed.kind == "auto_reply" and is_list_mail(listed)
    vacation = parse_email(_mail(subject="Out of office", Auto_Submitted="auto-replied"))
    assert vacation.kind == "auto_reply" and not is_list_mail(vacation)
    assert not is_list_mail(parse_email(_mail()))


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Merhaba, siparişim kırık geldi. Lütfen iade edin, teşekkürler.", "tr"),
        ("Labdien, mans pasūtījums nav piegādāts. Lūdzu, palīdziet.", "lv"),
        ("Hello, my order arrived broken. Please replace it.", "en"),
        ("ş", "en"),  # too little evidence
        ("", "en"),
    ],
)
def test_language_from_letters_and_common_words(text: str, language: str) -> None:
    assert guess_language(text) == language
