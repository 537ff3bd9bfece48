"""The language a customer writes in, guessed from the text of their first e-mail: ``tr``, ``lv`` or
``en`` (the desk's three). Letters that only Turkish or Latvian use, and a few very common words of
each, are counted; too little evidence, or a tie, is English. Pure.
"""

from __future__ import annotations

import re

_TR_LETTERS = frozenset("ğĞışŞİ")
_LV_LETTERS = frozenset("āĀēĒīĪūŪģĢķĶļĻņŅ")
# fmt: off
_TR_WORDS = frozenset((
    "merhaba", "teşekkür", "teşekkürler", "lütfen", "için", "değil", "sipariş", "siparişim", "ürün",
    "fatura", "iade", "şikayet", "şikâyet", "kargo", "bir", "ve", "ama", "çok",
))
_LV_WORDS = frozenset((
    "labdien", "sveiki", "paldies", "lūdzu", "pasūtījums", "pasūtījumu", "rēķins", "prece", "preci",
    "sūdzība", "nav", "un", "ir", "es", "jūs", "mans", "mana",
))
# fmt: on
_WORD_RE = re.compile(r"\w+")


def guess_language(text: str) -> str:
    """``tr``, ``lv`` or ``en`` from letters and common words of the first few thousand characters."""
    sample = text[:4000]
    turkish = sum(ch in _TR_LETTERS for ch in sample)
    latvian = sum(ch in _LV_LETTERS for ch in sample)
    for word in _WORD_RE.findall(sample.lower())[:800]:
        turkish += 2 * (word in _TR_WORDS)
        latvian += 2 * (word in _LV_WORDS)
    if max(turkish, latvian) < 3 or turkish == latvian:
        return "en"
    return "tr" if turkish > latvian else "lv"
