"""Canned replies' texts: which placeholders they may use, checked when saved, filled for a ticket.

A canned reply is the agent's own words prepared in advance, so its text is plain: ``{name}`` is a
value, ``{{`` and ``}}`` are literal braces, nothing else (no formats, no attributes, no conditions).
The words are Python's ``str.format`` syntax, read with ``string.Formatter().parse``; a text is
filled piece by piece, never through ``str.format``, so nothing but the named values reaches it.
"""

from __future__ import annotations

from collections.abc import Mapping
from string import Formatter

# The values a canned reply may name, and what they hold.
PLACEHOLDERS: dict[str, str] = {
    "customer_name": "the customer's name",
    "ticket_id": "the ticket number (C-2026-000123)",
    "due_date": "when the current step is due, in the customer's language and time zone",
    "complaint_subject": "the subject of the complaint",
}


class CannedTextError(ValueError):
    """A canned text that cannot be saved; the message names what is wrong."""


def placeholders(text: str) -> list[str]:
    """The names ``text`` uses, in order, each once; raises CannedTextError for anything but known names."""
    try:
        parts = list(Formatter().parse(text))
    except ValueError as exc:  # a lone "{" or "}"
        raise CannedTextError(f"{exc}; write {{{{ and }}}} for a literal brace") from None
    names: list[str] = []
    for _, name, spec, conversion in parts:
        if name is None:
            continue
        if not name:
            raise CannedTextError("an empty placeholder {} names nothing; write {{}} for literal braces")
        if spec or conversion:
            raise CannedTextError(
                f"placeholder {{{name}}} takes no format or conversion; write it as a plain name"
            )
        if name not in PLACEHOLDERS:
            known = ", ".join(f"{{{known}}}" for known in PLACEHOLDERS)
            raise CannedTextError(f"unknown placeholder {{{name}}}; use {known}")
        if name not in names:
            names.append(name)
    return names


def fill(text: str, values: Mapping[str, str | None]) -> str:
    """``text`` with each placeholder replaced by its value; a value it needs that is None raises KeyError."""
    out: list[str] = []
    for literal, name, _, _ in Formatter().parse(text):
        out.append(literal)
        if name is not None:
            value = values.get(name)
            if value is None:
                raise KeyError(name)
            out.append(value)
    return "".join(out)
