"""E-mail intake against moto in-process: raw mail put where SES puts it, then the real handler."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from email.message import EmailMessage
from typing import Any

import boto3
import pytest

from complaintdesk.services.email_intake import IngestResult


class Mailroom:
    """Puts raw mail under ``inbound/`` of the mail bucket (as SES does) and runs the intake."""

    def __init__(self, stack: Any, deliver: Callable[..., int], results: list[IngestResult]) -> None:
        self.stack, self.deliver, self.results = stack, deliver, results
        self.bucket = stack.physical["MailBucket"]
        self.s3 = boto3.client("s3")

    def put(self, raw: bytes | EmailMessage, key: str | None = None) -> str:
        body = raw.as_bytes() if isinstance(raw, EmailMessage) else raw
        key = key or f"inbound/{uuid.uuid4().hex}"
        self.s3.put_object(Bucket=self.bucket, Key=key, Body=body)
        return key

    def run(self) -> list[IngestResult]:
        """Drain the inbound queue through functions/email_ingest; the results of this run."""
        before = len(self.results)
        self.deliver("InboundMailQueue", max_batches=100)
        return self.results[before:]

    def send(self, raw: bytes | EmailMessage, key: str | None = None) -> IngestResult:
        self.put(raw, key)
        (result,) = self.run()
        return result


@pytest.fixture
def mailroom(stack: Any, deliver: Callable[..., int], monkeypatch: pytest.MonkeyPatch) -> Iterator[Mailroom]:
    """The real path (S3 object → S3 notification on SQS → lambda_handler), results recorded."""
    import functions.email_ingest.app as app
    from complaintdesk.services import email_intake

    results: list[IngestResult] = []

    def recording(*args: Any, **kwargs: Any) -> IngestResult:
        result = email_intake.ingest_object(*args, **kwargs)
        results.append(result)
        return result

    monkeypatch.setattr(app, "ingest_object", recording)
    room = Mailroom(stack, deliver, results)
    room.run()  # S3's s3:TestEvent from setting up the notification: ignored
    assert results == []
    yield room


def message(
    *,
    sender: str = "Ayşe Yılmaz <ayse@example.com>",
    to: str = "support@complaintdesk.example",
    subject: str = "Kettle arrived broken",
    body: str = "The kettle I ordered arrived with a cracked lid. Please replace it.",
    message_id: str | None = None,
    headers: dict[str, str] | None = None,
) -> EmailMessage:
    mail = EmailMessage()
    mail["From"] = sender
    mail["To"] = to
    mail["Subject"] = subject
    mail["Message-ID"] = message_id or f"<{uuid.uuid4().hex}@mail.example.com>"
    for name, value in (headers or {}).items():
        mail[name] = value
    mail.set_content(body)
    return mail
