"""Attachments: limits, dangerous types, inline images; and mail that cannot be a complaint."""

from __future__ import annotations

from email.message import EmailMessage
from pathlib import Path

import pytest

from complaintdesk.mail import MailParseError, is_dangerous, parse_email

DATA = Path(__file__).resolve().parents[2] / "data" / "mail"


def _with_attachments(*files: tuple[str, bytes]) -> bytes:
    message = EmailMessage()
    message["From"] = "jo@example.com"
    message["To"] = "support@complaintdesk.example"
    message["Subject"] = "Photos"
    message.set_content("See attached.")
    for name, data in files:
        message.add_attachment(data, maintype="application", subtype="octet-stream", filename=name)
    return message.as_bytes()


def test_nested_multipart_with_inline_image_and_attachments() -> None:
    parsed = parse_email((DATA / "nested-multipart.eml").read_bytes())

    assert parsed.text == "Ürün kırık geldi. Fotoğraf ve fatura ekte."  # plain chosen over HTML
    rows = [(a.filename, a.content_type, a.inline, a.dangerous) for a in parsed.attachments]
    assert rows == [
        ("kırık.png", "image/png", True, False),
        ("fatura.pdf", "application/pdf", False, False),
        ("fatura.pdf.exe", "application/octet-stream", False, True),
        ("rapor.docm", "application/vnd.ms-word.document.macroenabled.12", False, True),
    ]
    image = parsed.attachments[0]
    assert image.content_id == "photo1@example"
    assert image.data.startswith(b"\x89PNG") and image.size == len(image.data)


def test_size_limit_skips_and_records() -> None:
    raw = _with_attachments(("small.txt", b"x" * 10), ("big.bin", b"y" * 2000))
    parsed = parse_email(raw, max_attachment_bytes=1000)
    assert [a.filename for a in parsed.attachments] == ["small.txt"]
    assert parsed.skipped_attachments == ["big.bin: 2000 bytes, over the 1000-byte limit"]


def test_count_limit_skips_and_records() -> None:
    raw = _with_attachments(*[(f"f{index}.txt", b"z") for index in range(4)])
    parsed = parse_email(raw, max_attachments=2)
    assert [a.filename for a in parsed.attachments] == ["f0.txt", "f1.txt"]
    assert parsed.skipped_attachments == [
        "f2.txt: more than 2 attachments",
        "f3.txt: more than 2 attachments",
    ]


def test_filenames_are_made_safe() -> None:
    parsed = parse_email(_with_attachments(("../../etc/passwd", b"a"), ("photo\u202egpj.exe", b"b")))
    names = [(a.filename, a.dangerous) for a in parsed.attachments]
    assert names == [("passwd", False), ("photogpj.exe", True)]


@pytest.mark.parametrize(
    ("name", "content_type", "dangerous"),
    [
        ("setup.EXE", "application/octet-stream", True),
        ("invoice.pdf.js", "application/octet-stream", True),
        ("invoice.pdf   .scr", "application/octet-stream", True),
        ("macro.xlsm", "application/octet-stream", True),
        ("disk.iso", "application/octet-stream", True),
        ("run.bat", "text/plain", True),
        ("photo.jpg.zip", "application/zip", True),  # decoy double extension
        ("noext", "application/x-msdownload", True),
        ("data.csv.gz", "application/gzip", False),
        ("archive.tar.gz", "application/gzip", False),
        ("report.pdf", "application/pdf", False),
        ("photo.jpeg", "image/jpeg", False),
        ("notes.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", False),
    ],
)
def test_dangerous_types(name: str, content_type: str, dangerous: bool) -> None:
    assert is_dangerous(name, content_type) is dangerous


@pytest.mark.parametrize("raw", [b"", b"   \r\n  ", b"just some text without headers\n"])
def test_empty_or_headerless_input_is_unusable(raw: bytes) -> None:
    with pytest.raises(MailParseError):
        parse_email(raw)


def test_a_message_without_sender_is_unusable() -> None:
    with pytest.raises(MailParseError) as caught:
        parse_email(b"To: support@complaintdesk.example\nSubject: who am I\n\nhello\n")
    assert "no sender address" in caught.value.reason


def test_sender_falls_back_to_return_path() -> None:
    raw = b"Return-Path: <jo@example.com>\nFrom: undisclosed\nSubject: hi\n\nhello\n"
    assert parse_email(raw).from_address == "jo@example.com"


def test_broken_boundary_degrades_to_text_with_a_defect() -> None:
    raw = (
        b"From: jo@example.com\nSubject: broken\nMIME-Version: 1.0\n"
        b'Content-Type: multipart/mixed; boundary="nowhere"\n\nThe parcel is late.\n'
    )
    parsed = parse_email(raw)
    assert "The parcel is late." in parsed.text
    assert "multipart/mixed without usable boundary, read as text" in parsed.defects
