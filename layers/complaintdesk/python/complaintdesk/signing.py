"""HMAC signatures: reply plus-addresses and the customer's status/survey links.

A plus address ``support+C-2026-000123.k3f9a2@example.com`` carries the ticket id and a short
tag, so a reply threads even when a mail system strips In-Reply-To/References, and nobody can
attach mail to a ticket by guessing its number. Links carry a signed, expiring token instead of
a login.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import time
from functools import cache
from typing import Any

from complaintdesk import aws
from complaintdesk.settings import get_settings

TAG_LENGTH = 6
_PLUS_RE = re.compile(
    r"^(?P<local>[^+@]+)\+(?P<ticket>[A-Z]-\d{4}-\d{6,})\.(?P<tag>[a-z0-9]+)@(?P<domain>.+)$", re.I
)


class TokenError(Exception):
    """A link token that is malformed, tampered with, expired, or for another purpose."""


# The key is read at most this often (seconds) per warm function; a changed secret reaches every
# function within this time.
SECRET_MAX_AGE = 300


@cache
def _secrets(client: Any) -> Any:
    """Powertools' Secrets Manager provider over ``client`` (one per cached client, so tests that
    switch moto on and off get a fresh one with ``aws.reset_clients``)."""
    from aws_lambda_powertools.utilities.parameters import SecretsProvider

    return SecretsProvider(boto3_client=client)


def signing_key() -> str:
    """The HMAC key: the secret SIGNING_SECRET_ARN names (cached ``SECRET_MAX_AGE`` seconds), or
    SIGNING_SECRET where no ARN is set (pure tests, no AWS)."""
    settings = get_settings()
    if not settings.signing_secret_arn:
        return settings.signing_secret
    value = _secrets(aws.client("secretsmanager")).get(settings.signing_secret_arn, max_age=SECRET_MAX_AGE)
    if not value:
        raise ValueError(f"the signing secret {settings.signing_secret_arn} is empty")
    return str(value)


def _key(secret: str | None) -> bytes:
    return (secret or signing_key()).encode()


def _mac(message: str, secret: str | None) -> bytes:
    return hmac.new(_key(secret), message.encode(), hashlib.sha256).digest()


def plus_tag(ticket_id: str, secret: str | None = None) -> str:
    digest = _mac(f"reply:{ticket_id.upper()}", secret)
    return base64.b32encode(digest).decode().lower()[:TAG_LENGTH]


def reply_address(ticket_id: str, base_address: str | None = None, secret: str | None = None) -> str:
    """The Reply-To for mail about ``ticket_id``: the support address with a signed plus part."""
    local, _, domain = (base_address or get_settings().sender_address).partition("@")
    return f"{local}+{ticket_id}.{plus_tag(ticket_id, secret)}@{domain}"


def ticket_from_reply_address(address: str, secret: str | None = None) -> str | None:
    """The ticket id a plus address names, or None when absent or its tag does not verify."""
    match = _PLUS_RE.match(address.strip())
    if not match:
        return None
    ticket_id = match["ticket"].upper()
    if hmac.compare_digest(match["tag"].lower(), plus_tag(ticket_id, secret)):
        return ticket_id
    return None


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def sign_token(
    purpose: str, ticket_id: str, ttl_seconds: int, now: float | None = None, secret: str | None = None
) -> str:
    """A URL-safe token naming ``ticket_id`` for ``purpose`` ("status", "survey"), valid ``ttl_seconds``."""
    payload = {
        "p": purpose,
        "t": ticket_id,
        "e": int((now if now is not None else time.time()) + ttl_seconds),
    }
    body = _b64(json.dumps(payload, separators=(",", ":"), sort_keys=True).encode())
    return f"{body}.{_b64(_mac(body, secret))}"


def verify_token(token: str, purpose: str, now: float | None = None, secret: str | None = None) -> str:
    """The ticket id inside a valid token; raises TokenError otherwise."""
    body, _, signature = token.partition(".")
    if not body or not signature:
        raise TokenError("malformed token")
    try:
        expected = _mac(body, secret)
        if not hmac.compare_digest(_unb64(signature), expected):
            raise TokenError("bad signature")
        payload = json.loads(_unb64(body))
    except (ValueError, TypeError) as exc:
        raise TokenError("malformed token") from exc
    if payload.get("p") != purpose:
        raise TokenError("token is for another purpose")
    if int(payload.get("e", 0)) < (now if now is not None else time.time()):
        raise TokenError("token expired")
    return str(payload["t"])
