"""Check that mail and SMS will really flow for a stack: replies come back, sending is allowed.

    complaintdesk check-mail --stack-name desk-prod [--region R] [--profile P]

Customers reply to ``<local>+<ticket>.<tag>@<domain of SenderAddress>``; the stack's receipt rule
receives that domain, but only the one *active* rule set of the region receives anything, and only
for a domain SES has verified. Each line says ok, WARN or FAIL and what to do; the exit status is 1
when something FAILs. Without --stack-name the running local stack is checked.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from infra.cli import STATE_FILE, add_aws_arguments, aws_session

SANDBOX_DAILY_QUOTA = 200.0  # what SES gives an account still in its sandbox


@dataclass(frozen=True)
class Finding:
    level: str  # "ok", "WARN", "FAIL"
    message: str


def reply_domain_matches(sender_address: str, recipients: list[str]) -> bool:
    """Whether a receipt rule's recipients take mail for the sender's domain (as SES matches them:
    the exact domain, or an address at it)."""
    domain = sender_address.rpartition("@")[2].lower()
    return any(r.lower() == domain or r.lower().rpartition("@")[2] == domain for r in recipients)


def check_mail(
    ses: Any, sesv2: Any, sns: Any, sender_address: str, rule_set: str, bucket: str
) -> Iterator[Finding]:
    from botocore.exceptions import BotoCoreError, ClientError
    from botocore.parsers import ResponseParserError

    domain = sender_address.rpartition("@")[2].lower()
    active = ses.describe_active_receipt_rule_set()
    name = (active.get("Metadata") or {}).get("Name")
    if not name:
        yield Finding(
            "FAIL",
            f"no receipt rule set is active: aws ses set-active-receipt-rule-set --rule-set-name {rule_set}",
        )
    elif name != rule_set:
        yield Finding(
            "FAIL",
            f"the active receipt rule set is {name!r}, not this stack's {rule_set!r}: replies to {domain} "
            f"never reach this stack (aws ses set-active-receipt-rule-set --rule-set-name {rule_set})",
        )
    else:
        storing = [
            rule
            for rule in active.get("Rules", [])
            if rule.get("Enabled")
            and reply_domain_matches(sender_address, rule.get("Recipients", []))
            and any((a.get("S3Action") or {}).get("BucketName") == bucket for a in rule.get("Actions", []))
        ]
        if storing:
            yield Finding(
                "ok", f"replies to {domain} are received into s3://{bucket}/inbound/ (rule set {name})"
            )
        else:
            yield Finding("FAIL", f"no enabled rule of {name} stores mail for {domain} in {bucket}")

    verified = ses.get_identity_verification_attributes(Identities=[domain])["VerificationAttributes"]
    status = (verified.get(domain) or {}).get("VerificationStatus", "absent")
    if status == "Success":
        yield Finding("ok", f"SES has verified the domain {domain} (sending and receiving)")
    else:
        yield Finding(
            "FAIL",
            f"SES domain identity {domain} is {status}: verify it (DKIM CNAMEs) and point its MX record "
            "at inbound-smtp.<region>.amazonaws.com",
        )

    try:
        account = sesv2.get_account()
        production = bool(account.get("ProductionAccessEnabled"))
        quota = account.get("SendQuota") or {}
    except (ClientError, BotoCoreError, ResponseParserError, NotImplementedError):  # moto: no GetAccount
        quota = ses.get_send_quota()
        production = float(quota.get("Max24HourSend", 0)) > SANDBOX_DAILY_QUOTA
    rate, daily = quota.get("MaxSendRate"), quota.get("Max24HourSend")
    if production:
        yield Finding("ok", f"SES production access: {daily:g} messages a day, {rate:g} a second")
    else:
        yield Finding(
            "WARN",
            f"SES is in the sandbox ({daily:g} a day, {rate:g} a second, verified recipients only): "
            "customers get no mail until production access is granted (docs/deploy.md)",
        )

    try:
        sandbox = sns.get_sms_sandbox_account_status()["IsInSandbox"]
    except (ClientError, BotoCoreError, ResponseParserError, KeyError, NotImplementedError):  # not in moto
        sandbox = None
    limit = (
        sns.get_sms_attributes(attributes=["MonthlySpendLimit"])
        .get("attributes", {})
        .get("MonthlySpendLimit", "1")
    )
    if sandbox:
        yield Finding(
            "WARN", "SMS is in the sandbox: texts reach only verified phone numbers (docs/deploy.md)"
        )
    elif sandbox is None:
        yield Finding(
            "WARN", "could not read the SMS sandbox status (aws sns get-sms-sandbox-account-status)"
        )
    yield Finding("ok" if float(limit) > 1 else "WARN", f"SMS monthly spend limit: {limit} USD")


def _stack_inputs(session: Any, stack_name: str) -> tuple[str, str, str]:
    stack = session.client("cloudformation").describe_stacks(StackName=stack_name)["Stacks"][0]
    parameters = {p["ParameterKey"]: p.get("ParameterValue", "") for p in stack.get("Parameters", [])}
    outputs = {o["OutputKey"]: o["OutputValue"] for o in stack.get("Outputs", [])}
    return parameters["SenderAddress"], outputs["ReceiptRuleSetName"], outputs["MailBucketName"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--stack-name", help="a deployed stack (default: the running local stack)")
    add_aws_arguments(parser)


def run(args: argparse.Namespace) -> int:
    if args.stack_name:
        session = aws_session(args)
        sender, rule_set, bucket = _stack_inputs(session, args.stack_name)
        clients = [session.client(name) for name in ("ses", "sesv2", "sns")]
    else:
        if not STATE_FILE.is_file():
            raise SystemExit("complaintdesk: pass --stack-name NAME or start `make run` first")
        import boto3

        state = json.loads(STATE_FILE.read_text())
        os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
        os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
        sender = state["env"]["SENDER_ADDRESS"]
        rule_set = state["resources"]["ReceiptRuleSet"]
        bucket = state["resources"]["MailBucket"]
        region = state["env"].get("AWS_REGION", "us-east-1")
        clients = [
            boto3.client(name, region_name=region, endpoint_url=state["moto_url"])
            for name in ("ses", "sesv2", "sns")
        ]
    failed = False
    ses, sesv2, sns = clients
    for finding in check_mail(ses, sesv2, sns, sender, rule_set, bucket):
        print(f"{finding.level:<4}  {finding.message}")
        failed = failed or finding.level == "FAIL"
    return 1 if failed else 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(prog="complaintdesk check-mail", description=__doc__.splitlines()[0])
    add_arguments(parser)
    sys.exit(run(parser.parse_args()))
