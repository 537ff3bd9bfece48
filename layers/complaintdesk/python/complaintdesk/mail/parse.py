"""Raw RFC 5322 bytes → ``ParsedEmail``, with the stdlib ``email`` package (policy.default).

Malformed mail degrades instead of failing: broken multipart boundaries, unreadable headers and
wrong charsets are recorded in ``defects`` / ``charset_fallbacks``. Only mail that cannot be a
complaint at all (empty input, no sender) raises ``MailParseError``.
"""

from __future__ import annotations

import contextlib
import hashlib
import mimetypes
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email import policy
from email.header import decode_header, make_header
from email.headerregistry import BaseHeader, HeaderRegistry
from email.message import Message
from email.parser import BytesParser
from email.utils import getaddresses, parsedate_to_datetime
from typing import TypeVar

from complaintdesk.mail.charset import decode_bytes, decode_header_words, repair_surrogates
from complaintdesk.mail.classify import (
    auto_reply_reason,
    delivery_report,
    failed_recipients_header,
    header_lookup,
    heuristic_bounce,
    machine_suspicion,
    provider_notification,
    report_verdict,
)
from complaintdesk.mail.model import Attachment, Bounce, MailKind, MailParseError, ParsedEmail
from complaintdesk.mail.text import html_to_text, normalize_text, reply_part, strip_signature

DEFAULT_MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
DEFAULT_MAX_ATTACHMENTS = 20
MAX_DEPTH = 20  # nesting of multiparts and enclosed messages we follow
MAX_TEXT_CHARS = 1_000_000  # readable text kept per message; the raw stays in S3
MAX_HEADER_CHARS = 2_000  # subject characters kept once decoded (a ticket subject needs far fewer)
MAX_RAW_HEADER_CHARS = 200_000  # raw subject read at all (cut at white space, between encoded words)
MAX_ADDRESS_HEADER_CHARS = 20_000  # per address header

_T = TypeVar("_T")
_D = TypeVar("_D")


class _MemoHeaderRegistry(HeaderRegistry):
    """policy.default's header registry, remembering parses while one message is read: the feed
    parser and ``get_content_type`` re-parse the same Content-Type several times per part, and
    parsed headers are immutable. Cleared per message, so throughput figures stay honest."""

    def __init__(self) -> None:
        super().__init__()
        self._memo: dict[tuple[str, str], BaseHeader] = {}

    def __call__(self, name: str, value: str) -> BaseHeader:
        key = (name, value)
        header = self._memo.get(key)
        if header is None:
            if len(self._memo) >= 4096:
                self._memo.clear()
            header = self._memo[key] = super().__call__(name, value)
        return header

    def reset(self) -> None:
        self._memo.clear()


_REGISTRY = _MemoHeaderRegistry()
_POLICY = policy.default.clone(header_factory=_REGISTRY)
_PARSER = BytesParser(policy=_POLICY)
# RFC 3464's part, its RFC 6533 twin, and the text/ spelling some MTAs use.
_STATUS_TYPES = frozenset(
    {"message/delivery-status", "message/global-delivery-status", "text/delivery-status"}
)
_MSGID_RE = re.compile(r"<([^<>\s]+)>")
_META_CHARSET_RE = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_:.-]+)""", re.I)
_BIDI_RE = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_UNSAFE_NAME_RE = re.compile(r'[\x00-\x1f\x7f<>:"|?*]')

DANGEROUS_EXTENSIONS = frozenset(
    {
        "exe", "com", "scr", "pif", "bat", "cmd", "btm", "js", "jse", "vbs", "vbe", "wsf",
        "wsh", "ws", "wsc", "hta", "msi", "msp", "mst", "jar", "ps1", "psm1", "psd1", "ps1xml",
        "ps2", "ps2xml", "psc1", "psc2", "reg", "lnk", "cpl", "inf", "scf", "dll", "ocx", "sys",
        "drv", "msc", "gadget", "vb", "sct", "chm", "iso", "img", "vhd", "vhdx", "apk", "app",
        "dmg", "pkg", "sh", "bash", "csh", "ksh", "command", "run", "docm", "dotm", "xlsm", "xltm",
        "xlam", "xll", "pptm", "potm", "ppam", "ppsm", "sldm", "appx", "appxbundle", "msix", "msixbundle", "url",
        "website", "application", "settingcontent-ms", "library-ms",
    }
)  # fmt: skip
_DECOY_EXTENSIONS = frozenset(
    {
        "pdf", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "txt", "rtf", "csv", "odt", "ods",
        "jpg", "jpeg", "png", "gif", "mp3", "mp4",
    }
)  # fmt: skip
_HARMLESS_OUTER = _DECOY_EXTENSIONS | {"gz", "bz2", "xz", "zst", "p7m", "p7s", "sig", "asc"}
_DANGEROUS_TYPES = frozenset(
    {
        "application/x-msdownload", "application/x-msdos-program", "application/x-ms-installer",
        "application/x-msi", "application/x-dosexec", "application/x-executable", "application/x-sh",
        "application/x-bat", "application/javascript", "text/javascript", "application/x-javascript",
        "application/java-archive", "application/x-java-archive", "application/vbscript", "text/vbscript",
        "application/hta", "application/x-iso9660-image", "application/x-apple-diskimage",
        "application/x-ms-shortcut", "application/vnd.microsoft.portable-executable",
    }
)  # fmt: skip


@dataclass(slots=True)
class _Pending:
    part: Message
    filename: str
    content_type: str
    inline: bool
    content_id: str | None
    data: bytes | None
    unsafe_name: bool = False


@dataclass(slots=True)
class _Body:
    plain: list[str] = field(default_factory=list)
    html: list[str] = field(default_factory=list)
    attachments: list[_Pending] = field(default_factory=list)
    status_parts: list[Message] = field(default_factory=list)
    report_type: str | None = None
    report_notice: str = ""
    enclosed: list[_Body] = field(default_factory=list)
    html_seen: list[str] = field(default_factory=list)  # every HTML body, chosen or not (cid: links)


@dataclass(slots=True)
class _Context:
    defects: list[str] = field(default_factory=list)
    fallbacks: list[str] = field(default_factory=list)
    counter: int = 0
    types: dict[int, str] = field(default_factory=dict)

    def defect(self, text: str) -> None:
        if text not in self.defects and len(self.defects) < 50:
            self.defects.append(text)

    def fallback(self, where: str, note: str | None) -> None:
        if note:
            entry = f"{where}: {note}"
            if entry not in self.fallbacks:
                self.fallbacks.append(entry)


# ---------------------------------------------------------------- headers


def _raw_headers(msg: Message) -> dict[str, list[str]]:
    headers: dict[str, list[str]] = {}
    for name, value in msg.raw_items():
        headers.setdefault(name.strip().lower(), []).append(str(value))
    return headers


def _decode_raw_header(value: str) -> str:
    try:
        return str(make_header(decode_header(value)))
    except Exception:
        return value


def _bounded(value: str, name: str, limit: int, ctx: _Context) -> str:
    """Cut a huge header at a word boundary: the header parser is slow on very long values."""
    if len(value) <= limit:
        return value
    ctx.defect(f"header {name} longer than {limit} characters, truncated")
    cut = max(value.rfind(" ", 0, limit), value.rfind("\t", 0, limit))
    return value[: cut if cut > 0 else limit]


def _header_text(raw: dict[str, list[str]], name: str, ctx: _Context) -> str | None:
    """An unstructured header decoded first (RFC 2047 words through the same charset repair as
    bodies), then cut to ``MAX_HEADER_CHARS`` at a word boundary: never inside an encoded word."""
    values = raw.get(name)
    if not values:
        return None
    value = _repaired(_bounded(values[0], name, MAX_RAW_HEADER_CHARS, ctx), name, ctx)
    text, notes = decode_header_words(value)
    for note in notes:
        ctx.fallback(name, note)
    text = " ".join(text.split())
    if len(text) > MAX_HEADER_CHARS:
        ctx.defect(f"header {name} longer than {MAX_HEADER_CHARS} characters once decoded, cut")
        cut = text.rfind(" ", 0, MAX_HEADER_CHARS)
        text = text[: cut if cut > MAX_HEADER_CHARS // 2 else MAX_HEADER_CHARS]
    return text


def _repaired(value: str, name: str, ctx: _Context) -> str:
    """Unfolded, and raw 8-bit bytes (no RFC 2047), which arrive as surrogate escapes, decoded."""
    text, note = repair_surrogates("".join(value.splitlines()))
    ctx.fallback(name, note)
    return text


def _address_list(raw: dict[str, list[str]], name: str, ctx: _Context) -> list[tuple[str, str]]:
    """(display name, lower-cased addr-spec) pairs of an address header; empty specs dropped."""
    values = raw.get(name.lower())
    if not values:
        return []
    pairs: list[tuple[str, str]] = []
    values = [_repaired(_bounded(value, name, MAX_ADDRESS_HEADER_CHARS, ctx), name, ctx) for value in values]
    try:
        for value in values:
            # Parsed as an address list whatever the name (Delivered-To is not registered as one).
            header = _POLICY.header_factory("to", value)
            pairs.extend((address.display_name, address.addr_spec) for address in header.addresses)
        if not pairs and any("@" in value for value in values):
            raise ValueError("no address parsed")
    except Exception as exc:
        ctx.defect(f"header {name}: {type(exc).__name__}, read leniently")
        pairs = [(_decode_raw_header(n), a) for n, a in getaddresses([v.replace("\n", " ") for v in values])]
    words = _encoded_display_names(values, name, ctx)
    out: list[tuple[str, str]] = []
    for display, spec in pairs:
        spec = repair_surrogates(spec.strip().strip("<>").strip())[0].lower()
        if not spec or spec == "<>":
            continue
        display = words.get(spec, display)
        out.append((" ".join(repair_surrogates(display or "")[0].split()), spec))
    return out


def _encoded_display_names(values: list[str], name: str, ctx: _Context) -> dict[str, str]:
    """Display names written as RFC 2047 words, decoded through the same charset repair as the
    subject and bodies (a Turkish name labelled iso-8859-1), by lower-cased addr-spec."""
    if not any("=?" in value for value in values):
        return {}
    names: dict[str, str] = {}
    try:
        found = getaddresses([value.replace("\n", " ") for value in values])
    except Exception:  # the policy parser's names stand
        return {}
    for display, spec in found:
        if "=?" not in display:
            continue
        text, notes = decode_header_words(display)
        for note in notes:
            ctx.fallback(f"{name} name", note)
        names.setdefault(spec.strip().strip("<>").strip().lower(), text)
    return names


def _addresses(raw: dict[str, list[str]], names: tuple[str, ...], ctx: _Context) -> list[str]:
    found: list[str] = []
    for name in names:
        found.extend(spec for _, spec in _address_list(raw, name, ctx))
    return list(dict.fromkeys(found))


def _message_ids(values: list[str] | None) -> list[str]:
    ids: list[str] = []
    for value in values or []:
        if "=?" in value:
            # Some clients (Python's email among them) write a Message-ID longer than a line as an
            # RFC 2047 encoded word rather than leave it unfolded; read it back as the id it is.
            with contextlib.suppress(ValueError, LookupError):
                value = str(make_header(decode_header(value)))
        found = _MSGID_RE.findall(value)
        if not found:
            found = [token.strip("<>") for token in value.split() if "@" in token]
        ids.extend(found)
    return list(dict.fromkeys(ids))


def _date(values: list[str] | None, ctx: _Context) -> datetime | None:
    if not values:
        return None
    try:
        parsed = parsedate_to_datetime(values[0].strip())
    except (TypeError, ValueError, IndexError, OverflowError):
        ctx.defect("unparseable Date header")
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


# ---------------------------------------------------------------- body


def _safe(ctx: _Context, what: str, call: Callable[[], _T], default: _D) -> _T | _D:
    try:
        return call()
    except Exception as exc:
        ctx.defect(f"{what}: {type(exc).__name__}")
        return default


def _payload_bytes(part: Message, ctx: _Context) -> bytes:
    try:
        data = part.get_payload(decode=True)
    except Exception as exc:
        ctx.defect(f"undecodable {_content_type(part, ctx)} body: {type(exc).__name__}")
        data = None
    if isinstance(data, bytes):
        return data
    payload = part.get_payload()
    if isinstance(payload, str):
        return payload.encode("utf-8", "surrogateescape")
    return b""


def _decode_text(part: Message, data: bytes, ctx: _Context, html: bool) -> str:
    declared = _safe(ctx, "charset parameter", lambda: part.get_param("charset"), None)
    if isinstance(declared, tuple):  # RFC 2231 form
        declared = declared[2]
    if not declared and html:
        meta = _META_CHARSET_RE.search(data[:4096])
        declared = meta.group(1).decode("ascii", "replace") if meta else None
    decoded = decode_bytes(data, str(declared) if declared else None)
    ctx.fallback(f"{_content_type(part, ctx)} body", decoded.fallback)
    return decoded.text[:MAX_TEXT_CHARS]


def _clean_filename(name: str) -> tuple[str, bool]:
    """A filename safe to show and to use in an S3 key, and whether it hid direction tricks."""
    tricked = bool(_BIDI_RE.search(name))
    name = _BIDI_RE.sub("", name)
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = _UNSAFE_NAME_RE.sub("_", name).strip().strip(".")
    return name[:200], tricked


def _default_filename(content_type: str, index: int) -> str:
    if content_type in ("message/rfc822", "message/global"):
        return f"message-{index}.eml"
    extension = mimetypes.guess_extension(content_type) or (
        ".txt" if content_type.startswith("text/") else ".bin"
    )
    return f"part-{index}{extension}"


def is_dangerous(filename: str, content_type: str) -> bool:
    """Executable, script, macro-enabled and disk-image types, and decoy double extensions."""
    content_type = content_type.lower()
    if content_type in _DANGEROUS_TYPES or "macroenabled" in content_type:
        return True
    pieces = [piece.strip().lower() for piece in filename.split(".")]
    if len(pieces) < 2:
        return False
    if pieces[-1] in DANGEROUS_EXTENSIONS:
        return True
    return len(pieces) >= 3 and pieces[-2] in _DECOY_EXTENSIONS and pieces[-1] not in _HARMLESS_OUTER


def _add_attachment(part: Message, content_type: str, body: _Body, ctx: _Context, data: bytes | None) -> None:
    ctx.counter += 1
    raw_name = _safe(ctx, "attachment filename", part.get_filename, None)
    name, tricked = _clean_filename(repair_surrogates(str(raw_name))[0]) if raw_name else ("", False)
    disposition = _safe(ctx, "content disposition", part.get_content_disposition, None)
    content_id_raw = part.get("content-id") if "content-id" in part else None
    content_id = str(content_id_raw).strip().strip("<>") if content_id_raw else None
    inline = disposition == "inline" or (disposition is None and content_id is not None)
    body.attachments.append(
        _Pending(part, name or _default_filename(content_type, ctx.counter), content_type, inline,
                 content_id or None, data, tricked)
    )  # fmt: skip


def _enclosed_bytes(part: Message, ctx: _Context) -> bytes:
    payload = part.get_payload()
    inner = payload[0] if isinstance(payload, list) and payload else None
    if isinstance(inner, Message):
        # compat32 writes the enclosed headers back as received (and is faster); default is the fallback.
        for chosen in (policy.compat32, _POLICY):
            try:
                return inner.as_bytes(policy=chosen)
            except Exception as exc:
                ctx.defect(f"enclosed message not serialisable with {chosen.__class__.__name__}: "
                           f"{type(exc).__name__}")  # fmt: skip
    return _payload_bytes(part, ctx)


def _content_type(part: Message, ctx: _Context) -> str:
    known = ctx.types.get(id(part))
    if known is None:
        known = ctx.types[id(part)] = _safe(ctx, "content type", part.get_content_type, "text/plain")
    return known


def _collect(part: Message, body: _Body, ctx: _Context, depth: int) -> None:
    if depth > MAX_DEPTH:
        ctx.defect(f"nesting deeper than {MAX_DEPTH} parts, rest ignored")
        return
    content_type = _content_type(part, ctx)
    maintype, _, subtype = content_type.partition("/")
    if content_type in _STATUS_TYPES:
        body.status_parts.append(part)
        return
    if maintype == "message":
        _add_attachment(part, content_type, body, ctx, _enclosed_bytes(part, ctx))
        inner = part.get_payload()
        if (
            subtype in ("rfc822", "global")
            and isinstance(inner, list)
            and inner
            and isinstance(inner[0], Message)
            and not body.enclosed
        ):
            # Kept aside: the readable text of a message that only forwards another one.
            enclosed = _Body()
            _collect(inner[0], enclosed, ctx, depth + 1)
            body.enclosed.append(enclosed)
        return
    if maintype == "multipart" and part.is_multipart():
        children = [child for child in part.get_payload() if isinstance(child, Message)]
        if subtype == "alternative":
            _collect_alternative(children, body, ctx, depth)
            return
        if subtype == "report":
            body.report_type = str(_safe(ctx, "report-type", lambda: part.get_param("report-type"), "") or "")
            body.report_type = body.report_type.lower()
        for index, child in enumerate(children):
            child_type = _content_type(child, ctx)
            if subtype == "report" and child_type in _STATUS_TYPES:
                body.status_parts.append(child)
                continue
            if subtype == "report" and index > 0 and child_type.startswith("text/"):
                # text/rfc822-headers or a returned copy of the original: evidence, not text.
                _add_attachment(child, child_type, body, ctx, None)
                continue
            _collect(child, body, ctx, depth + 1)
            if subtype == "report" and index == 0:
                body.report_notice = "\n".join(body.plain) or "\n".join(body.html)
        return
    if maintype == "multipart":
        ctx.defect(f"{content_type} without usable boundary, read as text")
        content_type, maintype, subtype = "text/plain", "text", "plain"
    disposition = _safe(ctx, "content disposition", part.get_content_disposition, None)
    filename = _safe(ctx, "attachment filename", part.get_filename, None)
    if maintype == "text" and subtype in ("plain", "html") and disposition != "attachment" and not filename:
        data = _payload_bytes(part, ctx)
        text = _decode_text(part, data, ctx, html=subtype == "html")
        (body.html if subtype == "html" else body.plain).append(text)
        if subtype == "html":
            body.html_seen.append(text)
        return
    _add_attachment(part, content_type, body, ctx, None)


def _collect_alternative(children: list[Message], body: _Body, ctx: _Context, depth: int) -> None:
    versions: list[_Body] = []
    for child in children:
        version = _Body()
        _collect(child, version, ctx, depth + 1)
        versions.append(version)
        body.attachments.extend(version.attachments)
        body.status_parts.extend(version.status_parts)
        body.html_seen.extend(version.html_seen)
    plain = next((v for v in versions if any(text.strip() for text in v.plain)), None)
    if plain is not None:
        body.plain.extend(plain.plain)
        return
    html = next((v for v in reversed(versions) if any(text.strip() for text in v.html)), None)
    if html is not None:
        body.html.extend(html.html)


def _readable_text(body: _Body) -> str:
    plain = [normalize_text(text) for text in body.plain]
    plain = [text for text in plain if text]
    if plain:
        return "\n\n".join(plain)
    text = "\n\n".join(text for text in (html_to_text(html) for html in body.html) if text)
    if not text and body.enclosed:
        return _readable_text(body.enclosed[0])
    return text


def _attachments(
    body: _Body, ctx: _Context, max_bytes: int, max_count: int
) -> tuple[list[Attachment], list[str]]:
    kept: list[Attachment] = []
    skipped: list[str] = []
    html = "".join(body.html_seen)
    for pending in body.attachments:
        if pending.content_id and not pending.inline and f"cid:{pending.content_id}" in html:
            pending.inline = True  # shown inside the HTML body
        data = pending.data if pending.data is not None else _payload_bytes(pending.part, ctx)
        if len(kept) >= max_count:
            skipped.append(f"{pending.filename}: more than {max_count} attachments")
            continue
        if len(data) > max_bytes:
            skipped.append(f"{pending.filename}: {len(data)} bytes, over the {max_bytes}-byte limit")
            continue
        dangerous = pending.unsafe_name or is_dangerous(pending.filename, pending.content_type)
        kept.append(
            Attachment(pending.filename, pending.content_type, len(data), data, pending.inline,
                       pending.content_id, dangerous)
        )  # fmt: skip
    return kept, skipped


# ---------------------------------------------------------------- the whole message


def _sender(raw: dict[str, list[str]], ctx: _Context) -> tuple[str, str]:
    """(address, name) from From, then Sender, then Return-Path; ("", "") when there is none."""
    candidates = _address_list(raw, "from", ctx) + _address_list(raw, "sender", ctx)
    for name, address in candidates:
        if "@" in address:
            return address, name
    for value in raw.get("return-path", []):
        address = value.strip().strip("<>").strip().lower()
        if "@" in address:
            return address, candidates[0][0] if candidates else ""
    if candidates:
        return candidates[0][1], candidates[0][0]
    return "", ""


def _kind(
    body: _Body, raw: dict[str, list[str]], sender: tuple[str, str], subject: str, text: str, to: list[str]
) -> tuple[MailKind, str | None, Bounce | None]:
    header = header_lookup(raw)
    bounce = delivery_report(body.status_parts) if body.status_parts else None
    if body.report_type:
        kind, reason = report_verdict(body.report_type, bounce, body.report_notice or text)
        return kind, reason, bounce
    if bounce is not None and bounce.action == "failed":
        return "bounce", "delivery status notification", bounce
    provider = provider_notification(sender[0], text)
    if provider is not None:
        return provider
    guess = heuristic_bounce(sender[0], sender[1], subject, text, to, failed_recipients_header(header))
    if guess is not None:
        kind, found = guess
        reason = (
            "delivery failure notice"
            if kind == "bounce"
            else "delivery delay, success or sender verification notice"
        )
        return kind, reason, found
    auto_reply = auto_reply_reason(header, subject)
    if auto_reply is not None:
        return "auto_reply", auto_reply, None
    suspicion = machine_suspicion(sender[0], sender[1], text)
    if suspicion is not None:
        return "machine_suspected", suspicion, None
    return "message", None, None


def parse_email(
    raw: bytes,
    *,
    max_attachment_bytes: int = DEFAULT_MAX_ATTACHMENT_BYTES,
    max_attachments: int = DEFAULT_MAX_ATTACHMENTS,
) -> ParsedEmail:
    """Parse raw mail; raises ``MailParseError`` only when it cannot be a complaint at all."""
    if not raw or not raw.strip():
        raise MailParseError("empty message")
    ctx = _Context()
    _REGISTRY.reset()
    try:
        msg = _PARSER.parsebytes(raw)
    except Exception as exc:  # the feed parser is lenient; this is a last resort
        raise MailParseError(f"unparseable message: {type(exc).__name__}") from exc
    for defect in getattr(msg, "defects", []):
        ctx.defect(type(defect).__name__)
    raw_headers = _raw_headers(msg)
    if not raw_headers:
        raise MailParseError("no headers")

    subject = " ".join((_header_text(raw_headers, "subject", ctx) or "").split())
    sender = _sender(raw_headers, ctx)
    to = _addresses(raw_headers, ("to",), ctx)
    cc = _addresses(raw_headers, ("cc",), ctx)
    reply_to = _addresses(raw_headers, ("reply-to",), ctx)
    delivered_to = _addresses(raw_headers, ("to", "cc", "delivered-to", "x-original-to", "envelope-to"), ctx)

    body = _Body()
    _collect(msg, body, ctx, 0)
    text = _readable_text(body)
    kind, auto_reason, bounce = _kind(body, raw_headers, sender, subject, text, delivered_to)
    if kind == "message" and "@" not in sender[0]:
        raise MailParseError("no sender address (From, Sender and Return-Path are missing or unparseable)")

    quoted_out = reply_part(text) if text else ""
    attachments, skipped = _attachments(body, ctx, max_attachment_bytes, max_attachments)
    message_ids = _message_ids(raw_headers.get("message-id"))
    message_id = message_ids[0] if message_ids else None
    return ParsedEmail(
        message_id=message_id,
        dedupe_key=message_id or "sha256:" + hashlib.sha256(raw).hexdigest(),
        from_address=sender[0],
        from_name=sender[1],
        to=to,
        cc=cc,
        reply_to=reply_to,
        delivered_to=delivered_to,
        subject=subject,
        date=_date(raw_headers.get("date"), ctx),
        in_reply_to=_message_ids(raw_headers.get("in-reply-to")),
        references=_message_ids(raw_headers.get("references")),
        text=text,
        reply_text=quoted_out,
        new_text=strip_signature(quoted_out) if quoted_out else "",
        attachments=attachments,
        skipped_attachments=skipped,
        auto_submitted=kind != "message",
        auto_reason=auto_reason,
        kind=kind,
        bounce=bounce,
        defects=ctx.defects,
        charset_fallbacks=ctx.fallbacks,
    )
