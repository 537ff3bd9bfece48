"""Finding English, raw codes and UTC times in what a Turkish or Latvian customer reads.

The English words are not a hand-kept list: they are every word of the English locale (templates,
footers, labels) and every English name and state name of the shipped category definitions, minus
the words the Turkish and Latvian texts use too (brand names, "SMS", shared loanwords). The codes
are the event types, ticket statuses, step ids, team ids, root-cause codes and labelled codes
(compensation types) that must reach a customer as words.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from html.parser import HTMLParser
from typing import Any, get_args

from complaintdesk.categories import CategoryDefinition, load_default_categories
from complaintdesk.events import EventType
from complaintdesk.lifecycle import TicketStatus
from complaintdesk.notify.locales import Locale
from complaintdesk.notify.templates import LOCALES, parse

FOREIGN = ("tr", "lv")
_WORD = re.compile(r"[^\W\d_]+")
_URL = re.compile(r"https?://\S+", re.IGNORECASE)
_ADDRESS = re.compile(r"[^\s@<>()]+@[^\s@<>()]+\.[a-z]{2,}", re.IGNORECASE)
# Times a customer must never see: ISO timestamps, "UTC", a zero offset, a Zulu suffix.
UTC_PATTERNS = (
    re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}"),
    re.compile(r"\bUTC\b"),
    re.compile(r"[+-]00:?00\b"),
    re.compile(r"\d{2}:\d{2}(:\d{2}(\.\d+)?)?Z\b"),
)
MIN_LETTERS = 3  # "at", "by", "to" could be a syllable of a name; three letters and more are words


def words(text: str) -> set[str]:
    return {w for w in _WORD.findall(text.lower()) if len(w) >= MIN_LETTERS}


def _literal(source: str) -> str:
    """A template text without its placeholders: only the words written in it."""
    return "".join(part for part in parse(source) if isinstance(part, str))


def locale_strings(locale: Locale) -> Iterator[str]:
    for text in locale.templates.values():
        for value in vars(text).values():
            if isinstance(value, str):
                yield _literal(value)
    for footer in locale.footers.values():
        yield _literal(footer)
    for table in locale.labels.values():
        yield from table.values()
    yield from (form for forms in locale.units.values() for form in forms)


def _names(value: Any, language: str) -> Iterator[str]:
    """Every string under ``language`` keys, and (for English) the plain state names, of a definition."""
    if isinstance(value, dict):
        for key, item in value.items():
            state_name = language == "en" and key in ("title", "name", "label")
            if isinstance(item, str) and (key == language or state_name):
                yield item
            else:
                yield from _names(item, language)
    elif isinstance(value, list):
        for item in value:
            yield from _names(item, language)


@cache
def shipped() -> tuple[CategoryDefinition, ...]:
    return tuple(load_default_categories())


def definition_strings(language: str) -> Iterator[str]:
    for defn in shipped():
        yield from _names(defn.model_dump(mode="json", exclude={"fields"}), language)
        for field in defn.fields:
            if field.labels is not None:
                yield from _names(field.labels.model_dump(), language)


@cache
def english_words() -> frozenset[str]:
    """The English the en locale and the shipped definitions use, minus words tr and lv share."""
    english: set[str] = set()
    for text in [*locale_strings(LOCALES["en"]), *definition_strings("en")]:
        english |= words(text)
    shared: set[str] = set()
    for language in FOREIGN:
        for text in [*locale_strings(LOCALES[language]), *definition_strings(language)]:
            shared |= words(text)
    return frozenset(english - shared - {"complaintdesk"})


@cache
def raw_codes() -> frozenset[str]:
    codes = {str(e.value) for e in EventType} | set(get_args(TicketStatus))
    for defn in shipped():
        codes |= {s.id for s in defn.steps} | {t.id for t in defn.teams} | {c.code for c in defn.root_causes}
    for locale in LOCALES.values():
        for table in locale.labels.values():
            codes |= set(table)
    return frozenset(codes)


@cache
def _code_pattern() -> re.Pattern[str]:
    """Any raw code as a whole token ("ticket.acknowledged", "waiting_customer", "investigate")."""
    alternatives = "|".join(re.escape(code) for code in sorted(raw_codes(), key=len, reverse=True))
    return re.compile(rf"(?<![\w.-])(?:{alternatives})(?![\w-])")


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def visible_text(html: str) -> str:
    """What a reader sees of an HTML body (tags, attributes and styles left out)."""
    parser = _Text()
    parser.feed(html)
    parser.close()
    return "\n".join(parser.parts)


@dataclass(frozen=True)
class Leak:
    where: str
    kind: str  # "english", "code", "utc"
    found: str
    line: str

    def __str__(self) -> str:
        return f"{self.where}: {self.kind} {self.found!r} in {self.line!r}"


def leaks(where: str, text: str, *, allowed: Iterable[str] = ()) -> list[Leak]:
    """Every English word, raw code and UTC time in ``text``, line by line. URLs and e-mail
    addresses are skipped (a link's token is not a word); ``allowed`` are values the customer gave
    or a proper name (their own subject, their name), taken out before the scan."""
    found: list[Leak] = []
    english = english_words()
    for raw_line in text.splitlines():
        line = raw_line
        for value in sorted(allowed, key=len, reverse=True):
            if value:
                line = line.replace(value, " ")
        line = _ADDRESS.sub(" ", _URL.sub(" ", line))
        for pattern in UTC_PATTERNS:
            for match in pattern.finditer(line):
                found.append(Leak(where, "utc", match.group(0), raw_line.strip()))
        for match in _code_pattern().finditer(line.lower()):
            found.append(Leak(where, "code", match.group(0), raw_line.strip()))
        for word in sorted(words(line) & english):
            found.append(Leak(where, "english", word, raw_line.strip()))
    return found


def strings_in(value: Any, *, skip_keys: frozenset[str] = frozenset()) -> Iterator[tuple[str, str]]:
    """(path, text) of every string value in a JSON-like structure (keys are the API's, not words)."""

    def walk(item: Any, path: str) -> Iterator[tuple[str, str]]:
        if isinstance(item, dict):
            for key, inner in item.items():
                if key not in skip_keys:
                    yield from walk(inner, f"{path}.{key}" if path else str(key))
        elif isinstance(item, list | tuple):
            for index, inner in enumerate(item):
                yield from walk(inner, f"{path}[{index}]")
        elif isinstance(item, str):
            yield path, item

    yield from walk(value, "")
