"""`complaintdesk sync-categories`: publishes the shipped categories once, then nothing."""

from __future__ import annotations

import pytest

from infra.categories_cli import REQUIRED_OUTPUTS
from infra.cli import environment_from_outputs, main


def printed(capsys) -> list[str]:
    """What the command printed (log lines of an already-configured logger left out)."""
    return [line for line in capsys.readouterr().out.splitlines() if not line.startswith("{")]


def test_sync_publishes_the_defaults_once(stack, capsys):
    assert main(["sync-categories"]) == 0
    first = printed(capsys)
    assert len(first) == 5 and all(line.split()[1:] == ["v1", "published"] for line in first)
    assert main(["sync-categories"]) == 0
    again = printed(capsys)
    assert len(again) == 5 and all(line.endswith("unchanged") for line in again)


def test_stack_outputs_name_where_to_publish():
    outputs = [
        {"OutputKey": k, "OutputValue": f"value-of-{k}"}
        for k in (
            "TicketsTableName",
            "EventsTopicArn",
            "CallbackQueueUrl",
            "WorkflowRoleArn",
            "WorkflowLogGroupArn",
            "StateMachinePrefix",
            "ApiUrl",
        )
    ]
    env = environment_from_outputs(outputs, REQUIRED_OUTPUTS)
    assert env["TABLE_NAME"] == "value-of-TicketsTableName" and "ApiUrl" not in env.values()
    with pytest.raises(SystemExit, match="WorkflowRoleArn"):
        environment_from_outputs(
            [o for o in outputs if o["OutputKey"] != "WorkflowRoleArn"], REQUIRED_OUTPUTS
        )
