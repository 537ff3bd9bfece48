"""Decoding right by construction (issue 12): 7-bit charsets, labels a guess may not override, the
body's mislabel repair on encoded-word subjects, headers cut only after decoding, quoted local parts."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest

from complaintdesk.mail import parse_email
from complaintdesk.mail.charset import decode_bytes, decode_header_words
from complaintdesk.mail.parse import MAX_HEADER_CHARS
from complaintdesk.schemas import normalize_email

DATA = Path(__file__).resolve().parents[2] / "data" / "mail" / "machine"


def parsed(name: str):  # type: ignore[no-untyped-def]
    return parse_email((DATA / name).read_bytes())


def test_iso_2022_jp_body_and_subject_are_japanese() -> None:
    mail = parsed("ja-iso-2022-jp.eml")
    assert mail.subject == "商品が壊れていました"
    assert mail.text == "お世話になっております。\n届いた商品が壊れていました。交換をお願いします。"
    assert mail.from_name == "山田 花子" and mail.charset_fallbacks == []


def test_utf_7_body_is_russian() -> None:
    mail = parsed("ru-utf-7.eml")
    assert mail.text == "Здравствуйте! Заказ пришёл с опозданием на неделю."
    assert mail.subject == "Жалоба на доставку"


@pytest.mark.parametrize(
    ("text", "charset"),
    [
        ("日本語の苦情", "iso-2022-jp"),
        ("Жалоба", "utf-7"),
        ("한국어 불만", "iso-2022-kr"),
        ("中文投诉", "hz"),
    ],
)
def test_every_seven_bit_charset_is_decoded_not_left_as_escapes(text: str, charset: str) -> None:
    data = text.encode(codecs.lookup(charset).name)
    assert data.isascii()
    assert decode_bytes(data, charset).text == text


def test_unlabelled_iso_2022_jp_is_recognised_by_its_escapes() -> None:
    decoded = decode_bytes("配送が遅れています".encode("iso2022_jp"), None)
    assert decoded.text == "配送が遅れています" and decoded.fallback is not None


def test_plain_ascii_stays_ascii_whatever_the_label() -> None:
    assert decode_bytes(b"Hello +world-", "us-ascii").text == "Hello +world-"
    assert decode_bytes(b"Hello", "iso-8859-1").text == "Hello"


@pytest.mark.parametrize(
    "text",
    ["ÄÖÜ äöü ß", "Größe: XL, Straße 5", "Grüße aus Köln", "Çà et là, déjà vu", "Año, niño, señor"],
)
def test_a_label_that_decodes_to_one_language_is_never_overridden(text: str) -> None:
    decoded = decode_bytes(text.encode("iso-8859-1"), "iso-8859-1")
    assert decoded.text == text and decoded.fallback is None


def test_the_german_sample_stays_german() -> None:
    mail = parsed("de-iso-8859-1-umlauts.eml")
    assert mail.text == "ÄÖÜ äöü ß" and mail.subject == "Größe falsch"
    assert mail.charset_fallbacks == []


def test_a_mislabelled_latin_label_is_still_repaired() -> None:
    # Turkish letters ş ğ ı (windows-1254) read as iso-8859-1 give þ ð ý: not one language's letters.
    decoded = decode_bytes("Şikayet: ağır iş".encode("windows-1254"), "iso-8859-1")
    assert decoded.text == "Şikayet: ağır iş"
    assert decoded.fallback == "declared iso-8859-1, looks like windows-1254"


def test_an_encoded_word_subject_gets_the_bodys_mislabel_repair() -> None:
    mail = parsed("tr-subject-mislabelled-encoded-word.eml")
    assert mail.subject == "Şikayet: ağır hasarlı ürün"
    assert "subject: declared iso-8859-1, looks like windows-1254" in mail.charset_fallbacks


def test_encoded_words_join_across_a_split_character() -> None:
    # "Ş" (c5 9e) split over two B words; the white space between encoded words is not text.
    assert decode_header_words("=?utf-8?B?xQ==?= =?utf-8?B?nmlrYXlldA==?=") == ("Şikayet", [])
    assert decode_header_words("Re: =?iso-8859-13?Q?S=FBdz=EEba?= nr 5") == ("Re: Sūdzība nr 5", [])
    assert decode_header_words("no words here") == ("no words here", [])


def test_a_broken_encoded_word_is_kept_as_written() -> None:
    text, _ = decode_header_words("=?utf-8?B?####?= ok")
    assert text.endswith(" ok")


def test_long_subjects_are_cut_after_decoding() -> None:
    mail = parsed("lv-long-encoded-subject.eml")
    assert "=?" not in mail.subject and "?=" not in mail.subject
    assert mail.subject.startswith("Sūdzība par rēķinu un piegādi, lūdzu atbildiet ātri Sūdzība")
    assert MAX_HEADER_CHARS // 2 < len(mail.subject) <= MAX_HEADER_CHARS
    assert mail.subject.endswith(("ātri", "Sūdzība", "par", "rēķinu", "un", "piegādi,", "lūdzu", "atbildiet"))


def test_a_quoted_local_part_is_a_valid_sender() -> None:
    mail = parsed("de-quoted-local-part.eml")
    assert mail.kind == "message"
    assert mail.from_address == '"joerg mueller"@beispiel.de' and mail.from_name == "Jörg Müller"
    assert normalize_email(mail.from_address) == '"joerg mueller"@beispiel.de'


@pytest.mark.parametrize(
    ("value", "valid"),
    [
        ('"first last"@example.com', True),
        ('"a\\"b"@example.com', True),
        ('"dots..inside"@example.com', True),
        ('"unterminated@example.com', False),
        ("first last@example.com", False),
        ("a..b@example.com", False),
        ('"tab\there"@example.com', False),
        ("x@example..com", False),
    ],
)
def test_normalize_email_accepts_rfc_5322_quoted_strings(value: str, valid: bool) -> None:
    if valid:
        assert normalize_email(value) == value.lower()
    else:
        with pytest.raises(ValueError):
            normalize_email(value)


def test_an_encoded_word_display_name_gets_the_same_repair() -> None:
    raw = (
        "From: =?iso-8859-1?Q?Ay=FEe_Y=FDlmaz?= <ayse@ornek.com.tr>\r\n"
        "To: support@complaintdesk.example\r\nSubject: Kargo\r\n\r\nMerhaba, kargom gelmedi.\r\n"
    ).encode("ascii")
    mail = parse_email(raw)
    assert mail.from_name == "Ayşe Yılmaz" and mail.from_address == "ayse@ornek.com.tr"
    assert "from name: declared iso-8859-1, looks like windows-1254" in mail.charset_fallbacks


def test_a_clean_encoded_word_display_name_is_unchanged() -> None:
    raw = (
        'From: "=?utf-8?B?SsO2cmcgTcO8bGxlcg==?=" <j@beispiel.de>\r\n'
        "To: support@complaintdesk.example\r\nSubject: Hallo\r\n\r\nHallo\r\n"
    ).encode("ascii")
    mail = parse_email(raw)
    assert mail.from_name == "Jörg Müller" and mail.charset_fallbacks == []


JA = "お世話になっております。届いた商品が壊れていました。"


@pytest.mark.parametrize(
    ("encoding", "label", "charset"),
    [
        ("shift_jis", None, "cp932"),
        ("euc_jp", None, "euc_jp"),
        ("shift_jis", "iso-8859-1", "cp932"),
        ("shift_jis", "iso-2022-jp", "cp932"),  # labelled 7-bit, sent 8-bit
        ("iso2022_jp", "us-ascii", "iso2022_jp"),
        ("iso2022_jp", "iso-8859-1", "iso2022_jp"),
    ],
)
def test_japanese_without_a_usable_label_is_read_by_its_kana(
    encoding: str, label: str | None, charset: str
) -> None:
    decoded = decode_bytes(JA.encode(encoding), label)
    assert (decoded.text, decoded.charset) == (JA, charset)
    assert decoded.fallback is not None


def test_latin_text_never_comes_out_japanese() -> None:
    for text, charset in [
        ("Şikâyet: ağır iş", "windows-1254"),
        ("Grüße, Jörg", "cp1252"),
        ("ķēķis", "windows-1257"),
    ]:
        assert decode_bytes(text.encode(charset), None).text == text
