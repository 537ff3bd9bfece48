"""Turn bytes of unknown or doubtful charset into text, never raising.

The declared charset wins when it decodes cleanly and looks right. Otherwise utf-8 is tried,
then the single-byte charsets our customers' mail really uses, scored by how natural the result
reads: Turkish text should show ğ ş ı İ, Latvian text ā č ē ģ ī ķ ļ ņ š ū ž, and neither should be
full of letters that language does not have.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass

_TURKISH = frozenset("ğĞşŞıİ")
_TURKISH_COMMON = frozenset("çÇöÖüÜâÂîÎûÛ")
_LATVIAN = frozenset("āĀčČēĒģĢīĪķĶļĻņŅšŠūŪžŽ")
_CYRILLIC_LOWER = frozenset(chr(code) for code in range(0x430, 0x460))
_CYRILLIC_UPPER = frozenset(chr(code) for code in range(0x400, 0x430))
_WESTERN = frozenset("àáâãäåæçèéêëìíîïñòóôõöøùúûüýÿßÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏÑÒÓÔÕÖØÙÚÛÜÝ€£©®°«»–—‘’“”…•")

# (codec, letters that are good evidence for it, letters that are plausible in it)
_CANDIDATES: tuple[tuple[str, frozenset[str], frozenset[str]], ...] = (
    ("windows-1254", _TURKISH, _TURKISH_COMMON),
    ("windows-1257", _LATVIAN, frozenset("õÕäÄöÖüÜ")),
    ("iso-8859-9", _TURKISH, _TURKISH_COMMON),
    ("iso-8859-13", _LATVIAN, frozenset("õÕäÄöÖüÜ")),
    ("cp1252", frozenset(), _WESTERN),
    ("windows-1251", _CYRILLIC_LOWER, _CYRILLIC_UPPER),
    ("koi8-r", _CYRILLIC_LOWER, _CYRILLIC_UPPER),
)
_CYRILLIC_CODECS = frozenset({"windows-1251", "koi8-r"})
# Codec names as ``codecs.lookup(...).name`` spells them.
# Labels whose real-world use is the larger charset that extends them.
_SUPERSETS = {
    "gb2312": "gb18030", "gbk": "gb18030", "euc_kr": "cp949", "shift_jis": "cp932", "big5": "big5hkscs",
    "iso8859-1": "cp1252", "iso8859-9": "cp1254", "iso8859-13": "cp1257",
}  # fmt: skip
# Single-byte charsets often declared for text that is really something else.
_DOUBTFUL = frozenset(
    {"ascii", "iso8859-1", "iso8859-15", "cp1252", "cp1254", "cp1257", "iso8859-9", "iso8859-13", "iso8859-2"}
)
_TYPOGRAPHY = frozenset("€£©®°«»–—‘’“”…•§¶±×÷·¡¿ ")


@dataclass(frozen=True, slots=True)
class Decoded:
    text: str
    charset: str
    # Set when the declared charset was missing or not used: "declared X, used Y".
    fallback: str | None = None


def codec_name(charset: str | None) -> str | None:
    """The Python codec for a MIME charset label, or None when unknown."""
    if not charset:
        return None
    label = charset.strip().strip('"').lower()
    if label in ("unknown-8bit", "x-unknown", "unknown", "8bit", "default", "charset"):
        return None
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def _score(text: str, evidence: frozenset[str], plausible: frozenset[str], cyrillic: bool = False) -> int:
    score = 0
    for index, char in enumerate(text):
        if char < "\x80":
            continue
        if cyrillic and (
            (index and text[index - 1].isascii() and text[index - 1].isalpha())
            or (index + 1 < len(text) and text[index + 1].isascii() and text[index + 1].isalpha())
        ):
            score -= 4  # a Cyrillic letter glued to Latin ones: this is not Cyrillic text
        elif char in evidence:
            score += 3
        elif char in plausible:
            score += 1
        elif char in _TYPOGRAPHY:
            continue
        elif "\x80" <= char <= "\x9f" or char == "\ufffd":
            score -= 6
        elif char.isalpha():
            score -= 2
        else:
            score -= 1
    return score


def _sets_for(codec: str) -> tuple[frozenset[str], frozenset[str]]:
    for name, evidence, plausible in _CANDIDATES:
        if codecs.lookup(name).name == codec:
            return evidence, plausible
    return frozenset(), _WESTERN


def _guess_single_byte(data: bytes) -> tuple[str, str, int]:
    best: tuple[int, str, str] | None = None
    for name, evidence, plausible in _CANDIDATES:
        text = data.decode(name, errors="replace")
        score = _score(text, evidence, plausible, name in _CYRILLIC_CODECS)
        if best is None or score > best[0]:
            best = (score, name, text)
    assert best is not None
    return best[2], best[1], best[0]


def _mostly_utf8(data: bytes) -> str | None:
    """utf-8 text with a handful of damaged bytes (a truncated or spliced message) is still utf-8."""
    text = data.decode("utf-8", errors="replace")
    damaged = text.count("\ufffd")
    non_ascii = sum(1 for char in text if char > "\x7f")
    return text if non_ascii >= 8 and damaged <= 1 + non_ascii // 50 else None


def decode_bytes(data: bytes, declared: str | None) -> Decoded:
    """Decode ``data`` labelled ``declared``; falls back sensibly and says so in ``fallback``."""
    codec = codec_name(declared)
    label = (declared or "").strip().lower() or "none"
    if data.isascii():
        return Decoded(data.decode("ascii"), codec or "us-ascii")
    if codec is not None:
        try:
            text = data.decode(_SUPERSETS.get(codec, codec))
        except (UnicodeDecodeError, LookupError):
            if codec == "utf-8":
                mostly = _mostly_utf8(data)
                if mostly is not None:
                    return Decoded(mostly, "utf-8", "declared utf-8, a few invalid bytes replaced")
        else:
            if codec not in _DOUBTFUL:
                return Decoded(text, codec)
            # A single-byte label on bytes that are valid utf-8 is almost always a mislabel.
            try:
                return Decoded(data.decode("utf-8"), "utf-8", f"declared {label}, looks like utf-8")
            except UnicodeDecodeError:
                pass
            guess, name, guess_score = _guess_single_byte(data)
            if guess_score <= _score(text, *_sets_for(codec)) + 3:
                return Decoded(text, codec)
            return Decoded(guess, name, f"declared {label}, looks like {name}")
    try:
        return Decoded(data.decode("utf-8"), "utf-8", f"declared {label}, used utf-8")
    except UnicodeDecodeError:
        pass
    mostly = _mostly_utf8(data)
    if mostly is not None:
        return Decoded(mostly, "utf-8", f"declared {label}, used utf-8 (a few invalid bytes replaced)")
    text, name, _ = _guess_single_byte(data)
    return Decoded(text, name, f"declared {label}, used {name}")


def repair_surrogates(value: str) -> tuple[str, str | None]:
    """Header text that carried raw 8-bit bytes comes back with surrogate escapes: decode those."""
    if not any("\udc80" <= char <= "\udcff" for char in value):
        return value, None
    decoded = decode_bytes(value.encode("utf-8", errors="surrogateescape"), None)
    return decoded.text, decoded.fallback
