"""One module per language: the words of every notification, plus its duration words and labels.

To add a language, copy ``en.py`` to ``<code>.py``, translate the strings (keep every ``{placeholder}``
exactly as it is), and add the code to ``LANGUAGES`` in ``complaintdesk.notify.templates``. The unit
tests then check that the new file has the same templates and placeholders as English.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass


@dataclass(frozen=True)
class Text:
    """The words of one notification in one language."""

    subject: str
    body: str
    sms: str
    # The SMS when it stands in for the e-mail (the address bounces, or there is none): it carries
    # the substance (the decision, what we ask) instead of pointing at an e-mail. Empty: ``sms``.
    sms_fallback: str = ""


@dataclass(frozen=True)
class Locale:
    """Everything a language needs: texts, and how dates, durations and numbers are written."""

    code: str
    name: str
    # Dates, numbers and money are written by Babel from CLDR (``complaintdesk.notify.templates``).
    # "day" / "hour" / "minute" -> the forms of the word; ``plural(n)`` picks the index for n.
    units: Mapping[str, tuple[str, ...]]
    plural: Callable[[int], int]
    # Words for coded values, by placeholder: {"compensation_type": {"refund": "..."}}.
    labels: Mapping[str, Mapping[str, str]]
    # Closing line of every message, by audience ("customer", "team", "manager").
    footers: Mapping[str, str]
    templates: Mapping[str, Text]
