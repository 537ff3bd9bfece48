"""Turn bytes of unknown or doubtful charset into text, never raising.

The declared charset wins when it decodes cleanly and looks right. Otherwise utf-8 is tried,
then the single-byte charsets our customers' mail really uses, scored by how natural the result
reads: Turkish text should show ğ ş ı İ, Latvian text ā č ē ģ ī ķ ļ ņ š ū ž, and neither should be
full of letters that language does not have.
"""

from __future__ import annotations

import base64
import binascii
import codecs
import re
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
# The letters of one language each: a Latin label whose text uses letters of a single one of these
# alphabets reads as that language, and no guess replaces it (German äöüß stays German).
_ALPHABETS: tuple[frozenset[str], ...] = tuple(
    frozenset(letters + letters.upper())
    for letters in (
        "äöüß",  # German
        "àâæçéèêëîïôœùûüÿ",  # French
        "áéíñóúü",  # Spanish
        "àèéìíòóù",  # Italian
        "ãõáâêôçàéíóú",  # Portuguese
        "åäöæøé",  # Nordic
        "ëïéèáóö",  # Dutch
        "çöüâîûğşıİ",  # Turkish (for labels that hold it)
        "āčēģīķļņšūžõäöü",  # Latvian (idem)
    )
)
# Charsets that encode ASCII as itself but use escape or shift sequences inside 7-bit bytes: the
# all-ASCII shortcut must still decode them.
_SEVEN_BIT = frozenset({"utf-7", "iso2022_jp", "iso2022_jp_1", "iso2022_jp_2", "iso2022_jp_2004",
                        "iso2022_jp_3", "iso2022_jp_ext", "iso2022_kr", "hz"})  # fmt: skip
# Wider codecs tried in order when the named 7-bit one refuses (vendor extensions in the wild).
_SEVEN_BIT_WIDER = {"iso2022_jp": ("iso2022_jp_ext", "iso2022_jp_2", "iso2022_jp_2004")}


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


def reads_as_one_language(text: str, codec: str) -> bool:
    """Every non-ASCII letter of ``text`` belongs to one language's alphabet (and nothing is a C1
    control or a replacement character): the label that produced it is believable."""
    letters = set()
    for char in text:
        if char < "\x80" or char in _TYPOGRAPHY:
            continue
        if "\x80" <= char <= "\x9f" or char == "\ufffd" or not char.isalpha():
            return False
        letters.add(char)
    if codec in ("cp1254", "iso8859-9") or codec in ("cp1257", "iso8859-13"):
        alphabets = _ALPHABETS
    else:  # Turkish and Latvian letters cannot come out of a western label
        alphabets = _ALPHABETS[:-2]
    return any(letters <= alphabet for alphabet in alphabets)


def _decode_seven_bit(data: bytes, codec: str | None) -> Decoded | None:
    """ISO-2022-*, UTF-7 and HZ text is all ASCII bytes; decode it with its codec (also when an
    unlabelled message carries ISO-2022-JP escape sequences)."""
    if codec not in _SEVEN_BIT and (b"\x1b$B" in data or b"\x1b$@" in data or b"\x1b(J" in data):
        note = f"declared {codec or 'none'}, escape sequences of iso-2022-jp"
        codec = "iso2022_jp"
    else:
        note = None
    if codec not in _SEVEN_BIT:
        return None
    for name in (codec, *_SEVEN_BIT_WIDER.get(codec, ())):
        try:
            return Decoded(data.decode(name), name, note)
        except (UnicodeDecodeError, LookupError):
            continue
    return Decoded(
        data.decode(codec, errors="replace"), codec, f"declared {codec}, invalid sequences replaced"
    )


def decode_bytes(data: bytes, declared: str | None) -> Decoded:
    """Decode ``data`` labelled ``declared``; falls back sensibly and says so in ``fallback``."""
    codec = codec_name(declared)
    label = (declared or "").strip().lower() or "none"
    if data.isascii():
        seven_bit = _decode_seven_bit(data, codec)
        if seven_bit is not None:
            return seven_bit
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
            if reads_as_one_language(text, codec):
                return Decoded(text, codec)  # a guess never overrides a believable label
            japanese = _japanese(data)
            if japanese is not None:
                return Decoded(japanese[0], japanese[1], f"declared {label}, looks like {japanese[1]}")
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
    japanese = _japanese(data)
    if japanese is not None:
        return Decoded(japanese[0], japanese[1], f"declared {label}, used {japanese[1]}")
    text, name, _ = _guess_single_byte(data)
    return Decoded(text, name, f"declared {label}, used {name}")


_KANA = re.compile("[\u3041-\u30ff]")


def _japanese(data: bytes) -> tuple[str, str] | None:
    """Shift_JIS (cp932) or EUC-JP bytes that decode strictly and give kana: Japanese mail without
    a usable label. Kana is the test because Latin single-byte text almost never produces it."""
    for name in ("cp932", "euc_jp"):
        try:
            text = data.decode(name)
        except UnicodeDecodeError:
            continue
        wide = sum(1 for char in text if char > "\x7f")
        if wide >= 2 and len(_KANA.findall(text)) * 5 >= wide:
            return text, name
    return None


def repair_surrogates(value: str) -> tuple[str, str | None]:
    """Header text that carried raw 8-bit bytes comes back with surrogate escapes: decode those."""
    if not any("\udc80" <= char <= "\udcff" for char in value):
        return value, None
    decoded = decode_bytes(value.encode("utf-8", errors="surrogateescape"), None)
    return decoded.text, decoded.fallback


_ENCODED_WORD_RE = re.compile(r"=\?([^?\s*]+)(?:\*[^?\s]*)?\?([QqBb])\?([^?\s]*)\?=")
_BETWEEN_WORDS_RE = re.compile(r"[ \t\r\n]*")


def _word_bytes(encoding: str, payload: str) -> bytes:
    if encoding in "Bb":
        cleaned = re.sub(r"[^A-Za-z0-9+/]", "", payload)
        return base64.b64decode(cleaned + "=" * (-len(cleaned) % 4)) if len(cleaned) % 4 != 1 else b""
    return binascii.a2b_qp(payload.encode("ascii", "replace"), header=True)


def decode_header_words(value: str) -> tuple[str, list[str]]:
    """An unstructured header (Subject) with its RFC 2047 encoded words decoded by ``decode_bytes``,
    so a word's doubtful label gets the same repair as a body's; ``(text, fallback notes)``.

    Adjacent encoded words of one charset are joined before decoding (a multi-byte character may be
    split across them) and the white space between encoded words is dropped, as RFC 2047 says.
    """
    if "=?" not in value:
        return value, []
    out: list[str] = []
    notes: list[str] = []
    pending: tuple[str, bytearray] | None = None

    def flush() -> None:
        nonlocal pending
        if pending is not None:
            decoded = decode_bytes(bytes(pending[1]), pending[0])
            out.append(decoded.text)
            if decoded.fallback and decoded.fallback not in notes:
                notes.append(decoded.fallback)
            pending = None

    position = 0
    for match in _ENCODED_WORD_RE.finditer(value):
        between = value[position : match.start()]
        if pending is None or _BETWEEN_WORDS_RE.fullmatch(between) is None:
            flush()
            out.append(between)
        charset, encoding, payload = match.groups()
        try:
            data = _word_bytes(encoding, payload)
        except (binascii.Error, ValueError):
            flush()
            out.append(match.group(0))
            position = match.end()
            continue
        label = charset.lower()
        if pending is not None and pending[0] == label:
            pending[1].extend(data)
        else:
            flush()
            pending = (label, bytearray(data))
        position = match.end()
    flush()
    out.append(value[position:])
    return "".join(out), notes
