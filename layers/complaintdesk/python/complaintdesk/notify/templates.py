"""Localized notification templates rendered to a subject, a plain-text body, an HTML body and an SMS.

The words live in ``complaintdesk/notify/locales/<language>.py``; this module holds the catalogue (which
templates exist, who receives them, which context values they take) and the small template language:

- ``{name}``  the value of ``name``. A line whose value is empty (missing, ``None``, ``""``, ``[]``) is left
  out, so optional details need no ``if``. A line whose value is a list is repeated once per item.
- ``{?name}`` prints nothing; keeps its line only when ``name`` is set (true, non-empty).
- ``{!name}`` prints nothing; keeps its line only when ``name`` is empty.
- ``{{`` and ``}}`` are literal braces. A blank line separates paragraphs; a paragraph whose lines all
  start with ``- `` becomes a bulleted list in HTML.

Values are formatted for the language: aware datetimes in the customer's time zone (``timezone`` in the
context, else UTC), timedeltas as "2 hours 30 minutes", numbers and ``Money`` (an amount with its currency)
as CLDR writes them for the language (Babel), coded values through the language's labels. Every value is
escaped in HTML and stripped of control characters.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from decimal import Decimal
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from complaintdesk.notify.locales import Locale, Text
from complaintdesk.notify.locales import en as _en
from complaintdesk.notify.locales import lv as _lv
from complaintdesk.notify.locales import tr as _tr

Audience = Literal["customer", "team", "manager"]
Mode = Literal["subject", "text", "html", "sms", "sms_full"]  # sms_full: values whole, fit() shortens

DEFAULT_LANGUAGE = "en"
DEFAULT_BRAND = "complaintdesk"
LOCALES: dict[str, Locale] = {locale.code: locale for locale in (_en.LOCALE, _tr.LOCALE, _lv.LOCALE)}
LANGUAGES: tuple[str, ...] = tuple(LOCALES)

SUBJECT_VALUE_LIMIT = 80
SMS_VALUE_LIMIT = 40


class TemplateError(Exception):
    """A template or its context is wrong; raised loudly rather than sending a broken message."""


class UnknownTemplate(TemplateError, KeyError):
    pass


class MissingPlaceholder(TemplateError, KeyError):
    pass


@dataclass(frozen=True)
class TemplateSpec:
    """What a template is for and the context it takes (besides ``ticket_id``, ``recipient_name``, ``brand``)."""

    audience: Audience
    description: str
    required: frozenset[str] = frozenset()
    optional: frozenset[str] = frozenset()

    @property
    def placeholders(self) -> frozenset[str]:
        return self.required | self.optional | COMMON_REQUIRED | COMMON_OPTIONAL


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str
    sms: str
    language: str = ""
    template: str = ""
    sms_fallback: str = ""  # the SMS standing in for the e-mail; empty when ``sms`` says it all


@dataclass(frozen=True)
class Money:
    """An amount in an ISO 4217 currency ("EUR"); rendered the way the language writes money."""

    amount: Decimal
    currency: str | None = None


COMMON_REQUIRED = frozenset({"ticket_id"})
COMMON_OPTIONAL = frozenset({"recipient_name", "brand"})


def _spec(audience: Audience, description: str, *, required: str = "", optional: str = "") -> TemplateSpec:
    return TemplateSpec(audience, description, frozenset(required.split()), frozenset(optional.split()))


_CUSTOMER = "complaint_subject status_url"  # optional in every customer message but the survey

TEMPLATES: dict[str, TemplateSpec] = {
    # Customer
    "ticket.acknowledged": _spec(
        "customer", "We received your complaint: ticket number, first response time, status link.",
        required="first_response_due", optional=_CUSTOMER,
    ),
    "step.started": _spec(
        "customer", "A customer-visible step of the category started.",
        required="step_name", optional=f"step_description due_at {_CUSTOMER}",
    ),
    "step.completed": _spec(
        "customer", "A customer-visible step of the category is done.",
        required="step_name", optional=f"outcome next_step_name {_CUSTOMER}",
    ),
    "customer.waiting": _spec(
        "customer", "We need something from the customer to go on.",
        required="request", optional=f"reply_by {_CUSTOMER}",
    ),
    "customer.reminder": _spec(
        "customer", "A reminder: we still wait for what we asked; the complaint closes (or goes up) after a date.",
        optional=f"request reply_by closes {_CUSTOMER}",
    ),
    "ticket.resolved": _spec(
        "customer", "The decision: resolution, root cause, apology, compensation.",
        required="resolution",
        optional=f"root_cause apology compensation_type compensation_amount decision_url decision_until {_CUSTOMER}",
    ),
    "ticket.followup": _spec(
        "customer", "Did the resolution solve it?", optional=f"solved_url not_solved_url {_CUSTOMER}"
    ),
    "ticket.survey": _spec(
        "customer", "Rate how the complaint was handled (1-5) through a signed link.",
        required="survey_url", optional="survey_expires complaint_subject",
    ),
    "ticket.closed": _spec("customer", "The complaint is closed.", optional=f"closing_note {_CUSTOMER}"),
    "ticket.reopened": _spec("customer", "The complaint was reopened.", optional=f"reason {_CUSTOMER}"),
    "resolution.rejected": _spec(
        "customer", "The customer rejected the resolution: it is reviewed again; their recourse (ISO 10002).",
        optional=f"reason recourse {_CUSTOMER}",
    ),
    "agent.reply": _spec(
        "customer", "An agent's public reply, word for word; the customer answers it by replying.",
        required="reply_text", optional=_CUSTOMER,
    ),
    # Owner team
    "step.assigned": _spec(
        "team", "A step is assigned to the owner team: what, why, due time, link.",
        required="step_name due_at",
        optional="team_name instructions reason complaint_subject category_name ticket_url",
    ),
    "step.reminder": _spec(
        "team", "A step is due soon.",
        required="step_name due_at", optional="time_left team_name complaint_subject ticket_url",
    ),
    "resolution.review": _spec(
        "team", "The customer rejected the resolution: the review team gets the complaint and the reason.",
        optional="team_name reason resolution complaint_subject category_name ticket_url",
    ),
    "resolution.replied": _spec(
        "team", "The customer wrote after the resolution: their words and the one call that reopens.",
        required="reply_excerpt reopen_call",
        optional="team_name reopen_until complaint_subject ticket_url",
    ),
    # Managers
    "step.escalated": _spec(
        "manager", "A step is late and escalated: level, how late, what was tried, new deadline.",
        required="step_name escalation_level late_by new_deadline",
        optional="escalation_name attempts team_name complaint_subject category_name ticket_url",
    ),
}  # fmt: skip


def template_names() -> tuple[str, ...]:
    return tuple(TEMPLATES)


def audience(template: str) -> Audience:
    return _lookup(template).audience


def resolve_language(language: str | None, fallback: str | None = None) -> str:
    """The supported language for ``language`` ("tr-TR" -> "tr"), else ``fallback``, else English."""
    for candidate in (language, fallback):
        code = (candidate or "").strip().lower().replace("_", "-").split("-")[0]
        if code in LOCALES:
            return code
    return DEFAULT_LANGUAGE


def ticket_token(ticket_id: str) -> str:
    return f"[{ticket_id}]"


def ensure_ticket_token(subject: str, ticket_id: str) -> str:
    """``subject`` carrying ``[ticket_id]`` exactly once, at the front (re-rendering never doubles it)."""
    token = ticket_token(ticket_id)
    rest = re.sub(re.escape(token), " ", subject, flags=re.IGNORECASE)
    rest = " ".join(rest.split())
    return f"{token} {rest}" if rest else token


def render(template: str, language: str, context: Mapping[str, object]) -> Rendered:
    """Render ``template`` in ``language`` (or ``context["fallback_language"]``, or English)."""
    spec = _lookup(template)
    locale = LOCALES[resolve_language(language, _str_or_none(context.get("fallback_language")))]
    values: dict[str, object] = {**context, "brand": context.get("brand") or DEFAULT_BRAND}
    missing = sorted(name for name in spec.required | COMMON_REQUIRED if values.get(name) is None)
    if missing:
        raise MissingPlaceholder(f"{template}: context lacks {', '.join(missing)}")
    renderer = _Renderer(template, spec, locale, values, _zone(values.get("timezone")))
    text = locale.templates[template]
    body = f"{text.body.strip()}\n\n{locale.footers[spec.audience].strip()}"
    subject = ensure_ticket_token(" ".join(renderer.lines(text.subject, "subject")), str(values["ticket_id"]))
    return Rendered(
        subject=subject,
        text=renderer.text(body),
        html=renderer.html(body, title=subject),
        sms="\n".join(renderer.lines(text.sms.strip(), "sms")),
        language=locale.code,
        template=template,
        sms_fallback="\n".join(renderer.lines(text.sms_fallback.strip(), "sms_full")),
    )


# --- the template language -------------------------------------------------------------------------------

_TOKEN = re.compile(r"\{\{|\}\}|\{([?!]?)([a-z][a-z0-9_]*)\}|[{}]")


@dataclass(frozen=True)
class _Var:
    flag: str  # "", "?" or "!"
    name: str


def parse(source: str) -> Iterator[str | _Var]:
    """Literal strings and placeholders of one template text; stray braces are an error."""
    position = 0
    for match in _TOKEN.finditer(source):
        if match.start() > position:
            yield source[position : match.start()]
        token = match.group(0)
        if token in ("{{", "}}"):
            yield token[0]
        elif match.group(2):
            yield _Var(match.group(1), match.group(2))
        else:
            raise TemplateError(f"stray brace at {match.start()} in {source!r}")
        position = match.end()
    if position < len(source):
        yield source[position:]


def placeholders(source: str) -> frozenset[str]:
    """The names ``source`` uses, in any of the three forms."""
    return frozenset(part.name for part in parse(source) if isinstance(part, _Var))


def text_placeholders(text: Text) -> frozenset[str]:
    return (
        placeholders(text.subject)
        | placeholders(text.body)
        | placeholders(text.sms)
        | placeholders(text.sms_fallback)
    )


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")
_ANY_BREAK = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")


def clean_line(value: str) -> str:
    """One line: control characters (CR, LF, tab, NUL, ...) become spaces, runs of spaces collapse."""
    return " ".join(_ANY_BREAK.sub(" ", value).split())


def clean_block(value: str) -> str:
    """Free text that may have several lines: line ends normalized, other control characters dropped."""
    value = value.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n")
    return _CONTROL.sub("", value.replace("\t", "    ")).strip()


def _shorten(value: str, limit: int) -> str:
    return value if len(value) <= limit else value[: limit - 1].rstrip() + "…"


def _is_empty(value: object) -> bool:
    return value is None or value is False or (isinstance(value, str | list | tuple | set) and not value)


def _str_or_none(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _zone(value: object) -> tzinfo:
    if isinstance(value, tzinfo):
        return value
    if isinstance(value, str) and value:
        try:
            return ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            return UTC
    return UTC


def _lookup(template: str) -> TemplateSpec:
    try:
        return TEMPLATES[template]
    except KeyError:
        raise UnknownTemplate(f"no notification template {template!r}") from None


class _Renderer:
    def __init__(
        self, template: str, spec: TemplateSpec, locale: Locale, values: Mapping[str, object], zone: tzinfo
    ) -> None:
        self.template = template
        self.allowed = spec.placeholders
        self.locale = locale
        self.values = values
        self.zone = zone

    # Values ----------------------------------------------------------------------------------------------
    def value(self, name: str) -> object:
        if name not in self.allowed:
            raise TemplateError(f"{self.template} ({self.locale.code}) uses undeclared placeholder {name!r}")
        return self.values.get(name)

    def format(self, name: str, value: object, mode: Mode) -> str:
        locale = self.locale
        if value is None or isinstance(value, bool):
            return ""
        if isinstance(value, datetime):
            text = format_moment(value, locale.code, self.zone, short=mode in ("sms", "sms_full"))
        elif isinstance(value, date):
            text = format_day(value, locale.code)
        elif isinstance(value, timedelta):
            text = format_duration(value, locale)
        elif isinstance(value, Money):
            text = format_money(value.amount, value.currency, locale.code)
        elif isinstance(value, Decimal | float):
            text = format_number(value, locale.code)
        elif isinstance(value, str):
            text = locale.labels.get(name, {}).get(value, value)
        else:
            text = str(value)
        if mode == "subject":
            return _shorten(clean_line(text), SUBJECT_VALUE_LIMIT)
        if mode == "sms":
            return _shorten(clean_line(text), SMS_VALUE_LIMIT if not name.endswith("_url") else 2000)
        if mode == "sms_full":
            return clean_line(text)
        return clean_block(text)

    def emit(self, name: str, value: object, mode: Mode) -> str:
        text = self.format(name, value, mode)
        if mode != "html":
            return text
        if name.endswith("_url") and re.match(r"https?://", text, re.IGNORECASE):
            link = html.escape(text, quote=True)
            return f'<a href="{link}">{link}</a>'
        return html.escape(text, quote=True).replace("\n", "<br>\n")

    # Lines -----------------------------------------------------------------------------------------------
    def lines(self, source: str, mode: Mode) -> list[str]:
        """Each template line rendered: dropped when a value is empty, repeated for list values."""
        out: list[str] = []
        for line in source.splitlines():
            out.extend(self._line(line, mode))
        return out

    def _line(self, line: str, mode: Mode) -> list[str]:
        parts = list(parse(line))
        variables = [part for part in parts if isinstance(part, _Var)]
        repeat: _Var | None = None
        for var in variables:
            value = self.value(var.name)
            if var.flag == "!":
                if not _is_empty(value):
                    return []
            elif _is_empty(value):
                return []
            elif var.flag == "" and isinstance(value, list | tuple):
                if repeat is not None and repeat.name != var.name:
                    raise TemplateError(f"{self.template}: two list placeholders on one line: {line!r}")
                repeat = var
        listed = self.value(repeat.name) if repeat else None
        items: list[object] = list(listed) if isinstance(listed, list | tuple) else [None]
        rendered = []
        for item in items:
            pieces = []
            for part in parts:
                if isinstance(part, str):
                    pieces.append(html.escape(part, quote=False) if mode == "html" else part)
                elif part.flag == "":
                    value = item if repeat is not None and part.name == repeat.name else self.value(part.name)
                    pieces.append(self.emit(part.name, value, mode))
            text = "".join(pieces)
            if text.strip():
                rendered.append(text.rstrip())
        return rendered

    # Bodies ----------------------------------------------------------------------------------------------
    def blocks(self, source: str, mode: Mode) -> Iterator[tuple[bool, list[str]]]:
        """(is_list, rendered lines) per paragraph of ``source``; empty paragraphs vanish."""
        for block in re.split(r"\n[ \t]*\n", source.strip()):
            template_lines = [line for line in block.splitlines() if line.strip()]
            lines = self.lines("\n".join(template_lines), mode)
            if lines:
                yield all(line.lstrip().startswith("- ") for line in template_lines), lines

    def text(self, source: str) -> str:
        return "\n\n".join("\n".join(lines) for _, lines in self.blocks(source, "text")) + "\n"

    def html(self, source: str, title: str) -> str:
        blocks = list(self.blocks(source, "html"))
        parts = []
        for index, (is_list, lines) in enumerate(blocks):
            if index == len(blocks) - 1:  # the footer
                parts.append('<hr style="border:none;border-top:1px solid #d9dde3;margin:24px 0 12px">')
                parts.append(f'<p style="font-size:12px;color:#616e7c">{"<br>".join(lines)}</p>')
            elif is_list:
                items = "".join(f"<li>{line.lstrip()[2:]}</li>" for line in lines)
                parts.append(f"<ul>{items}</ul>")
            else:
                parts.append(f"<p>{'<br>'.join(lines)}</p>")
        body = "\n".join(parts)
        return (
            f'<!DOCTYPE html>\n<html lang="{self.locale.code}">\n<head>\n<meta charset="utf-8">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{html.escape(title, quote=False)}</title>\n</head>\n"
            '<body style="margin:0;padding:0;background:#f5f7fa">\n'
            '<div style="max-width:600px;margin:0 auto;padding:24px;background:#ffffff;'
            'font-family:Arial,Helvetica,sans-serif;font-size:15px;line-height:1.5;color:#1f2933">\n'
            f"{body}\n</div>\n</body>\n</html>\n"
        )


# --- numbers and durations --------------------------------------------------------------------------------


# The CLDR locale each language is written in: English as in the UK (day before month, 24-hour clock).
CLDR_LOCALES = {"en": "en_GB", "tr": "tr_TR", "lv": "lv_LV"}


def _babel_locale(language: Locale | str) -> str:
    code = language.code if isinstance(language, Locale) else resolve_language(language)
    return CLDR_LOCALES.get(code, code)


def format_number(value: Decimal | float, language: Locale | str) -> str:
    """CLDR's way for the language ("1.250,5" in tr); a Decimal keeps its own precision, a float gets two
    decimals. Babel is imported here, not at module import: the notify handler's cold start stays lean."""
    from babel.numbers import format_decimal

    number = value if isinstance(value, Decimal) else Decimal(str(round(value, 2))).quantize(Decimal("0.01"))
    places = max(0, -int(number.as_tuple().exponent)) if number.is_finite() else 0
    pattern = "#,##0" + ("." + "0" * places if places else "")
    return format_decimal(number, format=pattern, locale=_babel_locale(language))


def format_money(amount: Decimal | float, currency: str | None, language: Locale | str) -> str:
    """An amount with its ISO 4217 currency as CLDR writes it ("€1.250,50" in tr, "1 250,50 €" in lv);
    without a valid currency code, the plain number."""
    from babel.numbers import format_currency

    code = (currency or "").strip().upper()
    if not re.fullmatch(r"[A-Z]{3}", code):
        return format_number(amount, language)
    number = amount if isinstance(amount, Decimal) else Decimal(str(amount))
    return format_currency(number, code, locale=_babel_locale(language))


def format_moment(
    value: datetime, language: Locale | str, zone: tzinfo | str | None = None, *, short: bool = False
) -> str:
    """A point in time in ``zone`` (naive means UTC), as the language writes it: the long date and the
    short time ("28 Kasım 2026 17:22"), or, ``short``, the day and month only ("28 Kas 17:22")."""
    from babel import Locale as CldrLocale
    from babel.dates import format_date, format_skeleton, format_time

    code = _babel_locale(language)
    moment = (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(_zone(zone))
    cldr = CldrLocale.parse(code)
    day = format_skeleton("MMMd", moment, locale=code) if short else format_date(moment, "long", locale=code)
    time = format_time(moment, "short", locale=code)
    return str(cldr.datetime_formats["short" if short else "long"]).replace("{1}", day).replace("{0}", time)


def format_day(value: date, language: Locale | str) -> str:
    """A calendar day as the language writes it in full ("28 Kasım 2026")."""
    from babel.dates import format_date

    return format_date(value, "long", locale=_babel_locale(language))


def format_duration(value: timedelta, locale: Locale) -> str:
    """The two largest units of ``value``, rounded up to the minute: "1 day 3 hours", "3 saat 20 dakika"."""
    minutes = -(-int(abs(value.total_seconds())) // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    amounts = [(n, unit) for n, unit in ((days, "day"), (hours, "hour"), (minutes, "minute")) if n] or [
        (0, "minute")
    ]
    return " ".join(f"{n} {locale.units[unit][locale.plural(n)]}" for n, unit in amounts[:2])
