"""build_email: threading headers, loop protection, encodings and header injection."""

from __future__ import annotations

import email
from datetime import UTC, datetime
from email.message import EmailMessage
from email.policy import default

import pytest

from complaintdesk.notify.compose import InvalidAddress, build_email, clean_address, new_message_id
from complaintdesk.notify.templates import Rendered, render
from complaintdesk.signing import reply_address, ticket_from_reply_address

TICKET = "C-2026-000123"
SECRET = "unit-test-secret"
EVIL = "Ali\r\nBcc: evil@x"


def _rendered(subject: str = "We received your complaint", language: str = "en") -> Rendered:
    return Rendered(
        subject=subject, text="Hello\nplain body\n", html="<p>Hello</p>", sms="hi", language=language
    )


def _build(rendered: Rendered | None = None, **overrides: object) -> EmailMessage:
    arguments: dict[str, object] = {
        "to": "ali@example.com",
        "to_name": "Ali Veli",
        "sender": "support@complaintdesk.example",
        "reply_to": reply_address(TICKET, "support@complaintdesk.example", secret=SECRET),
        "ticket_id": TICKET,
    }
    arguments.update(overrides)
    return build_email(rendered or _rendered(), **arguments)  # type: ignore[arg-type]


def _round_trip(message: EmailMessage) -> EmailMessage:
    parsed = email.message_from_bytes(message.as_bytes(), policy=default)
    assert isinstance(parsed, EmailMessage)
    return parsed


def test_every_message_has_the_required_headers_and_two_utf8_parts() -> None:
    parsed = _round_trip(_build())

    assert parsed["Auto-Submitted"] == "auto-generated"  # the default: a notification
    assert parsed["X-Complaintdesk-Ticket"] == TICKET
    assert parsed["Message-ID"].startswith(f"<{TICKET}.") and parsed["Message-ID"].endswith(
        "@complaintdesk.example>"
    )
    assert parsed["Date"] is not None and parsed["Date"].datetime.tzinfo is not None
    assert parsed["Subject"] == f"[{TICKET}] We received your complaint"
    assert str(parsed["From"]) == "complaintdesk <support@complaintdesk.example>"
    assert parsed["To"].addresses[0].addr_spec == "ali@example.com"
    assert parsed["Content-Language"] == "en"
    assert parsed["In-Reply-To"] is None and parsed["References"] is None
    assert parsed.get_content_type() == "multipart/alternative"
    parts = list(parsed.iter_parts())
    assert [part.get_content_type() for part in parts] == ["text/plain", "text/html"]
    assert all(part.get_content_charset() == "utf-8" for part in parts)
    assert parts[0].get_content().replace("\r\n", "\n") == "Hello\nplain body\n"


def test_reply_to_is_the_signed_plus_address_that_threads_back() -> None:
    parsed = _round_trip(_build())

    (address,) = parsed["Reply-To"].addresses
    assert ticket_from_reply_address(address.addr_spec, secret=SECRET) == TICKET


def test_threading_headers_are_kept_in_order_and_the_parent_is_appended() -> None:
    parsed = _round_trip(
        _build(
            message_id="<C-2026-000123.ours@complaintdesk.example>",
            in_reply_to="<customer-2@mail.example.com>",
            references=["<customer-1@mail.example.com>", "not a message id", "<ack@complaintdesk.example>"],
        )
    )

    assert parsed["Message-ID"] == "<C-2026-000123.ours@complaintdesk.example>"
    assert parsed["In-Reply-To"] == "<customer-2@mail.example.com>"
    assert parsed["References"].split() == [
        "<customer-1@mail.example.com>",
        "<ack@complaintdesk.example>",
        "<customer-2@mail.example.com>",
    ]


def test_new_message_ids_are_unique_and_name_the_ticket() -> None:
    first, second = (
        new_message_id(TICKET, "complaintdesk.example"),
        new_message_id(TICKET, "complaintdesk.example"),
    )

    assert first != second
    assert first.startswith(f"<{TICKET}.") and first.endswith("@complaintdesk.example>")
    with pytest.raises(ValueError):
        new_message_id(TICKET, "bad domain\r\nX: y")
    with pytest.raises(ValueError):
        new_message_id("C-2026-000123\r\nBcc: x", "complaintdesk.example")


@pytest.mark.parametrize("field", ["to_name", "sender_name"])
def test_a_name_cannot_inject_headers(field: str) -> None:
    parsed = _round_trip(_build(**{field: EVIL}))

    assert parsed["Bcc"] is None
    assert [address.addr_spec for address in parsed["To"].addresses] == ["ali@example.com"]
    assert [address.addr_spec for address in parsed["From"].addresses] == ["support@complaintdesk.example"]
    header = "To" if field == "to_name" else "From"
    assert parsed[header].addresses[0].display_name == "Ali Bcc: evil@x"


def test_a_subject_cannot_inject_headers() -> None:
    raw = _build(_rendered(subject=EVIL)).as_bytes()
    parsed = email.message_from_bytes(raw, policy=default)

    assert parsed["Bcc"] is None
    assert b"\r\nBcc:" not in raw
    assert parsed["Subject"] == f"[{TICKET}] Ali Bcc: evil@x"


def test_a_rendered_subject_built_from_hostile_values_is_one_clean_line() -> None:
    rendered = render(
        "ticket.acknowledged",
        "en",
        {
            "ticket_id": TICKET,
            "complaint_subject": EVIL,
            "first_response_due": datetime(2026, 11, 24, tzinfo=UTC),
        },
    )
    parsed = _round_trip(_build(rendered, to_name=EVIL))

    assert "\r" not in rendered.subject and "\n" not in rendered.subject
    assert parsed["Bcc"] is None
    assert parsed["Subject"] == f"[{TICKET}] We received your complaint: Ali Bcc: evil@x"


@pytest.mark.parametrize(
    ("name", "subject", "language"),
    [
        ("Şükrü Çağlayan Işıkoğlu", "Ödeme iadesi yapılmadı: ğüşöçİı", "tr"),
        ("Ābele Ģirts Ķēniņš", "Rēķins nav pareizs: ūņļžčšā", "lv"),
    ],
)
def test_turkish_and_latvian_names_and_subjects_survive_a_round_trip(
    name: str, subject: str, language: str
) -> None:
    message = _build(_rendered(subject=subject, language=language), to_name=name)
    raw = message.as_bytes()
    parsed = _round_trip(message)

    assert raw.isascii()  # RFC 2047 words in headers, quoted-printable bodies
    assert parsed["To"].addresses[0].display_name == name
    assert parsed["Subject"] == f"[{TICKET}] {subject}"
    assert parsed["Content-Language"] == language


def test_bodies_with_non_ascii_text_survive_a_round_trip() -> None:
    rendered = Rendered(subject="s", text="Şikâyetiniz ūņļ\n", html="<p>Şikâyetiniz ūņļ</p>", sms="")
    parsed = _round_trip(_build(rendered))

    text, html = (part.get_content().replace("\r\n", "\n") for part in parsed.iter_parts())
    assert text == "Şikâyetiniz ūņļ\n"
    assert "Şikâyetiniz ūņļ" in html


def test_the_ticket_token_is_not_doubled_when_the_subject_already_has_it() -> None:
    parsed = _round_trip(_build(_rendered(subject=f"Re: [{TICKET}] [{TICKET}] kettle")))

    assert parsed["Subject"] == f"[{TICKET}] Re: kettle"


def test_the_date_header_uses_the_given_moment() -> None:
    parsed = _round_trip(_build(date=datetime(2026, 11, 24, 18, 30, tzinfo=UTC)))

    assert parsed["Date"].datetime == datetime(2026, 11, 24, 18, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    "address",
    [
        "ali@example.com\r\nBcc: evil@x",
        "Ali <ali@example.com>",
        "no-at-sign",
        "a b@example.com",
        "a@exa mple.com",
        "",
    ],
)
def test_unusable_addresses_are_refused(address: str) -> None:
    with pytest.raises(InvalidAddress):
        _build(to=address)


def test_a_non_ascii_domain_is_idna_encoded() -> None:
    assert clean_address(" ali@şirket.com.tr ") == "ali@xn--irket-idb.com.tr"


def test_a_bad_ticket_id_is_refused() -> None:
    with pytest.raises(ValueError):
        _build(ticket_id="C-2026-000123\r\nBcc: evil@x")


def test_a_rendered_turkish_acknowledgement_becomes_an_eml_a_person_can_open(
    context: dict[str, object],
) -> None:
    # Given the acknowledgement rendered in Turkish for a customer in Istanbul
    rendered = render("ticket.acknowledged", "tr", {**context, "timezone": "Europe/Istanbul"})
    # When it is built into a message and written out as bytes
    raw = _build(rendered, to_name="Ayşe Yılmaz").as_bytes()
    # Then a mail reader gets it back whole: subject, name, both parts, in Turkish
    parsed = email.message_from_bytes(raw, policy=default)
    text, html = (part.get_content() for part in parsed.iter_parts())

    assert parsed["Subject"] == f"[{TICKET}] Şikâyetinizi aldık: Charged twice for one order"
    assert parsed["To"].addresses[0].display_name == "Ayşe Yılmaz"
    assert "İlk yanıt için son tarih: 24 Kasım 2026 21:30" in text
    assert "24 Kasım 2026 21:30" in html and '<html lang="tr">' in html
    assert parsed["Content-Language"] == "tr"
    assert max(len(line) for line in raw.split(b"\r\n")) <= 78
