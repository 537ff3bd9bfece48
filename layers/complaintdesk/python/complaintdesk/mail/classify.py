"""Is this a person writing to us, an automatic reply, a bounce, an abuse report, or doubtful
machine mail? No machine mail may open a ticket (issue 12).

Rules (in order; also in docs/email-intake.md):
- ``multipart/report`` (RFC 3464/3798/5965): ``feedback-report`` (ARF) → ``feedback_report``;
  ``disposition-notification`` → ``auto_reply``; ``delivery-status`` with its status part as
  ``message/delivery-status``, ``message/global-delivery-status`` or ``text/delivery-status``:
  recipients whose Action is ``failed`` make a ``bounce`` (``permanent`` when the status is
  5.x.x); ``delayed``/``delivered``/``relayed`` or a challenge/response notice → ``auto_reply``.
- Amazon SES notifications mailed through SNS (JSON bodies): Bounce → ``bounce`` with its
  recipients, Complaint → ``feedback_report``, the rest → ``auto_reply``.
- Non-standard bounces: a daemon sender (mailer-daemon/postmaster in any spelling, "Mail Delivery
  System", none at all) or ``X-Failed-Recipients``: delay and success notices → ``auto_reply``;
  failure subjects or bodies (en/de/tr/lv/ru/ja) and flattened DSN fields → ``bounce``.
- Auto replies (RFC 3834 and the de-facto headers): Auto-Submitted other than ``no``, Precedence
  bulk/junk/auto_reply, X-Autoreply and friends, a null Return-Path, a vacation subject; last,
  list mail (RFC 2369/2919 List-*, Precedence: list), reason prefixed ``LIST_REASON_PREFIX``.
- Doubtful → ``machine_suspected``: a daemon or list-software sender with no recognised notice,
  delivery-status fields in an ordinary body.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping
from email.message import Message
from typing import TYPE_CHECKING, Any

from complaintdesk.mail.model import Bounce, MailKind

if TYPE_CHECKING:
    from complaintdesk.mail.model import ParsedEmail

HeaderLookup = Callable[[str], str | None]

_STATUS_RE = re.compile(r"\b([245]\.\d{1,3}\.\d{1,3})\b")
_SMTP_PERMANENT_RE = re.compile(r"(?:^|[\s(:;-])5[0-5]\d[\s-]")
_ADDRESS_RE = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")

# Local parts of daemon senders, compared with separators removed ("post_master", "Mailer.Daemon").
_DAEMON_LOCALS = frozenset(
    {
        "mailerdaemon", "maildaemon", "postmaster", "maildeliverysystem", "maildeliverysubsystem",
        "mdaemon", "bounce", "bounces", "deliverystatus", "smtpd", "mailadmin",
    }
)  # fmt: skip
_SEPARATORS_RE = re.compile(r"[._\-\s]+")
# Mailing-list software's own addresses (RFC 2142 -request, owner-, -bounces).
_LIST_ADMIN_RE = re.compile(r"(?i)^(owner-.+|.+-(request|owner|bounces?)|mailman|majordomo|listserv|sympa)$")
_PROVIDER_DOMAINS = ("sns.amazonaws.com", "amazonses.com")
_DAEMON_NAME_RE = re.compile(
    r"(?i)(mail delivery|mailer[- _.]?daemon|post[- _]?master|delivery (status|subsystem)"
    r"|システム管理者|メール配信|Почтовая система|Mail-Zustellsystem|E-Posta Teslim)"
)
_BOUNCE_SUBJECT_RE = re.compile(
    r"(?i)(undeliver|undelivered|delivery (status notification \(failure\)|failure|failed|problem)"
    r"|failure notice|returned mail|mail delivery failed|could not be delivered|non[- ]?deliver"
    r"|delivery has failed|unzustellbar|nicht zustellbar|zustellung fehlgeschlagen|fehlgeschlagen"
    r"|non remis|iletilemedi|teslim edilemedi|teslim edilemeyen|nevar piegādāt|nepiegādāts"
    r"|не доставлено|недоставленное|не может быть доставлено|ошибка доставки|возвращ[её]нное сообщение"
    r"|配信エラー|配送エラー|配信できませんでした|配送できませんでした|送信できませんでした|宛先不明|配信失敗|不達"
    r"|delivery status notification$|delivery notification$)"
)
_DELAY_SUBJECT_RE = re.compile(
    r"(?i)(delayed mail|delivery delay|\(delay\)|still being retried|warning: could not send|not yet been delivered"
    r"|zustellung verzögert|verzögert|задерж|配信遅延|遅延|teslimat gecik|piegāde aizkavēta)"
)
_SUCCESS_SUBJECT_RE = re.compile(
    r"(?i)(\(success\)|\(relay\)|successful mail delivery|delivery (report|notification): (delivered|relayed)"
    r"|^delivered:|^relayed:|^zugestellt:|erfolgreich zugestellt|^доставлено:|配信完了|teslim edildi|piegādāts:)"
)
_BOUNCE_BODY_RE = re.compile(
    r"(?i)(user unknown|unknown user|no such user|not a valid user|mailbox (unavailable|full|is full|not found)"
    r"|does not exist|could not be delivered|couldn't be delivered|undeliverable|delivery (has )?failed"
    r"|permanent(ly)? (error|fatal|failure)|recipient address rejected|over quota|quota exceeded"
    r"|message was not delivered|host unknown|address rejected|unrouteable|not delivered to"
    r"|benutzer unbekannt|existiert nicht|konnte nicht zugestellt|nicht zugestellt werden"
    r"|не может быть доставлено|не удалось доставить|не существует|пользователь не найден|адрес не найден"
    r"|存在しません|配信できませんでした|送信できませんでした|宛先.{0,10}見つかりません|届けられませんでした"
    r"|kullanıcı bulunamadı|teslim edilemedi|iletilemedi|nevarēja piegādāt|nav atrasts)"
)
_PERMANENT_BODY_RE = re.compile(
    r"(?i)(user unknown|unknown user|no such user|not a valid user|does not exist|host unknown"
    r"|permanent(ly)? (error|fatal|failure)|address rejected|unrouteable|benutzer unbekannt|existiert nicht"
    r"|не существует|пользователь не найден|адрес не найден|存在しません|見つかりません|kullanıcı bulunamadı"
    r"|kalıcı hata|pastkastīte neeksistē)"
)
# The fields of a delivery-status block pasted into a plain body (a flattened DSN).
_DSN_FIELDS_RE = re.compile(r"(?im)^(reporting-mta|final-recipient|original-recipient|arrival-date)\s*:")
_DSN_ACTION_RE = re.compile(r"(?im)^action\s*:\s*(failed|delayed|delivered|relayed|expanded)\b")
_CHALLENGE_RE = re.compile(
    r"(?i)(pre-approved|guest list|waitlisted|approve (you|your|this) (sender|message)|requires confirmation"
    r"|confirm (this|your) (mail server|address|message|e-?mail)|verify (that )?you are|challenge[/ -]response)"
)
_VACATION_SUBJECT_RE = re.compile(
    r"(?i)^\s*(\[?automatic reply\]?|auto(matic)?[- ]?(reply|response|antwort)|autoreply|auto:|out of (the )?office"
    r"|abwesenheitsnotiz|abwesend|automatische antwort|réponse automatique|absence|risposta automatica"
    r"|respuesta automática|fuera de la oficina|otomatik yanıt|otomatik cevap|ofis dışında"
    r"|automātiskā atbilde|prombūtnē|\[automatyczna odpowied|on vacation|vacation reply"
    r"|автоответ|автоматический ответ|不在(のお知らせ|通知|連絡)|自動応答|自動返信)"
)
_LIST_HEADERS = (
    "list-id",
    "list-unsubscribe",
    "list-post",
    "list-help",
    "list-subscribe",
    "list-owner",
    "list-archive",
)
LIST_REASON_PREFIX = "mailing list"
_SUPPRESS_VALUES = frozenset({"all", "oof", "autoreply"})


def classify(parsed: ParsedEmail) -> str:
    """The kind of a parsed message (classification happens while parsing)."""
    return parsed.kind


# ---------------------------------------------------------------- auto replies


def auto_reply_reason(header: HeaderLookup, subject: str) -> str | None:
    """Why this message is automatic, or None when a person seems to have written it.

    Mailing-list signals (RFC 2369/2919 List-*, ``Precedence: list``) come last and their reason
    starts with ``LIST_REASON_PREFIX``: the intake lets a known customer's mail through a list pass.
    """
    value = (header("auto-submitted") or "").split(";")[0].strip().lower()
    if value and value != "no":
        return f"Auto-Submitted: {value}"
    precedence = (header("precedence") or "").strip().lower()
    if precedence in ("bulk", "junk", "auto_reply", "auto-reply"):
        return f"Precedence: {precedence}"
    for name in ("x-autoreply", "x-autorespond", "x-autoreply-from", "x-mail-autoreply", "x-autogenerated"):
        flag = (header(name) or "").strip().lower()
        if flag and flag not in ("no", "false", "0"):
            return f"{name}: {flag}"
    suppress = {token.strip().lower() for token in (header("x-auto-response-suppress") or "").split(",")}
    if suppress & _SUPPRESS_VALUES:
        return "X-Auto-Response-Suppress: " + ", ".join(sorted(suppress & _SUPPRESS_VALUES))
    return_path = header("return-path")
    if return_path is not None and return_path.strip() in ("<>", ""):
        return "null Return-Path"
    if _VACATION_SUBJECT_RE.match(subject):
        return "vacation subject"
    for name in _LIST_HEADERS:
        if header(name) is not None:
            return f"{LIST_REASON_PREFIX} ({name.title()})"
    if precedence == "list":
        return f"{LIST_REASON_PREFIX} (Precedence: list)"
    return None


# ---------------------------------------------------------------- RFC 3464 reports


def _ds_blocks(part: Message | str) -> list[dict[str, str]]:
    """The header blocks of a message/delivery-status part (or of such fields as plain text), field
    names lower-cased."""
    payload = part if isinstance(part, str) else part.get_payload()
    blocks: list[dict[str, str]] = []
    if isinstance(payload, list):
        for block in payload:
            if not isinstance(block, Message):
                continue
            fields = {name.lower(): " ".join(str(value).split()) for name, value in block.raw_items()}
            if fields:
                blocks.append(fields)
        if blocks:
            return blocks
    # Decoded first: a status part may be sent base64 or quoted-printable (a text/delivery-status).
    raw = None if isinstance(part, str) else part.get_payload(decode=True)
    text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else ""
    if not text:
        text = payload if isinstance(payload, str) else ""
    current: dict[str, str] = {}
    last = ""
    for line in text.replace("\r\n", "\n").split("\n"):
        if not line.strip():
            if current:
                blocks.append(current)
            current, last = {}, ""
        elif line[0] in " \t" and last:
            current[last] += " " + line.strip()
        elif ":" in line:
            name, _, value = line.partition(":")
            last = name.strip().lower()
            current[last] = value.strip()
    if current:
        blocks.append(current)
    return blocks


def _typed_value(value: str) -> str:
    """``rfc822; <user@example.com>`` → ``user@example.com``."""
    return value.partition(";")[2].strip().strip("<>").strip() if ";" in value else value.strip().strip("<>")


def delivery_report(parts: Iterable[Message | str]) -> Bounce | None:
    """Read the per-recipient fields of the delivery-status parts of a report (a part given as text
    is read as its fields)."""
    failed: list[tuple[str, str | None, str | None]] = []
    other: list[tuple[str, str | None, str | None, str]] = []
    for part in parts:
        for block in _ds_blocks(part):
            recipient = _typed_value(block.get("final-recipient") or block.get("original-recipient") or "")
            action = (block.get("action") or "").split()[0].lower() if block.get("action") else ""
            if not recipient and not action:
                continue
            match = _STATUS_RE.search(block.get("status", ""))
            status = match.group(1) if match else None
            diagnostic = _typed_value(block["diagnostic-code"]) if block.get("diagnostic-code") else None
            if action == "failed":
                failed.append((recipient.lower(), status, diagnostic))
            else:
                other.append((recipient.lower(), status, diagnostic, action))
    if failed:
        recipients = [recipient for recipient, _, _ in failed if recipient]
        status = next((status for _, status, _ in failed if status), None)
        diagnostic = next((diag for _, _, diag in failed if diag), None)
        permanent = (
            status.startswith("5")
            if status
            else bool(diagnostic and _SMTP_PERMANENT_RE.search(f" {diagnostic} "))
        )
        return Bounce(_unique(recipients), status, permanent, "failed", diagnostic)
    if other:
        recipient, status, diagnostic, action = other[0]
        return Bounce(_unique([row[0] for row in other if row[0]]), status, False, action or None, diagnostic)
    return None


def report_verdict(report_type: str, bounce: Bounce | None, notice: str) -> tuple[MailKind, str]:
    """(kind, reason) for a ``multipart/report`` of ``report_type``."""
    if report_type == "feedback-report":
        return "feedback_report", "abuse feedback report (ARF)"
    if report_type == "disposition-notification":
        return "auto_reply", "read receipt (disposition notification)"
    if report_type == "delivery-status":
        if bounce is None:
            return "bounce", "delivery status notification"
        if _CHALLENGE_RE.search(f"{bounce.diagnostic or ''}\n{notice}"):
            return "auto_reply", "challenge/response sender verification"
        if bounce.action == "failed":
            return "bounce", "delivery status notification"
        return "auto_reply", f"delivery status notification ({bounce.action or 'no failure'})"
    return "auto_reply", f"report ({report_type or 'unknown type'})"


# ---------------------------------------------------------------- non-standard bounces


def _local_key(address: str) -> str:
    """The local part without a +tag and without separators: ``Post_Master`` → ``postmaster``."""
    local = address.rpartition("@")[0] if "@" in address else address
    return _SEPARATORS_RE.sub("", local.split("+", 1)[0].strip('"').lower())


def is_daemon_sender(address: str, name: str) -> bool:
    return not address or _local_key(address) in _DAEMON_LOCALS or bool(_DAEMON_NAME_RE.search(name))


def failed_recipients_header(header: HeaderLookup) -> list[str]:
    """Exim's ``X-Failed-Recipients`` names the addresses a failure notice is about."""
    return _unique(address.lower() for address in _ADDRESS_RE.findall(header("x-failed-recipients") or ""))


def heuristic_bounce(
    from_address: str,
    from_name: str,
    subject: str,
    text: str,
    own_addresses: Iterable[str],
    failed_recipients: Iterable[str] = (),
) -> tuple[MailKind, Bounce | None] | None:
    """(kind, bounce) for the common non-RFC 3464 shapes of failure, delay and success notices, else None."""
    failed = list(failed_recipients)
    if not failed and not is_daemon_sender(from_address, from_name):
        return None
    head = text[:6000]
    if not failed and (_DELAY_SUBJECT_RE.search(subject) or _SUCCESS_SUBJECT_RE.search(subject)):
        return "auto_reply", None
    flattened = delivery_report_text(head)
    if flattened is not None and flattened.action == "failed":
        return "bounce", flattened
    if flattened is not None and not failed:
        return "auto_reply", None
    if not (failed or _BOUNCE_SUBJECT_RE.search(subject) or _BOUNCE_BODY_RE.search(head)):
        return None
    if _CHALLENGE_RE.search(head):
        return "auto_reply", None
    skip = {address.lower() for address in own_addresses} | {from_address.lower()}
    recipients = failed or [
        address.lower()
        for address in _ADDRESS_RE.findall(head)
        if address.lower() not in skip and _local_key(address) not in _DAEMON_LOCALS
    ]
    match = _STATUS_RE.search(head)
    status = match.group(1) if match else None
    if status:
        permanent = status.startswith("5")
    else:
        # X-Failed-Recipients is written on failures only (delays do not carry it).
        permanent = bool(failed or _SMTP_PERMANENT_RE.search(head) or _PERMANENT_BODY_RE.search(head))
    return "bounce", Bounce(_unique(recipients)[:10], status, permanent, "failed", None)


def delivery_report_text(text: str) -> Bounce | None:
    """A delivery-status block pasted into a plain body (``Final-Recipient:``, ``Action:``), read
    like a ``message/delivery-status`` part; None when the body has none."""
    if not (_DSN_FIELDS_RE.search(text) and _DSN_ACTION_RE.search(text)):
        return None
    return delivery_report([text])


# ---------------------------------------------------------------- provider notifications


def _json_object(text: str) -> dict[str, Any] | None:
    start = text.find("{")
    if start < 0 or start > 200:
        return None
    try:
        value = json.loads(text[start:].strip())
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def provider_notification(from_address: str, text: str) -> tuple[MailKind, str, Bounce | None] | None:
    """(kind, reason, bounce) for Amazon SES/SNS notification mails (a JSON body, possibly inside an
    SNS envelope); a mail from those senders whose body is not such JSON is ``machine_suspected``."""
    domain = from_address.rpartition("@")[2]
    from_provider = any(domain == d or domain.endswith("." + d) for d in _PROVIDER_DOMAINS)
    data = _json_object(text[:200_000]) if text.lstrip()[:1] == "{" or from_provider else None
    if data is not None and data.get("Type") == "Notification" and isinstance(data.get("Message"), str):
        inner = _json_object(data["Message"])
        data = inner if inner is not None else data
    if data is None:
        return (
            ("machine_suspected", "provider notification mail without a readable body", None)
            if from_provider
            else None
        )
    kind_name = str(data.get("notificationType") or data.get("eventType") or "")
    if not kind_name:
        if data.get("Type") in ("Notification", "SubscriptionConfirmation", "UnsubscribeConfirmation"):
            return "machine_suspected", f"SNS {data.get('Type')}", None
        return (
            ("machine_suspected", "provider notification mail (unknown JSON)", None)
            if from_provider
            else None
        )
    if kind_name == "Bounce":
        bounce = data.get("bounce")
        detail: dict[str, Any] = bounce if isinstance(bounce, dict) else {}
        rows = [row for row in detail.get("bouncedRecipients") or [] if isinstance(row, dict)]
        recipients = _unique(str(row.get("emailAddress", "")).lower() for row in rows)
        status = next((str(row["status"]) for row in rows if row.get("status")), None)
        diagnostic = next((str(row["diagnosticCode"]) for row in rows if row.get("diagnosticCode")), None)
        permanent = str(detail.get("bounceType", "")).lower() == "permanent"
        return (
            "bounce",
            "SES bounce notification",
            Bounce(recipients, status, permanent, "failed", diagnostic),
        )
    if kind_name == "Complaint":
        return "feedback_report", "SES complaint notification", None
    return "auto_reply", f"SES notification ({kind_name})", None


def machine_suspicion(from_address: str, from_name: str, text: str) -> str | None:
    """Why a message that matched no rule still looks written by a machine (→ quarantine
    ``machine_suspected``), or None."""
    if from_address and is_daemon_sender(from_address, from_name):
        return f"daemon sender ({from_address}) with no recognised notice"
    if from_address and _LIST_ADMIN_RE.match(from_address.rpartition("@")[0].strip('"')):
        return f"mailing-list software address ({from_address})"
    if _DSN_FIELDS_RE.search(text[:20_000]):
        return "delivery-status fields in the body"
    return None


def _unique(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(value for value in values if value))


def header_lookup(raw_headers: Mapping[str, list[str]]) -> HeaderLookup:
    def lookup(name: str) -> str | None:
        values = raw_headers.get(name.lower())
        return values[0] if values else None

    return lookup
