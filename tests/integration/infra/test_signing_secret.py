"""The signing key comes from the Secrets Manager secret SIGNING_SECRET_ARN names, through Powertools
Parameters, cached per warm function; links signed with it verify, a changed key reaches a fresh
function."""

from __future__ import annotations

import boto3
import pytest
from moto import mock_aws

from complaintdesk import signing
from tests.support.aws import reset_caches


@pytest.fixture
def secret_arn(monkeypatch: pytest.MonkeyPatch) -> str:
    with mock_aws():
        arn = boto3.client("secretsmanager").create_secret(Name="desk/signing", SecretString="k" * 64)["ARN"]
        monkeypatch.setenv("SIGNING_SECRET_ARN", arn)
        monkeypatch.setenv("SIGNING_SECRET", "never-used-when-an-arn-is-set")
        reset_caches()
        yield arn
    reset_caches()


def test_links_are_signed_with_the_secret_and_it_is_read_once(secret_arn: str) -> None:
    # Given the secret in Secrets Manager
    token = signing.sign_token("status", "C-2026-000001", ttl_seconds=60)
    # Then the token is the HMAC of that secret, not of the fallback
    assert signing.verify_token(token, "status", secret="k" * 64) == "C-2026-000001"
    with pytest.raises(signing.TokenError):
        signing.verify_token(token, "status", secret="never-used-when-an-arn-is-set")
    # When the secret changes, a warm function keeps its cached key (max age 300 s) ...
    boto3.client("secretsmanager").put_secret_value(SecretId=secret_arn, SecretString="n" * 64)
    assert signing.signing_key() == "k" * 64
    # ... and a fresh one reads the new key
    reset_caches()
    assert signing.signing_key() == "n" * 64
    assert signing.ticket_from_reply_address(signing.reply_address("C-2026-000001")) == "C-2026-000001"


def test_without_an_arn_the_environment_key_applies(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SIGNING_SECRET_ARN", raising=False)
    monkeypatch.setenv("SIGNING_SECRET", "unit-test-key")
    reset_caches()
    assert signing.signing_key() == "unit-test-key"
