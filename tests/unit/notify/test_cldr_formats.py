"""Dates, numbers and money as CLDR writes them for each language (Babel), in the reader's time zone."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from complaintdesk.notify.templates import format_day, format_moment, format_money, format_number

FRIDAY = datetime(2026, 11, 27, 11, 22, tzinfo=UTC)  # 14:22 in Istanbul, 13:22 in Riga


@pytest.mark.parametrize(
    ("language", "zone", "long", "short"),
    [
        ("tr", "Europe/Istanbul", "27 Kasım 2026 14:22", "27 Kas 14:22"),
        ("lv", "Europe/Riga", "2026. gada 27. novembris 13:22", "27. nov. 13:22"),
        ("en", "Europe/Istanbul", "27 November 2026, 14:22", "27 Nov, 14:22"),
    ],
)
def test_a_moment_is_written_in_the_readers_zone_and_language(
    language: str, zone: str, long: str, short: str
) -> None:
    assert format_moment(FRIDAY, language, zone) == long
    assert format_moment(FRIDAY, language, zone, short=True) == short
    assert format_moment(FRIDAY.replace(tzinfo=None), language, zone) == long  # naive means UTC


def test_a_day_and_an_unknown_zone() -> None:
    assert format_day(date(2026, 11, 30), "tr") == "30 Kasım 2026"
    assert format_day(date(2026, 11, 30), "lv") == "2026. gada 30. novembris"
    assert format_moment(FRIDAY, "tr", "Mars/Olympus") == "27 Kasım 2026 11:22"  # unknown zone: UTC


@pytest.mark.parametrize(
    ("amount", "currency", "tr", "lv", "en"),
    [
        (Decimal("1250.5"), "EUR", "€1.250,50", "1\u00a0250,50\u00a0€", "€1,250.50"),
        (Decimal("1250.50"), "TRY", "₺1.250,50", "1\u00a0250,50\u00a0TRY", "TRY1,250.50"),
        (Decimal("15"), "usd", "$15,00", "15,00\u00a0$", "US$15.00"),
        (Decimal("15"), None, "15", "15", "15"),  # no currency: the number alone
        (Decimal("15"), "euro", "15", "15", "15"),  # not an ISO 4217 code: the number alone
    ],
)
def test_money_is_written_the_way_the_language_writes_that_currency(
    amount: Decimal, currency: str | None, tr: str, lv: str, en: str
) -> None:
    assert [format_money(amount, currency, code) for code in ("tr", "lv", "en")] == [tr, lv, en]


def test_an_unsupported_language_is_written_in_english() -> None:
    assert format_number(Decimal("1234.5"), "de") == "1,234.5"


def test_importing_the_templates_does_not_load_babel() -> None:
    """Cold start: Babel (CLDR data) is imported by the first message that formats, not at import."""
    probe = (
        "import sys, complaintdesk.notify.templates; print(any(m.startswith('babel') for m in sys.modules))"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, env=env
    )
    assert result.stdout.strip() == "False"
