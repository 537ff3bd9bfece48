"""A local stand-in for SES inbound: an SMTP server on 127.0.0.1 that stores each message in the
mail bucket under ``inbound/``, exactly where the SES receipt rule's S3 action puts it on AWS.
The bucket's event notification then queues it for the e-mail intake function."""

from __future__ import annotations

import uuid
from typing import Any


class InboundHandler:
    def __init__(self, s3: Any, bucket: str, prefix: str = "inbound/") -> None:
        self.s3, self.bucket, self.prefix = s3, bucket, prefix
        self.stored: list[str] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        raw = envelope.original_content or envelope.content
        if isinstance(raw, str):
            raw = raw.encode("utf-8", "surrogateescape")
        key = f"{self.prefix}{uuid.uuid4().hex}"
        # SES records the envelope recipients too; keep them as object metadata for the intake.
        recipients = ",".join(envelope.rcpt_tos)[:1500]
        try:
            self.s3.put_object(
                Bucket=self.bucket,
                Key=key,
                Body=raw,
                Metadata={"envelope-from": envelope.mail_from or "", "envelope-to": recipients},
            )
        except Exception:
            return "451 Requested action aborted: could not store the message"
        self.stored.append(key)
        return "250 Message accepted for delivery"


def start_smtp(s3: Any, bucket: str, port: int) -> Any:
    from aiosmtpd.controller import Controller

    controller = Controller(InboundHandler(s3, bucket), hostname="127.0.0.1", port=port)
    controller.start()
    return controller
