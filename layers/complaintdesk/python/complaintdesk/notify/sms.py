"""SMS text: which encoding a message needs, how many segments it costs, and a GSM-7 fallback.

An SMS in the GSM 03.38 alphabet carries 160 characters (153 per part when split); a single character
outside it (Turkish ş ğ ı, Latvian ā ē ū ...) turns the whole message into UCS-2: 70 characters, 67 per
part. ``analyze`` reports this, ``to_gsm`` writes the letters without their marks (ş -> s, ā -> a), and
``fit`` picks the first that fits a segment budget: as written, transliterated, or shortened.
"""

from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass
from typing import Literal

Encoding = Literal["GSM-7", "UCS-2"]

# GSM 03.38 default alphabet (one septet each) and its extension table (escape + septet: two each).
GSM_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM_EXTENSION = frozenset("^{}\\[~]|€\f")
SINGLE_LIMIT = {"GSM-7": 160, "UCS-2": 70}
PART_LIMIT = {"GSM-7": 153, "UCS-2": 67}

# Characters NFKD does not take apart, or that have a better GSM look-alike.
_SPECIAL = {
    "ı": "i",
    "ç": "c",
    "—": "-",
    "–": "-",
    "‐": "-",
    "−": "-",
    "‘": "'",
    "’": "'",
    "‚": "'",
    "“": '"',
    "”": '"',
    "„": '"',
    "«": '"',
    "»": '"',
    "…": "...",
    "\u00a0": " ",
    "\t": " ",
    "•": "-",
}


@dataclass(frozen=True)
class SmsInfo:
    encoding: Encoding
    characters: int
    units: int  # septets for GSM-7, UTF-16 code units for UCS-2
    segments: int
    non_gsm: tuple[str, ...]  # the characters that forced UCS-2, in order of appearance

    @property
    def single_segment(self) -> bool:
        return self.segments <= 1


def is_gsm(text: str) -> bool:
    return all(char in GSM_BASIC or char in GSM_EXTENSION for char in text)


def analyze(text: str) -> SmsInfo:
    """Encoding, length in that encoding's units, and number of segments of ``text``."""
    non_gsm = tuple(
        dict.fromkeys(char for char in text if char not in GSM_BASIC and char not in GSM_EXTENSION)
    )
    if non_gsm:
        encoding: Encoding = "UCS-2"
        units = len(text.encode("utf-16-le")) // 2
    else:
        encoding = "GSM-7"
        units = sum(2 if char in GSM_EXTENSION else 1 for char in text)
    return SmsInfo(encoding, len(text), units, _segments(units, encoding), non_gsm)


def _segments(units: int, encoding: Encoding) -> int:
    if units == 0:
        return 0
    if units <= SINGLE_LIMIT[encoding]:
        return 1
    return math.ceil(units / PART_LIMIT[encoding])


def to_gsm(text: str) -> str:
    """``text`` in the GSM alphabet: marks dropped (ş -> s, ā -> a), dashes and quotes made plain, ? for the rest."""
    out = []
    for char in text:
        if char in GSM_BASIC or char in GSM_EXTENSION:
            out.append(char)
        elif char in _SPECIAL:
            out.append(_SPECIAL[char])
        else:
            base = "".join(
                part for part in unicodedata.normalize("NFKD", char) if not unicodedata.combining(part)
            )
            out.append(base if base and is_gsm(base) else "?")
    return "".join(out)


def fit(text: str, max_segments: int = 1, *, transliterate: bool = True) -> str:
    """``text`` as written if it fits ``max_segments``; else in GSM letters if allowed; else shortened with "..."."""
    if max_segments < 1:
        raise ValueError("max_segments must be at least 1")
    if analyze(text).segments <= max_segments:
        return text
    if transliterate:
        text = to_gsm(text)
        if analyze(text).segments <= max_segments:
            return text
    suffix = "..."
    low, high = 0, len(text)
    while low < high:  # the longest prefix that still fits together with the suffix
        middle = (low + high + 1) // 2
        if analyze(text[:middle].rstrip() + suffix).segments <= max_segments:
            low = middle
        else:
            high = middle - 1
    return text[:low].rstrip() + suffix
