"""Every template exists in every language, uses exactly the same placeholders, and renders completely."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from complaintdesk.notify.locales import Text
from complaintdesk.notify.templates import (
    COMMON_OPTIONAL,
    COMMON_REQUIRED,
    LANGUAGES,
    LOCALES,
    TEMPLATES,
    MissingPlaceholder,
    TemplateError,
    parse,
    placeholders,
    render,
    text_placeholders,
)

TICKET = "C-2026-000123"
CASES = [(template, language) for template in TEMPLATES for language in LANGUAGES]


def test_the_required_languages_are_there() -> None:
    assert {"tr", "en", "lv"} <= set(LANGUAGES)


@pytest.mark.parametrize("language", LANGUAGES)
def test_each_language_has_exactly_the_catalogues_templates(language: str) -> None:
    assert set(LOCALES[language].templates) == set(TEMPLATES)


@pytest.mark.parametrize(("template", "language"), CASES)
def test_each_language_uses_the_same_placeholders_as_english(template: str, language: str) -> None:
    reference = LOCALES["en"].templates[template]
    translated = LOCALES[language].templates[template]

    for part in ("subject", "body", "sms"):
        assert placeholders(getattr(translated, part)) == placeholders(getattr(reference, part)), part


@pytest.mark.parametrize("template", list(TEMPLATES))
def test_the_english_text_uses_every_declared_placeholder_and_nothing_else(template: str) -> None:
    spec = TEMPLATES[template]
    footer = LOCALES["en"].footers[spec.audience]
    used = text_placeholders(LOCALES["en"].templates[template]) | placeholders(footer)

    assert used == spec.required | spec.optional | COMMON_REQUIRED | COMMON_OPTIONAL


@pytest.mark.parametrize("language", LANGUAGES)
def test_each_language_has_a_footer_per_audience_with_the_same_placeholders(language: str) -> None:
    locale = LOCALES[language]

    assert set(locale.footers) == {"customer", "team", "manager"}
    for audience, footer in locale.footers.items():
        assert placeholders(footer) == placeholders(LOCALES["en"].footers[audience])


@pytest.mark.parametrize(("template", "language"), CASES)
def test_every_template_renders_completely_in_every_language(
    template: str, language: str, context: dict[str, object]
) -> None:
    rendered = render(template, language, context)

    assert rendered.language == language and rendered.template == template
    for part in (rendered.subject, rendered.text, rendered.html, rendered.sms):
        assert part.strip()
        assert not re.search(r"\{[?!]?[a-z_]+\}", part), part  # nothing left unfilled
        assert "None" not in part
    assert rendered.subject.startswith(f"[{TICKET}] ")
    assert rendered.subject.count(f"[{TICKET}]") == 1
    assert TICKET in rendered.text and TICKET in rendered.sms
    assert "\n" not in rendered.subject
    assert rendered.html.startswith("<!DOCTYPE html>") and f'<html lang="{language}">' in rendered.html


@pytest.mark.parametrize(("template", "language"), CASES)
def test_rendering_with_only_the_required_values_still_gives_a_whole_message(
    template: str, language: str, context: dict[str, object]
) -> None:
    spec = TEMPLATES[template]
    minimal = {name: context[name] for name in spec.required | COMMON_REQUIRED}

    rendered = render(template, language, minimal)

    assert rendered.subject.startswith(f"[{TICKET}] ") and len(rendered.subject) > len(f"[{TICKET}] ")
    assert rendered.text.strip() and rendered.sms.strip()
    assert not rendered.subject.rstrip().endswith(":")


@pytest.mark.parametrize("template", [name for name, spec in TEMPLATES.items() if spec.required])
def test_each_required_value_is_enforced(template: str, context: dict[str, object]) -> None:
    for name in TEMPLATES[template].required:
        partial = {key: value for key, value in context.items() if key != name}
        with pytest.raises(MissingPlaceholder, match=name):
            render(template, "en", partial)


def test_a_placeholder_a_template_does_not_declare_fails_loudly(
    monkeypatch: pytest.MonkeyPatch, context: dict[str, object]
) -> None:
    broken = dict(LOCALES["en"].templates)
    broken["ticket.closed"] = Text(subject="Closed", body="Hello {secret_field}", sms="x")
    monkeypatch.setitem(LOCALES, "en", dataclasses.replace(LOCALES["en"], templates=broken))

    with pytest.raises(TemplateError, match="secret_field"):
        render("ticket.closed", "en", {**context, "secret_field": "x"})


@pytest.mark.parametrize("source", ["a { b", "a } b", "{Name}", "{ name }"])
def test_stray_braces_in_a_template_fail_loudly(source: str) -> None:
    with pytest.raises(TemplateError):
        list(parse(source))


def test_doubled_braces_are_literal() -> None:
    assert list(parse("{{x}}")) == ["{", "x", "}"]


def test_the_notifications_doc_lists_every_template() -> None:
    doc = (Path(__file__).resolve().parents[3] / "docs" / "notifications.md").read_text(encoding="utf-8")

    assert [name for name in TEMPLATES if f"| `{name}` |" not in doc] == []
