"""The deploy commands against moto: first admin, sign-in with a new password, the kept token,
token refresh, the mail check, and a teardown that leaves nothing of the stage."""

from __future__ import annotations

import json
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import mock_aws

from infra import login_cli
from infra.cli import main

STACK = "desk-test"
PASSWORDS = {"temporary": "Temp-Passw0rd-1", "new": "Chosen-Passw0rd-2026"}


def register_stack(name: str, outputs: dict[str, str], resources: dict[str, Any] | None = None) -> None:
    """A CloudFormation stack in moto carrying a deployed stack's outputs (moto cannot deploy the
    SAM template itself; the commands only read outputs and resources)."""
    template = {
        "Resources": resources or {"Marker": {"Type": "AWS::SNS::Topic"}},
        "Outputs": {key: {"Value": value} for key, value in outputs.items()},
    }
    boto3.client("cloudformation").create_stack(StackName=name, TemplateBody=json.dumps(template))


@pytest.fixture
def token_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "config" / "complaintdesk" / "token.json"
    monkeypatch.setenv("COMPLAINTDESK_TOKEN_FILE", str(path))
    return path


@pytest.fixture
def deployed(stack: Any) -> Any:
    register_stack(
        STACK,
        {
            "UserPoolId": stack.user_pool_id,
            "UserPoolClientId": stack.user_pool_client_id,
            "ApiUrl": "https://api.example/dev",
        },
    )
    return stack


def answers(monkeypatch: pytest.MonkeyPatch, *typed: str) -> list[str]:
    """What the user types at each password prompt, in order; the prompts are recorded."""
    queue, prompts = list(typed), []

    def getpass(prompt: str = "") -> str:
        prompts.append(prompt)
        return queue.pop(0)

    monkeypatch.setattr(login_cli.getpass, "getpass", getpass)
    return prompts


def test_first_admin_signs_in_sets_a_password_and_keeps_an_id_token(
    deployed: Any, token_file: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    cognito = boto3.client("cognito-idp")
    # Given a fresh stack, the first admin is created with the operator's AWS credentials
    assert main(["bootstrap-admin", "--stack-name", STACK, "--email", "lead@shop.example"]) == 0
    user = cognito.admin_get_user(UserPoolId=deployed.user_pool_id, Username="lead@shop.example")
    assert user["UserStatus"] == "FORCE_CHANGE_PASSWORD"
    groups = cognito.admin_list_groups_for_user(
        UserPoolId=deployed.user_pool_id, Username="lead@shop.example"
    )
    assert [g["GroupName"] for g in groups["Groups"]] == ["admin"]
    assert "e-mailed a temporary password" in capsys.readouterr().out
    # (Cognito's e-mail carries the temporary password; moto sends none, so the test sets one.)
    cognito.admin_set_user_password(
        UserPoolId=deployed.user_pool_id,
        Username="lead@shop.example",
        Password=PASSWORDS["temporary"],
        Permanent=False,
    )

    # When they sign in with it, Cognito asks for a new password (NEW_PASSWORD_REQUIRED)
    prompts = answers(monkeypatch, PASSWORDS["temporary"], PASSWORDS["new"], PASSWORDS["new"])
    assert main(["login", "--stack-name", STACK, "--email", "lead@shop.example"]) == 0
    assert len(prompts) == 3 and "New password" in prompts[1]

    # Then an ID token is kept, readable by its owner only, and the API accepts it as an admin
    assert stat.S_IMODE(token_file.stat().st_mode) == 0o600
    assert stat.S_IMODE(token_file.parent.stat().st_mode) == 0o700
    record = json.loads(token_file.read_text())
    assert record["roles"] == ["admin"] and record["username"] == "lead@shop.example"
    from complaintdesk.auth import principal_from_claims, verify_bearer

    claims = verify_bearer(f"Bearer {record['id_token']}")
    assert claims["token_use"] == "id"
    assert principal_from_claims(claims).roles == frozenset({"admin"})
    assert "Signed in as lead@shop.example (roles: admin)" in capsys.readouterr().out

    # And the next sign-in needs only the new password; the user is CONFIRMED
    answers(monkeypatch, PASSWORDS["new"])
    assert main(["login", "--stack-name", STACK, "--email", "lead@shop.example"]) == 0
    user = cognito.admin_get_user(UserPoolId=deployed.user_pool_id, Username="lead@shop.example")
    assert user["UserStatus"] == "CONFIRMED"


def test_admin_adds_an_agent_and_a_wrong_password_is_refused_clearly(
    deployed: Any, token_file: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    cognito = boto3.client("cognito-idp")
    assert main(["add-staff", "--stack-name", STACK, "--email", "ali@shop.example", "--role", "agent"]) == 0
    # Adding an existing person again only adds the group (no second invitation)
    assert main(["add-staff", "--stack-name", STACK, "--email", "ali@shop.example", "--role", "manager"]) == 0
    assert "already had an account" in capsys.readouterr().out
    groups = cognito.admin_list_groups_for_user(UserPoolId=deployed.user_pool_id, Username="ali@shop.example")
    assert {g["GroupName"] for g in groups["Groups"]} == {"agent", "manager"}
    # Bad input gets a clear error
    assert main(["add-staff", "--stack-name", STACK, "--email", "not-an-address", "--role", "agent"]) == 2
    assert "is not an e-mail address" in capsys.readouterr().err
    cognito.admin_set_user_password(
        UserPoolId=deployed.user_pool_id,
        Username="ali@shop.example",
        Password="Right-Passw0rd-1",
        Permanent=True,
    )
    answers(monkeypatch, "Wrong-Passw0rd-1")
    assert main(["login", "--stack-name", STACK, "--email", "ali@shop.example"]) == 1
    assert "wrong e-mail or password" in capsys.readouterr().err
    assert not token_file.exists()


def test_token_is_refreshed_when_it_expires_and_logout_forgets_it(
    deployed: Any, token_file: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    cognito = boto3.client("cognito-idp")
    login_cli.add_staff(cognito, deployed.user_pool_id, "mira@shop.example", "manager")
    cognito.admin_set_user_password(
        UserPoolId=deployed.user_pool_id,
        Username="mira@shop.example",
        Password="Right-Passw0rd-1",
        Permanent=True,
    )
    answers(monkeypatch, "Right-Passw0rd-1")
    assert main(["login", "--stack-name", STACK, "--email", "mira@shop.example"]) == 0
    capsys.readouterr()
    first = json.loads(token_file.read_text())
    # A valid token is printed as it is
    assert main(["token"]) == 0
    assert capsys.readouterr().out.strip() == first["id_token"]
    # When it is about to expire, the refresh token gets a new ID token (the refresh token is kept)
    token_file.write_text(json.dumps({**first, "expires_at": 0}))
    assert main(["token"]) == 0
    refreshed = json.loads(token_file.read_text())
    assert capsys.readouterr().out.strip() == refreshed["id_token"]
    assert refreshed["expires_at"] > 0 and refreshed["refresh_token"] == first["refresh_token"]
    assert login_cli.claims_of(refreshed["id_token"])["cognito:groups"] == ["manager"]
    assert stat.S_IMODE(token_file.stat().st_mode) == 0o600
    # Logout removes the file; `token` then says how to sign in
    assert main(["logout"]) == 0
    assert not token_file.exists()
    assert main(["token"]) == 1
    assert "complaintdesk login" in capsys.readouterr().err


def test_check_mail_finds_replies_received_and_says_what_is_wrong(stack: Any) -> None:
    from infra.check_cli import check_mail

    clients = [boto3.client(name) for name in ("ses", "sesv2", "sns")]
    sender = stack.env["SENDER_ADDRESS"]
    rule_set, bucket = stack.physical["ReceiptRuleSet"], stack.physical["MailBucket"]
    # Given the local stack (its rule set active, the sender's domain verified)
    findings = {f.message: f.level for f in check_mail(*clients, sender, rule_set, bucket)}
    assert (
        findings[
            f"replies to complaintdesk.example are received into s3://{bucket}/inbound/ (rule set {rule_set})"
        ]
        == "ok"
    )
    assert findings["SES has verified the domain complaintdesk.example (sending and receiving)"] == "ok"
    assert "FAIL" not in findings.values()
    # When replies would go to a domain the rule does not receive
    failures = [
        f.message
        for f in check_mail(*clients, "help@elsewhere.example", rule_set, bucket)
        if f.level == "FAIL"
    ]
    assert failures == [
        f"no enabled rule of {rule_set} stores mail for elsewhere.example in {bucket}",
        "SES domain identity elsewhere.example is absent: verify it (DKIM CNAMEs) and point its MX record "
        "at inbound-smtp.<region>.amazonaws.com",
    ]
    # And when another rule set is the active one
    clients[0].create_receipt_rule_set(RuleSetName="someone-else")
    clients[0].set_active_receipt_rule_set(RuleSetName="someone-else")
    (first, *_) = check_mail(*clients, sender, rule_set, bucket)
    assert first.level == "FAIL" and "'someone-else', not this stack's" in first.message


@pytest.fixture
def aws() -> Iterator[None]:
    with mock_aws():
        yield


def _machine(sfn: Any, name: str, role: str) -> str:
    definition = json.dumps({"StartAt": "Done", "States": {"Done": {"Type": "Succeed"}}})
    return str(sfn.create_state_machine(name=name, definition=definition, roleArn=role)["stateMachineArn"])


def test_teardown_deletes_the_stages_state_machines_data_and_stack(
    aws: None, capsys: pytest.CaptureFixture[str]
) -> None:
    iam, sfn, s3 = boto3.client("iam"), boto3.client("stepfunctions"), boto3.client("s3")
    dynamodb, logs = boto3.client("dynamodb"), boto3.client("logs")
    roles = {
        stage: iam.create_role(RoleName=f"{stage}-workflow", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
        for stage in ("dev", "dev-eu")
    }
    # Given a stage with two published category versions, and a stage whose name shares the prefix
    ours = [_machine(sfn, f"complaintdesk-dev-{c}", roles["dev"]) for c in ("billing-v1", "billing-v2")]
    theirs = _machine(sfn, "complaintdesk-dev-eu-billing-v1", roles["dev-eu"])
    # And a versioned mail bucket with old versions and a delete marker, and the tickets table
    bucket = "complaintdesk-dev-mail-123456789012-5d1e7a90"
    s3.create_bucket(Bucket=bucket)
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    for body in (b"one", b"two"):
        s3.put_object(Bucket=bucket, Key="inbound/msg-1", Body=body)
    s3.delete_object(Bucket=bucket, Key="inbound/msg-1")
    s3.put_object(Bucket=bucket, Key="attachments/C-2026-000001/a.pdf", Body=b"%PDF")
    table = "desk-dev-TicketsTable-1"
    dynamodb.create_table(
        TableName=table,
        KeySchema=[{"AttributeName": "PK", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "PK", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    function = {
        "Type": "AWS::Lambda::Function",
        "Properties": {
            "Runtime": "python3.11",
            "Handler": "index.handler",
            "Role": roles["dev"],
            "Code": {"ZipFile": "def handler(event, context):\n    return None\n"},
        },
    }
    register_stack(
        "desk-dev",
        {
            "StateMachinePrefix": "complaintdesk-dev",
            "WorkflowRoleArn": roles["dev"],
            "MailBucketName": bucket,
            "TicketsTableName": table,
        },
        {"NotifyFunction": function},
    )
    (lambda_name,) = [
        r["PhysicalResourceId"]
        for r in boto3.client("cloudformation").list_stack_resources(StackName="desk-dev")[
            "StackResourceSummaries"
        ]
        if r["ResourceType"] == "AWS::Lambda::Function"
    ]
    logs.create_log_group(logGroupName=f"/aws/lambda/{lambda_name}")  # Lambda makes it at first run

    # When teardown runs without --yes, it only says what would go
    assert main(["teardown", "--stack-name", "desk-dev"]) == 1
    out = capsys.readouterr().out
    assert "2 category state machine(s) named complaintdesk-dev-*" in out and "Nothing deleted" in out
    assert len(sfn.list_state_machines()["stateMachines"]) == 3

    # And with --yes
    assert main(["teardown", "--stack-name", "desk-dev", "--yes"]) == 0

    # Then the stage's state machines are gone, the other stage's stays
    remaining = {m["stateMachineArn"] for m in sfn.list_state_machines()["stateMachines"]}
    assert remaining == {theirs} and not set(ours) & remaining
    # And the bucket (its 3 versions and 1 delete marker first), the table, the log group and the stack are gone
    assert bucket not in {b["Name"] for b in s3.list_buckets()["Buckets"]}
    assert table not in dynamodb.list_tables()["TableNames"]
    assert logs.describe_log_groups(logGroupNamePrefix="/aws/lambda/")["logGroups"] == []
    live = boto3.client("cloudformation").list_stacks(StackStatusFilter=["CREATE_COMPLETE"])["StackSummaries"]
    assert "desk-dev" not in {s["StackName"] for s in live}
    assert (
        "deleted s3://complaintdesk-dev-mail-123456789012-5d1e7a90 (4 object version(s)"
        in capsys.readouterr().out
    )


def test_teardown_of_an_unknown_stack_says_so(aws: None) -> None:
    with pytest.raises(SystemExit, match="stack 'nope' not found in us-east-1"):
        main(["teardown", "--stack-name", "nope", "--yes"])
