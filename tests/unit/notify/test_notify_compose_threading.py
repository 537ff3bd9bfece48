"""Issue 12: message ids as long as SES's go out unencoded and folded between ids; Auto-Submitted per RFC 3834."""

from __future__ import annotations

import email
from email.policy import default

import pytest

from complaintdesk.mail import parse_email
from complaintdesk.mail.references import message_id_key
from complaintdesk.notify.compose import build_email
from complaintdesk.notify.templates import Rendered
from complaintdesk.services.notifications import Notice, auto_submitted

TICKET = "C-2026-000123"
# The shape of the ids SES returns and writes (a 16-hex prefix, a UUID, a sequence): 60 characters
# before the @, so with a regional domain an id alone is longer than a 78-character line.
SES_IDS = [
    "<0102018c1f2e3d4c-5b6a7988-1a2b-4c3d-9e8f-0a1b2c3d4e5f-000000@eu-west-1.amazonses.com>",
    "<0100018c1f2e3d4c-0f1e2d3c-4b5a-4697-8877-66554433aabb-000000@email.amazonses.com>",
    "<0108018c1f2e3d4c-aabbccdd-eeff-4011-8223-344556677889-000000@ap-southeast-2.amazonses.com>",
]
OURS = f"<{TICKET}.0123456789abcdef@complaintdesk.example>"


def _raw(**overrides: object) -> bytes:
    arguments: dict[str, object] = {
        "to": "ayse@example.com",
        "sender": "support@complaintdesk.example",
        "reply_to": "support@complaintdesk.example",
        "ticket_id": TICKET,
    }
    arguments.update(overrides)
    rendered = Rendered(subject="Şikâyetiniz", text="Merhaba\n", html="<p>Merhaba</p>", sms="", language="tr")
    return build_email(rendered, **arguments).as_bytes()  # type: ignore[arg-type]


def _header_lines(raw: bytes, name: str) -> list[str]:
    """The physical lines of header ``name`` as they are on the wire (first line and continuations)."""
    head = raw.split(b"\r\n\r\n", 1)[0].decode("ascii").split("\r\n")
    for index, line in enumerate(head):
        if line.lower().startswith(name.lower() + ":"):
            lines = [line]
            for following in head[index + 1 :]:
                if not following.startswith((" ", "\t")):
                    break
                lines.append(following)
            return lines
    return []


def test_ses_length_ids_are_written_as_they_are_and_folded_between_ids() -> None:
    raw = _raw(message_id=SES_IDS[0], in_reply_to=SES_IDS[2], references=[OURS, SES_IDS[0], SES_IDS[1]])

    for name in ("Message-ID", "In-Reply-To", "References"):
        lines = _header_lines(raw, name)
        assert lines and "=?" not in "".join(lines), lines
        # an id is never cut: every physical line holds whole ids only, each at most 998 octets
        for line in lines:
            tokens = line.split(":", 1)[1].split() if line is lines[0] else line.split()
            assert len(tokens) == 1 and tokens[0].startswith("<") and tokens[0].endswith(">")
            assert len(line) <= 998
    assert _header_lines(raw, "In-Reply-To") == [f"In-Reply-To: {SES_IDS[2]}"]
    assert _header_lines(raw, "References") == [
        f"References: {OURS}",
        f" {SES_IDS[0]}",
        f" {SES_IDS[1]}",
        f" {SES_IDS[2]}",  # the parent, appended
    ]


def test_short_ids_share_a_line_up_to_78_characters() -> None:
    short = [f"<a{n}@mail.example.com>" for n in range(6)]
    lines = _header_lines(_raw(references=short), "References")

    assert len(lines) == 2 and all(len(line) <= 78 for line in lines)
    assert " ".join(" ".join(lines).split()[1:]) == " ".join(short)


def test_a_standard_parser_and_our_intake_read_the_same_ids_back() -> None:
    raw = _raw(message_id=SES_IDS[1], in_reply_to=SES_IDS[0], references=[OURS])

    parsed = email.message_from_bytes(raw, policy=default)
    assert parsed["Message-ID"] == SES_IDS[1]
    assert parsed["In-Reply-To"] == SES_IDS[0]
    assert parsed["References"].split() == [OURS, SES_IDS[0]]
    ours = parse_email(raw)
    assert ours.message_id == SES_IDS[1].strip("<>")
    assert ours.in_reply_to == [SES_IDS[0].strip("<>")]
    assert ours.references == [OURS.strip("<>"), SES_IDS[0].strip("<>")]


@pytest.mark.parametrize(
    "bad", ["<caf\u00e9@example.com>", "<a b@example.com>", "<a@b@example.com>", "no-at-sign"]
)
def test_an_id_that_is_not_printable_ascii_left_at_right_is_left_out(bad: str) -> None:
    raw = _raw(in_reply_to=bad, references=[bad, OURS])

    assert _header_lines(raw, "In-Reply-To") == []
    assert _header_lines(raw, "References") == [f"References: {OURS}"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [("auto-generated", "auto-generated"), ("auto-replied", "auto-replied"), (None, None)],
)
def test_auto_submitted_is_what_the_caller_chose(value: str | None, expected: str | None) -> None:
    parsed = email.message_from_bytes(_raw(auto_submitted=value), policy=default)

    assert parsed["Auto-Submitted"] == expected
    assert parsed["X-Auto-Response-Suppress"] == "All"  # no out-of-office back, whoever wrote it


def test_an_auto_submitted_value_we_do_not_send_is_refused() -> None:
    with pytest.raises(ValueError):
        _raw(auto_submitted="no")


def _notice(template: str, *, answers_customer: bool = False) -> Notice:
    return Notice(template, TICKET, "CU-1", "event-1", answers_customer=answers_customer)


@pytest.mark.parametrize(
    ("template", "answers_customer", "expected"),
    [
        ("agent.reply", True, None),  # a person's words
        ("agent.reply", False, None),
        ("ticket.acknowledged", True, "auto-replied"),  # answers the customer's e-mail
        ("ticket.acknowledged", False, "auto-generated"),  # a complaint filed on the web
        ("step.started", True, "auto-generated"),
        ("customer.reminder", False, "auto-generated"),
        ("ticket.survey", True, "auto-generated"),
        ("ticket.resolved", False, "auto-generated"),
        ("step.escalated", False, "auto-generated"),
    ],
)
def test_rfc_3834_value_per_notice(template: str, answers_customer: bool, expected: str | None) -> None:
    assert auto_submitted(_notice(template, answers_customer=answers_customer)) == expected


def test_every_regional_spelling_of_an_ses_id_meets_one_key() -> None:
    left = "0102018c1f2e3d4c-5b6a7988-1a2b-4c3d-9e8f-0a1b2c3d4e5f-000000"
    spellings = [f"<{left}@{domain}>" for domain in ("email.amazonses.com", "eu-west-1.amazonses.com",
                                                      "us-gov-west-1.amazonses.com", "AMAZONSES.COM")]  # fmt: skip

    assert {message_id_key(s) for s in spellings} == {f"{left}@amazonses.com"}
    assert message_id_key(f" <{left.upper()}@eu-west-1.amazonses.com> ") == f"{left}@amazonses.com"


@pytest.mark.parametrize(
    "other",
    [
        "<abc@notamazonses.com>",
        "<abc@amazonses.com.example.org>",
        "<C-2026-000123.ab12@complaintdesk.example>",
    ],
)
def test_other_ids_keep_their_domain(other: str) -> None:
    assert message_id_key(other) == other.strip("<>").lower()
