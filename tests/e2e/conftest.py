from __future__ import annotations

import email
import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from email import policy
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]


class RunningStack:
    def __init__(self, info: dict[str, Any], outbox: Path) -> None:
        self.info, self.outbox = info, outbox
        self.url = info["api_url"]
        self.console_url = info["console_url"]  # the staff console (infra/local/console.py)

    def call(
        self,
        method: str,
        path: str,
        body: Any = None,
        role: str = "agent",
        headers: dict[str, str] | None = None,
    ) -> tuple[int, Any]:
        request = urllib.request.Request(
            self.url + path, method=method, data=json.dumps(body).encode() if body is not None else None
        )
        request.add_header("Content-Type", "application/json")
        request.add_header("Authorization", f"Bearer {self.info['tokens'][role]}")
        for name, value in (headers or {}).items():
            request.add_header(name, value)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, json.loads(response.read() or b"null")
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read() or b"null")


def wait_for(predicate: Any, timeout: float, what: str, interval: float = 0.2) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout}s waiting for {what}")


def once_its_plan_waits(stack: RunningStack, ticket_id: str) -> dict[str, Any]:
    """The ticket once its plan waits on the first step's task. The plan's callback saves the ticket
    (its token, its due times), so a version read before it is stale: a take or a step answer sent
    with it is rightly refused as a conflict."""

    def waiting() -> dict[str, Any] | None:
        status, now = stack.call("GET", f"/tickets/{ticket_id}")
        assert status == 200, now
        return now if now["workflow"].get("waiting_for") else None

    return dict(wait_for(waiting, 60, "the plan to wait on the first step"))


def acknowledgement_text(stack: RunningStack, ticket_id: str) -> str:
    """The plain text of the first mail the stack sent about ``ticket_id`` (its acknowledgement),
    as the customer reads it from the outbox."""
    files = wait_for(lambda: sorted(stack.outbox.glob(f"*{ticket_id}*.eml")), 30, "the acknowledgement")
    message = email.message_from_bytes(files[0].read_bytes(), policy=policy.default)
    return str(message.get_body(preferencelist=("plain",)).get_content())


def signed_token(stack: RunningStack, purpose: str, ticket_id: str) -> str:
    """A token for a customer link (``survey``, ``decision``, ...) signed with the stack's own key,
    read from its Secrets Manager (the mails that carry such links come days after a resolution)."""
    from complaintdesk.signing import sign_token
    from infra.local.state import moto_client

    secrets = moto_client(stack.info, "secretsmanager")
    key = secrets.get_secret_value(SecretId=stack.info["env"]["SIGNING_SECRET_ARN"])["SecretString"]
    return sign_token(purpose, ticket_id, 3600, secret=key)


@pytest.fixture(scope="package")
def running_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningStack]:
    """`make run`'s process, on free ports, with its own outbox; stopped as soon as the next test is
    not one of tests/e2e (the end-to-end tests are collected first: tests/conftest.py), so an idle
    stack does not poll beside the rest of the suite."""
    folder = tmp_path_factory.mktemp("stack")
    state, outbox = folder / "stack.json", folder / "outbox"
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    with open(folder / "stdout.log", "wb") as out, open(folder / "stderr.log", "wb") as err:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "infra.local.stack",
                "--api-port",
                "0",
                "--moto-port",
                "0",
                "--smtp-port",
                "0",
                "--console-port",
                "0",
                "--outbox",
                str(outbox),
                "--state-file",
                str(state),
            ],
            cwd=REPO,
            env=env,
            stdout=out,
            stderr=err,
        )
    try:

        def ready() -> bool:
            if process.poll() is not None:
                raise AssertionError("the local stack exited: " + (folder / "stderr.log").read_text()[-3000:])
            return state.exists()

        # About ten seconds on a quiet machine; a busy one (xdist workers beside it) takes longer.
        wait_for(ready, 300, "the local stack to start")
        yield RunningStack(json.loads(state.read_text()), outbox)
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
