"""Test support: moto in-process with the resources of template.yaml, tokens per role, an API client."""

from __future__ import annotations

import gzip
import json
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import botocore.session

from complaintdesk import auth, aws, idempotency, observability
from complaintdesk.settings import reset_settings
from complaintdesk.store import repository

MOTO_CONFIG = {"stepfunctions": {"execute_state_machine": True}}


def reset_caches() -> None:
    """Forget every cached setting, client and binding (between moto sessions)."""
    reset_settings()
    aws.reset_clients()
    repository.reset()
    idempotency.reset()
    auth._jwks_client.cache_clear()
    observability.metrics().clear_metrics()


def moto_jwks_file(folder: Path) -> Path:
    """The public JWKS moto signs Cognito tokens with (served by moto's server at the pool's jwks URL)."""
    import moto

    packed = Path(moto.__file__).parent / "cognitoidp" / "resources" / "jwks-public.json.gz"
    target = folder / "jwks.json"
    target.write_bytes(gzip.decompress(packed.read_bytes()))
    return target


class AwsCalls:
    """Counts AWS requests by (service, operation) through a botocore ``before-call`` event hook.

    Only the requests of the thread that counts: moto's Step Functions executor runs executions
    that earlier tests left waiting in threads of its own, and their timers may fire (and call
    DynamoDB or SNS) at any moment."""

    def __init__(self) -> None:
        self.calls: Counter[tuple[str, str]] = Counter()
        self.thread = threading.get_ident()

    def hook(self, model: Any, **_: Any) -> None:
        if threading.get_ident() == self.thread:
            self.calls[(model.service_model.service_name, model.name)] += 1

    def of(self, service: str) -> dict[str, int]:
        return {op: n for (svc, op), n in self.calls.items() if svc == service}

    def total(self, service: str) -> int:
        return sum(self.of(service).values())


@contextmanager
def counting_aws_calls(monkeypatch: Any) -> Iterator[AwsCalls]:
    """Every botocore client created inside the block reports its calls (PynamoDB's included)."""
    counter = AwsCalls()
    original = botocore.session.Session.create_client

    def create_client(self: Any, *args: Any, **kwargs: Any) -> Any:
        client = original(self, *args, **kwargs)
        client.meta.events.register("before-call.*.*", counter.hook)
        return client

    monkeypatch.setattr(botocore.session.Session, "create_client", create_client)
    reset_caches()
    yield counter


class ApiClient:
    """chalice.test's client with JSON in and out and a role's bearer token."""

    def __init__(self, http: Any, tokens: dict[str, str]) -> None:
        self.http, self.tokens = http, tokens

    def call(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        role: str | None = "agent",
        headers: dict[str, str] | None = None,
        raw: bytes | str | None = None,
    ) -> tuple[int, Any]:
        sent = {"Content-Type": "application/json", **(headers or {})}
        if role:
            sent["Authorization"] = f"Bearer {self.tokens[role]}"
        payload = raw if raw is not None else (json.dumps(body) if body is not None else None)
        response = getattr(self.http, method.lower())(path, headers=sent, body=payload)
        try:
            data = json.loads(response.body) if response.body else None
        except ValueError:
            data = response.body
        return response.status_code, data

    def get(self, path: str, **kw: Any) -> tuple[int, Any]:
        return self.call("GET", path, **kw)

    def post(self, path: str, body: Any = None, **kw: Any) -> tuple[int, Any]:
        return self.call("POST", path, body, **kw)

    def patch(self, path: str, body: Any = None, **kw: Any) -> tuple[int, Any]:
        return self.call("PATCH", path, body, **kw)

    def put(self, path: str, body: Any = None, **kw: Any) -> tuple[int, Any]:
        return self.call("PUT", path, body, **kw)
