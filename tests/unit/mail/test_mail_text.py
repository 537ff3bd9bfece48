"""HTML to text, quoted-history trimming and signature removal."""

from __future__ import annotations

from pathlib import Path

import pytest

from complaintdesk.mail import parse_email
from complaintdesk.mail.text import html_to_text, new_part, reply_part, strip_signature

DATA = Path(__file__).resolve().parents[2] / "data" / "mail"


def test_html_only_mail_becomes_readable_text() -> None:
    parsed = parse_email((DATA / "html-only.eml").read_bytes())

    assert (
        "alert" not in parsed.text and "color: red" not in parsed.text and "ignored title" not in parsed.text
    )
    assert "Siparişim gecikti ve kargo takip sayfası çalışmıyor." in parsed.text
    assert "- Sipariş no: 4471\n- Tarih: 1 Mart" in parsed.text
    assert "buraya tıklayın (https://kargo.example/takip?id=4471)" in parsed.text
    # The Turkish attribution line and the blockquote are history, not news.
    assert parsed.new_text.endswith("Ayşe")
    assert "Talebiniz alındı" not in parsed.new_text


def test_html_to_text_keeps_structure() -> None:
    html = (
        "<div>one<br>two<br><br>three</div><p>x &amp; y</p><pre>  a\n  b</pre>"
        "<table><tr><td>1</td><td>2</td></tr></table><a href='mailto:help@example.com'>write us</a>"
    )
    assert (
        html_to_text(html) == "one\ntwo\n\nthree\n\nx & y\n\n  a\n  b\n\n1 2\n\nwrite us (help@example.com)"
    )


def test_html_to_text_survives_garbage() -> None:
    assert html_to_text("<p>ok<div><<<>>></b></i><script>never") == "ok\n<<<>>>"


@pytest.mark.parametrize(
    ("name", "expected_new"),
    [
        ("reply-turkish.eml", "Hâlâ düzeltilmedi, ikinci fatura da yanlış geldi."),
        ("reply-latvian.eml", "Paldies, bet nauda vēl nav atmaksāta."),
        ("reply-outlook.eml", "The refund still has not arrived. Please escalate."),
    ],
)
def test_replies_keep_only_the_new_text(name: str, expected_new: str) -> None:
    parsed = parse_email((DATA / name).read_bytes())
    assert parsed.new_text == expected_new
    assert expected_new in parsed.text


def test_reply_text_keeps_the_signature_but_not_the_quote() -> None:
    parsed = parse_email((DATA / "reply-latvian.eml").read_bytes())
    assert (
        parsed.reply_text
        == "Paldies, bet nauda vēl nav atmaksāta.\n\n--\nĶārlis Ozoliņš\nTālr. +371 2000 0000"
    )


def test_wrapped_english_attribution_is_found() -> None:
    text = "Still broken.\n\nOn Tue, Mar 3, 2026 at 10:20 AM Support <\nsupport@example.com> wrote:\n\n> old"
    assert reply_part(text) == "Still broken."


def test_interleaved_answers_are_kept() -> None:
    text = "> Which order?\n4471\n> Which day?\nMonday"
    assert reply_part(text) == "4471\nMonday"


def test_unknown_language_attribution_before_quote_is_dropped() -> None:
    text = "Ještě to nefunguje.\n\nDne 3. 3. 2026 podpora napsala:\n> stará zpráva"
    assert reply_part(text) == "Ještě to nefunguje."


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Fix it please.\n\nSent from my iPhone", "Fix it please."),
        ("Fix it please.\n\nThanks,\nJo", "Fix it please."),
        ("Fix it please.\n-- \nJo Bloggs\nAcme", "Fix it please."),
        ("Lütfen düzeltin.\n\nİyi çalışmalar,\nAyşe", "Lütfen düzeltin."),
        ("Lūdzu, salabojiet.\n\nPaldies!\nJānis", "Lūdzu, salabojiet."),
        # A sign-off word inside a sentence is not a signature.
        ("Thanks for nothing: the parcel never came.", "Thanks for nothing: the parcel never came."),
    ],
)
def test_strip_signature(text: str, expected: str) -> None:
    assert strip_signature(text) == expected


def test_a_message_that_is_all_quote_keeps_something() -> None:
    text = "On Mon, Bob wrote:\n> everything"
    assert new_part(text) == "On Mon, Bob wrote:"
