"""Ticket files on the running local stack: an API client creates a ticket declaring a file, uploads
it over HTTP to the presigned POST (the stack's moto server), confirms it, downloads it through the
presigned GET, and an agent's public reply carries it to the customer's outbox."""

from __future__ import annotations

import email
import uuid
from email import policy

import pytest
import requests

from tests.e2e.conftest import wait_for

pytestmark = pytest.mark.e2e

PDF = b"%PDF-1.4\n% iade makbuzu\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"


def test_a_file_goes_up_comes_down_and_leaves_with_a_reply(running_stack):
    address = f"deniz.{uuid.uuid4().hex[:8]}@example.com"
    # Given an API ticket that declares a receipt
    status, ticket = running_stack.call(
        "POST",
        "/tickets",
        {
            "channel": "api",
            "subject": "İade tutarı eksik",
            "description": "İade edilen tutar faturadakinden az.",
            "customer": {"name": "Deniz Aydın", "email": address, "language": "tr"},
            "attachments": [{"filename": "makbuz.pdf", "content_type": "application/pdf", "size": len(PDF)}],
        },
        role="integration",
    )
    assert status == 201, ticket
    ticket_id = ticket["ticket_id"]
    (offer,) = ticket["uploads"]
    # When the client posts the file to the presigned URL, as a browser form would, and confirms it
    form = offer["upload"]
    sent = requests.post(
        form["url"], data=form["fields"], files={form["file_field"]: ("makbuz.pdf", PDF)}, timeout=30
    )
    assert sent.status_code in (200, 201, 204), sent.text
    path = f"/tickets/{ticket_id}/attachments/{offer['attachment_id']}/confirm"
    status, confirmed = running_stack.call("POST", path, role="integration")
    assert status == 200 and confirmed["state"] == "uploaded", confirmed
    # Then staff download the same bytes under the file's name
    status, listed = running_stack.call("GET", f"/tickets/{ticket_id}/attachments")
    (file,) = listed["attachments"]
    got = requests.get(file["download_url"], timeout=30)
    assert got.status_code == 200 and got.content == PDF
    assert got.headers["Content-Disposition"].startswith('attachment; filename="makbuz.pdf"')

    # When an agent answers publicly with the file
    status, comment = running_stack.call(
        "POST",
        f"/tickets/{ticket_id}/comments",
        {"body": "Makbuzunuzu inceledik; farkı iade ediyoruz.", "visibility": "public",
         "attachment_ids": [offer["attachment_id"]]},
    )  # fmt: skip
    assert status == 201, comment

    # Then the e-mail in the customer's outbox carries the file byte for byte
    def reply_with_file():
        for path in sorted(running_stack.outbox.glob(f"*{ticket_id}*.eml")):
            message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
            files = [(p.get_filename(), p.get_payload(decode=True)) for p in message.iter_attachments()]
            if files:
                return files
        return None

    assert wait_for(reply_with_file, 30, "the reply with its file in the outbox") == [("makbuz.pdf", PDF)]
