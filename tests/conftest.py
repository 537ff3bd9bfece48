from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.aws import ApiClient, MotoSession, moto_jwks_file, reset_caches

# Every AWS call a Lambda function makes is checked against its role in template.yaml (item 1 of issue 10).
pytest_plugins = ("tests.support.iam_evidence",)

# Executions still waiting when a test's moto session ends fire their timers into the void; quiet.
logging.getLogger("moto.stepfunctions").setLevel(logging.CRITICAL)

UNIT_TESTS = Path(__file__).parent / "unit"


def pytest_itemcollected(item: pytest.Item) -> None:
    """Under pytest-xdist with ``--dist loadgroup`` the end-to-end tests would share one worker.
    (Marked as each is collected: xdist's worker reads the groups in its own collection_modifyitems.)
    `make test` runs ``--dist load``: see ``pytest_collection_modifyitems`` for what keeps the local
    stack's life short there."""
    if item.get_closest_marker("e2e") is not None:
        item.add_marker(pytest.mark.xdist_group("e2e"))


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """The end-to-end tests run first, in their collected order (a stable sort: every xdist worker
    computes the same order, as xdist requires). xdist's ``--dist load`` hands each worker its tests
    in this order, so once a worker runs a test that is not end-to-end it gets no end-to-end test
    again: the local stack it started (tests/e2e/conftest.py ``running_stack``, package-scoped) is
    stopped then, instead of polling idly beside the rest of the suite. The slow tests also start
    early, which leaves short ones to even out the workers at the end.

    The tests marked ``waits`` (a plan's timers in real seconds) are spread evenly among the
    integration tests, each where a module begins, instead of running together: `make test` runs one
    worker more than the machine has cores, so while one worker waits the others compute. Together,
    at the end of the integration tests, they left the machine a quarter busy for 20 s. The unit
    tests, many and short, come last."""
    end_to_end = [item for item in items if item.get_closest_marker("e2e") is not None]
    rest = [item for item in items if item.get_closest_marker("e2e") is None]
    waiting = [item for item in rest if item.get_closest_marker("waits") is not None]
    computing = [item for item in rest if item.get_closest_marker("waits") is None]
    unit = [item for item in computing if item.path.is_relative_to(UNIT_TESTS)]
    integration = [item for item in computing if not item.path.is_relative_to(UNIT_TESTS)]
    items[:] = end_to_end + spread_among(waiting, integration) + unit


def spread_among(spread: list[pytest.Item], among: list[pytest.Item]) -> list[pytest.Item]:
    """``among`` in its order with the ``spread`` items evenly between them, each one placed where
    a module of ``among`` begins (a module's tests stay together, and its module-scoped fixtures are
    made once per worker as before) nearest its even share of the way."""
    if not among:
        return spread + among
    starts = [0] + [i for i in range(1, len(among)) if among[i].path != among[i - 1].path]
    placed: dict[int, list[pytest.Item]] = {}
    for k, item in enumerate(spread):
        share = (k + 0.5) * len(among) / len(spread)
        placed.setdefault(min(starts, key=lambda start: abs(start - share)), []).append(item)
    ordered: list[pytest.Item] = []
    for i, item in enumerate(among):
        ordered += placed.get(i, [])
        ordered.append(item)
    return ordered


def pytest_collection_finish(session: pytest.Session) -> None:
    """What the process holds once every test is collected (the modules imported, the tests and
    their parameters) lives as long as the process: it goes into the permanent generation
    (``gc.freeze``), so the full garbage collections during the tests no longer walk it. Each worker's
    full collections took 0.4 s on average, 28 s of CPU over the integration tests; reference
    counting still frees frozen objects, and nothing collected here is ever discarded. The young
    generation is collected as rarely as in the local stack's processes (infra/local/interpreter.py
    ``THRESHOLDS``): a test's objects mostly die before a collection walks them."""
    import gc

    from infra.local.interpreter import THRESHOLDS

    gc.collect()
    gc.freeze()
    gc.set_threshold(*THRESHOLDS)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    """The browser the e2e tests share (tests/support/browser.py) is closed after their last test's
    fixtures (its pages' contexts), as their local stack is (tests/e2e/conftest.py ``running_stack``)."""
    try:
        return (yield)
    finally:
        if nextitem is None or nextitem.get_closest_marker("e2e") is None:
            from tests.support.browser import close_shared_chromium

            close_shared_chromium()


@pytest.fixture(autouse=True)
def _aws_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    """Never reach a real AWS account from a test. Tests run in local mode (complaintdesk.settings)."""
    for name, value in {
        "COMPLAINTDESK_MODE": "local",
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_REGION": "us-east-1",
        "POWERTOOLS_TRACE_DISABLED": "true",
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    monkeypatch.delenv("AWS_PROFILE", raising=False)


@pytest.fixture(scope="session")
def jwks_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """moto's public Cognito JWKS over real HTTP, as moto's server publishes it for a user pool."""
    import functools
    import threading
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    folder = tmp_path_factory.mktemp("jwks")
    moto_jwks_file(folder)

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/jwks.json"
    server.shutdown()


@pytest.fixture(scope="session")
def moto_session() -> Iterator[MotoSession]:
    """One moto per process (per xdist worker); ``stack`` isolates each test inside it."""
    yield MotoSession()


TEST_STAGE = "test"


@pytest.fixture
def stack(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch, jwks_url: str, moto_session: MotoSession
) -> Iterator[Any]:
    """moto in-process holding every resource of template.yaml; the function environment set.

    A test marked ``reads_only`` may get the stage of the ``reads_only`` test before it, if that
    one wrote nothing to it; each such test is checked at its end and fails if it wrote anything
    (tests/support/aws.py ``stage_writes``: items, stream records, messages, objects, executions,
    notifications, mail, metrics, log events, secrets).

    The stage has the template's CloudWatch alarms and dashboard only for a test marked ``alarms``."""
    from infra.local.resources import function_environment

    reads_only = request.node.get_closest_marker("reads_only") is not None
    with_alarms = request.node.get_closest_marker("alarms") is not None
    # Every test's stage has the same name, in backends emptied at its start (executions the previous
    # test left running were stopped at its end): a category's state machine definition is then the
    # same text in every test, and moto parses it once per process, not once per test.
    resources = moto_session.begin(stage=TEST_STAGE, reuse_untouched=reads_only, with_alarms=with_alarms)
    written = None
    try:
        for name, value in function_environment("ApiFunction", resources).items():
            monkeypatch.setenv(name, str(value))
        # moto in-process serves no JWKS: the test server publishes the same keys.
        monkeypatch.setenv("JWKS_URL", jwks_url)
        reset_caches()
        yield resources
    finally:
        written = moto_session.end(check_untouched=reads_only)
        reset_caches()
    if written is not None:
        before, after = written
        pytest.fail(f"a reads_only test wrote to its stage: {before} became {after}")


@pytest.fixture
def tokens(stack: Any, moto_session: MotoSession) -> dict[str, str]:
    """An ID token per role (the pool's users are made once per process, with the pool)."""
    return moto_session.tokens(stack)


@pytest.fixture
def api(tokens: dict[str, str]) -> Iterator[ApiClient]:
    from chalice.test import Client

    from functions.api.app import app

    with Client(app) as client:
        yield ApiClient(client.http, tokens)


@pytest.fixture
def publish_categories(stack: Any) -> Any:
    """Publish shipped default categories by id, only those a test needs (each is compiled and
    parsed by moto's Step Functions; ``sync_defaults`` publishes all of them)."""
    import json

    from complaintdesk.categories import load_default_categories
    from complaintdesk.services import categories

    def publish(*category_ids: str) -> None:
        shipped = {definition.id: definition for definition in load_default_categories()}
        for category_id in category_ids:
            data = json.loads(shipped[category_id].model_dump_json(exclude_none=True))
            categories.publish(category_id, data, actor="sync", shipped=True)

    return publish


def outbox_publisher(stack: Any) -> Any:
    """The publisher function on the table's stream, as Lambda's mapping would run it: a call
    delivers every new stream record (its checkpoint kept between calls)."""
    from infra.local.streams import stream_pollers

    def fail(name: str, error: BaseException) -> None:
        raise error

    poller = getattr(stack, "outbox_poller", None)  # one mapping per stream, as on AWS
    if poller is None:
        (poller,) = [p for p in stream_pollers(stack, on_error=fail) if p.function_name == "PublishFunction"]
        stack.outbox_poller = poller
    return poller.drain


@pytest.fixture
def publish_outbox(stack: Any) -> Any:
    """Run the outbox publisher over the table's stream (events to SNS, plan starts)."""
    return outbox_publisher(stack)


@pytest.fixture
def deliver(stack: Any) -> Any:
    """Drain one queue through its function handler, the way Lambda's event-source mapping would."""
    import boto3

    from infra.local.pollers import SqsPoller, load_handler
    from infra.local.stack import sqs_event_sources
    from infra.local.template import load_template

    sqs = boto3.client("sqs")
    sources = {
        queue: (function, module, attr)
        for function, queue, module, attr in sqs_event_sources(load_template())
    }

    publisher = outbox_publisher(stack)

    def drain(queue: str, max_batches: int = 20) -> int:
        """Publish what the outbox holds (the publisher runs all the time on AWS), then drain."""
        publisher()
        if queue == "outbox":
            return 0
        function, module, attr = sources[queue]

        def fail(name: str, error: BaseException) -> None:
            raise error

        poller = SqsPoller(
            sqs,
            stack.physical[queue],
            stack.arns[queue],
            load_handler(module, attr),
            function,
            "us-east-1",
            on_error=fail,
        )
        handled = 0
        for _ in range(max_batches):
            count = poller.poll_once(wait_seconds=0)
            if not count:
                break
            handled += count
        return handled

    return drain
