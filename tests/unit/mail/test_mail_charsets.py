"""Turkish and Latvian mail decodes exactly, in every charset and when labels lie."""

from __future__ import annotations

from pathlib import Path

import pytest

from complaintdesk.mail import parse_email
from complaintdesk.mail.charset import decode_bytes

DATA = Path(__file__).resolve().parents[2] / "data" / "mail"

TR_SUBJECT = "Şikâyet: faturamda yanlış ücret (İzmir şubesi)"
TR_TEXT = (
    "Merhaba,\n\nGeçen ay ödediğim faturada İzmir şubesi iki kez ücret almış.\n"
    "Lütfen düzeltin ve bana bilgi verin; çok ağır bir hata.\n\nSaygılarımla,\nAyşe Yılmaz"
)
TR_NEW = TR_TEXT.rsplit("\n\nSaygılarımla", 1)[0]
LV_SUBJECT = "Sūdzība: nepareizs rēķins par jūliju"
LV_TEXT = (
    "Labdien!\n\nMans rēķins par jūliju ir nepareizs: man divreiz iekasēta maksa.\n"
    "Lūdzu, izlabojiet kļūdu un paziņojiet man. Ķēniņš, ģimene, ūdens, žurnāls.\n\nAr cieņu,\nĶārlis Ozoliņš"
)
LV_NEW = LV_TEXT.rsplit("\n\nAr cieņu", 1)[0]

# file, expected subject, text, new text, sender name, body fallback (None: declared charset used)
CASES = [
    ("tr-iso-8859-9.eml", TR_SUBJECT, TR_TEXT, TR_NEW, "Ayşe Yılmaz", None),
    ("tr-windows-1254.eml", TR_SUBJECT, TR_TEXT, TR_NEW, "Ayşe Yılmaz", None),
    ("tr-utf-8.eml", TR_SUBJECT, TR_TEXT, TR_NEW, "Ayşe Yılmaz", None),
    ("lv-iso-8859-13.eml", LV_SUBJECT, LV_TEXT, LV_NEW, "Ķārlis Ozoliņš", None),
    ("lv-windows-1257.eml", LV_SUBJECT, LV_TEXT, LV_NEW, "Ķārlis Ozoliņš", None),
    ("lv-utf-8.eml", LV_SUBJECT, LV_TEXT, LV_NEW, "Ķārlis Ozoliņš", None),
    # Mislabelled or unlabelled: the fallback is chosen by the letters it produces, and recorded.
    ("tr-windows-1254-labelled-utf-8.eml", TR_SUBJECT, TR_TEXT, TR_NEW, "Ayşe Yılmaz",
     "declared utf-8, used windows-1254"),
    ("tr-utf-8-labelled-iso-8859-1.eml", TR_SUBJECT, TR_TEXT, TR_NEW, "Ayşe Yılmaz",
     "declared iso-8859-1, looks like utf-8"),
    ("tr-iso-8859-9-unknown-8bit.eml", TR_SUBJECT, TR_TEXT, TR_NEW, "Ayşe Yılmaz",
     "declared unknown-8bit, used windows-1254"),
    ("lv-windows-1257-no-charset.eml", LV_SUBJECT, LV_TEXT, LV_NEW, "Ķārlis Ozoliņš",
     "declared none, used windows-1257"),
    ("lv-iso-8859-13-labelled-us-ascii.eml", LV_SUBJECT, LV_TEXT, LV_NEW, "Ķārlis Ozoliņš",
     "declared us-ascii, used windows-1257"),
    ("lv-windows-1257-labelled-iso-8859-1.eml", LV_SUBJECT, LV_TEXT, LV_NEW, "Ķārlis Ozoliņš",
     "declared iso-8859-1, looks like windows-1257"),
]  # fmt: skip


@pytest.mark.parametrize(("name", "subject", "text", "new_text", "sender", "fallback"), CASES)
def test_decodes_exactly(
    name: str, subject: str, text: str, new_text: str, sender: str, fallback: str | None
) -> None:
    parsed = parse_email((DATA / name).read_bytes())

    assert parsed.subject == subject
    assert parsed.text == text
    assert parsed.new_text == new_text
    assert parsed.from_name == sender
    assert parsed.kind == "message"
    body_fallbacks = [entry for entry in parsed.charset_fallbacks if entry.startswith("text/plain body")]
    if fallback is None:
        assert body_fallbacks == []
    else:
        assert body_fallbacks == [f"text/plain body: {fallback}"]


def test_raw_8bit_subject_without_encoded_words_is_decoded_and_recorded() -> None:
    parsed = parse_email((DATA / "lv-windows-1257-no-charset.eml").read_bytes())
    assert "subject: declared none, used windows-1257" in parsed.charset_fallbacks


@pytest.mark.parametrize(
    ("data", "declared", "expected"),
    [
        ("ağır iş".encode("windows-1254"), None, "ağır iş"),
        ("ķēķis šūnas".encode("windows-1257"), None, "ķēķis šūnas"),
        ("Grüße aus Köln".encode("cp1252"), None, "Grüße aus Köln"),
        ("привет мир".encode("koi8-r"), "x-unknown", "привет мир"),
        ("привет мир".encode("windows-1251"), None, "привет мир"),
        ("朱镕基".encode("gbk"), "gb2312", "朱镕基"),  # GBK-only letter under a gb2312 label
        (b"plain ascii", "no-such-charset", "plain ascii"),
    ],
)
def test_decode_bytes_never_raises(data: bytes, declared: str | None, expected: str) -> None:
    assert decode_bytes(data, declared).text == expected


def test_utf8_with_a_damaged_byte_stays_utf8() -> None:
    text = "Sipariş numaram 4471, ürün kırık geldi, değişim istiyorum. Çok üzgünüm." * 2
    data = text.encode("utf-8")[:-1] + b"\xff"
    decoded = decode_bytes(data, "utf-8")
    assert decoded.charset == "utf-8"
    assert decoded.text.startswith("Sipariş numaram 4471, ürün kırık geldi")
    assert decoded.fallback == "declared utf-8, a few invalid bytes replaced"
