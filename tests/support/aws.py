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
from complaintdesk.services import categories
from complaintdesk.settings import reset_settings
from complaintdesk.store import repository
from infra.local import moto_patches

MOTO_CONFIG = {"stepfunctions": {"execute_state_machine": True}}
ACCOUNT, REGION = "123456789012", "us-east-1"

# Built once per process (per xdist worker) and kept between tests: the user pool (moto imports an
# RSA key for each), its users and their tokens, the KMS key and the IAM roles cost most of a
# stack's setup and hold no ticket, message or delivery of a test. Every other service starts empty.
SHARED_SERVICES = frozenset({"cognito-idp", "kms", "iam", "sts"})
SHARED_TYPES = frozenset(
    {
        "AWS::Cognito::UserPool",
        "AWS::Cognito::UserPoolClient",
        "AWS::Cognito::UserPoolGroup",
        "AWS::Cognito::UserPoolDomain",
        "AWS::KMS::Key",
        "AWS::IAM::Role",
    }
)
# What a test's stage leaves out unless the test is marked ``alarms`` (tests/conftest.py ``stack``).
ALARM_TYPES = frozenset({"AWS::CloudWatch::Alarm", "AWS::CloudWatch::Dashboard"})
TOKENS_FOR_SECONDS = 30 * 60  # moto's ID tokens live an hour; mint new ones well before


def _has_alarms(resources: Any) -> bool:
    """Whether a stage was made with the template's alarms (``ALARM_TYPES``)."""
    return any(resources.template["Resources"][lid]["Type"] in ALARM_TYPES for lid in resources.physical)


def reset_caches() -> None:
    """Forget every cached setting, client and binding (between moto sessions)."""
    reset_settings()
    aws.reset_clients()
    repository.reset()
    categories.forget_versions()
    idempotency.reset()
    auth._jwks_client.cache_clear()
    observability.metrics().clear_metrics()


def reset_moto(keep: frozenset[str] = frozenset()) -> None:
    """Empty every moto backend except those of the services in ``keep`` (what moto's own reset
    does at the start of a mock, service by service; moto is pinned in requirements.lock)."""
    from moto.core.base_backend import BackendDict, backend_lock
    from moto.core.model_instances import reset_model_data

    with backend_lock:
        for backend in list(BackendDict._instances):
            if backend.service_name in keep:
                continue
            for account_specific in backend.values():
                account_specific.reset()
            backend.clear()
            BackendDict._instances.remove(backend)
    reset_model_data()


def _shared_fingerprint() -> tuple[Any, ...]:
    """What a test could change in the shared services: pools, clients, groups, users (state,
    password, groups), IAM roles and their policies, KMS keys and their state."""
    from moto.cognitoidp.models import cognitoidp_backends
    from moto.iam.models import iam_backends
    from moto.kms.models import kms_backends

    pools = tuple(
        (
            pool_id,
            tuple(sorted(pool.clients)),
            tuple(sorted(pool.groups)),
            tuple(
                sorted(
                    (
                        user.username,
                        user.enabled,
                        user.status,
                        user.password,
                        sorted(g.group_name for g in user.groups),
                    )
                    for user in pool.users.values()
                )
            ),
        )
        for pool_id, pool in sorted(cognitoidp_backends[ACCOUNT][REGION].user_pools.items())
    )
    roles = tuple(
        sorted(
            (role.name, json.dumps(role.policies, sort_keys=True, default=str), sorted(role.managed_policies))
            for role in iam_backends[ACCOUNT]["global"].roles.values()
        )
    )
    keys = tuple(
        sorted((key.id, key.key_state, key.enabled) for key in kms_backends[ACCOUNT][REGION].keys.values())
    )
    return pools, roles, keys


def _install_for_tests(owner: Any, name: str, wrapper: Any, static: bool = False) -> bool:
    """Put ``wrapper(owner.name)`` (a patch of infra/local/moto_patches) in place of ``owner.name``,
    once per process; False if it is there already. moto_patches.apply() may wrap it again later in
    the process (the unit tests' patched_moto): its pin check then reads moto's source through here
    (inspect.getsource follows ``__wrapped__``)."""
    if getattr(getattr(owner, name), "installed_for_tests", False):
        return False
    original = getattr(owner, name)
    patched = wrapper(original)
    patched.installed_for_tests = True
    patched.__wrapped__ = original
    setattr(owner, name, staticmethod(patched) if static else patched)
    return True


def keep_asl_programs() -> None:
    """moto's Step Functions parses a definition with ANTLR when a state machine is created (only to
    validate it) and again when each execution starts: 1.3-1.5 s of CPU for a shipped category's plan.
    The local stack's patch for that (infra/local/moto_patches, habit 3) is installed here: each
    parsed program is kept pickled, in memory and in the checkout's build folder (the other workers
    and the local stacks the e2e tests start read it there), and each call unpickles components of
    its own. The in-process tests take only the patches that spare CPU without changing an answer
    (habits 1, 3 and 8); the lock, the client reuse and the inline evaluation are the server's.
    (A retried SNS task once left no TaskFailed in a history with all patches on: that was another
    test's execution outliving its moto, tests/integration/workflow/conftest.py, not a patch.)"""
    from moto.stepfunctions.parser.asl.parse.asl_parser import AmazonStateLanguageParser

    _install_for_tests(AmazonStateLanguageParser, "parse", moto_patches._programs_kept, static=True)


def stage_writes() -> tuple[Any, ...]:
    """What a test could have written outside the shared services: DynamoDB items and stream
    records, queue messages (held or in flight), objects, state machines and executions, SNS
    notifications and SMS, SES mail, metric data, log events, secrets. Stream records, executions,
    notifications and mail only ever grow, so a write undone later still shows."""
    from moto.cloudwatch.models import cloudwatch_backends
    from moto.dynamodb.models import dynamodb_backends
    from moto.logs.models import logs_backends
    from moto.s3.models import s3_backends
    from moto.secretsmanager.models import secretsmanager_backends
    from moto.ses.models import ses_backends
    from moto.sns.models import sns_backends
    from moto.sqs.models import sqs_backends

    tables = tuple(
        sorted(
            (name, len(table), len(table.stream_shard.items) if table.stream_shard else 0)
            for name, table in dynamodb_backends[ACCOUNT][REGION].tables.items()
        )
    )
    queues = tuple(
        sorted(
            (name, len(queue._messages), len(queue._pending_messages))
            for name, queue in sqs_backends[ACCOUNT][REGION].queues.items()
        )
    )
    objects = tuple(
        sorted(
            (name, sum(len(versions) for _, versions in bucket.keys._iterlists()))
            for name, bucket in s3_backends[ACCOUNT]["global"].buckets.items()
        )
    )
    machines = tuple(sorted((sm.arn, len(sm.executions)) for sm in step_functions_backend().state_machines))
    sns = sns_backends[ACCOUNT][REGION]
    notifications = tuple(sorted((arn, len(topic.sent_notifications)) for arn, topic in sns.topics.items()))
    metrics = len(cloudwatch_backends[ACCOUNT][REGION].get_all_metrics())
    events = tuple(
        sorted(
            (name, sum(len(stream.events) for stream in group.streams.values()))
            for name, group in logs_backends[ACCOUNT][REGION].groups.items()
        )
    )
    secrets = tuple(
        sorted(
            (name, len(secret.versions))
            for name, secret in secretsmanager_backends[ACCOUNT][REGION].secrets.items()
        )
    )
    return (
        tables,
        queues,
        objects,
        machines,
        notifications,
        len(sns.sms_messages),
        len(ses_backends[ACCOUNT][REGION].sent_messages),
        metrics,
        events,
        secrets,
    )


def step_functions_backend() -> Any:
    """The backend that serves Step Functions here: with ``execute_state_machine`` (MOTO_CONFIG) moto
    answers from its parser backend, which keeps its own state machines and executions."""
    from moto.stepfunctions.parser.models import stepfunctions_parser_backends

    return stepfunctions_parser_backends[ACCOUNT][REGION]


def stop_running_executions() -> None:
    """Stop every execution still running (as ``StopExecution`` would).

    moto runs each execution in a thread that outlives the test: one waiting in a Wait state or on
    a task token would otherwise wake later and send to a queue, topic or table of the same name in
    the next test's stage. A stopped execution's thread wakes from its Wait at once and evaluates
    nothing more; one waiting on a task token ends when its wait does, without another call. An
    execution started a moment ago may not have built its environment yet (its thread parses the
    definition first): it is given that moment, as moto's StopExecution needs the environment."""
    import time

    backend = step_functions_backend()
    for machine in backend.state_machines:
        for execution in machine.executions:
            if execution.status != "RUNNING":
                continue
            worker = execution.exec_worker
            deadline = time.monotonic() + 10
            while worker is not None and worker.env is None and time.monotonic() < deadline:
                time.sleep(0.01)
            backend.stop_execution(execution.execution_arn)


def share_service_models() -> None:
    """Read botocore's data files once per process, not once per test.

    Every test makes its clients anew (``reset_caches``: settings may differ), from a new botocore
    session, and a new session reads botocore's data again: the endpoints (about a megabyte of
    JSON), then each service's model, paginators and endpoint rules. Under a profiler that was about
    a quarter of the integration tests' own CPU. The files do not change while the process runs, so
    each session gets the one loader kept per data path, and with it what that loader has read (a
    session shares it among its own clients the same way)."""
    import botocore.session

    if getattr(botocore.session.create_loader, "shared", False):
        return
    original = botocore.session.create_loader
    loaders: dict[Any, Any] = {}

    def create_loader(search_path_string: Any = None) -> Any:
        if search_path_string not in loaders:
            loaders[search_path_string] = original(search_path_string)
        return loaders[search_path_string]

    create_loader.shared = True  # type: ignore[attr-defined]
    botocore.session.create_loader = create_loader  # type: ignore[assignment]


def keep_transactions_item_level() -> None:
    """moto's ``TransactWriteItems`` deep-copies every table a transaction names, to put it back if
    the transaction is cancelled: a test's 100th write into a table costs 100 items' copies (~60 of
    the 72 CPU-s of test_stream_aggregates' redelivery test under a profiler). The local stack's
    patch for that (infra/local/moto_patches, habit 1) is installed here too: the transaction runs
    moto's own code and gives moto's own answer; only the items it names are kept, and put back
    (with the stream records it wrote dropped) if it is cancelled."""
    import copy
    import types

    import moto.dynamodb.models as dynamodb_models
    from moto.dynamodb.models import DynamoDBBackend

    _install_for_tests(DynamoDBBackend, "transact_write_items", moto_patches._item_level_transactions)
    if isinstance(dynamodb_models.copy, types.ModuleType):
        # moto's dynamodb models call copy.deepcopy through their module: a stand-in module.
        dynamodb_models.copy = types.SimpleNamespace(  # type: ignore[assignment]
            deepcopy=moto_patches._deepcopy_outside_transactions(copy.deepcopy), copy=copy.copy
        )


def keep_attribute_values_as_is() -> None:
    """moto's JSON serializer walks every DynamoDB attribute value of every item it answers with
    through the output shape, looking each of ``AttributeValue``'s ten members up through a chain of
    name aliases: a fifth of the CPU of the tests that read and write tickets. The local stack's
    patch for that (infra/local/moto_patches, habit 8) is installed here too: a value moto already
    holds in its JSON form (one member, strings, booleans, maps and lists of such) goes into the
    answer as it is, which is what the walk would have made of it; anything else takes the walk."""
    from moto.core.serialize import BaseJSONSerializer

    _install_for_tests(BaseJSONSerializer, "_serialize_type_structure", moto_patches._attribute_values_as_is)


class ClientsKept:
    """What ``create_local_resources`` needs of a boto3 session, its clients made once per process:
    a stage is ~80 calls through ~9 clients, and making a client (service model, endpoint rules) cost
    about a fifth of a stage's creation. moto answers a client whenever a mock is active, whenever
    the client was made; the credentials are the tests' fixed ones (``_aws_credentials``)."""

    region_name = REGION

    def __init__(self) -> None:
        import boto3

        self._session = boto3.Session(region_name=REGION)
        self._clients: dict[tuple[str, str | None, str | None], Any] = {}

    def client(self, service: str, region_name: str | None = None, endpoint_url: str | None = None) -> Any:
        key = (service, region_name, endpoint_url)
        if key not in self._clients:
            self._clients[key] = self._session.client(
                service, region_name=region_name, endpoint_url=endpoint_url
            )
        return self._clients[key]


class MotoSession:
    """One moto per process for the ``stack`` fixture, isolated per test.

    Each test gets a stage of its own (its own table, queues, topics, bucket, alarms, receipt rule)
    in backends emptied at its start, exactly as a fresh ``mock_aws`` would have them, so it sees
    no ticket, queue message, SNS or SES delivery, metric or execution of another test; executions
    still running when a test ends are stopped then (``stop_running_executions``). Only
    ``SHARED_SERVICES`` are kept, and they are checked before each test: if a test changed them
    (a user, a group, a role policy) or another mock reset moto, they are built again."""

    def __init__(self) -> None:
        keep_asl_programs()
        keep_transactions_item_level()
        keep_attribute_values_as_is()
        share_service_models()
        self.shared: Any = None
        self.fingerprint: tuple[Any, ...] | None = None
        self._tokens: dict[str, str] = {}
        self._tokens_at = 0.0
        self._mock: Any = None
        self._clients = ClientsKept()
        self._current: Any = None
        self._current_writes: tuple[Any, ...] | None = None
        # The last stage, if the test that used it wrote nothing to it (``end(check_untouched=True)``).
        self._untouched: tuple[Any, tuple[Any, ...]] | None = None

    def begin(self, stage: str, reuse_untouched: bool = False, with_alarms: bool = True) -> Any:
        """Start moto (keeping its data) and create a test's stage; returns its LocalResources.

        With ``reuse_untouched`` (a test marked ``reads_only``) the previous stage is given again if
        the test that had it wrote nothing (checked at its end) and moto still holds exactly what it
        held then: the same backends, nothing any thread wrote since, the shared services unchanged.
        Without ``with_alarms`` the stage has no CloudWatch alarm or dashboard (``ALARM_TYPES``):
        twenty alarms are a quarter of a stage's creation, and few tests watch one."""
        from moto import mock_aws

        import infra.local.resources as resources

        self._mock = mock_aws(config=MOTO_CONFIG)
        self._mock.start(reset=False)
        try:
            untouched, self._untouched = self._untouched, None
            if reuse_untouched and untouched is not None and self.shared is not None:
                kept, writes = untouched
                if (
                    _has_alarms(kept) == with_alarms
                    and stage_writes() == writes
                    and _shared_fingerprint() == self.fingerprint
                ):
                    self._current, self._current_writes = kept, writes
                    return kept
            if self.shared is None or _shared_fingerprint() != self.fingerprint:
                reset_moto()
                self.shared = None
                self.shared = resources.create_local_resources(self._clients, stage="shared")  # type: ignore[arg-type]
                self._tokens, self._tokens_at = {}, 0.0
                self.tokens(self.shared)
            reset_moto(keep=SHARED_SERVICES)
            self._current = resources.create_local_resources(
                self._clients,  # type: ignore[arg-type]
                stage=stage,
                reuse=self.shared,
                reuse_types=SHARED_TYPES,
                leave_out_types=frozenset() if with_alarms else ALARM_TYPES,
            )
            self._current_writes = stage_writes() if reuse_untouched else None
            return self._current
        except BaseException:
            self.end()
            raise

    def end(self, check_untouched: bool = False) -> tuple[tuple[Any, ...], tuple[Any, ...]] | None:
        """Stop moto without emptying it (the next test empties what it does not share).

        With ``check_untouched`` the stage is compared with what it held when it was given: if
        nothing was written, a following ``reads_only`` test may have it again; if something was,
        returns (before, after) for the test to fail on."""
        written = None
        if check_untouched and self._mock is not None and self._current_writes is not None:
            now = stage_writes()
            if now == self._current_writes:
                self._untouched = (self._current, now)
            else:
                written = (self._current_writes, now)
        self._current, self._current_writes = None, None
        if self._mock is not None:
            stop_running_executions()
            self._mock.stop(remove_data=False)
            self._mock = None
        return written

    def tokens(self, stack: Any) -> dict[str, str]:
        """An ID token per role from the shared pool (minted again before moto's expire)."""
        import time

        import boto3

        from infra.local.users import role_tokens

        if not self._tokens or time.monotonic() - self._tokens_at > TOKENS_FOR_SECONDS:
            self._tokens = role_tokens(
                boto3.client("cognito-idp"), stack.user_pool_id, stack.user_pool_client_id
            )
            self._tokens_at = time.monotonic()
            self.fingerprint = _shared_fingerprint()
        return dict(self._tokens)


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
