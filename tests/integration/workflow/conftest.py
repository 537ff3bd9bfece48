from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.integration.workflow.driver import MOTO_CONFIG, WorkflowDriver


@pytest.fixture
def driver() -> Iterator[WorkflowDriver]:
    from moto import mock_aws

    with mock_aws(config=MOTO_CONFIG):
        yield WorkflowDriver()
