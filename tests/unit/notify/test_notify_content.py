"""What each message says: service recovery, escalation history, dates, durations, numbers, clean values."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from complaintdesk.notify.templates import (
    LOCALES,
    TEMPLATES,
    audience,
    ensure_ticket_token,
    format_duration,
    format_number,
    render,
)

TICKET = "C-2026-000123"


# --- ticket.resolved: resolution, root cause, apology, compensation -------------------------------------


@pytest.mark.parametrize(
    ("language", "compensation", "apology"),
    [
        (
            "en",
            "Compensation offered: voucher, €1,250.50",
            "We are sorry for the trouble this caused you.",
        ),
        ("tr", "Telafi olarak sunduğumuz: hediye çeki, €1.250,50", "Yaşadığınız sorun için özür dileriz."),
        (
            "lv",
            "Piedāvātā kompensācija: dāvanu karte, 1\u00a0250,50\u00a0€",
            "Atvainojamies par sagādātajām neērtībām.",
        ),
    ],
)
def test_the_resolution_shows_the_recorded_service_recovery_in_the_customers_language(
    language: str, compensation: str, apology: str, context: dict[str, object]
) -> None:
    rendered = render("ticket.resolved", language, context)

    assert compensation in rendered.text
    assert apology in rendered.text
    assert "A payment retry charged the card twice." in rendered.text
    assert "We refund the second charge.\nThe money is back" in rendered.text
    assert "We refund the second charge.<br>\nThe money is back" in rendered.html


def test_without_apology_or_compensation_those_lines_are_left_out(context: dict[str, object]) -> None:
    for key in ("apology", "compensation_type", "compensation_amount", "root_cause"):
        context.pop(key)

    text = render("ticket.resolved", "en", context).text

    assert "sorry" not in text and "Compensation" not in text and "Why it happened" not in text
    assert "We refund the second charge." in text


def test_an_apology_flag_that_is_false_is_left_out(context: dict[str, object]) -> None:
    assert "sorry" not in render("ticket.resolved", "en", {**context, "apology": False}).text


def test_compensation_without_an_amount_names_only_the_type(context: dict[str, object]) -> None:
    context.update(compensation_type="replacement", compensation_amount=None)

    assert "Compensation offered: replacement\n" in render("ticket.resolved", "en", context).text
    assert "Telafi olarak sunduğumuz: ürün değişimi\n" in render("ticket.resolved", "tr", context).text


def test_an_unknown_compensation_type_is_shown_as_given(context: dict[str, object]) -> None:
    text = render("ticket.resolved", "lv", {**context, "compensation_type": "free coffee"}).text

    assert "Piedāvātā kompensācija: free coffee, 1\u00a0250,50\u00a0€" in text


# --- step.escalated: what was tried -----------------------------------------------------------------------


def test_the_escalation_lists_what_was_tried_as_bullets(context: dict[str, object]) -> None:
    rendered = render("step.escalated", "en", context)

    assert (
        "What has been done so far:\n\n- 24 Nov 10:02 Billing: called the payment provider\n"
        "- 25 Nov 15:40 Billing: <ledger> requested\n" in rendered.text
    )
    assert (
        "<ul><li>24 Nov 10:02 Billing: called the payment provider</li>"
        "<li>25 Nov 15:40 Billing: &lt;ledger&gt; requested</li></ul>" in rendered.html
    )
    assert (
        "Escalation level: 2\nLate by: 1 day 2 hours\nNew deadline: 26 November 2026, 09:00" in rendered.text
    )
    assert rendered.subject == f"[{TICKET}] Escalation level 2: Investigate billing is late"


def test_an_escalation_with_nothing_tried_says_so(context: dict[str, object]) -> None:
    rendered = render("step.escalated", "lv", {**context, "attempts": []})

    assert "Pieteikumā vēl nav reģistrētu darbību." in rendered.text
    assert "<ul>" not in rendered.html


# --- step.assigned: what, why, due, link ------------------------------------------------------------------


def test_the_assignment_tells_the_team_what_why_when_and_where(context: dict[str, object]) -> None:
    rendered = render("step.assigned", "tr", {**context, "timezone": "Europe/Istanbul"})

    assert rendered.subject == f"[{TICKET}] Billing için yeni görev: Investigate billing"
    assert "Yapılacaklar:\nCheck the ledger.\nCall the payment provider." in rendered.text
    assert "Neden:\nThe customer wrote" in rendered.text
    assert "Son tarih: 25 Kasım 2026 12:00" in rendered.text  # 09:00 UTC in Istanbul
    assert '<a href="https://desk.example/tickets/C-2026-000123">' in rendered.html
    assert "Son tarih: 25 Kas 12:00" in rendered.sms


def test_without_instructions_or_reason_their_headings_are_left_out(context: dict[str, object]) -> None:
    text = render(
        "step.assigned", "en", {**context, "instructions": "", "reason": None, "team_name": ""}
    ).text

    assert "What to do:" not in text and "Why:" not in text and "Team:" not in text
    assert render("step.assigned", "en", {**context, "team_name": ""}).subject == (
        f"[{TICKET}] New task: Investigate billing"
    )


def test_the_reminder_says_how_much_time_is_left(context: dict[str, object]) -> None:
    assert "Atlikušais laiks: 3 stundas 20 minūtes" in render("step.reminder", "lv", context).text
    assert "Kalan süre: 3 saat 20 dakika" in render("step.reminder", "tr", context).text


def test_the_survey_links_to_the_signed_survey_and_says_until_when(context: dict[str, object]) -> None:
    rendered = render("ticket.survey", "lv", context)

    assert '<a href="https://desk.example/survey/eyJwIjoic3VydmV5In0.c2ln">' in rendered.html
    assert "derīga līdz: 2026. gada 24. decembris 00:00" in rendered.text
    assert rendered.sms.endswith("https://desk.example/survey/eyJwIjoic3VydmV5In0.c2ln")  # never shortened


# --- values are cleaned ----------------------------------------------------------------------------------


def test_long_or_multi_line_values_are_one_short_line_in_subject_and_sms(context: dict[str, object]) -> None:
    long_name = "Investigate\r\nthe billing system " + "x" * 200
    rendered = render("step.started", "en", {**context, "step_name": long_name})

    assert "\r" not in rendered.subject and "\n" not in rendered.subject
    assert "Investigate the billing system" in rendered.subject and rendered.subject.endswith("…")
    assert len(rendered.subject) < 140  # the value is cut at 80 characters
    assert "\n" not in rendered.sms and len(rendered.sms) < 120


def test_control_characters_are_dropped_from_bodies_but_line_breaks_stay(context: dict[str, object]) -> None:
    rendered = render(
        "customer.waiting", "en", {**context, "request": "a\x00b\x1bc\r\nnext\x7f line\u2028end"}
    )

    assert "abc\nnext line\nend" in rendered.text
    assert "\x00" not in rendered.html and "\x1b" not in rendered.html


def test_ampersands_and_quotes_are_escaped_in_html(context: dict[str, object]) -> None:
    rendered = render("ticket.closed", "en", {**context, "closing_note": 'Tom & Jerry said "hi"'})

    assert "Tom &amp; Jerry said &quot;hi&quot;" in rendered.html
    assert 'Tom & Jerry said "hi"' in rendered.text


def test_re_rendering_never_doubles_the_ticket_token() -> None:
    once = ensure_ticket_token("We received your complaint", TICKET)

    assert ensure_ticket_token(once, TICKET) == once
    assert ensure_ticket_token(f"Re: {once.lower()}", TICKET) == f"[{TICKET}] Re: we received your complaint"
    assert ensure_ticket_token("", TICKET) == f"[{TICKET}]"


# --- the catalogue ---------------------------------------------------------------------------------------


def test_who_hears_what() -> None:
    customer = {name for name in TEMPLATES if audience(name) == "customer"}

    assert customer == {
        "ticket.acknowledged", "step.started", "step.completed", "customer.waiting", "customer.reminder",
        "ticket.resolved", "ticket.followup", "ticket.survey", "ticket.closed", "ticket.reopened", "agent.reply",
        "resolution.rejected",
    }  # fmt: skip
    assert audience("step.assigned") == audience("step.reminder") == "team"
    assert audience("resolution.review") == audience("resolution.replied") == "team"
    assert audience("step.escalated") == "manager"


# --- numbers and durations -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "en", "tr", "lv"),
    [
        (Decimal("25"), "25", "25", "25"),
        (Decimal("25.5"), "25.5", "25,5", "25,5"),
        (Decimal("1234567.89"), "1,234,567.89", "1.234.567,89", "1\u00a0234\u00a0567,89"),
        (3.5, "3.50", "3,50", "3,50"),
        (Decimal("-999.00"), "-999.00", "-999,00", "-999,00"),
    ],
)
def test_numbers_use_the_languages_separators(value: Decimal | float, en: str, tr: str, lv: str) -> None:
    assert [format_number(value, LOCALES[code]) for code in ("en", "tr", "lv")] == [en, tr, lv]


@pytest.mark.parametrize(
    ("delta", "en", "tr", "lv"),
    [
        (timedelta(minutes=1), "1 minute", "1 dakika", "1 minūte"),
        (timedelta(seconds=30), "1 minute", "1 dakika", "1 minūte"),
        (timedelta(0), "0 minutes", "0 dakika", "0 minūtes"),
        (timedelta(hours=2, minutes=30), "2 hours 30 minutes", "2 saat 30 dakika", "2 stundas 30 minūtes"),
        (timedelta(hours=21), "21 hours", "21 saat", "21 stunda"),
        (timedelta(hours=11), "11 hours", "11 saat", "11 stundas"),
        (timedelta(days=1, hours=1, minutes=7), "1 day 1 hour", "1 gün 1 saat", "1 diena 1 stunda"),
        (timedelta(days=-2), "2 days", "2 gün", "2 dienas"),
    ],
)
def test_durations_are_written_with_the_languages_plurals(
    delta: timedelta, en: str, tr: str, lv: str
) -> None:
    assert [format_duration(delta, LOCALES[code]) for code in ("en", "tr", "lv")] == [en, tr, lv]
