"""Phones with libphonenumber: every written form of one number is one E.164 string; the rest is refused."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from complaintdesk.errors import InvalidInput
from complaintdesk.phones import PhoneError, normalize_phone
from complaintdesk.schemas import CustomerLookupQuery, TicketCreate, parse, parse_query
from complaintdesk.settings import reset_settings


@pytest.fixture(autouse=True)
def _default_region(monkeypatch):
    monkeypatch.delenv("DEFAULT_PHONE_REGION", raising=False)
    reset_settings()
    yield
    reset_settings()


@pytest.mark.parametrize(
    "written",
    [
        "0532 123 45 67",
        "05321234567",
        "(0532) 123-45-67",
        "+90 532 123 45 67",
        "0090 532 123 45 67",
        "532 123 4567",
    ],
)
def test_every_turkish_form_is_one_number(written):
    assert normalize_phone(written) == "+905321234567"


def test_the_customers_country_reads_a_national_number(monkeypatch):
    # A Latvian mobile written the Latvian way: read in LV when the customer's country says so
    assert normalize_phone("29 123 456", "LV") == "+37129123456"
    # or when the deployment's default region is Latvia
    monkeypatch.setenv("DEFAULT_PHONE_REGION", "LV")
    reset_settings()
    assert normalize_phone("2912 3456") == "+37129123456"
    # an international number ignores the region
    assert normalize_phone("+90 532 123 45 67") == "+905321234567"


@pytest.mark.parametrize(
    ("written", "says"),
    [
        ("+05321234567", "unknown country code"),  # the broken record: a national 0 after a +
        ("12", "not a valid phone number in TR"),
        ("0532 123", "not a valid phone number in TR"),
        ("+1 555 555 0100", "not a valid phone number of +1"),  # fictional 555-01xx range
        ("call me", "not a phone number"),
        ("0" * 41, "at most 40 characters"),
    ],
)
def test_numbers_that_cannot_get_an_sms_are_refused(written, says):
    with pytest.raises(PhoneError, match=re.escape(says)):
        normalize_phone(written)


def test_the_api_refuses_a_bad_phone_naming_the_field():
    body = {
        "channel": "phone",
        "subject": "s",
        "description": "d",
        "customer": {"name": "Ali", "phone": "+0532 1"},
    }
    with pytest.raises(InvalidInput) as caught:
        parse(TicketCreate, body)
    assert [d["field"] for d in caught.value.details] == ["customer.phone"]
    body["customer"] = {"name": "Ali", "phone": "0532 123 45 67", "country": "XX"}
    with pytest.raises(InvalidInput) as caught:
        parse(TicketCreate, body)
    assert "customer.country" in {d["field"] for d in caught.value.details}


def test_the_api_stores_the_e164_form_read_in_the_customers_country():
    body = {"channel": "phone", "subject": "s", "description": "d"}
    turkish = parse(TicketCreate, {**body, "customer": {"name": "Ali", "phone": "0532 123 45 67"}})
    latvian = parse(
        TicketCreate, {**body, "customer": {"name": "Jānis", "phone": "29123456", "country": "lv"}}
    )
    assert (turkish.customer.phone, latvian.customer.phone) == ("+905321234567", "+37129123456")
    assert latvian.customer.country == "LV"


def test_the_customer_lookup_normalizes_the_same_way():
    assert parse_query(CustomerLookupQuery, {"phone": "0532 123 45 67"}).phone == "+905321234567"
    assert parse_query(CustomerLookupQuery, {"phone": "29123456", "country": "LV"}).phone == "+37129123456"
    with pytest.raises(InvalidInput) as caught:
        parse_query(CustomerLookupQuery, {"phone": "12"})
    assert caught.value.details[0]["field"] == "phone"


def test_phonenumbers_is_imported_only_when_a_phone_is_read():
    # The schemas module (every API cold start) must not pay for libphonenumber's import
    code = (
        "import sys; import complaintdesk.schemas, complaintdesk.phones; "
        "assert 'phonenumbers' not in sys.modules; "
        "from complaintdesk.phones import normalize_phone; normalize_phone('0532 123 45 67'); "
        "assert 'phonenumbers' in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True, env={"PYTHONPATH": ":".join(sys.path)})
