"""No English, raw code or UTC time in a Turkish or Latvian customer message (issue 11, "Done when").

Every customer template of the catalogue (as it stands: templates added later are scanned too) is
rendered in tr and lv, in every mode (subject, text, html, sms and any other rendered form), for
every step of every shipped category, with a full context whose category words come from the
definitions through the same functions the notify service uses (step names, root causes, the
next step after the last, service recovery). The scan itself: ``tests/support/english_leaks.py``.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from complaintdesk.categories import CategoryDefinition
from complaintdesk.notify.templates import TEMPLATES, Rendered, render
from complaintdesk.services.notifications import recovery_context, root_cause_words, step_name
from tests.support.english_leaks import FOREIGN, english_words, leaks, raw_codes, shipped, visible_text

CUSTOMER_TEMPLATES = sorted(name for name, spec in TEMPLATES.items() if spec.audience == "customer")
TICKET = "C-2026-000123"
AT = datetime(2026, 11, 27, 11, 22, tzinfo=UTC)  # a Friday afternoon in Istanbul and Riga

# What the customer or staff wrote in the customer's language (free text is never translated).
WRITTEN = {
    "tr": {
        "recipient_name": "Ayşe Yılmaz",
        "complaint_subject": "Kasım faturam iki kez tahsil edildi",
        "step_description": "Faturanızı ödeme kayıtlarıyla karşılaştırıyoruz.",
        "outcome": "Mükerrer tahsilatı doğruladık.",
        "request": "Lütfen banka ekstrenizin ilgili sayfasını gönderin.",
        "resolution": "İkinci tahsilatı iade ediyoruz; tutar beş iş günü içinde kartınıza yansır.",
        "closing_note": "Görüşleriniz için teşekkür ederiz.",
        "reason": "Tutar hâlâ hesabıma geçmedi.",
        "reply_text": "Merhaba, iadeniz bugün onaylandı.",
        "recourse": ["Tüketici Hakem Heyeti: https://tuketici.ticaret.gov.tr"],
    },
    "lv": {
        "recipient_name": "Jānis Bērziņš",
        "complaint_subject": "Novembra rēķins iekasēts divreiz",
        "step_description": "Salīdzinām jūsu rēķinu ar maksājumu ierakstiem.",
        "outcome": "Apstiprinājām dubulto iekasēšanu.",
        "request": "Lūdzu, atsūtiet bankas konta izraksta attiecīgo lapu.",
        "resolution": "Atmaksājam otro maksājumu; nauda būs jūsu kartē piecu darbdienu laikā.",
        "closing_note": "Paldies par jūsu atsauksmi.",
        "reason": "Nauda vēl nav atgriezta manā kontā.",
        "reply_text": "Labdien! Jūsu atmaksa šodien ir apstiprināta.",
        "recourse": ["Patērētāju tiesību aizsardzības centrs: https://www.ptac.gov.lv"],
    },
}


def _value_by_kind(name: str) -> Any:
    """A value for a placeholder this test does not know by name, by what its name says it is."""
    if name.endswith("_url"):
        return f"https://desk.example/{name.removesuffix('_url')}/eyJ0Ijoic3RhdHVzIn0.c2ln"
    if name.endswith(("_at", "_due", "_by", "_until", "_expires", "_deadline")):
        return AT + timedelta(days=3)
    raise AssertionError(
        f"placeholder {name!r} is new: give it a realistic tr/lv value in WRITTEN (or a kind rule) "
        "so the scan covers it"
    )


def context(defn: CategoryDefinition, index: int, language: str) -> dict[str, Any]:
    """Everything a customer message may say about step ``index`` of ``defn``, in ``language``."""
    step = defn.steps[index]
    following = defn.next_step(step.id)
    cause = defn.root_causes[index % len(defn.root_causes)]
    values: dict[str, Any] = {
        **WRITTEN[language],
        "ticket_id": TICKET,
        "brand": "complaintdesk",
        "timezone": "Europe/Istanbul" if defn.calendar.startswith("tr") else "Europe/Riga",
        "status_url": "https://desk.example/status/eyJ0Ijoic3RhdHVzIn0.c2ln",
        "first_response_due": AT + timedelta(days=3),
        "due_at": AT + timedelta(days=1, hours=2),
        "reply_by": AT + timedelta(days=5),
        "survey_expires": AT + timedelta(days=30),
        "decision_until": AT + timedelta(days=14),
        "closes": index % 2 == 0,
        "step_name": step_name(defn, step.id, language, step.title),
        # after the last step the event names "resolution", which the locale puts in words
        "next_step_name": step_name(defn, following.id, language, following.title) if following else "resolution",
        "root_cause": root_cause_words(defn, cause.code, language),
        **recovery_context(
            [
                {"type": "apology"},
                {"type": "compensation", "compensation_type": ["refund", "voucher", "credit"][index % 3],
                 "amount": "1250.50", "currency": ["EUR", "TRY", "USD"][index % 3]},
            ]
        ),
    }  # fmt: skip
    for name in {*TEMPLATES_PLACEHOLDERS} - set(values) - {"fallback_language"}:
        values[name] = _value_by_kind(name)
    return values


TEMPLATES_PLACEHOLDERS = frozenset(
    name for template in CUSTOMER_TEMPLATES for name in TEMPLATES[template].placeholders
)


def rendered_forms(rendered: Rendered) -> dict[str, str]:
    """Every text of a rendered message (subject, text, html as a reader sees it, sms, ...)."""
    forms = {}
    for item in dataclasses.fields(rendered):
        value = getattr(rendered, item.name)
        if item.name in ("language", "template") or not isinstance(value, str):
            continue
        forms[item.name] = visible_text(value) if item.name == "html" else value
    return forms


def test_the_scan_knows_english_and_the_codes_it_looks_for() -> None:
    english = english_words()
    # Given the English of the locale and of the shipped definitions
    assert {"complaint", "decision", "investigate", "invoice", "billing", "finance"} <= english
    # and not the words Turkish or Latvian share with it (brand, SMS)
    assert "complaintdesk" not in english and "sms" not in english
    assert {"ticket.acknowledged", "waiting_customer", "billing_system_error", "investigate"} <= raw_codes()
    # Then the scan finds what the issue saw, and passes what it should
    issue_lines = {
        "yeni adım başladı: Investigate": "english",
        "Sorunun nedeni: billing system error": "english",
        "27 Kas 11:22 UTC: Investigate assigned": "utc",
        "ticket.acknowledged e-mail to the customer sent": "code",
        "Beklenen: 2026-11-28T14:22:00+00:00": "utc",
    }
    for line, kind in issue_lines.items():
        assert kind in {leak.kind for leak in leaks("issue", line)}, line
    assert leaks("fine", "Şikâyetinizi aldık: https://desk.example/status/abc.def (SMS)") == []


def test_the_same_scan_finds_the_english_of_an_english_message() -> None:
    """The control: run on English renders, the scan finds English — it is not passing by seeing nothing."""
    defn = shipped()[0]
    for template in CUSTOMER_TEMPLATES:
        rendered = render(template, "en", context(defn, 0, "tr"))
        kinds = {leak.kind for leak in leaks(template, rendered.text, allowed=(TICKET,))}
        assert "english" in kinds, template


@pytest.mark.parametrize("language", FOREIGN)
@pytest.mark.parametrize("template", CUSTOMER_TEMPLATES)
def test_no_english_code_or_utc_reaches_a_customer(template: str, language: str) -> None:
    found = []
    renders = 0
    for defn in shipped():
        for index in range(len(defn.steps)):
            values = context(defn, index, language)
            rendered = render(template, language, values)
            assert rendered.language == language
            mine = (values["recipient_name"], values["complaint_subject"], TICKET)
            for mode, text in rendered_forms(rendered).items():
                assert mode != "sms" or text, f"{template} renders no SMS"
                found += leaks(f"{template} {language} {defn.id} step {index} {mode}", text, allowed=mine)
            renders += 1
    assert renders >= len(shipped())
    assert not found, "\n".join(str(leak) for leak in found[:40])


def test_each_shipped_step_and_cause_reads_in_the_customers_language() -> None:
    # Given the shipped billing category, when its first step starts and its decision names a cause
    defn = next(d for d in shipped() if d.id == "billing-error")
    for language, step_words, cause_words in (
        ("tr", "Faturanın incelenmesi", "Faturalama sistemindeki bir hata"),
        ("lv", "Rēķina izpēte", "Kļūda norēķinu sistēmā"),
    ):
        started = render("step.started", language, context(defn, 0, language))
        resolved = render("ticket.resolved", language, context(defn, 0, language))
        # Then the step and the cause are the category's own words in that language
        assert step_words in started.text and step_words in started.sms
        assert cause_words in resolved.text
    amount = render("ticket.resolved", "tr", context(defn, 0, "tr")).text
    assert "€1.250,50" in amount  # CLDR tr: the symbol, a dot for thousands, a comma for decimals
