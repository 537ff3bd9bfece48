"""Through the API against moto: one customer for every written form of a phone, and the
acknowledgement's first-response promise taken from the plan in business hours."""

from __future__ import annotations

import email
from datetime import UTC, datetime
from email import policy
from urllib.parse import quote

import pytest

from complaintdesk.settings import reset_settings

# Friday 27 November 2026, 14:22 in Istanbul (11:22 UTC): the complaint
FRIDAY_1422 = datetime(2026, 11, 27, 11, 22, tzinfo=UTC)


def complaint(customer: dict, **extra) -> dict:
    return {
        "channel": "phone",
        "subject": "Fatura iki kez kesildi",
        "description": "Kasım faturası iki kez tahsil edildi.",
        "customer": customer,
        **extra,
    }


def test_every_format_of_a_phone_is_one_customer(api):
    # Given a customer known by the international form of her number
    status, first = api.post(
        "/tickets", complaint({"name": "Ayşe", "phone": "+90 532 123 45 67", "language": "tr"})
    )
    assert status == 201
    # When she calls again and the agent types the number the Turkish way
    status, second = api.post(
        "/tickets", complaint({"name": "Ayşe", "phone": "0532 123 45 67", "language": "tr"})
    )
    assert status == 201
    # Then it is the same customer, stored in E.164 (not "+05321234567")
    assert second["customer_id"] == first["customer_id"]
    status, found = api.get("/customers?phone=" + quote("0532 123 45 67"))
    assert status == 200 and found["customer"]["customer_id"] == first["customer_id"]
    assert found["customer"]["phone"] == "+905321234567"
    assert {t["ticket_id"] for t in found["tickets"]} == {first["ticket_id"], second["ticket_id"]}
    # And a Latvian number written the Latvian way is read in the customer's country
    status, latvian = api.post(
        "/tickets", complaint({"name": "Jānis", "phone": "2912 3456", "country": "LV", "language": "lv"})
    )
    assert status == 201
    status, found = api.get("/customers?phone=" + quote("+371 29 123 456"))
    assert status == 200 and found["customer"]["customer_id"] == latvian["customer_id"]
    assert found["customer"]["phone"] == "+37129123456"


@pytest.mark.parametrize(
    ("phone", "message"),
    [("+05321234567", "unknown country code"), ("0532 12", "is not a valid phone number in TR")],
)
def test_a_phone_that_cannot_exist_is_refused_naming_the_field(api, phone, message):
    status, body = api.post("/tickets", complaint({"name": "Ali", "phone": phone}))
    assert status == 400 and body["error"]["code"] == "invalid_input"
    [detail] = body["error"]["details"]
    assert detail["field"] == "customer.phone" and message in detail["message"]
    # nothing was stored: the lookup finds no such customer
    status, body = api.get("/customers?phone=" + quote(phone))
    assert status == 400 and body["error"]["details"][0]["field"] == "phone"


def _plan(first_sla: str, **extra) -> dict:
    return {
        "id": "promise-demo",
        "names": {"tr": "Fatura itirazı", "en": "Billing dispute", "lv": "Rēķina strīds"},
        "calendar": "tr-istanbul",
        "teams": [
            {"id": "billing", "name": "Billing team",
             "names": {"tr": "Faturalama ekibi", "en": "Billing team", "lv": "Norēķinu komanda"}}
        ],
        "steps": [
            {"id": "triage", "title": "Triage", "names": {"tr": "Ön inceleme", "en": "Triage", "lv": "Šķirošana"},
             "owner_team": "billing", "instructions": {"en": "Read it."},
             "sla": first_sla},
            {"id": "fix", "title": "Fix", "names": {"tr": "Düzeltme", "en": "Fix", "lv": "Labošana"},
             "owner_team": "billing", "instructions": {"en": "Fix it."}, "sla": "2d"},
        ],
        **extra,
    }  # fmt: skip


@pytest.fixture
def friday(monkeypatch):
    """The desk's clock stands at Friday 14:22 in Istanbul; SLA hours are real hours."""
    from complaintdesk import clock

    monkeypatch.setenv("TIME_SCALE", "1")
    reset_settings()
    monkeypatch.setattr(clock, "now", lambda: FRIDAY_1422)
    return FRIDAY_1422


def _acknowledgement(deliver, address: str):
    from moto.ses.models import ses_backends

    deliver("NotifyQueue")
    sent = [
        email.message_from_bytes(m.raw_data.encode(), policy=policy.default)
        for m in ses_backends["123456789012"]["us-east-1"].sent_messages
    ]
    [mail] = [m for m in sent if m["To"].addresses[0].addr_spec == address]
    return mail.get_body(("plain",)).get_content()


def test_a_friday_afternoon_complaint_is_promised_monday_as_its_first_step_falls_due(api, deliver, friday):
    # Given a category whose first step has 4 business hours on the Istanbul calendar (09:00-18:00)
    assert api.put("/categories/promise-demo", _plan("4h"), role="admin")[0] == 201
    # When a complaint comes in on Friday at 14:22
    status, created = api.post(
        "/tickets",
        complaint({"name": "Ayşe", "email": "ayse@example.com", "language": "tr"}, category="promise-demo"),
    )
    assert status == 201
    # Then the promise is Monday 09:22 in Istanbul (3 h 38 min on Friday, 22 min on Monday), not Saturday
    assert created["first_response_due"] == "2026-11-30T06:22:00.000Z"
    assert created["first_response_due"] == created["workflow"]["due_at"]
    # And the acknowledgement says so in the customer's zone and language
    text = _acknowledgement(deliver, "ayse@example.com")
    assert "30 Kasım 2026 09:22" in text and "28 Kasım" not in text
    # And the customer's status page expects the same moment
    from complaintdesk import signing
    from complaintdesk.services.customer_pages import status_facts

    facts = status_facts(signing.sign_token("status", created["ticket_id"], 3600))
    assert facts["expected"]["first_response_by"] == "2026-11-30T06:22:00.000Z"


def test_a_categorys_first_response_sla_and_the_desks_default(api, deliver, friday):
    # Given a category promising its first reply within 2 business hours (its first step has 2 days)
    assert api.put("/categories/promise-demo", _plan("2d", first_response="2h"), role="admin")[0] == 201
    status, created = api.post(
        "/tickets",
        complaint({"name": "Elif", "email": "elif@example.com", "language": "tr"}, category="promise-demo"),
    )
    assert status == 201 and created["first_response_due"] == "2026-11-27T13:22:00.000Z"  # 16:22 Istanbul
    # And an uncategorised complaint gets the desk's default: one working day of tr-istanbul
    status, plain = api.post(
        "/tickets", complaint({"name": "Deniz", "email": "deniz@example.com", "language": "en"})
    )
    assert status == 201 and plain["first_response_due"] == "2026-11-30T11:22:00.000Z"  # Monday 14:22
    text = _acknowledgement(deliver, "deniz@example.com")
    assert "30 November 2026" in text and "14:22" in text  # shown in Istanbul time, not UTC
