"""moto's one lock around request handling (infra/local/moto_patches.py ``RequestLock``) and the
stack's API requests that go first through it (infra/local/interactive.py): handed over in order
of arrival, a person's requests before the background's, the background never passed over more
than ``interactive_run`` times in a row, and a long poll that lets go of it completely."""

from __future__ import annotations

import http.server
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import boto3
import pytest

from infra.local import interactive, moto_patches
from infra.local.moto_patches import RequestLock

REGION = "us-east-1"


def eventually(condition: Callable[[], bool], what: str, seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"never: {what}"
        time.sleep(0.005)


class Waiter(threading.Thread):
    """Takes ``lock`` as an interactive or a background request and notes when it got it."""

    def __init__(self, lock: RequestLock, name: str, person: bool, served: list[str]) -> None:
        super().__init__(name=name, daemon=True)
        self.lock, self.person, self.served = lock, person, served

    def run(self) -> None:
        with self.lock.serving(self.person):
            self.served.append(self.name)


def queue_up(lock: RequestLock, *waiters: tuple[str, bool]) -> tuple[list[str], list[Waiter]]:
    """Start each waiter once the one before is waiting, so they arrive in this order."""
    served: list[str] = []
    started = []
    for name, person in waiters:
        before = lock.waiting()
        waiter = Waiter(lock, name, person, served)
        waiter.start()
        started.append(waiter)
        eventually(lambda b=before: sum(lock.waiting()) == sum(b) + 1, f"{name} waiting")
    return served, started


def test_waiters_are_served_in_order_of_arrival():
    lock = RequestLock()
    with lock:
        served, waiters = queue_up(lock, ("poller", False), ("stream", False), ("alarms", False))
    for waiter in waiters:
        waiter.join(5)
    assert served == ["poller", "stream", "alarms"]


def test_a_person_s_request_goes_before_waiting_background_ones():
    lock = RequestLock()
    with lock:
        served, waiters = queue_up(lock, ("poller", False), ("stream", False), ("create", True))
        assert lock.waiting() == (1, 2)
    for waiter in waiters:
        waiter.join(5)
    assert served == ["create", "poller", "stream"]


def test_the_background_is_passed_over_at_most_interactive_run_times_in_a_row():
    lock = RequestLock(interactive_run=2)
    arrivals = [("poller", False)] + [(f"api-{n}", True) for n in range(5)]
    with lock:
        served, waiters = queue_up(lock, *arrivals)
    for waiter in waiters:
        waiter.join(5)
    assert served == ["api-0", "api-1", "poller", "api-2", "api-3", "api-4"]


def test_a_request_that_fails_hands_the_lock_on():
    lock = RequestLock()
    with pytest.raises(RuntimeError, match="moto failed"), lock.serving(True):
        served, waiters = queue_up(lock, ("poller", False))
        raise RuntimeError("moto failed")
    waiters[0].join(5)
    assert served == ["poller"] and lock.waiting() == (0, 0)
    with lock.serving(False):  # and it is free again
        pass


def test_it_is_re_entrant_and_free_only_when_left_as_often_as_taken():
    lock = RequestLock()
    with lock, lock:
        served, waiters = queue_up(lock, ("poller", False))
    waiters[0].join(5)
    assert served == ["poller"]
    assert lock.waiting() == (0, 0)


def test_a_long_poll_lets_go_completely_and_takes_it_back_as_deep_as_it_was():
    lock = RequestLock()
    served: list[str] = []
    with lock, lock:
        with lock.released():
            other = Waiter(lock, "send", False, served)
            other.start()
            other.join(5)  # the lock was free: another request got it while this one waited
        assert served == ["send"]
        # Back two deep: one exit does not free it
        lock.release()
        waiter = Waiter(lock, "receive", False, served)
        waiter.start()
        eventually(lambda: lock.waiting() == (0, 1), "receive waiting")
        lock.acquire()  # for the outer with's own release
    waiter.join(5)
    assert served == ["send", "receive"]


@pytest.fixture
def moto_served(patched_moto: None) -> Iterator[str]:
    """moto (patched, in this process) served over real HTTP, as the moto process serves it."""
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, DomainDispatcherApplication(create_backend_app), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.port}"
    finally:
        server.shutdown()
        thread.join()


def test_the_api_s_requests_are_marked_and_moto_serves_them_first(moto_served, monkeypatch):
    from botocore import handlers
    from moto.dynamodb.models import DynamoDBBackend

    monkeypatch.setattr(handlers, "BUILTIN_HANDLERS", list(handlers.BUILTIN_HANDLERS))
    interactive.mark_interactive_requests()
    interactive.mark_interactive_requests()  # twice: still one handler
    assert handlers.BUILTIN_HANDLERS.count(("before-send", interactive._mark)) == 1
    # One client for both, as the functions share theirs between threads (complaintdesk/aws.py)
    dynamodb = boto3.session.Session().client("dynamodb", region_name=REGION, endpoint_url=moto_served)
    served: list[bool] = []
    list_tables = DynamoDBBackend.list_tables

    def noting(self: Any, *args: Any, **kwargs: Any) -> Any:
        served.append(moto_patches.LOCK._thread.interactive)
        return list_tables(self, *args, **kwargs)

    monkeypatch.setattr(DynamoDBBackend, "list_tables", noting)

    class Api(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            dynamodb.list_tables()
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    api = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Api)
    interactive.serve_people(api)
    threading.Thread(target=api.serve_forever, daemon=True).start()
    try:
        with moto_patches.LOCK:
            poller = threading.Thread(target=dynamodb.list_tables, daemon=True)
            poller.start()
            # At least: a timer of an execution another test left running may queue here too
            eventually(lambda: moto_patches.LOCK.waiting()[1] >= 1, "the poller's request waiting")
            person = threading.Thread(
                target=lambda: urllib_get(f"http://127.0.0.1:{api.server_address[1]}/"), daemon=True
            )
            person.start()
            eventually(lambda: moto_patches.LOCK.waiting()[0] == 1, "the API's request waiting")
        poller.join(10)
        person.join(10)
    finally:
        api.shutdown()
        api.server_close()
    assert served == [True, False]  # the API's request came second and was served first


def urllib_get(url: str) -> None:
    import urllib.request

    with urllib.request.urlopen(url, timeout=10) as response:
        assert response.status == 204
