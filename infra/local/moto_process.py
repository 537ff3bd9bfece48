"""moto in a process of its own, for the local stack (``python -m infra.local.moto_process``).

The local stack (``infra/local/stack.py``) starts this as a child process so that moto (request
handling and the Step Functions executions) runs on one core while the API, the pollers and the
handlers run on the other: one Python process is bound by one interpreter lock, and under load each
half needs about one core (docs/decisions.md, "The local stack in two processes").

This process applies the moto patches (``infra/local/moto_patches.py``) to itself, serves moto's
API on ``--port`` with state-machine execution on (over kept connections:
``infra/local/keepalive.py``), writes the outbox (``infra/local/outbox.py``
reads what SES and SNS sent from moto's backends, which live here), and answers a few requests of
its own under ``/_local/`` that the stack's save and restore need and the AWS API has no word for:

- ``GET  /_local/dynamodb/items?account=&region=&table=``: every item of a table as moto holds it
  (``infra/local/state.py`` reads them here at stop instead of a Scan through the server);
- ``POST /_local/dynamodb/stream?account=&region=&table=&paused=1|0``: set the table's stream shard
  aside (writes add no stream records) or put it back (the restore writes past the stream);
- ``POST /_local/settle``: a full garbage collection now, what is left frozen
  (``OldObjectsKept.settle``): the stack asks once it has started, before it takes requests.

The stack starts it in a process group of its own (a Ctrl-C in the terminal or a SIGTERM to the
stack's group is the stack's to handle: it saves the tables first, then stops this process); it
ignores SIGINT all the same, stops on SIGTERM (the outbox flushed), and ends on its own if the
stack's process goes away.
"""

from __future__ import annotations

import argparse
import base64
import json
import logging
import os
import signal
import sys
import threading
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

CONTROL_PREFIX = "/_local/"


def _jsonable(value: Any) -> Any:
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    raise TypeError(f"not JSON: {type(value).__name__}")


def _moto_table(account: str, region: str, table: str) -> Any:
    from moto.dynamodb.models import dynamodb_backends

    return dynamodb_backends[account][region].get_table(table)


class ControlApp:
    """moto's WSGI application plus the ``/_local/`` requests (everything else goes to moto)."""

    def __init__(self, moto_app: Any, keeper: Any = None) -> None:
        self.moto_app = moto_app
        self.keeper = keeper  # the process's OldObjectsKept (infra/local/interpreter.py)
        self.set_aside: dict[tuple[str, str, str], Any] = {}  # paused streams' shards
        self.lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        path = environ.get("PATH_INFO", "")
        if not path.startswith(CONTROL_PREFIX):
            return self.moto_app(environ, start_response)
        query = {k: v[-1] for k, v in parse_qs(environ.get("QUERY_STRING", "")).items()}
        try:
            status, body = self.control(environ["REQUEST_METHOD"], path[len(CONTROL_PREFIX) :], query)
        except Exception as error:  # answered, not raised: the caller reports it
            status, body = "500 Internal Server Error", {"error": repr(error)}
        data = json.dumps(body, default=_jsonable).encode()
        start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(data)))])
        return [data]

    def control(self, method: str, action: str, query: dict[str, str]) -> tuple[str, Any]:
        key = (query.get("account", ""), query.get("region", ""), query.get("table", ""))
        if method == "GET" and action == "dynamodb/items":
            return "200 OK", items_of(_moto_table(*key))
        if method == "POST" and action == "dynamodb/stream":
            table = _moto_table(*key)
            with self.lock:
                if query.get("paused") == "1" and key not in self.set_aside:
                    self.set_aside[key], table.stream_shard = table.stream_shard, None
                elif query.get("paused") == "0" and key in self.set_aside:
                    table.stream_shard = self.set_aside.pop(key)
            return "200 OK", {"paused": key in self.set_aside}
        if method == "POST" and action == "settle" and self.keeper is not None:
            self.keeper.settle()
            return "200 OK", {"full_collections": self.keeper.full_collections}
        return "404 Not Found", {"error": f"no such request: {method} {action}"}


def items_of(moto_table: Any) -> list[dict[str, Any]]:
    """Every item of moto's ``moto_table``, its attributes as moto holds them for the wire.

    Read while moto's execution threads may still write: a read that meets a change is made again.
    Checked against moto 5.2.5 (``Table.all_items``, ``Item.to_json``)."""
    for _ in range(20):
        try:
            return [item.to_json()["Attributes"] for item in list(moto_table.all_items())]
        except RuntimeError:  # changed size during iteration
            threading.Event().wait(0.01)
    raise RuntimeError(f"{moto_table.name}: changed during every read")


def _exit_with_parent(parent: int, stopping: threading.Event) -> None:
    """End this process once its parent (the stack) is gone, however it went."""
    while not stopping.wait(0.5):
        if os.getppid() != parent:
            os._exit(0)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="complaintdesk local moto", description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--outbox", type=Path, required=True)
    parser.add_argument("--region", default="us-east-1")
    args = parser.parse_args(argv)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    stopping = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopping.set())
    os.environ.update(
        {
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_SESSION_TOKEN": "testing",
            "AWS_REGION": args.region,
            "AWS_DEFAULT_REGION": args.region,
            "MOTO_PORT": str(args.port),  # moto's state-machine executor calls back on this port
        }
    )
    os.environ.pop("AWS_ENDPOINT_URL", None)
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # moto's server logs every request otherwise
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
    from werkzeug.serving import make_server

    from infra.local.interpreter import OldObjectsKept, share_the_interpreter
    from infra.local.keepalive import KeepAliveRequestHandler
    from infra.local.moto_patches import apply as patch_moto
    from infra.local.outbox import OutboxWriter

    patch_moto()  # item-level transaction rollback, thread safety, one thread per execution
    # moto's stored objects out of the full collections (infra/local/interpreter.py)
    keeper = OldObjectsKept()
    app = ControlApp(DomainDispatcherApplication(create_backend_app), keeper)
    server = make_server("127.0.0.1", args.port, app, threaded=True, request_handler=KeepAliveRequestHandler)
    threading.Thread(target=server.serve_forever, name="moto", daemon=True).start()
    outbox = OutboxWriter(args.outbox.resolve(), region=args.region)
    outbox.start()
    threading.Thread(target=_exit_with_parent, args=(os.getppid(), stopping), daemon=True).start()
    keeper.start()
    share_the_interpreter()
    while not stopping.wait(0.1):  # a timed wait: the signal handler runs when this thread next runs
        pass
    outbox.stop()  # the last mails sent before the stop are written
    return 0  # the server's threads are daemons: they end with the process


if __name__ == "__main__":
    code = main()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)  # moto's execution threads are daemons with no stop: they end with the process
