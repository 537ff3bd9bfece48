"""Publish the shipped default categories (complaintdesk/categories/shipped/*.json, in the layer) whose definition changed.

Run it after every deploy (`complaintdesk sync-categories --stack-name NAME` reads the stack's
outputs) or against the running local stack (no arguments: `.local/stack.json`). `make run`
does it at start. Unchanged categories publish nothing; running tickets keep their versions.
A category the business has edited through the API since is kept as they left it (`kept`, with
who edited it and whether the shipped plan differs); `--restore-shipped ID` puts one back.
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
    parser.add_argument(
        "--restore-shipped",
        nargs="+",
        default=[],
        metavar="CATEGORY",
        help="publish the shipped plan of these categories even though someone edited them",
    )
    from infra.cli import add_aws_arguments

    add_aws_arguments(parser)


def run(args: argparse.Namespace) -> int:
    from infra.cli import use_stack

    use_stack(args.stack_name, args, REQUIRED_OUTPUTS)
    os.environ["POWERTOOLS_LOG_LEVEL"] = "WARNING"  # the table below is the output; logs only on trouble
    from complaintdesk.categories import load_default_categories
    from complaintdesk.services.categories import sync_defaults

    unknown = sorted(set(args.restore_shipped) - {d.id for d in load_default_categories()})
    if unknown:
        print(f"not a shipped category: {', '.join(unknown)}; nothing was published")
        return 2
    results = sync_defaults(actor="sync-categories", restore=frozenset(args.restore_shipped))
    for result in results:
        if result.get("kept"):
            why = f"edited by {result['edited_by']}"
            if result["shipped_differs"]:
                why += "; the shipped plan differs (--restore-shipped to publish it)"
            print(f"{result['category_id']:<20} v{result['version']:<4} kept       {why}")
            continue
        state = "published" if result["published"] else "unchanged"
        print(f"{result['category_id']:<20} v{result['version']:<4} {state}")
    return 0
