"""Pure checks of the edges: input normalization, log redaction, signed links, role claims."""

from __future__ import annotations

import json
import time

import pytest

from complaintdesk import signing
from complaintdesk.auth import Principal, principal_from_claims, require
from complaintdesk.errors import Forbidden, InvalidInput, Unauthenticated
from complaintdesk.observability import redact, redact_text
from complaintdesk.schemas import TicketCreate, normalize_email, normalize_phone, parse
from complaintdesk.services.tickets import format_ticket_id


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Ayse.Yilmaz@Example.COM", "ayse.yilmaz@example.com"),
        (" janis+orders@mail.example.lv ", "janis+orders@mail.example.lv"),
    ],
)
def test_emails_are_normalized(raw, expected):
    assert normalize_email(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "not-an-address",
        "a@b",
        "a@@b.com",
        "a b@example.com",
        "x..y@example.com",
        "evil@example.com\r\nBcc: x@y.z",
    ],
)
def test_bad_emails_are_refused(raw):
    with pytest.raises(ValueError):
        normalize_email(raw)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("+90 532 123 45 67", "+905321234567"),
        ("0090 (532) 123-45-67", "+905321234567"),
        ("+371 2912 3456", "+37129123456"),
    ],
)
def test_phones_are_normalized(raw, expected):
    assert normalize_phone(raw) == expected


def test_validation_names_every_bad_field():
    with pytest.raises(InvalidInput) as caught:
        parse(TicketCreate, {"channel": "fax", "customer": {"name": ""}})
    fields = {d["field"] for d in caught.value.details}
    assert {"channel", "subject", "description", "customer.name"} <= fields


def test_ticket_ids_are_human_friendly():
    assert format_ticket_id(2026, 123) == "C-2026-000123"
    assert format_ticket_id(2027, 1234567) == "C-2027-1234567"


def test_logs_never_carry_contacts_in_clear():
    line = (
        "mail from ayse.yilmaz@example.com, phone +90 532 123 45 67, about C-2026-000123 on 2026-11-24 18:30"
    )
    redacted = redact_text(line)
    assert "ayse.yilmaz@example.com" not in redacted and "532 123 45 67" not in redacted
    assert "C-2026-000123" in redacted and "2026-11-24 18:30" in redacted
    arn = "arn:aws:events:us-east-1:123456789012:rule/RemindFunctionEveryQuarterHour"
    assert redact_text(arn) == arn
    # The same address always gets the same mark, so lines about one customer can be correlated
    assert redact_text("AYSE.YILMAZ@example.com") == redact_text("ayse.yilmaz@example.com")
    record = redact({"timestamp": "2026-11-24 18:43:08,123+0000", "extra": {"to": ["x@example.org"]}})
    assert record["timestamp"] == "2026-11-24 18:43:08,123+0000" and "x@example.org" not in json.dumps(record)


def test_reply_addresses_verify_their_tag():
    address = signing.reply_address("C-2026-000123", "support@desk.example", secret="s3cret")
    assert address.startswith("support+C-2026-000123.") and address.endswith("@desk.example")
    assert signing.ticket_from_reply_address(address, secret="s3cret") == "C-2026-000123"
    forged = address.replace("C-2026-000123", "C-2026-000124")
    assert signing.ticket_from_reply_address(forged, secret="s3cret") is None
    assert signing.ticket_from_reply_address("support@desk.example", secret="s3cret") is None


def test_link_tokens_expire_and_resist_tampering():
    now = time.time()
    token = signing.sign_token("status", "C-2026-000123", 60, now=now, secret="k")
    assert signing.verify_token(token, "status", now=now + 59, secret="k") == "C-2026-000123"
    with pytest.raises(signing.TokenError, match="expired"):
        signing.verify_token(token, "status", now=now + 61, secret="k")
    with pytest.raises(signing.TokenError, match="purpose"):
        signing.verify_token(token, "survey", now=now, secret="k")
    body, signature = token.split(".")
    with pytest.raises(signing.TokenError):
        signing.verify_token(body[:-2] + "xx." + signature, "status", now=now, secret="k")
    with pytest.raises(signing.TokenError):
        signing.verify_token(token, "status", now=now, secret="other")


@pytest.mark.parametrize("groups", [["manager"], "manager", "[manager agent]", "agent,manager"])
def test_roles_come_from_the_groups_claim_in_every_shape(groups):
    principal = principal_from_claims({"sub": "u-1", "email": "m@desk.example", "cognito:groups": groups})
    assert "manager" in principal.roles
    require(principal, {"manager", "admin"})


def test_role_checks():
    agent = Principal(subject="u", username="a@desk.example", roles=frozenset({"agent"}))
    with pytest.raises(Forbidden):
        require(agent, {"admin"})
    assert agent.actor == "a@desk.example (agent)"
    with pytest.raises(Unauthenticated):
        principal_from_claims({"cognito:groups": ["admin"]})
    assert principal_from_claims({"sub": "x", "cognito:groups": ["superuser"]}).roles == frozenset()
