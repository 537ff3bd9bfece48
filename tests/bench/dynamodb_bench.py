"""The harness the report benchmarks share: the template's table in moto in-process, with every
DynamoDB request the code makes counted by operation (a botocore ``before-call`` hook on each client)."""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

OFFLINE_ENVIRONMENT = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_REGION": "us-east-1",
    "COMPLAINTDESK_MODE": "local",
}


@contextmanager
def counted_tickets_table() -> Iterator[Counter[str]]:
    """moto holding the local resources, TABLE_NAME set to its tickets table; yields the request
    counter (clear it before the reads you measure)."""
    for name, value in OFFLINE_ENVIRONMENT.items():
        os.environ.setdefault(name, value)
    import botocore.session
    from moto import mock_aws

    from infra.local.resources import create_local_resources
    from tests.support.aws import reset_caches

    calls: Counter[str] = Counter()

    def hook(model: Any, **_: Any) -> None:
        calls[model.name] += 1

    original = botocore.session.Session.create_client

    def create_client(self: Any, *args: Any, **kwargs: Any) -> Any:
        client = original(self, *args, **kwargs)
        client.meta.events.register("before-call.dynamodb.*", hook)
        return client

    botocore.session.Session.create_client = create_client  # type: ignore[method-assign]
    try:
        with mock_aws():
            resources = create_local_resources(stage="bench")
            os.environ["TABLE_NAME"] = resources.physical["TicketsTable"]
            reset_caches()
            yield calls
    finally:
        botocore.session.Session.create_client = original  # type: ignore[method-assign]
