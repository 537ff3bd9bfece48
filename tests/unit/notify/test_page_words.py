"""The customer pages' words (``PAGES`` in each locale) and the pages built from them, without AWS."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from complaintdesk import clock
from complaintdesk.notify.templates import LANGUAGES, placeholders
from complaintdesk.pages import (
    CSP,
    accept_languages,
    decision_page,
    error_page,
    page_language,
    status_page,
    survey_done,
    survey_form,
    words,
)
from complaintdesk.services.customer_pages import Happening, Message, StatusView

RAW_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}|\bUTC\b")


def test_every_language_has_every_page_word_with_the_same_placeholders():
    english = words("en")
    for language in LANGUAGES:
        assert set(words(language)) == set(english), language
        for key, text in words(language).items():
            assert placeholders(text) == placeholders(english[key]), (language, key)
            if language != "en" and key != "brand":
                assert text != english[key], (language, key)  # translated, not copied


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("tr-TR,tr;q=0.9,en;q=0.8", ["tr-TR", "tr", "en"]),
        ("en;q=0.2, lv;q=0.9, *;q=0.1", ["lv", "en"]),
        ("de;q=0, lv", ["lv"]),
        ("", []),
        ("en;q=bad, tr", ["tr"]),
    ],
)
def test_accept_language_is_read_by_quality(header, expected):
    assert accept_languages(header) == expected


def test_the_customers_language_first_then_the_browsers_then_english():
    assert page_language("lv", "tr-TR,tr;q=0.9") == "lv"
    assert page_language("de", "de-DE, tr;q=0.5") == "tr"
    assert page_language(None, "lv-LV") == "lv"
    assert page_language(None, "fr-FR, de") == "en"
    assert page_language(None, None) == "en"


def _view(language: str, **changes) -> StatusView:
    now = clock.now()
    values = {
        "ticket_id": "C-2026-000042",
        "subject": 'Fatura <script>alert("x")</script>',
        "status": "open",
        "language": language,
        "timezone": "Europe/Istanbul",
        "customer_name": "Zeynep & Co",
        "category": "Fatura hatası",
        "current_step": "Faturanın incelenmesi",
        "first_response_by": None,
        "current_step_due": clock.iso(now + timedelta(days=2)),
        "received_at": clock.iso(now - timedelta(days=1)),
        "resolved_at": None,
        "closed_at": None,
        "resolution": None,
        "messages": [
            Message(clock.iso(now - timedelta(hours=5)), True, "We <b>checked</b> it"),
            Message(clock.iso(now - timedelta(hours=4)), False, "Thanks"),
        ],
        "timeline": [
            Happening(clock.iso(now - timedelta(days=1)), "event.ticket.received"),
            Happening(clock.iso(now - timedelta(hours=6)), "event.email_sent", {"subject": "A <i>b</i>"}),
            Happening(clock.iso(now - timedelta(hours=1)), "event.survey.answered", {"score": 4}),
        ],
        "now": now,
    }
    values.update(changes)
    return StatusView(**values)


@pytest.mark.parametrize("language", LANGUAGES)
def test_status_page_is_escaped_localized_and_never_prints_raw_times(language):
    markup = status_page(_view(language)).html()
    assert f'<html lang="{language}">' in markup
    assert "<script>" not in markup and "&lt;script&gt;" in markup
    assert "<b>checked" not in markup and "<i>b" not in markup and "Zeynep &amp; Co" in markup
    visible = re.sub(r"<[^>]+>", " ", re.sub(r"<style>.*?</style>", "", markup, flags=re.S))
    assert not RAW_TIME.search(visible), RAW_TIME.search(visible)
    assert "{" not in visible and "}" not in visible
    assert words(language)["status.open"] in visible
    assert words(language)["timeline.heading"] in visible
    for code in ("ticket.received", "email_sent", "status.open", "survey.answered"):
        assert code not in visible


@pytest.mark.parametrize("status", ["waiting_customer", "resolved", "closed"])
def test_what_happens_next_follows_the_status(status):
    markup = status_page(_view("en", status=status, current_step=None, current_step_due=None)).html()
    assert words("en")[f"next.{status}" if status != "waiting_customer" else "next.waiting"] in markup


def test_a_late_first_answer_is_owned_not_promised():
    past = clock.iso(clock.now() - timedelta(hours=3))
    markup = status_page(_view("tr", current_step=None, current_step_due=None, first_response_by=past)).html()
    assert "söz verdiğimiz zamanı" in markup and 'class="late"' in markup
    assert "İlk yanıtımızı en geç" not in markup


def test_survey_form_is_accessible_without_script():
    markup = survey_form("tr", "C-2026-000042", action="tok.en").html()
    for n in range(1, 6):
        assert f'<label for="score-{n}"><input type="radio" id="score-{n}" name="score" value="{n}"' in markup
    assert '<label for="comment">' in markup and 'maxlength="2000"' in markup
    assert '<form method="post" action="tok.en"' in markup and "<script" not in markup
    assert "<legend>" in markup and "<h1>" in markup
    assert survey_done("lv", 3, just_now=True).status == 201
    assert "(3 no 5)" in survey_done("lv", 3, just_now=False).html()


def test_decision_page_asks_then_tells():
    now = clock.now()
    view = {
        "ticket_id": "C-2026-000042",
        "subject": "Fatura",
        "language": "tr",
        "status": "resolved",
        "resolution": "İade <yapıldı>",
        "resolved_at": clock.iso(now),
        "decided": None,
        "decided_at": None,
        "answer_by": clock.iso(now + timedelta(days=14)),
        "recourse": [
            {"kind": "internal", "name": "İnceleme birimi", "contact": "destek@example.com"},
            {"kind": "external", "name": "Tüketici Hakem Heyeti", "url": "https://tuketici.example/"},
            {"kind": "external", "name": "Bad", "url": "javascript:alert(1)"},
        ],
    }
    markup = decision_page(view, "tr", "Europe/Istanbul", action="tok").html()
    assert markup.count('<form method="post" action="tok"') == 2
    assert 'name="decision" value="accept"' in markup and 'name="decision" value="reject"' in markup
    assert '<label for="reason">' in markup and "İade &lt;yapıldı&gt;" in markup
    assert '<a href="https://tuketici.example/">' in markup and 'href="javascript' not in markup
    decided = decision_page({**view, "decided": "rejected", "decided_at": clock.iso(now)}, "tr", "UTC", "tok")
    assert "<form" not in decided.html() and "yeniden inceliyoruz" in decided.html()


@pytest.mark.parametrize(
    ("accept", "title"), [("lv", "Šī saite nedarbojas"), ("fr", "This link does not work")]
)
def test_refused_link_page(accept, title):
    response = error_page(403, {"accept-language": accept})
    assert response.status_code == 403 and title in response.body
    assert response.headers["Content-Security-Policy"] == CSP
