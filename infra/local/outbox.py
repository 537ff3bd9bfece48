"""The local outbox: every e-mail SES accepted (in the embedded moto) becomes an .eml file a
person can open, and every SMS a line in sms.log."""

from __future__ import annotations

import json
import os
import re
import threading
from pathlib import Path
from typing import Any


def _ses_backend(account: str, region: str) -> Any:
    from moto.ses.models import ses_backends

    return ses_backends[account][region]


def _sns_backend(account: str, region: str) -> Any:
    from moto.sns.models import sns_backends

    return sns_backends[account][region]


def _raw_bytes(message: Any) -> bytes:
    raw = getattr(message, "raw_data", None)
    if raw is not None:
        return raw.encode("utf-8", "surrogateescape") if isinstance(raw, str) else raw
    lines = [
        f"From: {message.source}",
        f"To: {', '.join(message.destinations.get('ToAddresses', []))}",
        f"Subject: {message.subject}",
        "",
        message.body,
    ]
    return "\r\n".join(lines).encode()


def _sns_email(topic: Any, subscription: Any, message_id: str, message: str, subject: str | None) -> bytes:
    """The e-mail SNS sends an ``email`` subscriber (the message as text) or an ``email-json`` one
    (the notification as JSON)."""
    from email import policy
    from email.message import EmailMessage
    from email.utils import formatdate

    mail = EmailMessage(policy=policy.default.clone(max_line_length=998))  # headers unfolded
    mail["From"] = f"{topic.name} <no-reply@sns.amazonaws.com>"
    mail["To"] = subscription.endpoint
    mail["Subject"] = subject or "AWS Notification Message"
    mail["Date"] = formatdate(usegmt=True)
    mail["Message-ID"] = f"<{message_id}@sns.local>"
    mail["X-Complaintdesk-Sns-Topic"] = topic.arn
    if subscription.protocol == "email-json":
        body = json.dumps(
            {"Type": "Notification", "MessageId": message_id, "TopicArn": topic.arn, "Subject": subject,
             "Message": message},
            ensure_ascii=False,
        )  # fmt: skip
    else:
        body = (
            f"{message}\n\n--\nYou receive this because {subscription.endpoint} is subscribed to "
            f"{topic.arn} (local stack: SNS e-mail delivery is written to the outbox).\n"
        )
    mail.set_content(body)
    return bytes(mail)


def _write_whole(path: Path, data: bytes) -> None:
    """A reader globbing `*.eml` sees a file only once it is complete: write beside it, then
    rename (atomic on one file system)."""
    partial = path.with_name(f".{path.name}.partial")
    partial.write_bytes(data)
    os.replace(partial, path)


class OutboxWriter(threading.Thread):
    def __init__(
        self, folder: Path, account: str = "123456789012", region: str = "us-east-1", interval: float = 0.2
    ):
        super().__init__(name="outbox", daemon=True)
        self.folder, self.account, self.region, self.interval = folder, account, region, interval
        self.folder.mkdir(parents=True, exist_ok=True)
        self.stopping = threading.Event()
        self._emails = 0
        self._sms: set[str] = set()
        self._topic_seen: dict[str, int] = {}  # topic ARN -> notifications already delivered by e-mail
        self._sns_emails = 0

    def flush(self) -> None:
        sent = _ses_backend(self.account, self.region).sent_messages
        while self._emails < len(sent):
            message = sent[self._emails]
            self._emails += 1
            raw = _raw_bytes(message)
            ticket = re.search(rb"X-Complaintdesk-Ticket: *([A-Z]-\d{4}-\d+)", raw)
            name = f"{self._emails:05d}-{ticket.group(1).decode() if ticket else 'mail'}.eml"
            _write_whole(self.folder / name, raw)
        sms = _sns_backend(self.account, self.region).sms_messages
        new = [k for k in list(sms) if k not in self._sms]
        if new:
            with (self.folder / "sms.log").open("a", encoding="utf-8") as log:
                for key in new:
                    self._sms.add(key)
                    phone, text = sms[key]
                    log.write(json.dumps({"id": key, "to": phone, "text": text}, ensure_ascii=False) + "\n")
        self._flush_sns_email()

    def _flush_sns_email(self) -> None:
        """SNS e-mail subscriptions (e.g. the on-call address on the ops topic): moto records what is
        published but sends nothing, so each new message becomes one .eml per subscribed address."""
        backend = _sns_backend(self.account, self.region)
        by_topic: dict[str, list[Any]] = {}
        for subscription in list(backend.subscriptions.values()):
            if subscription.protocol in ("email", "email-json"):
                by_topic.setdefault(subscription.topic.arn, []).append(subscription)
        for arn, subscriptions in by_topic.items():
            topic = backend.topics.get(arn)
            if topic is None:
                continue
            sent = list(topic.sent_notifications)
            start = self._topic_seen.setdefault(arn, 0)
            for message_id, message, subject, _attributes, _group in sent[start:]:
                for subscription in subscriptions:
                    self._sns_emails += 1
                    raw = _sns_email(topic, subscription, message_id, message, subject)
                    name = f"sns-{self._sns_emails:05d}-{topic.name}.eml"
                    _write_whole(self.folder / name, raw)
            self._topic_seen[arn] = len(sent)

    def run(self) -> None:
        while not self.stopping.wait(self.interval):
            self.flush()

    def stop(self) -> None:
        self.stopping.set()
        self.flush()
