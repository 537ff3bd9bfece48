"""The customer's e-mail attachments are listed with the ticket's uploads and download through
presigned URLs (moto in-process; the mail takes the real path through functions/email_ingest)."""

from __future__ import annotations

import requests

from tests.integration.mail.conftest import message
from tests.integration.test_attachments import PDF, declare, upload


def test_mail_attachments_are_listed_beside_uploads_and_download_byte_for_byte(mailroom, api):
    # Given a customer's complaint by e-mail with a receipt and a file that may be harmful
    mail = message()
    mail.add_attachment(PDF, maintype="application", subtype="pdf", filename="fiş ödeme.pdf")
    mail.add_attachment(
        b"MZ\x90\x00", maintype="application", subtype="octet-stream", filename="photo.jpg.exe"
    )
    mail.add_attachment(b"<script>alert(1)</script>", maintype="text", subtype="html", filename="order.html")
    result = mailroom.send(mail)
    assert result.outcome == "ticket"
    ticket_id = result.ticket_id
    # and a reply in the same thread with a photo
    reply = message(subject=f"[{ticket_id}] one more photo")
    reply.add_attachment(b"\x89PNG\r\n\x1a\n crack", maintype="image", subtype="png", filename="crack.png")
    assert mailroom.send(reply).outcome == "interaction"
    # and an agent's own upload
    status, declared = declare(api, ticket_id)
    upload(declared["upload"], PDF)
    assert api.post(f"/tickets/{ticket_id}/attachments/{declared['attachment_id']}/confirm")[0] == 200

    # When staff list the ticket's files
    status, listed = api.get(f"/tickets/{ticket_id}/attachments")
    assert status == 200
    files = {f["filename"]: f for f in listed["attachments"]}
    # Then every file is there, the customer's marked as e-mail from the sender, oldest first
    assert [f["filename"] for f in listed["attachments"]] == [
        "fiş ödeme.pdf",
        "photo.jpg.exe",
        "order.html",
        "crack.png",
        "receipt.pdf",
    ]
    assert {f["source"] for f in listed["attachments"][:4]} == {"email"}
    assert files["crack.png"]["added_by"] == "ayse@example.com"
    assert files["receipt.pdf"]["source"] == "staff"
    assert files["photo.jpg.exe"]["dangerous"] is True and files["fiş ödeme.pdf"]["dangerous"] is False
    # Ids are stable: listing again gives the same ones
    again = api.get(f"/tickets/{ticket_id}/attachments")[1]["attachments"]
    assert [f["attachment_id"] for f in again] == [f["attachment_id"] for f in listed["attachments"]]
    # And each downloads byte for byte as an attachment; what a browser must not render is plain bytes
    got = requests.get(files["fiş ödeme.pdf"]["download_url"], timeout=10)
    assert got.content == PDF and got.headers["Content-Type"] == "application/pdf"
    assert got.headers["Content-Disposition"].startswith("attachment;")
    got = requests.get(files["crack.png"]["download_url"], timeout=10)
    assert got.content == b"\x89PNG\r\n\x1a\n crack"
    for risky in ("order.html", "photo.jpg.exe"):
        got = requests.get(files[risky]["download_url"], timeout=10)
        assert got.headers["Content-Type"] == "application/octet-stream"
        assert got.headers["Content-Disposition"].startswith("attachment;")
