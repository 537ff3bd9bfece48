"""build_email with files: multipart/mixed around the text, one base64 part per file, SES's size limit."""

from __future__ import annotations

import email
from email.message import EmailMessage
from email.policy import default

import pytest

from complaintdesk.notify import compose
from complaintdesk.notify.compose import MailFile, MessageTooLarge, build_email
from complaintdesk.notify.templates import Rendered

TICKET = "C-2026-000123"
PDF = b"%PDF-1.4\n\x00\xff binary bytes\n%%EOF\n"


def _build(files: list[MailFile]) -> EmailMessage:
    rendered = Rendered(
        subject="Our answer", text="Hello\nsee the file\n", html="<p>Hello</p>", sms="hi", language="tr"
    )
    return build_email(
        rendered,
        to="ali@example.com",
        sender="support@complaintdesk.example",
        reply_to="support@complaintdesk.example",
        ticket_id=TICKET,
        attachments=files,
    )


def test_files_ride_beside_the_text_and_come_back_byte_for_byte() -> None:
    files = [
        MailFile("İade formu.pdf", "application/pdf", PDF),
        MailFile("notes.txt", "text/plain", "Kasım: ğüşiöç\n".encode()),
    ]
    parsed = email.message_from_bytes(_build(files).as_bytes(), policy=default)
    assert isinstance(parsed, EmailMessage)
    assert parsed.get_content_type() == "multipart/mixed"
    assert parsed["Content-Language"] == "tr" and parsed["Subject"] == f"[{TICKET}] Our answer"
    body = parsed.get_body(preferencelist=("plain",))
    assert body is not None and "see the file" in body.get_content()
    got = [
        (p.get_filename(), p.get_content_type(), p.get_payload(decode=True))
        for p in parsed.iter_attachments()
    ]
    assert got == [(f.filename, f.content_type, f.data) for f in files]
    assert all(p["Content-Transfer-Encoding"] == "base64" for p in parsed.iter_attachments())


def test_a_name_cannot_inject_headers_and_a_bad_type_is_plain_bytes() -> None:
    parsed = email.message_from_bytes(
        _build([MailFile("a\r\nBcc: evil@x.pdf", "nonsense", b"x")]).as_bytes(), policy=default
    )
    assert parsed["Bcc"] is None
    (part,) = parsed.iter_attachments()
    assert part.get_content_type() == "application/octet-stream"
    assert "\n" not in (part.get_filename() or "")


def test_more_than_ses_sends_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(compose, "SES_RAW_MESSAGE_LIMIT", 4096)
    with pytest.raises(MessageTooLarge, match="SES sends at most 4096"):
        _build([MailFile("big.pdf", "application/pdf", b"\x00" * 3000)])
    # without files the limit is not computed (a text alone is far below it)
    assert _build([]).get_content_type() == "multipart/alternative"
