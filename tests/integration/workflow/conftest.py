from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.integration.workflow.driver import MOTO_CONFIG, WorkflowDriver
from tests.support.aws import stop_running_executions


@pytest.fixture
def driver() -> Iterator[WorkflowDriver]:
    """A driver in a moto of its own. Its executions are stopped before that moto goes: moto runs
    each in a thread that outlives the mock, and one still waiting on a step would otherwise wake
    seconds later (a plan hour is a second here) and escalate into a later test's moto: a leftover
    escalation took the injected failure of test_wf_resilience_runs' publish test."""
    from moto import mock_aws

    with mock_aws(config=MOTO_CONFIG):
        try:
            yield WorkflowDriver()
        finally:
            stop_running_executions()
