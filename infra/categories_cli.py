"""Publish the shipped default categories (complaintdesk/categories/shipped/*.json, in the layer) whose definition changed.

Run it after every deploy (`complaintdesk sync-categories --stack-name NAME` reads the stack's
outputs) or against the running local stack (no arguments: `.local/stack.json`). `make run`
does it at start. Unchanged categories publish nothing; running tickets keep their versions.
"""

from __future__ import annotations

import argparse
import os

REQUIRED_OUTPUTS = (
    "TicketsTableName",
    "EventsTopicArn",
    "CallbackQueueUrl",
    "WorkflowRoleArn",
    "WorkflowLogGroupArn",
    "StateMachinePrefix",
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--stack-name", help="a deployed stack: its outputs say where to publish")
    from infra.cli import add_aws_arguments

    add_aws_arguments(parser)


def run(args: argparse.Namespace) -> int:
    from infra.cli import use_stack

    use_stack(args.stack_name, args, REQUIRED_OUTPUTS)
    os.environ["POWERTOOLS_LOG_LEVEL"] = "WARNING"  # the table below is the output; logs only on trouble
    from complaintdesk.services.categories import sync_defaults

    for result in sync_defaults(actor="sync-categories"):
        state = "published" if result["published"] else "unchanged"
        print(f"{result['category_id']:<20} v{result['version']:<4} {state}")
    return 0
