"""What checkov's real findings changed in template.yaml stays: the generated signing key and who
reads it, encrypted topics that their publishers (and CloudWatch alarms) can still use, the notify
function paced to SES, the versioned mail bucket, and no secret in any parameter."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from infra.local.template import load_template

REPO_ROOT = Path(__file__).resolve().parents[3]
SIGNERS = {"ApiFunction", "NotifyFunction", "EmailIngestFunction"}  # status links, mail, reply addresses


@pytest.fixture(scope="module")
def template() -> dict[str, Any]:
    return load_template(REPO_ROOT / "template.yaml")


def _statements(policies: list[Any]) -> list[dict[str, Any]]:
    return [s for p in policies if isinstance(p, dict) and "Statement" in p for s in p["Statement"]]


def test_no_parameter_carries_a_secret_and_the_key_is_generated(template: dict[str, Any]) -> None:
    assert not [name for name, spec in template["Parameters"].items() if spec.get("NoEcho")]
    secret = template["Resources"]["SigningSecret"]["Properties"]
    assert secret["GenerateSecretString"]["PasswordLength"] >= 32
    assert "Name" not in secret  # generated: a redeployed stage never meets the old one's recovery window
    variables = template["Globals"]["Function"]["Environment"]["Variables"]
    assert "SIGNING_SECRET" not in variables


def test_only_the_signing_functions_may_read_the_key(template: dict[str, Any]) -> None:
    readers = {
        lid
        for lid, r in template["Resources"].items()
        if r["Type"] == "AWS::Serverless::Function"
        and {"AWSSecretsManagerGetSecretValuePolicy": {"SecretArn": {"Ref": "SigningSecret"}}}
        in r["Properties"].get("Policies", [])
    }
    assert readers == SIGNERS


def test_topics_are_encrypted_and_their_publishers_may_use_the_key(template: dict[str, Any]) -> None:
    resources = template["Resources"]
    for topic in ("EventsTopic", "OpsTopic"):
        assert resources[topic]["Properties"]["KmsMasterKeyId"] == {"Ref": "TopicsKey"}
    key = resources["TopicsKey"]["Properties"]
    assert key["EnableKeyRotation"] is True
    (alarms,) = [
        s for s in key["KeyPolicy"]["Statement"] if s["Principal"] == {"Service": "cloudwatch.amazonaws.com"}
    ]
    assert {"kms:Decrypt", "kms:GenerateDataKey*"} <= set(alarms["Action"])
    key_arn = {"Fn::GetAtt": ["TopicsKey", "Arn"]}
    workflow = resources["WorkflowRole"]["Properties"]["Policies"][0]["PolicyDocument"]["Statement"]
    publisher = _statements(resources["PublishFunction"]["Properties"]["Policies"])
    for statements in (workflow, publisher):
        (grant,) = [s for s in statements if s.get("Resource") == key_arn]
        assert {"kms:GenerateDataKey*", "kms:Decrypt"} <= set(grant["Action"])


def test_notify_is_paced_to_the_ses_sending_rate(template: dict[str, Any]) -> None:
    notify = template["Resources"]["NotifyFunction"]["Properties"]
    (event,) = notify["Events"].values()
    batches = event["Properties"]["ScalingConfig"]["MaximumConcurrency"]
    # 2 batches of about 7-12 sends a second each, against a new production account's 14/s
    assert batches == 2
    # Without a reservation: any fails the first deploy in a new account (100 must stay unreserved)
    assert "ReservedConcurrentExecutions" not in notify


def test_mail_bucket_is_versioned_and_old_versions_expire(template: dict[str, Any]) -> None:
    bucket = template["Resources"]["MailBucket"]["Properties"]
    assert bucket["VersioningConfiguration"] == {"Status": "Enabled"}
    rules = {rule["Id"]: rule for rule in bucket["LifecycleConfiguration"]["Rules"]}
    assert rules["expire-old-versions"]["NoncurrentVersionExpirationInDays"] == 30
