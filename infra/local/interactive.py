"""The local stack's API requests go first in moto (infra/local/moto_patches.py ``RequestLock``).

On AWS the work a ticket create sets off (the publisher, the notifications, the plan's execution,
the report aggregates) runs on other machines than the API's Lambda and does not slow its next
request down. The local stack serves all of it from one moto process, one request at a time, and
under a day's load each of a create's seven DynamoDB requests waited ~35 ms (p99 ~145 ms) behind
that background work. So the requests the API makes while it answers a person carry a header
(``x-complaintdesk-interactive: 1``) and moto hands its lock to them before background ones, never
more than a few times in a row while background requests wait.

- ``serve_people(server)`` marks every thread of the API's HTTP server (Chalice's local server: a
  thread per connection) as answering a person;
- ``mark_interactive_requests()`` adds a botocore handler that puts the header on every request
  sent from such a thread. It is one of botocore's built-in handlers (``BUILTIN_HANDLERS``), so every
  botocore session created afterwards, and every client built from one, has it: the functions build
  their sessions per thread and share the clients (complaintdesk/aws.py), so a client built on a
  poller's thread carries the API's requests too. Call it before the stack builds any client.

Local only: nothing here runs on AWS, where the header would mean nothing.
"""

from __future__ import annotations

import threading
from typing import Any

from infra.local.moto_patches import INTERACTIVE_HEADER

_thread = threading.local()


def answering_a_person() -> bool:
    return getattr(_thread, "person", False)


def _mark(request: Any, **_: Any) -> None:
    if answering_a_person():
        request.headers[INTERACTIVE_HEADER] = "1"


def mark_interactive_requests() -> None:
    """Every botocore session created from now on marks the requests of API threads (once)."""
    from botocore import handlers

    if ("before-send", _mark) not in handlers.BUILTIN_HANDLERS:
        handlers.BUILTIN_HANDLERS.append(("before-send", _mark))


def serve_people(server: Any) -> None:
    """Each thread ``server`` (a ``socketserver.ThreadingMixIn`` server) starts for a connection
    answers a person: the AWS requests made on it are marked."""
    handle = server.process_request_thread

    def process_request_thread(request: Any, client_address: Any) -> None:
        _thread.person = True
        handle(request, client_address)

    server.process_request_thread = process_request_thread
