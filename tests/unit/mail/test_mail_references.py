"""Threading evidence, Message-ID normalisation and the replay-safe dedupe key."""

from __future__ import annotations

import hashlib
from pathlib import Path

from complaintdesk.mail import parse_email, subject_ticket_ids, ticket_references
from complaintdesk.signing import reply_address

DATA = Path(__file__).resolve().parents[2] / "data" / "mail"
SECRET = "test-secret"


def _mail(to: str, subject: str = "Re: parcel", extra: str = "") -> bytes:
    return (
        f"From: Jo <Jo.Bloggs@Example.COM>\nTo: {to}\nSubject: {subject}\n"
        f"Message-ID:  < abc-1@mail.example.com >\n{extra}\nStill waiting.\n"
    ).encode()


def test_subject_tokens() -> None:
    assert subject_ticket_ids("Re: [C-2026-000123] Şikâyet") == ["C-2026-000123"]
    assert subject_ticket_ids("Fwd: [c-2026-000123] Re: [C-2026-000124] [C-2026-000123]") == [
        "C-2026-000123",
        "C-2026-000124",
    ]
    assert subject_ticket_ids("C-2026-000123 without brackets, [C-26-1] too short") == []


def test_plus_address_with_a_valid_tag_names_the_ticket() -> None:
    address = reply_address("C-2026-000123", "support@complaintdesk.example", SECRET)
    refs = ticket_references(parse_email(_mail(address)), secret=SECRET)
    assert refs.plus_ticket_ids == ["C-2026-000123"]


def test_plus_address_found_in_delivered_to_when_to_was_rewritten() -> None:
    address = reply_address("C-2026-000777", "support@complaintdesk.example", SECRET)
    raw = _mail("Help desk <desk@partner.example>", extra=f"Delivered-To: {address}")
    assert ticket_references(parse_email(raw), secret=SECRET).plus_ticket_ids == ["C-2026-000777"]


def test_plus_address_with_a_wrong_tag_is_ignored() -> None:
    forged = "support+C-2026-000123.aaaaaa@complaintdesk.example"
    refs = ticket_references(parse_email(_mail(forged)), secret=SECRET)
    assert refs.plus_ticket_ids == []
    other_secret = reply_address("C-2026-000123", "support@complaintdesk.example", "another-secret")
    assert ticket_references(parse_email(_mail(other_secret)), secret=SECRET).plus_ticket_ids == []


def test_in_reply_to_and_references_in_order_without_repeats() -> None:
    parsed = parse_email((DATA / "reply-turkish.eml").read_bytes())
    refs = ticket_references(parsed, secret=SECRET)
    assert refs.message_ids == ["ack-C-2026-000123@complaintdesk.example", "orig-1@mail.example"]
    assert refs.subject_ticket_ids == ["C-2026-000123"]
    assert refs.plus_ticket_ids == []
    assert not refs.empty


def test_a_new_message_has_no_references() -> None:
    refs = ticket_references(
        parse_email(_mail("support@complaintdesk.example", "Late parcel")), secret=SECRET
    )
    assert refs.empty


def test_message_id_is_normalised_and_is_the_dedupe_key() -> None:
    parsed = parse_email(_mail("support@complaintdesk.example"))
    assert parsed.message_id == "abc-1@mail.example.com"
    assert parsed.dedupe_key == "abc-1@mail.example.com"
    assert parsed.from_address == "jo.bloggs@example.com"
    assert parsed.from_name == "Jo"


def test_without_message_id_the_dedupe_key_hashes_the_raw_bytes() -> None:
    raw = b"From: jo@example.com\nTo: support@complaintdesk.example\nSubject: hi\n\nbody\n"
    parsed = parse_email(raw)
    assert parsed.message_id is None
    assert parsed.dedupe_key == "sha256:" + hashlib.sha256(raw).hexdigest()
    assert parse_email(raw).dedupe_key == parsed.dedupe_key  # redelivery → same key


def test_a_long_message_id_written_as_an_encoded_word_still_threads() -> None:
    # Python's email (policy.default) writes an id longer than a header line as RFC 2047 words,
    # as it does with the ids SES gives our messages; the intake reads them back as ids.
    from email.message import EmailMessage

    ses_id = "<0100018c2a5f6b1e-4c7d9e2f-1a3b-4c5d-9e8f-7a6b5c4d3e2f-000000@email.amazonses.com>"
    reply = EmailMessage()
    reply["From"] = "jo@example.com"
    reply["Subject"] = "Re: our reply"
    reply["In-Reply-To"] = ses_id
    reply["References"] = f"<C-2026-000123.0a1b2c3d4e5f6a7b@complaintdesk.example> {ses_id}"
    reply.set_content("Thanks.\n")
    raw = reply.as_bytes()
    assert b"=?utf-8?q?" in raw  # the encoded words this test is about

    parsed = parse_email(raw)
    assert parsed.in_reply_to == [ses_id.strip("<>")]
    assert ses_id.strip("<>") in parsed.references
