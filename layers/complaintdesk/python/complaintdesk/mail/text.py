"""Readable text out of mail bodies: HTML to text, and the new part of a reply.

``html_to_text`` keeps paragraphs, line breaks, list items and links (text plus URL) and renders
``<blockquote>`` as ``>`` lines so the reply trimmer treats HTML-only replies like plain ones.
``reply_part`` cuts quoted history; ``strip_signature`` cuts the sign-off and signature.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

_SKIP_TAGS = frozenset({"script", "style", "head", "title", "noscript", "template", "svg", "object"})
_BLOCK_TAGS = frozenset(
    {
        "p", "div", "section", "article", "header", "footer", "table", "tr", "ul", "ol", "dl", "dt", "dd",
        "h1", "h2", "h3", "h4", "h5", "h6", "pre", "address", "center", "form", "fieldset", "hr",
    }
)  # fmt: skip
_PARAGRAPH_TAGS = frozenset({"p", "h1", "h2", "h3", "h4", "h5", "h6", "table", "ul", "ol"})
_VOID_SKIP = frozenset(
    {"meta", "link", "base", "img", "input", "col", "area", "param", "source", "track", "wbr"}
)
_SPACE_RE = re.compile(r"[ \t\r\n\f\v\u00a0]+")


class _HtmlText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self.line: list[str] = []
        self.skip_depth = 0
        self.quote_depth = 0
        self.pre_depth = 0
        self.href: str | None = None
        self.link_text: list[str] = []
        self.pending_blank = False

    # -- output helpers
    def _break(self, blank: bool = False) -> None:
        text = "".join(self.line).rstrip()
        if text.strip():
            self.lines.append(text)
        self.line = []
        if blank and self.lines and self.lines[-1] != "":
            self.lines.append("")

    def _line_break(self) -> None:
        """``<br>`` ends the line; a second one in a row leaves a blank line."""
        if any(piece.strip() for piece in self.line):
            self._break()
        elif self.lines and self.lines[-1] != "":
            self.lines.append("")
        self.line = []

    def _emit(self, text: str) -> None:
        if self.href is not None:
            self.link_text.append(text)
            return
        if not self.line:
            text = text.lstrip() if not self.pre_depth else text
            if not text:
                return
            self.line.append("> " * self.quote_depth)
        self.line.append(text)

    # -- HTMLParser callbacks
    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP_TAGS:
            self.skip_depth += 1
            return
        if self.skip_depth or tag in _VOID_SKIP:
            return
        if tag == "br":
            self._line_break()
        elif tag == "li":
            self._break()
            self._emit("- ")
        elif tag == "blockquote":
            self._break(blank=True)
            self.quote_depth += 1
        elif tag in _BLOCK_TAGS:
            self._break(blank=tag in _PARAGRAPH_TAGS)
            if tag == "pre":
                self.pre_depth += 1
        elif tag in ("td", "th"):
            if self.line:
                self._emit(" ")
        elif tag == "a":
            href = dict(attrs).get("href") or ""
            self.href = href.strip()
            self.link_text = []

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br" and not self.skip_depth:
            self._line_break()
        elif tag == "hr" and not self.skip_depth:
            self._break(blank=True)

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP_TAGS:
            self.skip_depth = max(0, self.skip_depth - 1)
            return
        if self.skip_depth:
            return
        if tag == "a" and self.href is not None:
            href, self.href = self.href, None
            label = _SPACE_RE.sub(" ", "".join(self.link_text)).strip()
            self.link_text = []
            target = href.removeprefix("mailto:") if href.lower().startswith("mailto:") else href
            shown = label or target
            if target and target != label and re.match(r"(?i)(https?://|mailto:)", href):
                shown = f"{label} ({target})" if label else target
            if shown:
                self._emit(shown)
        elif tag == "blockquote":
            self._break(blank=True)
            self.quote_depth = max(0, self.quote_depth - 1)
        elif tag in _BLOCK_TAGS or tag == "li":
            self._break(blank=tag in _PARAGRAPH_TAGS)
            if tag == "pre":
                self.pre_depth = max(0, self.pre_depth - 1)

    def handle_data(self, data: str) -> None:
        if self.skip_depth:
            return
        if self.pre_depth:
            for index, piece in enumerate(data.split("\n")):
                if index:
                    self._break()
                if piece:
                    self._emit(piece)
            return
        text = _SPACE_RE.sub(" ", data)
        if text.strip() or (self.line and text == " "):
            self._emit(text)

    def result(self) -> str:
        if self.href is not None:
            self.handle_endtag("a")
        self._break()
        return "\n".join(self.lines).strip("\n")


def html_to_text(html: str) -> str:
    """Readable plain text for an HTML body; never raises."""
    parser = _HtmlText()
    try:
        parser.feed(html)
        parser.close()
    except Exception:  # html.parser is lenient; this guards against the truly odd
        pass
    return normalize_text(parser.result())


def normalize_text(text: str) -> str:
    """Unix newlines, no trailing spaces, at most one blank line in a row, no leading/trailing blanks."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u00a0", " ")
    lines = [line.rstrip() for line in text.split("\n")]
    out: list[str] = []
    for line in lines:
        if not line and (not out or not out[-1]):
            continue
        out.append(line)
    return "\n".join(out).strip("\n")


# ---------------------------------------------------------------- quoted history

_ATTRIBUTION_END = re.compile(
    r"(?i)(\bwrote|\bwrites|\bschrieb|\ba écrit|\bescribió|\bha scritto|\bschreef|\bskrev|\bnapisał"
    r"|\bнаписал[аи]?|\brakstīja|\bşunu yazdı|\byazdı)\s*:\s*$"
)
# How a wrapped attribution may begin: "On …", "Am …", a date, or a Turkish "… tarihinde".
_ATTRIBUTION_START = re.compile(
    r"(?i)^\s*((on|am|le|el|il|op|den|w dniu|dnia)\b|\d{1,4}[./ -]|.*\btarihinde\b)"
)
_ORIGINAL_MESSAGE = re.compile(
    r"(?i)^\s*[-_=]{2,}\s*(original message|ursprüngliche nachricht|message d'origine|mensaje original"
    r"|messaggio originale|orijinal ileti|özgün ileti|oriģinālā ziņa|sākotnējā ziņa|forwarded by .*)\s*[-_=]{2,}"
)
_HEADER_FROM = re.compile(r"(?i)^\s*[*>]*\s*(from|von|de|da|van|kimden|no|od|от)\s*:\s*\*?\s*\S")
_HEADER_OTHER = re.compile(
    r"(?i)^\s*[*>]*\s*(sent|date|to|subject|cc|gesendet|datum|an|betreff|envoyé|à|objet|enviado|para"
    r"|asunto|tarih|gönderildi|gönderilme tarihi|kime|konu|bilgi|nosūtīts|datums|kam|tēma|kopija)\s*:"
)
_RULE_LINE = re.compile(r"^\s*_{10,}\s*$")


def _is_quote_line(line: str) -> bool:
    return line.lstrip().startswith(">")


def _attribution_at(lines: list[str], index: int) -> bool:
    """True when an "On <date>, <someone> wrote:" line (possibly wrapped over 3 lines) starts here."""
    line = lines[index]
    if not line.strip():
        return False
    joined = line
    for extra in range(3):
        if len(joined) < 400 and joined.rstrip().endswith(":") and _ATTRIBUTION_END.search(joined[-40:]):
            return bool(extra == 0 or _ATTRIBUTION_START.match(lines[index]))
        if index + extra + 1 >= len(lines) or not lines[index + extra + 1].strip():
            return False
        joined = f"{joined} {lines[index + extra + 1].strip()}"
    return False


def _header_block_at(lines: list[str], index: int) -> bool:
    """An Outlook-style quoted header block: From: followed by Sent/Date/To/Subject lines."""
    if not _HEADER_FROM.match(lines[index]):
        return False
    following = [line for line in lines[index + 1 : index + 7] if line.strip()]
    return sum(1 for line in following[:5] if _HEADER_OTHER.match(line)) >= 2


def quote_start(lines: list[str]) -> int | None:
    """Index of the first line of quoted history, or None when the message quotes nothing."""
    for index, line in enumerate(lines):
        if _ORIGINAL_MESSAGE.match(line) or _attribution_at(lines, index) or _header_block_at(lines, index):
            return index
        if _RULE_LINE.match(line) and index + 1 < len(lines) and _header_block_at(lines, index + 1):
            return index
    return None


def reply_part(text: str) -> str:
    """The text above the quoted history, without ``>`` lines (interleaved answers are kept)."""
    lines = text.split("\n")
    cut = quote_start(lines)
    head = lines[:cut] if cut is not None else lines
    kept = [line for line in head if not _is_quote_line(line)]
    # An attribution in a language we do not know: the line ending in ":" right before a quote.
    if cut is None:
        kept = []
        for index, line in enumerate(head):
            if _is_quote_line(line):
                continue
            nxt = next((row for row in head[index + 1 :] if row.strip()), "")
            if line.rstrip().endswith(":") and _is_quote_line(nxt) and index > 0 and len(line) < 200:
                continue
            kept.append(line)
    result = normalize_text("\n".join(kept))
    if result:
        return result
    # Nothing above the quote (bottom posting or an empty forward): keep what is not quoted at all.
    return normalize_text("\n".join(line for line in lines if not _is_quote_line(line)))


# ---------------------------------------------------------------- signatures

_SIG_DELIMITER = re.compile(r"^(--|__)\s*$")
_MOBILE = re.compile(
    r"(?i)^\s*(sent (from|with|via) |get outlook for |sent using |envoyé de mon |von meinem .* gesendet"
    r"|enviado desde mi |inviato da |iphone'umdan gönderildi|ipad'imden gönderildi|android'imden gönderildi"
    r"|nosūtīts no mana |nosūtīts no manas )"
)
_SIGN_OFF = re.compile(
    r"(?i)^\s*((best|kind|warm|warmest|many)\s+regards|regards|best wishes|best|cheers|thanks( again)?|"
    r"thank you|many thanks|thanks in advance|sincerely|yours sincerely|yours faithfully|yours truly|"
    r"with regards|mit freundlichen grüßen|viele grüße|mfg|cordialement|bien à vous|saludos|saluti|"
    r"saygılarımla|saygılar|iyi çalışmalar|teşekkürler|teşekkür ederim|ar cieņu|paldies|"
    r"ar labākajiem novēlējumiem|sveicieni)\s*[,.!]*\s*$"
)


def strip_signature(text: str) -> str:
    """Cut a "-- " signature, mobile footers and a trailing sign-off block."""
    lines = text.split("\n")
    for index, line in enumerate(lines):
        if index and _SIG_DELIMITER.match(line):
            lines = lines[:index]
            break
    content = [index for index, line in enumerate(lines) if line.strip()]
    tail = content[-6:]
    for index in tail:
        if _MOBILE.match(lines[index]):
            lines = lines[:index]
            break
    content = [index for index, line in enumerate(lines) if line.strip()]
    for index in content[-4:]:
        if index and _SIGN_OFF.match(lines[index]):
            lines = lines[:index]
            break
    result = normalize_text("\n".join(lines))
    return result or normalize_text(text)


def new_part(text: str) -> str:
    """The new text of a message: no quoted history, no signature."""
    return strip_signature(reply_part(text))
