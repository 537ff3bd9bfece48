"""An agent's public reply carries ticket files by id: the e-mail holds them byte for byte; bad ids,
pending uploads and harmful mail attachments are refused naming ``attachment_ids``."""

from __future__ import annotations

import email
from email import policy

from tests.integration.test_attachments import PDF, declare, upload

PHOTO = b"\xff\xd8\xff\xe0 a jpeg of the repaired kettle"


def uploaded(api, ticket_id: str, data: bytes, **declared) -> str:
    status, offer = declare(api, ticket_id, data, **declared)
    assert status == 201
    upload(offer["upload"], data)
    assert api.post(f"/tickets/{ticket_id}/attachments/{offer['attachment_id']}/confirm")[0] == 200
    return offer["attachment_id"]


def test_a_public_reply_sends_the_named_files_with_the_email(notify):
    ticket = notify.ticket({"name": "Ayşe Yılmaz", "email": "ayse@example.com", "language": "tr"})
    tid = ticket["ticket_id"]
    notify.drain()
    before = len(notify.emails())
    # Given two files an agent uploaded to the ticket
    receipt = uploaded(notify.api, tid, PDF, filename="İade makbuzu.pdf")
    photo = uploaded(notify.api, tid, PHOTO, filename="kettle.jpg", content_type="image/jpeg")
    # When the agent answers publicly naming both
    body = {"body": "Merhaba Ayşe Hanım, makbuz ve fotoğraf ektedir.", "visibility": "public"}
    status, comment = notify.api.post(
        f"/tickets/{tid}/comments", {**body, "attachment_ids": [receipt, photo]}
    )
    assert status == 201
    assert [f["filename"] for f in comment["data"]["attachments"]] == ["İade makbuzu.pdf", "kettle.jpg"]
    notify.drain()
    # Then one e-mail goes out, the text first and both files as they were uploaded
    emails = notify.emails()
    assert len(emails) == before + 1
    parsed = email.message_from_bytes(emails[-1].message.as_bytes(), policy=policy.default)
    assert parsed.get_content_type() == "multipart/mixed"
    assert "makbuz ve fotoğraf ektedir" in parsed.get_body(preferencelist=("plain",)).get_content()
    files = [
        (p.get_filename(), p.get_content_type(), p.get_payload(decode=True))
        for p in parsed.iter_attachments()
    ]
    assert files == [("İade makbuzu.pdf", "application/pdf", PDF), ("kettle.jpg", "image/jpeg", PHOTO)]
    # And the timeline's record of the send names the files
    sent = [n for n in notify.notes(tid, "notification.sent") if n["data"]["template"] == "agent.reply"]
    assert [n["data"].get("attachments") for n in sent] == [["İade makbuzu.pdf", "kettle.jpg"]]


def test_files_that_cannot_go_out_are_refused_naming_attachment_ids(notify):
    tid = notify.ticket({"name": "Ali Veli", "email": "ali@example.com", "language": "tr"})["ticket_id"]
    other = notify.ticket({"name": "Ali Veli", "email": "ali@example.com", "language": "tr"})["ticket_id"]
    notify.drain()
    before = len(notify.emails())
    status, pending = declare(notify.api, tid)
    elsewhere = uploaded(notify.api, other, PDF)
    reply = {"body": "Ektedir.", "visibility": "public"}
    for ids, says in (
        ([pending["attachment_id"]], "is not uploaded yet"),
        ([elsewhere], f"is not a file of ticket {tid}"),
        (["AT-0123456789abcdef"], "is not a file of ticket"),
    ):
        status, error = notify.api.post(f"/tickets/{tid}/comments", {**reply, "attachment_ids": ids})
        assert status == 400, ids
        assert [d["field"] for d in error["error"]["details"]] == ["attachment_ids"]
        assert says in error["error"]["details"][0]["message"]
    # Shapes are checked before anything is read: a malformed id, files on an internal note
    status, error = notify.api.post(f"/tickets/{tid}/comments", {**reply, "attachment_ids": ["../x"]})
    assert status == 400 and error["error"]["details"][0]["field"] == "attachment_ids.0"
    status, error = notify.api.post(
        f"/tickets/{tid}/comments", {"body": "note", "visibility": "internal", "attachment_ids": [elsewhere]}
    )
    assert status == 400 and "public" in error["error"]["message"]
    # Nothing was recorded or sent for the refused replies
    notify.drain()
    assert len(notify.emails()) == before
    assert notify.notes(tid, "comment.public") == []
