"""Publish the shipped default categories (infra/categories/*.json) whose definition changed.

Run it after every deploy (`complaintdesk sync-categories --stack-name NAME` reads the stack's
outputs) or against the running local stack (no arguments: `.local/stack.json`). `make run`
does it at start. Unchanged categories publish nothing; running tickets keep their versions.
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path
from typing import Any

STATE_FILE = Path(__file__).resolve().parents[1] / ".local" / "stack.json"
# Stack output → the setting the category publisher reads.
OUTPUTS_TO_ENV = {
    "TicketsTableName": "TABLE_NAME",
    "EventsTopicArn": "EVENTS_TOPIC_ARN",
    "CallbackQueueUrl": "CALLBACK_QUEUE_URL",
    "WorkflowRoleArn": "WORKFLOW_ROLE_ARN",
    "WorkflowLogGroupArn": "WORKFLOW_LOG_GROUP_ARN",
    "StateMachinePrefix": "STATE_MACHINE_PREFIX",
}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--stack-name", help="a deployed stack: its outputs say where to publish")
    parser.add_argument("--region", default=os.environ.get("AWS_REGION", "us-east-1"))


def environment_from_outputs(outputs: list[dict[str, str]]) -> dict[str, str]:
    found = {o["OutputKey"]: o["OutputValue"] for o in outputs}
    missing = sorted(k for k in OUTPUTS_TO_ENV if k not in found)
    if missing:
        raise SystemExit(f"the stack has no output(s) {', '.join(missing)}; is it a complaintdesk stack?")
    return {env: found[key] for key, env in OUTPUTS_TO_ENV.items()}


def _target(args: argparse.Namespace) -> dict[str, str]:
    if args.stack_name:
        import boto3

        stack = boto3.client("cloudformation", region_name=args.region).describe_stacks(
            StackName=args.stack_name
        )
        return {"AWS_REGION": args.region, **environment_from_outputs(stack["Stacks"][0].get("Outputs", []))}
    if "TABLE_NAME" in os.environ:
        return {}
    if STATE_FILE.is_file():
        state: dict[str, Any] = json.loads(STATE_FILE.read_text())
        return {
            "AWS_ENDPOINT_URL": state["moto_url"],
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            **state["env"],
        }
    raise SystemExit("nowhere to publish: pass --stack-name, or start `make run` first")


def run(args: argparse.Namespace) -> int:
    os.environ.update(_target(args))
    os.environ["POWERTOOLS_LOG_LEVEL"] = "WARNING"  # the table below is the output; logs only on trouble
    from complaintdesk.services.categories import sync_defaults

    for result in sync_defaults(actor="sync-categories"):
        state = "published" if result["published"] else "unchanged"
        print(f"{result['category_id']:<20} v{result['version']:<4} {state}")
    return 0
