"""The ``complaintdesk`` command line.

Subcommands are registered in ``COMMANDS`` as ``(name, "module")`` or ``(name, "module:object")``;
the module (or object) provides ``add_arguments(parser)`` and ``run(args) -> int``, and the first
line of its docstring is the help text. A new subcommand is one new line there and its own module.

    complaintdesk ingest complaint.eml [more.eml ...] [--endpoint URL] [--bucket NAME]

Commands that reach AWS take ``--region`` and ``--profile``; left out, boto3's own resolution
applies (AWS_REGION, AWS_DEFAULT_REGION, AWS_PROFILE, then the profile's configured region).
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import sys
import uuid
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[1]
STATE_FILE = REPO_ROOT / ".local" / "stack.json"  # written by `make run` (infra/local/stack.py)

COMMANDS: list[tuple[str, str]] = [
    ("ingest", "infra.cli:Ingest"),
    ("report", "infra.report_cli"),
    ("sync-categories", "infra.categories_cli"),
    ("publish-console", "infra.console_cli"),
    ("bootstrap-admin", "infra.login_cli:BootstrapAdmin"),
    ("add-staff", "infra.login_cli:AddStaff"),
    ("login", "infra.login_cli:Login"),
    ("token", "infra.login_cli:Token"),
    ("logout", "infra.login_cli:Logout"),
    ("check-mail", "infra.check_cli"),
    ("teardown", "infra.teardown_cli"),
]


def add_aws_arguments(parser: argparse.ArgumentParser) -> None:
    """``--region`` and ``--profile``, both defaulting to boto3's own resolution (never a fixed region)."""
    parser.add_argument(
        "--region", help="AWS region (default: AWS_REGION, AWS_DEFAULT_REGION, else the profile's region)"
    )
    parser.add_argument("--profile", help="named AWS profile (default: AWS_PROFILE, else the default chain)")


def aws_session(args: argparse.Namespace) -> Any:
    """A boto3 Session for ``--region``/``--profile``, resolved the way the AWS CLI v2 resolves them:
    --region, AWS_REGION, AWS_DEFAULT_REGION, the profile's region (boto3 alone ignores AWS_REGION)."""
    import boto3
    from botocore.exceptions import ProfileNotFound

    try:
        session = boto3.Session(
            profile_name=getattr(args, "profile", None) or None,
            region_name=getattr(args, "region", None) or os.environ.get("AWS_REGION") or None,
        )
    except ProfileNotFound as error:
        raise SystemExit(f"complaintdesk: {error}") from None
    if not session.region_name:
        raise SystemExit(
            "complaintdesk: no AWS region: pass --region, set AWS_REGION (or AWS_DEFAULT_REGION), "
            "or give the profile a region (aws configure)"
        )
    return session


def stack_outputs(session: Any, stack_name: str) -> dict[str, str]:
    """A deployed stack's outputs by key; a clear exit when there is no such stack in this region."""
    from botocore.exceptions import ClientError

    try:
        stacks = session.client("cloudformation").describe_stacks(StackName=stack_name)["Stacks"]
    except ClientError as error:
        raise SystemExit(
            f"complaintdesk: stack {stack_name!r} not found in {session.region_name} "
            f"({error.response['Error'].get('Message', 'no such stack')})"
        ) from None
    return {o["OutputKey"]: o["OutputValue"] for o in stacks[0].get("Outputs", [])}


class Ingest:
    """Put .eml files into the mail bucket under inbound/, exactly where SES stores inbound mail.

    The bucket's notification then queues each one for the e-mail intake function, so the running
    local stack (or a deployed stack) ingests them as if they had arrived by mail. Without
    --endpoint/--bucket the local stack's .local/stack.json is used, then AWS_ENDPOINT_URL and
    MAIL_BUCKET from the environment.
    """

    @staticmethod
    def add_arguments(parser: argparse.ArgumentParser) -> None:
        parser.add_argument("files", nargs="+", type=Path, metavar="FILE.eml", help="raw RFC 5322 messages")
        parser.add_argument("--endpoint", help="S3 endpoint URL (default: the local stack's moto server)")
        parser.add_argument("--bucket", help="the mail bucket (default: the local stack's MailBucket)")
        add_aws_arguments(parser)

    @staticmethod
    def run(args: argparse.Namespace) -> int:
        endpoint, bucket = _mail_target(args.endpoint, args.bucket)
        if not bucket:
            print(
                "no mail bucket: pass --bucket, set MAIL_BUCKET, or start `make run` first", file=sys.stderr
            )
            return 2
        missing = [str(path) for path in args.files if not path.is_file()]
        if missing:
            print(f"not a file: {', '.join(missing)}", file=sys.stderr)
            return 2
        import boto3

        if endpoint:
            if "AWS_ACCESS_KEY_ID" not in os.environ:
                # The local moto server accepts any credentials; never reach for a real profile here.
                os.environ.update(AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing")
            region = args.region or os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION")
            s3 = boto3.client("s3", region_name=region or "us-east-1", endpoint_url=endpoint)
        else:
            s3 = aws_session(args).client("s3")
        for path in args.files:
            key = f"inbound/{uuid.uuid4().hex}"
            s3.put_object(Bucket=bucket, Key=key, Body=path.read_bytes())
            print(f"{path} -> s3://{bucket}/{key}")
        return 0


# Stack output → the setting the functions read from their environment.
OUTPUTS_TO_ENV = {
    "TicketsTableName": "TABLE_NAME",
    "EventsTopicArn": "EVENTS_TOPIC_ARN",
    "CallbackQueueUrl": "CALLBACK_QUEUE_URL",
    "WorkflowRoleArn": "WORKFLOW_ROLE_ARN",
    "WorkflowLogGroupArn": "WORKFLOW_LOG_GROUP_ARN",
    "StateMachinePrefix": "STATE_MACHINE_PREFIX",
    "MailBucketName": "MAIL_BUCKET",
    # Outside local mode the settings refuse to start without a signing key (complaintdesk.settings).
    "SigningSecretArn": "SIGNING_SECRET_ARN",
}


def environment_from_outputs(outputs: list[dict[str, str]], required: tuple[str, ...] = ()) -> dict[str, str]:
    found = {o["OutputKey"]: o["OutputValue"] for o in outputs}
    missing = sorted(k for k in required if k not in found)
    if missing:
        raise SystemExit(f"the stack has no output(s) {', '.join(missing)}; is it a complaintdesk stack?")
    return {env: found[key] for key, env in OUTPUTS_TO_ENV.items() if key in found}


def use_stack(
    stack_name: str | None, args: argparse.Namespace, required: tuple[str, ...] = ("TicketsTableName",)
) -> None:
    """Point this process at a deployed stack (its outputs; ``args`` gives ``--region``/``--profile``),
    or else at the running local stack (``.local/stack.json``), unless the environment already
    names a table."""
    if stack_name:
        session = aws_session(args)
        outputs = stack_outputs(session, stack_name)
        env = environment_from_outputs(
            [{"OutputKey": k, "OutputValue": v} for k, v in outputs.items()], required
        )
        # The domain code builds its own clients: hand it the resolved region and profile.
        os.environ.update(
            {"AWS_REGION": session.region_name, "AWS_DEFAULT_REGION": session.region_name, **env}
        )
        if getattr(args, "profile", None):
            os.environ["AWS_PROFILE"] = args.profile
        return
    if "TABLE_NAME" in os.environ:
        return
    from infra.local.state import NoRunningStack, read_running

    try:
        state = read_running(STATE_FILE)
    except NoRunningStack as error:
        raise SystemExit(f"nowhere to act: pass --stack-name, set TABLE_NAME, or: {error}") from None
    os.environ.update(
        {
            "AWS_ENDPOINT_URL": state["moto_url"],
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            **state["env"],
        }
    )


def _mail_target(endpoint: str | None, bucket: str | None) -> tuple[str | None, str | None]:
    state: dict[str, Any] = {}
    if (endpoint is None or bucket is None) and STATE_FILE.is_file():
        try:
            state = json.loads(STATE_FILE.read_text())
        except ValueError:
            state = {}
    endpoint = endpoint or state.get("moto_url") or os.environ.get("AWS_ENDPOINT_URL")
    bucket = bucket or (state.get("resources") or {}).get("MailBucket") or os.environ.get("MAIL_BUCKET")
    return endpoint, bucket


def _load(target: str) -> Any:
    module, _, attr = target.partition(":")
    loaded = importlib.import_module(module)
    return getattr(loaded, attr) if attr else loaded


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="complaintdesk", description="complaintdesk command line")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, target in COMMANDS:
        try:
            command = _load(target)
        except ModuleNotFoundError as missing:  # another area's module not in this checkout
            print(f"complaintdesk: {name} is unavailable ({missing})", file=sys.stderr)
            continue
        doc = (command.__doc__ or name).strip()
        sub = commands.add_parser(
            name,
            help=doc.splitlines()[0],
            description=doc,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        command.add_arguments(sub)
        sub.set_defaults(handler=command.run)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.handler(args) or 0)


if __name__ == "__main__":
    raise SystemExit(main())
