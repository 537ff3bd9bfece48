"""The acknowledgement a customer gets first: ticket number, first response time, status link."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from complaintdesk.notify.templates import MissingPlaceholder, UnknownTemplate, render, resolve_language

TICKET = "C-2026-000123"
DUE = datetime(2026, 11, 24, 18, 30, tzinfo=UTC)


def _context(**overrides: object) -> dict[str, object]:
    context: dict[str, object] = {
        "ticket_id": TICKET,
        "complaint_subject": "Kettle broke after two days",
        "first_response_due": DUE,
        "status_url": "https://desk.example/status/abc.def",
        "recipient_name": "Ali",
    }
    context.update(overrides)
    return context


@pytest.mark.parametrize(
    ("language", "long_date", "short_date"),
    [
        ("en", "24 November 2026, 18:30", "24 Nov, 18:30"),  # CLDR en_GB
        ("tr", "24 Kasım 2026 18:30", "24 Kas 18:30"),
        ("lv", "2026. gada 24. novembris 18:30", "24. nov. 18:30"),
    ],
)
def test_the_first_response_time_is_written_the_way_the_language_writes_dates(
    language: str, long_date: str, short_date: str
) -> None:
    rendered = render("ticket.acknowledged", language, _context())

    assert long_date in rendered.text
    assert long_date in rendered.html
    assert short_date in rendered.sms
    assert TICKET in rendered.text and TICKET in rendered.sms
    assert rendered.language == language


def test_the_due_time_is_shown_in_the_customers_time_zone() -> None:
    rendered = render("ticket.acknowledged", "tr", _context(timezone="Europe/Istanbul"))

    assert "24 Kasım 2026 21:30" in rendered.text  # UTC+3


def test_an_unknown_time_zone_falls_back_to_utc() -> None:
    assert (
        "24 November 2026, 18:30"
        in render("ticket.acknowledged", "en", _context(timezone="Mars/Olympus")).text
    )


def test_a_naive_due_time_is_taken_as_utc_and_an_aware_one_is_converted() -> None:
    naive = render("ticket.acknowledged", "en", _context(first_response_due=datetime(2026, 11, 24, 18, 30)))
    riga = timezone(timedelta(hours=2))
    aware = render(
        "ticket.acknowledged", "en", _context(first_response_due=datetime(2026, 11, 24, 20, 30, tzinfo=riga))
    )

    assert "24 November 2026, 18:30" in naive.text
    assert "24 November 2026, 18:30" in aware.text


def test_the_subject_carries_the_ticket_token_once_even_when_the_customer_subject_has_it() -> None:
    rendered = render("ticket.acknowledged", "en", _context(complaint_subject=f"Re: [{TICKET}] kettle"))

    assert rendered.subject == f"[{TICKET}] We received your complaint: Re: kettle"
    assert rendered.subject.count(f"[{TICKET}]") == 1


def test_the_status_link_is_a_link_in_html_and_its_line_disappears_when_empty() -> None:
    with_link = render("ticket.acknowledged", "en", _context())
    without = render("ticket.acknowledged", "en", _context(status_url=""))
    missing = render("ticket.acknowledged", "en", {k: v for k, v in _context().items() if k != "status_url"})

    assert '<a href="https://desk.example/status/abc.def">' in with_link.html
    assert "Follow your complaint" in with_link.text
    for rendered in (without, missing):
        assert "Follow your complaint" not in rendered.text
        assert "<a " not in rendered.html


def test_a_greeting_without_a_name_falls_back_to_a_plain_hello() -> None:
    assert render("ticket.acknowledged", "en", _context()).text.startswith("Dear Ali,\n")
    assert render("ticket.acknowledged", "en", _context(recipient_name="")).text.startswith("Hello,\n")
    assert render("ticket.acknowledged", "tr", _context(recipient_name=None)).text.startswith("Merhaba,\n")


def test_values_are_escaped_in_html_and_script_links_are_not_links() -> None:
    rendered = render(
        "ticket.acknowledged",
        "en",
        _context(
            recipient_name="<script>alert(1)</script>",
            complaint_subject='"><img src=x onerror=alert(1)>',
            status_url="javascript:alert(1)",
        ),
    )

    assert "<script>" not in rendered.html and "&lt;script&gt;" in rendered.html
    assert "<img" not in rendered.html and "&lt;img src=x onerror=alert(1)&gt;" in rendered.html
    assert 'href="javascript' not in rendered.html
    assert "<script>alert(1)</script>" in rendered.text  # plain text shows what the customer wrote


@pytest.mark.parametrize(
    ("asked", "fallback", "expected"),
    [
        ("tr-TR", None, "tr"),
        ("LV", None, "lv"),
        ("de", None, "en"),
        ("de", "lv", "lv"),
        ("", "tr", "tr"),
        (None, "xx", "en"),
    ],
)
def test_the_language_is_the_customers_else_the_category_default_else_english(
    asked: str | None, fallback: str | None, expected: str
) -> None:
    assert resolve_language(asked, fallback) == expected


def test_an_unsupported_language_uses_the_fallback_language_from_the_context() -> None:
    assert render("ticket.acknowledged", "de", _context(fallback_language="lv")).language == "lv"
    assert render("ticket.acknowledged", "de", _context()).language == "en"


def test_a_missing_required_value_fails_loudly() -> None:
    with pytest.raises(MissingPlaceholder, match="first_response_due"):
        render("ticket.acknowledged", "en", {"ticket_id": TICKET})


def test_an_unknown_template_fails_loudly() -> None:
    with pytest.raises(UnknownTemplate):
        render("ticket.exploded", "en", _context())
