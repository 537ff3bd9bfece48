"""Ticket files through presigned S3 URLs, against moto in-process: the API hands out the URLs, the
bytes go to S3 and back with ``requests`` (moto answers S3's URLs in-process), never through the API."""

from __future__ import annotations

import base64
import json
from urllib.parse import unquote

import boto3
import pytest
import requests

from tests.integration.test_tickets_api import complaint

PDF = b"%PDF-1.4\n% a receipt\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def declare(api, ticket_id: str, data: bytes = PDF, *, role: str | None = "agent", **overrides):
    body = {"filename": "receipt.pdf", "content_type": "application/pdf", "size": len(data), **overrides}
    return api.post(f"/tickets/{ticket_id}/attachments", body, role=role)


def upload(offer: dict, data: bytes, *, content_type: str | None = None) -> requests.Response:
    """What a browser form or an API client does with the presigned POST."""
    fields = dict(offer["fields"])
    if content_type is not None:
        fields["Content-Type"] = content_type
    name = "file.bin"
    return requests.post(offer["url"], data=fields, files={offer["file_field"]: (name, data)}, timeout=10)


def policy_of(offer: dict) -> dict:
    return json.loads(base64.b64decode(offer["fields"]["policy"]))


def new_ticket(api) -> str:
    status, created = api.post("/tickets", complaint())
    assert status == 201
    return created["ticket_id"]


def test_staff_upload_is_confirmed_recorded_and_downloaded(api, stack):
    ticket_id = new_ticket(api)
    # Given an agent declaring a receipt for the ticket
    status, declared = declare(api, ticket_id)
    assert status == 201
    assert declared["state"] == "pending" and declared["source"] == "staff"
    assert declared["attachment_id"].startswith("AT-") and declared["size"] == len(PDF)
    offer = declared["upload"]
    assert offer["method"] == "POST" and offer["file_field"] == "file"
    # The policy S3 enforces on AWS: this key only, this type only, exactly this size, signed v4
    conditions = policy_of(offer)["conditions"]
    key = offer["fields"]["key"]
    assert key.startswith(f"attachments/{ticket_id}/files/{declared['attachment_id']}/")
    assert {"key": key} in conditions and {"Content-Type": "application/pdf"} in conditions
    assert ["content-length-range", len(PDF), len(PDF)] in conditions
    assert offer["fields"]["x-amz-algorithm"] == "AWS4-HMAC-SHA256"
    # Nothing is listed for download before the upload is confirmed
    status, listed = api.get(f"/tickets/{ticket_id}/attachments")
    assert [(f["state"], f["download_url"]) for f in listed["attachments"]] == [("pending", None)]
    status, error = api.post(f"/tickets/{ticket_id}/attachments/{declared['attachment_id']}/confirm")
    assert status == 409 and "not uploaded yet" in error["error"]["message"]
    # When the file is posted to S3 and confirmed
    assert upload(offer, PDF).status_code in (200, 201, 204)
    status, confirmed = api.post(f"/tickets/{ticket_id}/attachments/{declared['attachment_id']}/confirm")
    assert status == 200 and confirmed["state"] == "uploaded"
    assert confirmed["added_by"].endswith("(agent)")
    # Then the timeline says who added which file, once, however often it is confirmed
    again = api.post(f"/tickets/{ticket_id}/attachments/{declared['attachment_id']}/confirm")
    assert again[0] == 200 and again[1]["added_at"] == confirmed["added_at"]
    events = api.get(f"/tickets/{ticket_id}/timeline")[1]["events"]
    added = [e for e in events if e["type"] == "attachment.added"]
    assert len(added) == 1
    assert added[0]["actor"] == confirmed["added_by"]
    assert added[0]["data"] == {
        "attachment_id": declared["attachment_id"],
        "name": "receipt.pdf",
        "content_type": "application/pdf",
        "size": len(PDF),
        "source": "staff",
    }
    # And the list gives a short-lived URL that downloads the same bytes under the file's name
    status, listed = api.get(f"/tickets/{ticket_id}/attachments")
    assert status == 200
    (file,) = listed["attachments"]
    assert file["state"] == "uploaded" and file["source"] == "staff"
    got = requests.get(file["download_url"], timeout=10)
    assert got.status_code == 200 and got.content == PDF
    assert got.headers["Content-Disposition"].startswith('attachment; filename="receipt.pdf"')
    assert got.headers["Content-Type"] == "application/pdf"


def test_a_file_name_in_any_script_is_downloaded_under_that_name(api):
    ticket_id = new_ticket(api)
    data = "Kasım faturası\n".encode()
    status, declared = declare(
        api, ticket_id, data, filename="Fatura Kasım ğüş.txt", content_type="text/plain"
    )
    assert status == 201
    upload(declared["upload"], data)
    assert api.post(f"/tickets/{ticket_id}/attachments/{declared['attachment_id']}/confirm")[0] == 200
    (file,) = api.get(f"/tickets/{ticket_id}/attachments")[1]["attachments"]
    got = requests.get(file["download_url"], timeout=10)
    assert got.content == data
    disposition = got.headers["Content-Disposition"]
    # An ASCII fallback and the exact name (RFC 6266 / 5987): a browser saves "Fatura Kasım ğüş.txt"
    assert disposition.startswith('attachment; filename="Fatura Kas_m ___.txt"; ')
    encoded = disposition.split("filename*=", 1)[1]
    assert (
        encoded.startswith("UTF-8''") and unquote(encoded.removeprefix("UTF-8''")) == "Fatura Kasım ğüş.txt"
    )


@pytest.mark.parametrize(
    ("overrides", "field", "says"),
    [
        ({"filename": "../../etc/passwd.pdf"}, "filename", "plain file name"),
        ({"filename": "invoice.pdf.exe"}, "filename", "program or script"),
        ({"filename": ""}, "filename", "at least 1 character"),
        ({"content_type": "text/html"}, "content_type", "not accepted"),
        ({"content_type": "application/pdf; charset=x"}, "content_type", "not a media type"),
        ({"size": 0}, "size", "greater than or equal to 1"),
        ({"size": 10 * 1024 * 1024 + 1}, "size", "less than or equal to 10485760"),
        ({"size": "12"}, "size", "valid integer"),
        ({"checksum": "abc"}, "checksum", "not a known field"),
    ],
)
def test_bad_declarations_are_refused_naming_the_field(api, stack, overrides, field, says):
    ticket_id = new_ticket(api)
    status, error = declare(api, ticket_id, **overrides)
    assert status == 400
    assert error["error"]["code"] == "invalid_input"
    assert [d["field"] for d in error["error"]["details"]] == [field]
    assert says in error["error"]["details"][0]["message"]
    # and nothing was written: the ticket has no files
    assert api.get(f"/tickets/{ticket_id}/attachments")[1]["attachments"] == []


def test_unknown_ticket_or_upload_is_404_and_customers_cannot_upload(api):
    assert declare(api, "C-2026-999999")[0] == 404
    assert api.get("/tickets/C-2026-999999/attachments")[0] == 404
    ticket_id = new_ticket(api)
    assert api.post(f"/tickets/{ticket_id}/attachments/AT-0000000000000000/confirm")[0] == 404
    assert declare(api, ticket_id, role=None)[0] == 401


def test_an_upload_that_is_not_what_was_declared_is_removed(api, stack):
    # moto does not enforce the POST policy (AWS S3 answers 403 to these uploads): the confirm
    # step checks the object itself, so the same holds wherever the policy is not enforced.
    ticket_id = new_ticket(api)
    status, declared = declare(api, ticket_id)
    offer = declared["upload"]
    assert upload(offer, PDF + b"more than declared").status_code in (200, 201, 204)
    status, error = api.post(f"/tickets/{ticket_id}/attachments/{declared['attachment_id']}/confirm")
    assert status == 409 and "were declared" in error["error"]["message"]
    s3 = boto3.client("s3")
    listed = s3.list_objects_v2(Bucket=stack.physical["MailBucket"], Prefix=offer["fields"]["key"])
    assert listed.get("KeyCount", 0) == 0
    # the wrong type is caught the same way
    status, declared = declare(api, ticket_id)
    upload(declared["upload"], PDF, content_type="text/html")
    status, error = api.post(f"/tickets/{ticket_id}/attachments/{declared['attachment_id']}/confirm")
    assert status == 409 and "text/html" in error["error"]["message"]
    events = api.get(f"/tickets/{ticket_id}/timeline")[1]["events"]
    assert "attachment.added" not in [e["type"] for e in events]


def test_api_ticket_declares_files_and_gets_an_upload_for_each(api, stack):
    files = {"photo.jpg": b"\xff\xd8\xff\xe0 a jpeg", "receipt.pdf": PDF}
    body = complaint(
        channel="api",
        attachments=[
            {"filename": "photo.jpg", "content_type": "image/jpeg", "size": len(files["photo.jpg"])},
            {"filename": "receipt.pdf", "content_type": "application/pdf", "size": len(PDF)},
        ],
    )
    headers = {"Idempotency-Key": "shop-order-991"}
    # Given an integration creating a ticket that declares two files
    status, created = api.post("/tickets", body, role="integration", headers=headers)
    assert status == 201
    uploads = created["uploads"]
    assert [u["filename"] for u in uploads] == ["photo.jpg", "receipt.pdf"]
    assert {u["source"] for u in uploads} == {"api"} and {u["state"] for u in uploads} == {"pending"}
    # When it uploads the first and confirms it, then retries the create (same key, same body)
    first = uploads[0]
    upload(first["upload"], files["photo.jpg"])
    path = f"/tickets/{created['ticket_id']}/attachments/{first['attachment_id']}/confirm"
    assert api.post(path, role="integration")[0] == 200
    status, again = api.post("/tickets", body, role="integration", headers=headers)
    # Then the retry is the same ticket (Powertools answers it from its record while that is kept)
    assert status == 201 and again["ticket_id"] == created["ticket_id"]
    # And both files end up on the ticket, downloadable, byte for byte
    second = uploads[1]
    upload(second["upload"], PDF)
    path = f"/tickets/{created['ticket_id']}/attachments/{second['attachment_id']}/confirm"
    assert api.post(path, role="integration")[0] == 200
    listed = api.get(f"/tickets/{created['ticket_id']}/attachments")[1]["attachments"]
    assert sorted(f["filename"] for f in listed) == ["photo.jpg", "receipt.pdf"]
    for file in listed:
        assert requests.get(file["download_url"], timeout=10).content == files[file["filename"]]


def test_a_replayed_create_hands_out_fresh_uploads_for_pending_files(api, stack):
    from complaintdesk.services import intake

    body = complaint(
        channel="api", attachments=[{"filename": "receipt.pdf", "content_type": "application/pdf", "size": 9}]
    )
    created = intake.create_from_api(body, idempotency_key=None, actor="shop (integration)")
    payload = {"key": "k-1", "body": body, "actor": "shop (integration)"}
    # The durable key → ticket link answers a retry whose Powertools record is gone
    from complaintdesk.services.intake import _intake_key

    link = _intake_key(payload)
    link.ticket_id = created["ticket_id"]
    link.save()
    replayed = intake._replay(payload)
    assert replayed["ticket_id"] == created["ticket_id"]
    assert [u["attachment_id"] for u in replayed["uploads"]] == [
        u["attachment_id"] for u in created["uploads"]
    ]
    assert (
        replayed["uploads"][0]["upload"]["fields"]["key"] == created["uploads"][0]["upload"]["fields"]["key"]
    )


def test_a_create_with_a_bad_file_is_refused_whole(api, stack):
    body = complaint(attachments=[{"filename": "run.bat", "content_type": "application/pdf", "size": 3}])
    status, error = api.post("/tickets", body)
    assert status == 400
    assert [d["field"] for d in error["error"]["details"]] == ["attachments.0.filename"]
    table = boto3.resource("dynamodb").Table(stack.physical["TicketsTable"])
    assert [i for i in table.scan()["Items"] if i["SK"] == "TICKET"] == []  # test inspection only
