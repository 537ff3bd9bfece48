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

    def run(self) -> None:
        while not self.stopping.wait(self.interval):
            self.flush()

    def stop(self) -> None:
        self.stopping.set()
        self.flush()
