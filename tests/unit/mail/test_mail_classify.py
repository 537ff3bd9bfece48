"""Auto replies, bounces (RFC 3464 and common shapes), reports and ordinary messages."""

from __future__ import annotations

from pathlib import Path

import pytest

from complaintdesk.mail import classify, parse_email

DATA = Path(__file__).resolve().parents[2] / "data" / "mail"


def _mail(
    headers: str = "", body: str = "My parcel never arrived.", sender: str = "Jo <jo@example.com>"
) -> bytes:
    head = f"From: {sender}\nTo: support@complaintdesk.example\nMessage-ID: <m1@example.com>\n{headers}"
    if "Subject:" not in headers:
        head += "Subject: Late parcel\n"
    return f"{head}\n{body}\n".encode()


def test_an_ordinary_message_is_a_message() -> None:
    parsed = parse_email(_mail())
    assert classify(parsed) == "message"
    assert parsed.auto_submitted is False
    assert parsed.auto_reason is None


@pytest.mark.parametrize(
    ("headers", "reason"),
    [
        ("Auto-Submitted: auto-replied\n", "Auto-Submitted: auto-replied"),
        ("Auto-Submitted: auto-generated; owner-email=x@example.com\n", "Auto-Submitted: auto-generated"),
        ("Precedence: bulk\n", "Precedence: bulk"),
        ("Precedence: junk\n", "Precedence: junk"),
        ("Precedence: list\n", "mailing list (Precedence: list)"),
        ("Precedence: auto_reply\n", "Precedence: auto_reply"),
        ("X-Autoreply: yes\n", "x-autoreply: yes"),
        ("X-Autorespond: Vacation\n", "x-autorespond: vacation"),
        ("X-Auto-Response-Suppress: All\n", "X-Auto-Response-Suppress: all"),
        ("X-Auto-Response-Suppress: DR, OOF\n", "X-Auto-Response-Suppress: oof"),
        ("List-Id: <news.example.com>\n", "mailing list (List-Id)"),
        ("List-Unsubscribe: <mailto:leave@example.com>\n", "mailing list (List-Unsubscribe)"),
        ("Return-Path: <>\n", "null Return-Path"),
        ("Subject: Automatic reply: Late parcel\n", "vacation subject"),
        ("Subject: Out of Office: back on Monday\n", "vacation subject"),
        ("Subject: Otomatik yanıt: Şikâyet\n", "vacation subject"),
        ("Subject: Automātiskā atbilde: Sūdzība\n", "vacation subject"),
    ],
)
def test_auto_replies_are_recognised(headers: str, reason: str) -> None:
    parsed = parse_email(_mail(headers))
    assert parsed.kind == "auto_reply"
    assert parsed.auto_submitted is True
    assert parsed.auto_reason == reason


@pytest.mark.parametrize(
    "headers",
    [
        "Auto-Submitted: no\n",
        "X-Auto-Response-Suppress: DR, RN\n",
        "Subject: Re: your automatic reply did not help\n",  # weak signal only at the start
    ],
)
def test_near_misses_stay_messages(headers: str) -> None:
    assert parse_email(_mail(headers)).kind == "message"


def test_rfc3834_auto_reply_file() -> None:
    parsed = parse_email((DATA / "auto-reply-rfc3834.eml").read_bytes())
    assert parsed.kind == "auto_reply"
    assert parsed.auto_reason == "Auto-Submitted: auto-replied"
    assert parsed.subject == "Otomatik yanıt: Re: [C-2026-000123]"


def test_rfc3464_dsn_is_a_bounce_with_recipient_and_status() -> None:
    parsed = parse_email((DATA / "dsn-user-unknown.eml").read_bytes())

    assert parsed.kind == "bounce"
    assert parsed.bounce is not None
    assert parsed.bounce.recipients == ["no.such.user@example.org"]
    assert parsed.bounce.status == "5.1.1"
    assert parsed.bounce.permanent is True
    assert parsed.bounce.action == "failed"
    assert parsed.bounce.diagnostic is not None and "User unknown" in parsed.bounce.diagnostic
    # The returned headers are evidence kept as an attachment, not text.
    assert [attachment.content_type for attachment in parsed.attachments] == ["text/rfc822-headers"]


def _dsn(action: str, status: str, diagnostic: str = "smtp; 450 try later") -> bytes:
    return f"""From: MAILER-DAEMON@mx.example.net
To: support@complaintdesk.example
Subject: Delivery Status Notification
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status; boundary="b"

--b
Content-Type: text/plain

Notice.
--b
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.example.net

Final-Recipient: rfc822; someone@example.org
Action: {action}
Status: {status}
Diagnostic-Code: {diagnostic}

--b--
""".encode()


def test_delayed_dsn_is_not_a_bounce() -> None:
    parsed = parse_email(_dsn("delayed", "4.4.1"))
    assert parsed.kind == "auto_reply"
    assert parsed.bounce is not None and parsed.bounce.permanent is False


def test_failed_with_transient_status_is_a_soft_bounce() -> None:
    parsed = parse_email(_dsn("failed", "4.2.2", "smtp; 452 mailbox full"))
    assert parsed.kind == "bounce"
    assert parsed.bounce is not None
    assert (parsed.bounce.status, parsed.bounce.permanent) == ("4.2.2", False)


def test_challenge_response_dsn_is_an_auto_reply() -> None:
    parsed = parse_email(_dsn("failed", "4.7.0", "X-Boxbe-Notice; Sender not pre-approved"))
    assert parsed.kind == "auto_reply"
    assert parsed.auto_reason == "challenge/response sender verification"


def test_non_standard_bounce_from_mailer_daemon() -> None:
    raw = _mail(
        "Subject: failure notice\n",
        body="Hi. This is the qmail-send program.\n<gone@example.org>:\nSorry, no mailbox here by that name. "
        "(#5.1.1)\n",
        sender="MAILER-DAEMON@mail.example.net",
    )
    parsed = parse_email(raw)
    assert parsed.kind == "bounce"
    assert parsed.bounce is not None
    assert parsed.bounce.recipients == ["gone@example.org"]
    assert parsed.bounce.status == "5.1.1"
    assert parsed.bounce.permanent is True


def test_a_customer_complaining_about_bounces_is_still_a_message() -> None:
    raw = _mail("Subject: Undeliverable parcel\n", body="Your courier says my address does not exist!")
    assert parse_email(raw).kind == "message"


def test_read_receipt_is_an_auto_reply() -> None:
    raw = b"""From: Jo <jo@example.com>
To: support@complaintdesk.example
Subject: Read: Late parcel
MIME-Version: 1.0
Content-Type: multipart/report; report-type=disposition-notification; boundary="b"

--b
Content-Type: text/plain

Your message was displayed.
--b
Content-Type: message/disposition-notification

Final-Recipient: rfc822; jo@example.com
Disposition: manual-action/MDN-sent-manually; displayed

--b--
"""
    parsed = parse_email(raw)
    assert parsed.kind == "auto_reply"
    assert parsed.bounce is None
