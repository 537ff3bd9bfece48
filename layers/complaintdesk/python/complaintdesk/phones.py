"""Customer phone numbers to E.164 with Google's libphonenumber (the ``phonenumbers`` package).

A number written the national way ("0532 123 45 67") is read in the customer's country when the
caller knows it, else in the deployment's ``DEFAULT_PHONE_REGION`` (settings; TR unless set), so
every format of one number gives the same string, and so the same customer. A number that does not
exist in its region's numbering plan is refused: it could never receive an SMS.

``phonenumbers`` is imported on the first number, not with this module: its import costs about
50 ms, which the functions that never see a phone (workflow, reports, streams) should not pay.
"""

from __future__ import annotations

from complaintdesk.settings import get_settings

MAX_LENGTH = 40  # longer than any written form of a 15-digit E.164 number with spaces and a prefix


class PhoneError(ValueError):
    """A phone number that cannot be read or does not exist; the message says which."""


def default_region() -> str:
    return get_settings().default_phone_region.strip().upper()


def normalize_phone(value: str, region: str | None = None) -> str:
    """``value`` as E.164 (``+905321234567``), read in ``region`` (ISO 3166 alpha-2) when it has
    no international prefix; ``region`` None means the deployment's default region."""
    import phonenumbers

    raw = value.strip()
    where = (region or default_region()).upper() or None
    if not raw or len(raw) > MAX_LENGTH:
        raise PhoneError(f"is not a phone number (give at most {MAX_LENGTH} characters)")
    try:
        number = phonenumbers.parse(raw, where, keep_raw_input=True)
    except phonenumbers.NumberParseException as exc:
        raise PhoneError(_parse_message(exc, where)) from None
    if not phonenumbers.is_valid_number(number):
        if number.country_code_source == phonenumbers.CountryCodeSource.FROM_DEFAULT_COUNTRY:
            raise PhoneError(
                f"is not a valid phone number in {where} (e.g. {_example(where)}); "
                "a number of another country starts with + and its country code"
            )
        home = phonenumbers.region_code_for_country_code(number.country_code or 0)  # set by parse
        raise PhoneError(f"is not a valid phone number of +{number.country_code} (e.g. {_example(home)})")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _example(region: str | None) -> str:
    import phonenumbers

    sample = phonenumbers.example_number_for_type(region, phonenumbers.PhoneNumberType.MOBILE)
    if sample is None:
        return "+905321234567"
    return phonenumbers.format_number(sample, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def _parse_message(exc: object, region: str | None) -> str:
    import phonenumbers

    kind = getattr(exc, "error_type", None)
    if kind == phonenumbers.NumberParseException.INVALID_COUNTRY_CODE:
        if region is None:
            return "has no country code: write it in international form, e.g. +905321234567"
        return "has an unknown country code (after + comes the country code, e.g. +90 for Türkiye)"
    if kind == phonenumbers.NumberParseException.TOO_SHORT_NSN:
        return "is too short to be a phone number"
    if kind == phonenumbers.NumberParseException.TOO_LONG:
        return "is too long to be a phone number"
    return "is not a phone number"


def is_region(value: str) -> bool:
    """Whether ``value`` is a region libphonenumber knows (ISO 3166 alpha-2, e.g. TR, LV)."""
    import phonenumbers

    return value.upper() in phonenumbers.SUPPORTED_REGIONS
