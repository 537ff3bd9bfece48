"""SMS: encoding, segment counting, GSM transliteration and fitting a segment budget."""

from __future__ import annotations

import pytest

from complaintdesk.notify.sms import analyze, fit, is_gsm, to_gsm
from complaintdesk.notify.templates import LANGUAGES, TEMPLATES, render


@pytest.mark.parametrize(
    ("text", "encoding", "units", "segments"),
    [
        ("", "GSM-7", 0, 0),
        ("a" * 160, "GSM-7", 160, 1),
        ("a" * 161, "GSM-7", 161, 2),
        ("a" * 306, "GSM-7", 306, 2),
        ("a" * 307, "GSM-7", 307, 3),
        ("€" * 80, "GSM-7", 160, 1),  # extension characters take two septets
        ("€" * 81, "GSM-7", 162, 2),
        ("ü é Ä ß @ £", "GSM-7", 11, 1),
        ("ş" * 70, "UCS-2", 70, 1),
        ("ş" + "a" * 70, "UCS-2", 71, 2),
        ("ā" * 134, "UCS-2", 134, 2),
        ("ā" * 135, "UCS-2", 135, 3),
        ("ok 👍", "UCS-2", 5, 1),  # outside the BMP: two UTF-16 units
    ],
)
def test_encoding_units_and_segments(text: str, encoding: str, units: int, segments: int) -> None:
    info = analyze(text)

    assert (info.encoding, info.units, info.segments, info.characters) == (
        encoding,
        units,
        segments,
        len(text),
    )


def test_the_characters_that_force_ucs2_are_reported() -> None:
    assert analyze("Şikâyetiniz alındı, ş").non_gsm == ("Ş", "â", "ı", "ş")
    assert analyze("plain").non_gsm == ()


@pytest.mark.parametrize(
    ("text", "gsm"),
    [
        ("Şikâyetiniz İstanbul'da ığdır çğ", "Sikayetiniz Istanbul'da igdir cg"),
        ("Jūsu sūdzība ir saņemta: ļ ķ ģ ē č ž", "Jusu sudziba ir sanemta: l k g e c z"),
        ("Müşteri Öz Ünal äöñ é", "Müsteri Öz Ünal äöñ é"),
        ("“quoted” — dash… €5", '"quoted" - dash... €5'),
        ("emoji 😀", "emoji ?"),
    ],
)
def test_to_gsm_keeps_gsm_letters_and_drops_marks_from_the_rest(text: str, gsm: str) -> None:
    assert to_gsm(text) == gsm
    assert is_gsm(to_gsm(text))


def test_fit_keeps_a_text_that_already_fits() -> None:
    assert fit("Şikâyetiniz alındı.") == "Şikâyetiniz alındı."


def test_fit_transliterates_when_that_saves_segments() -> None:
    text = "Şikâyetiniz alındı. " * 5  # 100 characters: two UCS-2 segments, one GSM-7 segment

    fitted = fit(text)

    assert analyze(text).segments == 2
    assert fitted == to_gsm(text) and analyze(fitted).segments == 1


def test_fit_shortens_what_cannot_fit_otherwise() -> None:
    fitted = fit("word " * 100, max_segments=1)

    assert fitted.endswith("...") and analyze(fitted).segments == 1 and len(fitted) == 160


def test_fit_without_transliteration_shortens_in_ucs2() -> None:
    fitted = fit("ş" * 100, transliterate=False)

    assert fitted == "ş" * 67 + "..." and analyze(fitted).segments == 1


def test_fit_refuses_a_zero_budget() -> None:
    with pytest.raises(ValueError):
        fit("x", max_segments=0)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_sms_fits_one_segment_in_gsm_letters(language: str, context: dict[str, object]) -> None:
    for template in TEMPLATES:
        sms = render(template, language, context).sms
        fitted = fit(sms, max_segments=1)

        assert analyze(fitted).segments == 1, (template, sms)
        assert not fitted.endswith("..."), (template, sms)  # nothing had to be cut
        if language == "en":
            assert analyze(sms).encoding == "GSM-7", template
