"""The layer and the functions as `sam build` makes them, run the way Lambda loads them.

SAM builds ``DomainLayer`` with its Makefile (``BuildMethod: makefile``): it copies the layer's
ContentUri folder to a scratch folder and runs ``make build-DomainLayer`` there with ``ARTIFACTS_DIR``
set; each function (no requirements.txt of its own) is its CodeUri folder copied. This test does
exactly that (aws-sam-cli itself is not a dev dependency: it pins boto3 below the 1.44 the desk is
tested with, see docs/deploy.md), with ``PLATFORM`` set for this host so the wheels import here.

Every function then runs in a process of its own, as a Lambda sandbox would: ``python -I -S`` (no
site-packages, no PYTHONPATH, cwd outside the checkout) with only its folder and the built layer's
``python`` folder on the path, the environment template.yaml gives it, and a moto server as AWS.
Each sample event in events/<function>/ is invoked; every loaded module must come from the function,
the layer or the standard library.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import platform
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import pytest
from packaging.utils import canonicalize_name

from infra.local.template import load_template
from tests.support.lock import read_lock

# Lambda is Linux: the layer's wheels (manylinux, for this host's machine) load only on Linux.
pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="builds manylinux wheels for this host")

REPO = Path(__file__).resolve().parents[2]
EVENTS = REPO / "events"
BOOTSTRAP = REPO / "tests" / "support" / "lambda_bootstrap.py"
REGION = "us-east-1"
CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_REGION": REGION,
    "AWS_DEFAULT_REGION": REGION,
}
# What the sample events name, and what this test's stack calls the same thing.
SAMPLE_TICKET = "C-2026-000042"
SAMPLE_PREFIX = "complaintdesk-dev"
SAMPLE_BUCKET = "complaintdesk-test-mail-123456789012-us-east-1"
# The S3 key in events/email_ingest/s3_inbound.json, URL-decoded as S3 notifications encode it.
SAMPLE_MAIL_KEY = "inbound/kettle complaintü.eml"

# What each sample answers once adapted to this stack (its ticket exists, its mail is stored).
EXPECTED: dict[str, Any] = {
    "api/post_tickets.json": 201,  # statusCode
    "notify/comment_public.json": {"batchItemFailures": []},
    "notify/step_assigned.json": {"batchItemFailures": []},
    "notify/step_escalated.json": {"batchItemFailures": []},
    "notify/ticket_created.json": {"batchItemFailures": []},
    "notify/ticket_resolved.json": {"batchItemFailures": []},
    "notify/ticket_survey.json": {"batchItemFailures": []},
    "assign_step/callback_task.json": {"batchItemFailures": []},
    "email_ingest/s3_inbound.json": {"batchItemFailures": []},
    "aggregate/ticket_resolved_stream.json": {"batchItemFailures": []},
    "publish/ticket_created_outbox_stream.json": {"batchItemFailures": []},
    "watch_executions/execution_failed.json": {"result": "recorded"},
    "remind/schedule.json": None,  # a count of what it checked, none failed (below)
}


@dataclass
class Function:
    logical_id: str
    folder: str  # events/<folder>, functions/<folder>
    handler: str
    task_root: Path  # the built function (/var/task)


@dataclass
class Build:
    layer_root: Path  # the built layer's python folder (/opt/python)
    functions: dict[str, Function]


def sam_build(target: Path) -> Build:
    """Build DomainLayer and every function of template.yaml as `sam build` does."""
    template = load_template()
    resources = template["Resources"]
    layer = resources["DomainLayer"]
    assert layer["Metadata"]["BuildMethod"] == "makefile"
    # SAM copies the ContentUri folder (without .aws-sam and .git) to a scratch folder and runs
    # `make build-<LogicalId>` in it, ARTIFACTS_DIR in the environment.
    scratch = target / "scratch" / "DomainLayer"
    shutil.copytree(
        REPO / layer["Properties"]["ContentUri"], scratch, ignore=shutil.ignore_patterns(".aws-sam", ".git")
    )
    artifacts = target / "DomainLayer"
    env = {
        **os.environ,
        "ARTIFACTS_DIR": str(artifacts),
        "PLATFORM": f"manylinux2014_{platform.machine()}",  # the host's wheels, so they import here
        "PYTHON": sys.executable,  # a Python with pip
    }
    done = subprocess.run(
        ["make", "--makefile", str(scratch / "Makefile"), "build-DomainLayer"],
        cwd=scratch,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, f"make build-DomainLayer failed:\n{done.stdout}\n{done.stderr}"

    runtime = template["Globals"]["Function"]["Runtime"]
    functions: dict[str, Function] = {}
    for logical_id, resource in resources.items():
        if resource["Type"] != "AWS::Serverless::Function":
            continue
        props = resource["Properties"]
        assert props.get("Runtime", runtime) == "python3.11" and "BuildMethod" not in resource.get(
            "Metadata", {}
        )
        source = REPO / props["CodeUri"]
        # SAM's python_pip build copies the folder and pip-installs its requirements.txt; there is none.
        assert not (source / "requirements.txt").exists(), (
            f"{source} has a requirements.txt this test ignores"
        )
        task_root = target / logical_id
        shutil.copytree(source, task_root, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        functions[logical_id] = Function(logical_id, source.name, props["Handler"], task_root)
    return Build(artifacts / "python", functions)


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Build:
    """One build for the whole run: xdist workers share their base temp folder's parent, and the
    first worker to get here builds while the others wait on the lock, then read what it wrote."""
    shared = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        shared = shared.parent
    target, record = shared / "sam-build", shared / "sam-build.json"
    with open(shared / "sam-build.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not record.exists():
            shutil.rmtree(target, ignore_errors=True)  # a build that failed half-way
            build = sam_build(target)
            functions = {k: {**asdict(f), "task_root": str(f.task_root)} for k, f in build.functions.items()}
            record.write_text(json.dumps({"layer_root": str(build.layer_root), "functions": functions}))
    saved = json.loads(record.read_text())
    return Build(
        Path(saved["layer_root"]),
        {k: Function(**{**f, "task_root": Path(f["task_root"])}) for k, f in saved["functions"].items()},
    )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def moto_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A moto server of its own (a separate process: the functions reach AWS over HTTP); moto's
    own, keeping the Step Functions programs it parses (tests/support/moto_server.py)."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = tmp_path_factory.mktemp("moto") / "moto.log"
    env = {**os.environ, **CREDENTIALS, "MOTO_PORT": str(port)}  # the executor calls back on this port
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "tests.support.moto_server", "-H", "127.0.0.1", "-p", str(port)],
            cwd=REPO,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"{url}/moto-api/", timeout=2).read()
                break
            except (urllib.error.URLError, ConnectionError):
                assert process.poll() is None and time.monotonic() < deadline, log.read_text()
                time.sleep(0.1)
        config = urllib.request.Request(
            f"{url}/moto-api/config",
            method="POST",
            data=json.dumps({"stepfunctions": {"execute_state_machine": True}}).encode(),
            headers={"Content-Type": "application/json"},
        )
        urllib.request.urlopen(config, timeout=10).read()
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def aws_stack(moto_server: str, request: pytest.FixtureRequest) -> Any:
    """template.yaml's resources in the moto server, a stage of their own per test (named after the
    test: the same plans are compiled each run, and the server finds them parsed already)."""
    import boto3

    from infra.local.resources import create_local_resources

    stage = "b" + hashlib.sha256(request.node.nodeid.encode()).hexdigest()[:6]
    session = boto3.Session(aws_access_key_id="testing", aws_secret_access_key="testing", region_name=REGION)
    return create_local_resources(session, stage=stage, endpoint_url=moto_server)


def lambda_environment(
    logical_id: str, stack: Any, moto_url: str, task_root: Path, handler: str
) -> dict[str, str]:
    """The function's environment as template.yaml sets it on AWS (the local stack's own overrides,
    such as its JWT auth, taken back out), what Lambda sets, and moto as the endpoint."""
    from infra.local.resources import function_environment

    resource = stack.template["Resources"][logical_id]
    declared = {
        **stack.template["Globals"]["Function"]["Environment"]["Variables"],
        **resource["Properties"].get("Environment", {}).get("Variables", {}),
    }
    env = function_environment(logical_id, stack)
    for name in stack.overrides:
        if name in declared:
            env[name] = str(stack.intrinsics.resolve(declared[name]))
        elif not name.startswith("AWS_"):
            del env[name]
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "LANG": "C.UTF-8",
        "TZ": "UTC",
        **env,
        **CREDENTIALS,
        "AWS_ENDPOINT_URL": moto_url,
        "AWS_LAMBDA_FUNCTION_NAME": logical_id,
        "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "512",
        "AWS_EXECUTION_ENV": "AWS_Lambda_python3.11",
        "LAMBDA_TASK_ROOT": str(task_root),
        "_HANDLER": handler,
    }


class Sandbox:
    """Runs steps (invocations and calls) in one fresh, isolated process per function."""

    def __init__(self, built: Build, stack: Any, moto_url: str, workdir: Path) -> None:
        self.built, self.stack, self.moto_url, self.workdir = built, stack, moto_url, workdir

    def run(self, logical_id: str, steps: list[dict[str, Any]]) -> dict[str, Any]:
        function = self.built.functions[logical_id]
        folder = self.workdir / f"{logical_id}-{uuid.uuid4().hex[:6]}"
        folder.mkdir()
        bootstrap = shutil.copy(BOOTSTRAP, folder / "bootstrap.py")  # run from outside the checkout
        request = {
            "task_root": str(function.task_root),
            "layer_root": str(self.built.layer_root),
            "handler": function.handler,
            "function_name": logical_id,
            "steps": steps,
            "output": str(folder / "report.json"),
        }
        (folder / "request.json").write_text(json.dumps(request), encoding="utf-8")
        env = lambda_environment(logical_id, self.stack, self.moto_url, function.task_root, function.handler)
        done = subprocess.run(
            [sys.executable, "-I", "-S", str(bootstrap), str(folder / "request.json")],
            cwd=folder,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, f"{logical_id}: the runtime itself failed\n{done.stderr[-4000:]}"
        report = json.loads((folder / "report.json").read_text(encoding="utf-8"))
        report["logs"], report["env"] = done.stdout, env
        assert report["init"]["ok"], f"{logical_id} init failed: {report['init'].get('traceback')}"
        assert report["origins"]["other"] == [], (
            f"{logical_id} loaded modules from outside the function, the layer and the standard library"
        )
        return report


@pytest.fixture
def sandbox(built: Build, aws_stack: Any, moto_server: str, tmp_path: Path) -> Sandbox:
    return Sandbox(built, aws_stack, moto_server, tmp_path)


def api_event(method: str, path: str, body: Any, resource: str, params: dict[str, str]) -> dict[str, Any]:
    """The API sample event, re-aimed at another route (same authorizer claims and headers)."""
    event = json.loads((EVENTS / "api" / "post_tickets.json").read_text(encoding="utf-8"))
    event.update(
        resource=resource, path=path, httpMethod=method, pathParameters=params, body=json.dumps(body)
    )
    event["headers"].pop("Idempotency-Key", None)
    event["multiValueHeaders"].pop("Idempotency-Key", None)
    event["requestContext"].update(resourcePath=resource, httpMethod=method, path=f"/prod{path}")
    return event


def sample(name: str, stack: Any, ticket_id: str) -> dict[str, Any]:
    """A sample event, its names (ticket, state-machine prefix, mail bucket) those of this stack."""
    text = (EVENTS / name).read_text(encoding="utf-8")
    for old, new in (
        (SAMPLE_TICKET, ticket_id),
        (SAMPLE_PREFIX, stack.env["STATE_MACHINE_PREFIX"]),
        (SAMPLE_BUCKET, stack.physical["MailBucket"]),
    ):
        text = text.replace(old, new)
    return json.loads(text)


def test_every_sample_event_has_an_expectation() -> None:
    samples = {str(p.relative_to(EVENTS)) for p in EVENTS.glob("*/*.json")}
    assert samples == set(EXPECTED)


def test_the_built_layer_holds_the_locked_versions(built: Build) -> None:
    """The issue's pydantic: the layer got a newer one than the venv the tests ran on."""
    lock = read_lock(REPO / "layers" / "complaintdesk" / "requirements.lock")
    found = {}
    for info in built.layer_root.glob("*.dist-info"):
        name, _, version = info.name.removesuffix(".dist-info").partition("-")
        found[canonicalize_name(name)] = version
    assert {"pydantic", "pydantic-core", "aws-lambda-powertools", "pynamodb", "boto3", "chalice"} <= set(
        found
    )
    assert {name: version for name, version in found.items() if lock.get(name) != version} == {}
    shipped = built.layer_root / "complaintdesk" / "categories" / "shipped"
    assert "billing-error.json" in {p.name for p in shipped.glob("*.json")}


def test_the_built_layer_ships_bytecode(built: Build) -> None:
    """Lambda's /opt is read-only: a module shipped without bytecode is compiled on every cold start.

    The Makefile compiles with the builder's Python when it is the runtime's (3.11, as here), in
    unchecked-hash mode (no timestamps, so the same bytes every build)."""
    import importlib.util

    sources = list(built.layer_root.rglob("*.py"))
    missing = [p for p in sources if not Path(importlib.util.cache_from_source(str(p))).is_file()]
    assert len(sources) > 500 and missing == []
    sample = Path(importlib.util.cache_from_source(str(built.layer_root / "complaintdesk" / "schemas.py")))
    flags = int.from_bytes(sample.read_bytes()[4:8], "little")
    assert flags == 0b01  # hash-based, not checked against the source


def test_the_api_previews_shipped_categories_from_the_layer(sandbox: Sandbox) -> None:
    """The defaults ship inside the layer: an unpublished one previews (200), an unknown one is 404."""
    start = {"start": "2026-11-24T10:00:00+03:00"}
    route = "/categories/{category_id}/preview"
    previews = [
        api_event("POST", route.format(category_id=c), start, route, {"category_id": c})
        for c in ("billing-error", "no-such-category")
    ]
    report = sandbox.run("ApiFunction", [{"event": event} for event in previews])
    # template.yaml sets no CATEGORIES_DIR: the definitions come from the layer's own package data
    assert "CATEGORIES_DIR" not in report["env"]
    known, unknown = report["invocations"]
    assert known["ok"] and known["value"]["statusCode"] == 200, known
    preview = json.loads(known["value"]["body"])
    assert preview["category_id"] == "billing-error" and not preview["proposed"]
    assert preview["steps"] and all(step["due"] > step["start"] for step in preview["steps"])
    assert unknown["ok"] and unknown["value"]["statusCode"] == 404, unknown
    assert "error" in json.loads(unknown["value"]["body"])


def test_every_sample_event_runs_on_the_built_layer(sandbox: Sandbox, aws_stack: Any) -> None:
    import boto3

    # Given the defaults published from the layer (as `complaintdesk sync-categories` does) and a
    # ticket made through the API's own sample
    api_samples = sorted(f"api/{p.name}" for p in (EVENTS / "api").glob("*.json"))
    api = sandbox.run(
        "ApiFunction",
        [
            {"call": "complaintdesk.services.categories:sync_defaults", "kwargs": {"actor": "built-layer"}},
            *({"event": sample(name, aws_stack, SAMPLE_TICKET)} for name in api_samples),
        ],
    )
    synced, *answered = api["invocations"]
    shipped = sandbox.built.layer_root / "complaintdesk" / "categories" / "shipped"
    assert synced["ok"], synced.get("traceback")
    assert sorted(c["category_id"] for c in synced["value"]) == sorted(p.stem for p in shipped.glob("*.json"))
    for name, outcome in zip(api_samples, answered, strict=True):
        assert outcome["ok"] and outcome["value"]["statusCode"] == EXPECTED[name], (name, outcome)
    ticket_id = json.loads(answered[api_samples.index("api/post_tickets.json")]["value"]["body"])["ticket_id"]
    # and the mail the e-mail sample names stored where SES puts it
    s3 = boto3.client("s3", endpoint_url=sandbox.moto_url, **_client_credentials())
    s3.put_object(
        Bucket=aws_stack.physical["MailBucket"],
        Key=SAMPLE_MAIL_KEY,
        Body=(REPO / "tests" / "data" / "mail" / "lv-utf-8.eml").read_bytes(),
    )

    # When every other function runs its samples, each in a sandbox of its own
    outcomes: dict[str, Any] = {}
    for logical_id, function in sorted(sandbox.built.functions.items()):
        if function.folder == "api":
            continue
        names = sorted(f"{function.folder}/{p.name}" for p in (EVENTS / function.folder).glob("*.json"))
        report = sandbox.run(logical_id, [{"event": sample(n, aws_stack, ticket_id)} for n in names])
        outcomes.update(zip(names, report["invocations"], strict=True))

    # Then each answers what the same sample answers in the checkout's own tests
    for name, outcome in outcomes.items():
        assert outcome["ok"], f"{name}: {outcome.get('traceback')}"
        if EXPECTED[name] is not None:
            assert outcome["value"] == EXPECTED[name], name
    reminders = outcomes["remind/schedule.json"]["value"]
    assert reminders["failed"] == [] and isinstance(reminders["checked"], int), reminders


def _client_credentials() -> dict[str, str]:
    return {
        "region_name": REGION,
        "aws_access_key_id": CREDENTIALS["AWS_ACCESS_KEY_ID"],
        "aws_secret_access_key": CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
    }
