"""Must this message stay out of the ticket flow, and why? The verdicts taken before any lookup of a
ticket or a customer, in order (``services/email_intake.py`` applies them; first match wins):

1. SES's own verdict headers (``ses_verdict``): virus FAIL, spam FAIL, dmarc=fail, spf=fail without
   dkim=pass → quarantine with that reason. Mail that did not pass through SES (the local SMTP
   server) has none of them and passes.
2. Sent from our own address, plus tags included (a mail loop) → quarantine ``own_address``.
3. What the message is (``mail/classify.py`` decided it while parsing): an ARF feedback report →
   quarantine ``feedback_report``; a bounce → ``bounce`` (the intake marks its recipients);
   doubtful machine mail → quarantine ``machine_suspected``.

Pure: headers and the parsed message in, a ``Verdict`` (or None: a candidate for a ticket) out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from email.message import Message
from email.parser import BytesHeaderParser
from email.policy import compat32
from typing import Literal

from complaintdesk.mail.classify import LIST_REASON_PREFIX
from complaintdesk.mail.model import ParsedEmail

_RESULT_RE = re.compile(r"(?<![\w.-])(spf|dkim|dmarc)\s*=\s*([a-z]+)", re.I)


@dataclass(frozen=True)
class Verdict:
    """``quarantine`` with a reason code and a detail for staff, or ``bounce``."""

    action: Literal["quarantine", "bounce"]
    reason: str = ""
    detail: str = ""


def verdict(raw: bytes, parsed: ParsedEmail, our_address: str) -> Verdict | None:
    """The first verdict of the module's list that applies to the message, or None."""
    ses = ses_verdict(raw)
    if ses is not None:
        return Verdict("quarantine", *ses)
    if is_own_address(parsed.from_address, our_address):
        return Verdict("quarantine", "own_address", "sent from our own address (a mail loop)")
    if parsed.kind == "feedback_report":
        return Verdict("quarantine", "feedback_report", parsed.auto_reason or "abuse report")
    if parsed.kind == "bounce":
        return Verdict("bounce")
    if parsed.kind == "machine_suspected":
        return Verdict("quarantine", "machine_suspected", parsed.auto_reason or "looks automatic")
    return None


def is_list_mail(parsed: ParsedEmail) -> bool:
    """Automatic only because it came through a mailing list (List-*, ``Precedence: list``): a
    message when its sender is already a customer, list mail from anyone else."""
    return parsed.kind == "auto_reply" and (parsed.auto_reason or "").startswith(LIST_REASON_PREFIX)


def is_own_address(address: str, ours: str) -> bool:
    """``address`` is ``ours``, or ours with a ``+tag`` (case-insensitive)."""
    local, _, domain = address.lower().rpartition("@")
    our_local, _, our_domain = ours.lower().rpartition("@")
    return bool(domain) and domain == our_domain and local.split("+", 1)[0] == our_local


def _header_block(raw: bytes) -> Message:
    end = min((i for i in (raw.find(b"\r\n\r\n"), raw.find(b"\n\n")) if i >= 0), default=len(raw))
    return BytesHeaderParser(policy=compat32).parsebytes(raw[: end + 4])


def ses_verdict(raw: bytes) -> tuple[str, str] | None:
    """(reason, detail) when SES's verdict headers say the message must not become a ticket.

    Only SES's own results count: ``X-SES-*-Verdict`` and ``Authentication-Results: amazonses.com``
    (mail that did not pass through SES, e.g. the local SMTP server, has neither and passes).
    """
    headers = _header_block(raw)

    def first(name: str) -> str:
        return str(headers.get(name, "") or "").strip().upper()

    if first("X-SES-Virus-Verdict") == "FAIL":
        return "virus", "SES virus scan verdict: FAIL"
    if first("X-SES-Spam-Verdict") == "FAIL":
        return "spam", "SES spam verdict: FAIL"
    results: dict[str, str] = {}
    for value in headers.get_all("Authentication-Results") or []:
        authserv, _, rest = str(value).partition(";")
        if authserv.strip().lower() != "amazonses.com":
            continue
        for method, result in _RESULT_RE.findall(rest):
            results.setdefault(method.lower(), result.lower())
        break
    if "spf" not in results and (headers.get("X-SES-Spam-Verdict") or headers.get("X-SES-Receipt")):
        spf = str(headers.get("Received-SPF", "") or "").strip().split()
        if spf:
            results["spf"] = spf[0].lower()
    if results.get("dmarc") == "fail":
        return "dmarc", "DMARC check failed: the From domain does not vouch for this message"
    if results.get("spf") == "fail" and results.get("dkim") != "pass":
        return "spf", "SPF failed and no DKIM signature passed"
    return None
