"""AWS requests per ticket created through the API, and by its publisher from the outbox.

Run from the repository root (``make bench``, or
``PYTHONPATH=.:layers/complaintdesk/python .venv/bin/python -m tests.bench.bench_create_requests``).
Creating a ticket must stay one counter update and one transaction (the ticket, its customer, the
timeline, the outbox items and the Idempotency-Key link); nothing is published from the request.
"""

from __future__ import annotations

import json
import os
import threading
import uuid
from collections import Counter
from typing import Any

COMPLAINT = {
    "channel": "web",
    "subject": "Billed twice for November",
    "description": "My card was charged twice for invoice INV-2026-11-0042.",
    "category": "billing-error",
    "fields": {
        "invoice_number": "INV-2026-11-0042",
        "disputed_amount": 39.9,
        "currency": "EUR",
        "error_type": "double_charge",
    },
    "customer": {"name": "Ayşe Yılmaz", "email": "ayse@example.com", "language": "tr"},
}


def _counting(calls: Counter[tuple[str, str]]) -> Any:
    import botocore.session

    original = botocore.session.Session.create_client

    def create_client(self: Any, *args: Any, **kwargs: Any) -> Any:
        client = original(self, *args, **kwargs)

        def hook(model: Any, **_: Any) -> None:
            # moto's executor runs running executions in threads of its own: not our requests
            if threading.current_thread() is threading.main_thread():
                calls[(model.service_model.service_name, model.name)] += 1

        client.meta.events.register("before-call.*.*", hook)
        return client

    botocore.session.Session.create_client = create_client  # type: ignore[method-assign]
    return original


def main() -> None:
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_REGION": "us-east-1",
        "POWERTOOLS_TRACE_DISABLED": "true",
        "POWERTOOLS_METRICS_DISABLED": "true",
        "LOG_LEVEL": "ERROR",
    }.items():
        os.environ.setdefault(name, value)
    import warnings

    import botocore.session
    from moto import mock_aws

    # Powertools warns that no Lambda context bounds the in-progress record: true outside Lambda
    warnings.filterwarnings("ignore", message="Couldn't determine the remaining time")

    from complaintdesk.services import intake
    from complaintdesk.services.categories import sync_defaults
    from infra.local.resources import create_local_resources, function_environment
    from infra.local.streams import stream_pollers
    from tests.support.aws import MOTO_CONFIG, reset_caches

    with mock_aws(config=MOTO_CONFIG):
        resources = create_local_resources(stage=f"b{uuid.uuid4().hex[:6]}")
        os.environ.update({k: str(v) for k, v in function_environment("ApiFunction", resources).items()})
        reset_caches()
        sync_defaults()
        (publisher,) = [p for p in stream_pollers(resources) if p.function_name == "PublishFunction"]
        intake.create_from_api(COMPLAINT, idempotency_key=None, actor="bench")  # the customer exists now
        publisher.drain()
        api_calls: Counter[tuple[str, str]] = Counter()
        original = _counting(api_calls)
        try:
            reset_caches()
            intake.create_from_api(COMPLAINT, idempotency_key="bench-1", actor="bench")
            publisher_calls: Counter[tuple[str, str]] = Counter()
            botocore.session.Session.create_client = original  # type: ignore[method-assign]
            _counting(publisher_calls)
            reset_caches()
            publisher.drain()
        finally:
            botocore.session.Session.create_client = original  # type: ignore[method-assign]

    def show(label: str, calls: Counter[tuple[str, str]]) -> None:
        by_service = {f"{service}:{op}": n for (service, op), n in sorted(calls.items())}
        print(f"{label:<44} {json.dumps(by_service)}")

    show("POST /tickets (category, Idempotency-Key)", api_calls)
    show(
        "publisher (stream → SNS, StartExecution)",
        +Counter({k: v for k, v in publisher_calls.items() if k[0] != "dynamodbstreams"}),
    )
    writes = sum(
        n
        for (service, op), n in api_calls.items()
        if service == "dynamodb" and op in ("UpdateItem", "TransactWriteItems")
    )
    idempotency = 1  # Powertools' completion of its record is the other UpdateItem
    transactions = api_calls[("dynamodb", "TransactWriteItems")]
    counters = writes - transactions - idempotency
    published = api_calls[("sns", "Publish")] + api_calls[("stepfunctions", "StartExecution")]
    verdict = "met" if (counters, transactions, published) == (1, 1, 0) else "MISSED"
    print(
        f"ticket writes: {counters} counter update + {transactions} transaction; "
        f"published from the request: {published} — goal 1 + 1, 0 — {verdict}"
    )


if __name__ == "__main__":
    main()
