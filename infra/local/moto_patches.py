"""Patches to moto that let the embedded stack carry a day's load (moto 5.2.5 only).

The local stack runs moto as a threaded HTTP server and calls it from many threads at once (the API,
the pollers, the stream pollers, the Step Functions executions). moto 5.2.5 is written for one caller
at a time, and these habits sink the stack under load:

1. **DynamoDB ``TransactWriteItems`` copies whole tables.** Before every transaction moto deep-copies
   each table the transaction names (every item and every stream record) so it can put the copy back
   if the transaction is cancelled: each ticket create costs O(table size) and the process grows by
   gigabytes. The patch makes the copy a no-op for the duration of the call and instead keeps a copy of
   only the items the transaction names, plus the length of each table's stream; a cancelled
   transaction puts those items back and drops the stream records it wrote. The answer a client gets
   (``TransactionCanceledException`` with its reasons, or success) is moto's own.
2. **Backends are not safe for concurrent threads.** Two requests iterating and changing the same
   dictionaries raise ``RuntimeError: dictionary changed size during iteration``; two concurrent
   ``ReceiveMessage`` calls on one queue can both take the same message. The patch serialises request
   handling (``BaseResponse.call_action``) behind one re-entrant lock. Python runs one thread at a time
   anyway, so the lock costs little; what would cost is a request that waits while holding it, and
   moto has one: an SQS long poll. ``ReceiveMessage`` therefore scans the queue under the lock and
   waits for new messages outside it. The lock is handed to its waiters in order of arrival, the
   requests the stack's API makes for a person first (``RequestLock``, infra/local/interactive.py).
3. **Every Step Functions execution parses its state machine again.** moto runs the ANTLR parser
   over the definition when the state machine is created and at each StartExecution (1.3-1.5 s of
   CPU for a shipped category's plan, 100-200 kB of ASL), and every process starts with none parsed.
   The patch pickles the program a parse gives (the components the executions evaluate, built and
   not yet run; 150-290 kB) and answers each later parse of the same text by unpickling it (5-10 ms):
   every execution gets components of its own, so nothing evaluated is shared. The pickles are kept
   in memory (the last ``PARSE_CACHE_SIZE`` definitions) and in ``program_cache_folder()``, keyed by
   moto's and Python's versions and the definition's text, so the next process (a restart of the
   stack, the test suite's workers) parses nothing it has parsed before; a process that needs a
   program another one is parsing waits for it (``_parsing_alone``). moto 5.2.5 uses only the
   program a parse returns (creation validates and drops both, an execution takes the program), so
   an unpickled program comes without its parse tree (``None``). A program that does not pickle keeps
   its tree instead, and its components are built from the tree afresh each time.
4. **Every service task makes a new boto3 client.** moto's executor builds a client (and with it a
   connection pool, so a new connection and server thread) for each ``sqs:sendMessage``,
   ``sns:publish`` or ``dynamodb:updateItem`` it runs. The patch reuses one client per region and
   service when moto runs as a server (the credentials moto passes are always the same).
5. **Every Step Functions execution holds two threads.** moto starts a thread per execution and that
   thread starts a second one to evaluate the program, only so that it can join it with the state
   machine's top-level ``TimeoutSeconds``. Without such a timeout the program is evaluated in the
   execution's own thread (one thread per running execution, half as many); with one, moto's way is
   kept. Finished threads are also dropped from moto's ``TMP_THREADS`` list, which otherwise grows by
   one entry per execution for the life of the process.
6. **Every query sorts the whole table.** ``Table.query`` walks ``Table.all_items()``, which sorts
   every item of the table, then keeps the matching ones and sorts those again by their full key
   (index keys, then the table's keys). During a query the patch hands it the items unsorted, and
   for a base-table query only the items of the queried partition: the second sort alone decides
   the order, so the answer is moto's own. Scans keep moto's sorted walk (their pages depend on it).
7. **Every request lists moto's package folder.** The server finds the service of a request by
   listing the folders of the moto package (about 150 ``stat`` calls) each time; the patch lists
   them once.

8. **Every DynamoDB item is walked attribute by attribute.** moto's JSON serializer builds each
   response by walking the operation's output shape, and for every attribute value of every item it
   looks each of the ten ``AttributeValue`` members up through a chain of name aliases (about half of
   moto's CPU under the load test). moto's backend already holds an item's values in their JSON form
   (``{"S": "..."}``, ``{"M": {...}}``, ...), and for such a value the walk changes nothing: a value of
   one member whose contents are strings, booleans, or (for ``M``/``L``) such values again is put into
   the answer as it is. Anything else (a binary ``B``/``BS``, a number that is not a string, a value
   of several members) takes moto's walk; the rest of the response is walked as before.

9. **Every message sent or received counts the queue again.** A queue's attributes include its
   three ``ApproximateNumberOf*`` counts, each a walk of every message with a clock reading per
   message, and moto builds them all where it wants one other attribute: three times (so nine walks)
   to read the retention period of each message it hands out, once per message sent to read
   ``ContentBasedDeduplication``. A batch of ten received from a queue holding 800 messages walked
   them about ninety times (under the load test the notify queue's drain was spent there). While
   those calls run the patch has the counts answer 0 without walking: nothing in them reads a count.
   ``GetQueueAttributes`` counts once per call, and only when a count (or ``All``) is asked for.
   Every answer is moto's own.

10. **Every JSONPath a state reads is compiled again.** moto's Step Functions interpreter hands each
   path (``$.ticket_id``, a ``ResultPath``, a ``TimeoutSecondsPath``) to jsonpath-ng's ``parse``,
   which builds a new parser (its grammar tables read afresh) for every evaluation: about 0.7 ms
   each, several per state, about 4 % of moto's samples under the load test. The patch keeps the
   compiled path per text (the last ``JSONPATH_CACHE_SIZE``); jsonpath-ng's compiled paths hold no
   state of an evaluation (``find`` and ``update_or_create`` change the data, never the path).

``apply()`` installs them all; it is idempotent, and ``remove()`` takes them out again. The local stack calls it before starting moto;
in-process tests may call it too. Each patched function is pinned by moto's version and a hash of its
source (``PINNED``): ``check_pins()`` names any that moved, and a unit test fails on it, so a moto
upgrade cannot silently run these patches against code they were not written for.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import inspect
import logging
import os
import pickle
import sys
import tempfile
import threading
import time
import types
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

MOTO_VERSION = "5.2.5"

# sha256 of inspect.getsource(...) of each function the patches wrap or replace, in moto 5.2.5.
PINNED: dict[str, str] = {
    "moto.dynamodb.models.DynamoDBBackend.transact_write_items": (
        "81db2cb7d94e39c90b3a2077e1f4bb41a449c558ef9b1b1e2910fdaa39978ad4"
    ),
    "moto.dynamodb.models.table.Table.put_item": (
        "de23933013ef842639046c19bcf7e418bce0474d810f6719368be4cedce11d47"
    ),
    "moto.dynamodb.models.table.Table.delete_item": (
        "1594f7b07616c8cb8cdf0fbf58d6f54eeac83f25d7ac7b14e832a08e10efd8f9"
    ),
    "moto.dynamodb.models.table.StreamShard.add": (
        "357dc6da267e5dd7d46e18ee25d14b232a98679677906a2f02e4d454d1f11e03"
    ),
    "moto.dynamodb.models.table.Table.get_item": (
        "b08e98fe37b7e5836afe03b010d637ef50df5dea6cbecd9cf8816eef326a21cd"
    ),
    "moto.dynamodb.models.DynamoDBBackend.get_keys_value": (
        "1f948797496ddc2cd4e4752e29e470d19ce757ca3406e07fed6bd90b331c1caa"
    ),
    "moto.dynamodb.models.table.Table.query": (
        "002b4d00be6df07cf37f6cbe0132e5eb89455ae12a8e79b23db3fb492450f21e"
    ),
    "moto.dynamodb.models.table.Table.all_items": (
        "c80d2ee3c896acd0cab6ca35aaeae3ab3fb65858933f8a3403d4e027c240f31d"
    ),
    "moto.dynamodb.models.table.Table.sorted_items": (
        "216dac1cd6b659d283e91006b809136623723efb90125b015e07052478724937"
    ),
    "moto.backends.list_of_moto_modules": (
        "4f741a10b06500e840c3aaa1b4f02706e6f2bfbababc0e8a2a7b9c9d0e8957dc"
    ),
    "moto.moto_server.werkzeug_app.DomainDispatcherApplication.get_backend_for_host": (
        "1f41972c1e4e660fbf4e4ddfeeed2fdff56dc105a8f8e1bf015640f710ef511a"
    ),
    "moto.core.responses.BaseResponse.call_action": (
        "26076963fd17fd1a40be642032b5a8d90f159c19d01b80a5f0b0c839770ee0d6"
    ),
    "moto.sqs.models.SQSBackend.receive_message": (
        "065f3e5e7d2144089ce3b5d16d9306243ccd2f3ee11b44beb851292fadb7652f"
    ),
    "moto.sqs.models.Queue.wait_for_messages": (
        "58432562ccf2e13ed8841c825dd2614b6e57b71733d1ce9ba6926d38530ba1f1"
    ),
    "moto.stepfunctions.parser.asl.component.program.program.Program.eval": (
        "6d701880064a8970c3a40375b8708af4ea22b6054dd6ac2fe9be295270b62f2b"
    ),
    "moto.stepfunctions.parser.asl.parse.asl_parser.AmazonStateLanguageParser.parse": (
        "a59a7d18760fb22efc9fd46d8f0fb3bb6c0293abbce2b9053e1589181c6f0711"
    ),
    "moto.stepfunctions.parser.backend.execution_worker.ExecutionWorker._get_evaluation_entrypoint": (
        "2b25949ae855da8035b347b28ac72f90d7d6542bf26ef7e1f03a50ce6a981fde"
    ),
    # Not replaced, but habit 3 answers a parse without its tree because this caller drops it.
    "moto.stepfunctions.parser.models.StepFunctionsParserBackend._validate_definition": (
        "a5921e3d3b46dcd341ec3a64e61af486cd2f843751a1890e07e9ea0f0008569b"
    ),
    "moto.stepfunctions.parser.asl.utils.boto_client.boto_client_for": (
        "1f44dc2ac8aa2179df62365a6e5ea377f1770ea828a0f107440a2554f1b4edb8"
    ),
    "moto.stepfunctions.parser.backend.execution_worker.ExecutionWorker.start": (
        "0b502dd3a4e5fd2b4a39da9a65b15f74350feef9820bfb36147b2abd7825d4cf"
    ),
    "moto.core.serialize.BaseJSONSerializer._serialize_type_structure": (
        "36873909cd0aeb4defa91cc9912c6e90a62d7d92ced6150ac7de92fd10a81967"
    ),
    "moto.sqs.models.SQSBackend.is_message_valid_based_on_retention_period": (
        "cca23b94a5f3af9d9c5af1c09ee5e615017bdf6bd032301cb321c06c7e595d4b"
    ),
    "moto.sqs.models.SQSBackend.get_queue_attributes": (
        "58417223da457b5a0aac5ccc31b6646ed9b22c3b276a0f0d9fd5f3f13bd797ec"
    ),
    "moto.sqs.models.SQSBackend.send_message": (
        "bf161af09a9e6b860e3dd5d8f58ccc802623caa86883fab9b2ffb333f8f70330"
    ),
    "moto.sqs.models.SQSBackend.send_message_batch": (
        "0707ad219481c867546327a5e0f42421187e1706202c68f9d8e87be597d3417a"
    ),
    "moto.sqs.models.Queue.approximate_number_of_messages.fget": (
        "d357a9506a56d2f8f9f364aa1e0a4739182106db6dbcede0e0699c00d1406eec"
    ),
    "moto.sqs.models.Queue.approximate_number_of_messages_delayed.fget": (
        "c3c1dadb0c42ed5f8f5e1fddc8384de67db2df9a4055504f10903bd0b55e8d2f"
    ),
    "moto.sqs.models.Queue.approximate_number_of_messages_not_visible.fget": (
        "5dbecc4dda174358d2aefa96e4b769def47fd6bb2c315241c451e8518c3fabab"
    ),
    "moto.stepfunctions.parser.asl.utils.json_path.parse": (
        "8e8fc5e91980418de2f2dda0105ef9082ea234aeb8625c1a96401aeb399e50b7"
    ),
    "moto.stepfunctions.parser.asl.component.common.path.result_path.parse": (
        "cd433e740d17c7ee11b905343ca5b9d255cf89b83107aabaaa2ac5f0e7686c48"
    ),
    # Not replaced, but habit 10 relies on these calling parse through their module.
    "moto.stepfunctions.parser.asl.utils.json_path.extract_json": (
        "932245247973780c72287b75597e70031472f0cd764f35a199100d8a195987a4"
    ),
    "moto.stepfunctions.parser.asl.component.common.path.result_path.ResultPath._eval_body": (
        "a6d93b4e5a332fadf256032411a32a39e24fdbf8080462c6c037bfe11c195081"
    ),
    # Not replaced, but habit 9 relies on them reading no count while a send runs.
    "moto.sqs.models.SQSBackend._validate_message": (
        "39cb57c19e596164bc306395ca3697adeea6deaa48a3277831ce6aaa99816e3a"
    ),
    "moto.sqs.models.Queue.add_message": ("f27c9231c1f2043382bc1435c4dfbab7b645389df642f050d9dda477f6535c35"),
    "moto.sqs.models.Queue.attributes.fget": (
        "40cb990b121628d535cecbcd0e0d333984024633b70a097489ae8611e1a59338"
    ),
    # Not replaced, but the DynamoDB item fast path (8.) reproduces what they do to an item's values.
    "moto.core.serialize.ResponseSerializer._serialize_type_structure": (
        "f9b47068f40ce489e55e7a0bf78accec38597d27168dc3d095ac2fc18312d4a8"
    ),
    "moto.core.serialize.ResponseSerializer._serialize_structure_member": (
        "437fdce43aa5ac844fb5fe22865b90d228b875b6b1787dc6bfdccad91968b3c0"
    ),
    "moto.core.serialize.BaseJSONSerializer._serialize_type_map": (
        "faa32d1fa9a8bfc9db0984b7973a5cc3297d35a2df33124748949b0908f6b6a9"
    ),
    "moto.core.serialize.BaseJSONSerializer._serialize_type_list": (
        "f87b14fe9166e099846349860a5e3c9d9984939d82ed0f67de07ad12e790cd26"
    ),
    "moto.core.serialize.BaseJSONSerializer._serialize_type_string": (
        "44954e02145012baee50de6592411c1376aad480ea3440a3b3ab6ce932bbf78d"
    ),
    "moto.core.serialize.ResponseSerializer._default_serialize": (
        "25ce8ddbb1a991c029a745f87eeaa360b697b69ba7295fb74143859a5233afb7"
    ),
}

LOG = logging.getLogger(__name__)
PARSE_CACHE_SIZE = 256  # state machine definitions whose program (or parse tree) is kept in memory
JSONPATH_CACHE_SIZE = 4096  # compiled JSONPaths kept (habit 10)
# Where parsed programs are kept between processes (habit 3): the checkout's build folder, unless
# COMPLAINTDESK_PROGRAM_CACHE names another (an empty value keeps them in memory only). Only this
# checkout's own processes write there; a file that does not load is parsed again and replaced.
PROGRAM_CACHE_VARIABLE = "COMPLAINTDESK_PROGRAM_CACHE"
_applied = False
_undo: list[Callable[[], None]] = []  # what apply() changed, each as the way to put it back
_in_transaction = threading.local()


def _resolve(dotted: str) -> Any:
    """``package.module.Class.attr`` → the object, importing the longest module prefix."""
    import importlib

    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            target: Any = importlib.import_module(".".join(parts[:cut]))
        except ModuleNotFoundError:
            continue
        for name in parts[cut:]:
            target = getattr(target, name)
        return target
    raise ImportError(dotted)


# A patched function keeps moto's own under this name: the pins hash the source it replaced.
_ORIGINAL = "__moto_patch_original__"


def _keep_original(patched: Callable[..., Any], original: object) -> None:
    setattr(patched, _ORIGINAL, original)


def source_hash(dotted: str) -> str:
    target = _resolve(dotted)
    target = getattr(target, _ORIGINAL, target)
    return hashlib.sha256(inspect.getsource(target).encode()).hexdigest()


def check_pins() -> list[str]:
    """What no longer matches the pins: the moto version and every patched function whose source moved."""
    import moto

    moved = []
    if moto.__version__ != MOTO_VERSION:
        moved.append(f"moto {moto.__version__} installed, the patches are written for {MOTO_VERSION}")
    for dotted, pinned in PINNED.items():
        actual = source_hash(dotted)
        if actual != pinned:
            moved.append(f"{dotted}: source hash {actual}, pinned {pinned}")
    return moved


# --- 2. a lock around request handling ------------------------------------------------------------


# The header the local stack puts on the requests its API makes while answering a person
# (infra/local/interactive.py); moto serves them before the background's (``RequestLock``).
INTERACTIVE_HEADER = "x-complaintdesk-interactive"


class RequestLock:
    """One re-entrant lock around request handling, handed over in order of arrival, except that
    a waiting *interactive* request (the stack's API answering a person) goes before waiting
    background ones (pollers, streams, plan executions, the alarm evaluator) — at most
    ``interactive_run`` times in a row while background requests wait, so they are slowed, never
    starved.

    Why: under a day's load the lock is held about two thirds of the time, and a plain lock served
    whoever came: each of a ticket create's seven DynamoDB requests waited ~35 ms (p99 ~145 ms)
    behind the background work the earlier creates set off. On AWS that work runs elsewhere and
    does not slow the API down; here the API's requests go first.

    The lock knows how deep the current thread holds it, so a request that must wait (an SQS long
    poll) can let go completely and take it back as deep as it was (``released``)."""

    def __init__(self, interactive_run: int = 4) -> None:
        self._mutex = threading.Lock()  # guards the fields below, never held while waiting
        self._owner: int | None = None
        self._depth = 0
        self._interactive: deque[tuple[int, threading.Lock]] = deque()
        self._background: deque[tuple[int, threading.Lock]] = deque()
        self._interactive_run = interactive_run
        self._run = 0  # interactive hand-overs in a row while background requests waited
        self._thread = threading.local()  # is this thread serving an interactive request

    @contextmanager
    def serving(self, interactive: bool) -> Iterator[None]:
        """Hold the lock for one request, interactive or not."""
        self._thread.interactive = interactive
        with self:
            yield

    def __enter__(self) -> RequestLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()

    def acquire(self) -> None:
        me = threading.get_ident()
        with self._mutex:
            if self._owner == me:
                self._depth += 1
                return
            if self._owner is None:  # free means nobody waits: a release hands it to the next
                self._owner, self._depth = me, 1
                return
            gate = threading.Lock()
            gate.acquire()
            waiting = self._interactive if getattr(self._thread, "interactive", False) else self._background
            waiting.append((me, gate))
        gate.acquire()  # opened by the release that made this thread the owner

    def release(self) -> None:
        with self._mutex:
            self._depth -= 1
            if self._depth:
                return
            chosen = self._next()
            if chosen is None:
                self._owner = None
                return
            self._owner, self._depth = chosen[0], 1
        chosen[1].release()

    def waiting(self) -> tuple[int, int]:
        """(interactive, background) requests waiting for the lock now."""
        with self._mutex:
            return len(self._interactive), len(self._background)

    def _next(self) -> tuple[int, threading.Lock] | None:
        if self._interactive and (not self._background or self._run < self._interactive_run):
            self._run = self._run + 1 if self._background else 0
            return self._interactive.popleft()
        self._run = 0
        return self._background.popleft() if self._background else None

    @contextmanager
    def released(self) -> Iterator[None]:
        with self._mutex:
            depth = self._depth if self._owner == threading.get_ident() else 0
            if depth:
                self._depth = 1
        if depth:
            self.release()
        try:
            yield
        finally:
            if depth:
                self.acquire()
                with self._mutex:
                    self._depth = depth


LOCK = RequestLock()


def _locked_call_action(original: Callable[[Any], Any]) -> Callable[[Any], Any]:
    def call_action(self: Any) -> Any:
        headers = getattr(self, "headers", None) or {}
        with LOCK.serving(headers.get(INTERACTIVE_HEADER) == "1"):
            return original(self)

    _keep_original(call_action, original)
    return call_action


def _receive_waiting_outside_lock(original: Callable[..., Any]) -> Callable[..., Any]:
    def receive_message(
        self: Any,
        queue_name: str,
        count: int,
        wait_seconds_timeout: int,
        visibility_timeout: int,
        message_attribute_names: list[str] | None = None,
    ) -> Any:
        deadline = time.monotonic() + (wait_seconds_timeout or 0)
        while True:
            with LOCK:  # a scan without waiting: moto's own receive, wait 0
                found = original(self, queue_name, count, 0, visibility_timeout, message_attribute_names)
                queue = self.get_queue(queue_name)
            left = deadline - time.monotonic()
            if found or left <= 0:
                return found
            with LOCK.released():
                if queue.messages:  # visible but not deliverable now (e.g. bound for the DLQ): no spin
                    time.sleep(min(0.05, left))
                else:
                    queue.wait_for_messages(min(1.0, left))

    _keep_original(receive_message, original)
    return receive_message


# --- 1. transactions that roll back only what they touched ---------------------------------------


def _deepcopy_outside_transactions(memo_free_deepcopy: Callable[..., Any]) -> Callable[..., Any]:
    from moto.dynamodb.models.table import Table

    def deepcopy(value: Any, memo: dict[int, Any] | None = None) -> Any:
        if isinstance(value, Table) and getattr(_in_transaction, "active", False):
            return value  # the rollback below restores items instead of whole tables
        return memo_free_deepcopy(value, memo)

    return deepcopy


def _touched(backend: Any, transact_items: list[dict[str, Any]]) -> list[tuple[Any, Any, Any]]:
    """(table, hash key, range key) of every item the transaction names, in existing tables."""
    touched = []
    for entry in transact_items:
        for op in entry.values():
            if not isinstance(op, dict):
                continue
            table = backend.tables.get(op.get("TableName"))
            if table is None:
                continue
            keys = op.get("Key") or op.get("Item") or {}
            try:
                hash_key, range_key = backend.get_keys_value(table, keys)
            except Exception:  # moto will refuse the request itself, with its own message
                continue
            touched.append((table, hash_key, range_key))
    return touched


def _restore(table: Any, hash_key: Any, range_key: Any, item: Any) -> None:
    if range_key is not None:
        bucket = table.items[hash_key]
        if item is None:
            bucket.pop(range_key, None)
            if not bucket:
                table.items.pop(hash_key, None)
        else:
            bucket[range_key] = item
    elif item is None:
        table.items.pop(hash_key, None)
    else:
        table.items[hash_key] = item


def _item_level_transactions(original: Callable[..., Any]) -> Callable[..., Any]:
    def transact_write_items(self: Any, transact_items: list[dict[str, Any]]) -> Any:
        touched = _touched(self, transact_items)
        before = [(t, h, r, copy.deepcopy(t.get_item(h, r))) for t, h, r in touched]
        streams = {id(t): (t, len(t.stream_shard.items)) for t, _, _ in touched if t.stream_shard}
        _in_transaction.active = True
        try:
            return original(self, transact_items)
        except BaseException:
            for table, hash_key, range_key, item in reversed(before):
                _restore(table, hash_key, range_key, item)
            for table, length in streams.values():
                if table.stream_shard is not None:
                    del table.stream_shard.items[length:]
            raise
        finally:
            _in_transaction.active = False

    _keep_original(transact_write_items, original)
    return transact_write_items


# --- 6. queries that do not sort the whole table ------------------------------------------------

_query_scope = threading.local()


def _query_without_sorting_everything(original: Callable[..., Any]) -> Callable[..., Any]:
    signature = inspect.signature(original)

    def query(self: Any, *args: Any, **kwargs: Any) -> Any:
        bound = signature.bind(self, *args, **kwargs)
        index_name = bound.arguments.get("index_name")
        _query_scope.table = self
        _query_scope.bucket = None if index_name else bound.arguments.get("hash_key")
        try:
            return original(self, *args, **kwargs)
        finally:
            _query_scope.table = None

    _keep_original(query, original)
    return query


def _all_items_for_queries(original: Callable[[Any], Any]) -> Callable[[Any], Any]:
    def all_items(table: Any) -> Any:
        if id(getattr(_query_scope, "table", None)) != id(table):
            return original(table)  # scans and the rest: moto's sorted list
        hash_key = _query_scope.bucket
        partitions: dict[Any, Any] = table.items
        if hash_key is not None:  # a base-table query: only its partition can match
            partition = partitions.get(hash_key)
            if partition is None:
                return []
            return list(partition.values()) if table.range_key_attr else [partition]
        if table.range_key_attr:
            return [item for each in partitions.values() for item in each.values()]
        return list(partitions.values())

    _keep_original(all_items, original)
    return all_items


# --- 7. the server's service lookup ---------------------------------------------------------------


def _modules_listed_once(original: Callable[[], Any]) -> Callable[[], Any]:
    listed: list[str] = []

    def list_of_moto_modules() -> Any:
        if not listed:
            listed.extend(original())
        return iter(listed)

    _keep_original(list_of_moto_modules, original)
    return list_of_moto_modules


# --- 3-5. Step Functions: parse trees, clients, threads -----------------------------------------


def _program_eval_inline(original: Callable[..., Any]) -> Callable[..., Any]:
    from moto.stepfunctions.parser.asl.component.eval_component import EvalComponent

    def eval(self: Any, env: Any) -> None:
        if self.timeout_seconds is not None:
            original(self, env)
            return
        env.next_state_name = self.start_at.start_at_name
        try:
            EvalComponent.eval(self, env)
        except Exception:  # moto's worker thread would have ended the same way, and logged it
            LOG.exception("Step Functions program evaluation failed")

    _keep_original(eval, original)
    return eval


def _pruning_start(original: Callable[..., Any]) -> Callable[..., Any]:
    from moto.stepfunctions.parser import utils

    def start(self: Any) -> None:
        utils.TMP_THREADS[:] = [t for t in utils.TMP_THREADS if t.is_alive()]
        original(self)

    _keep_original(start, original)
    return start


def program_cache_folder() -> Path | None:
    """The folder of the parsed programs kept between processes, or None (memory only)."""
    configured = os.environ.get(PROGRAM_CACHE_VARIABLE)
    if configured is not None:
        return Path(configured) if configured.strip() else None
    return Path(__file__).resolve().parents[2] / "build" / "asl-programs"


def _program_file(folder: Path, definition: str) -> Path:
    from moto import __version__ as moto_version

    key = hashlib.sha256(f"{moto_version}\n{sys.version}\n{definition}".encode()).hexdigest()
    return folder / f"{key}.pickle"


def _load_program(definition: str) -> tuple[Any, bytes] | None:
    folder = program_cache_folder()
    if folder is None:
        return None
    try:
        pickled = _program_file(folder, definition).read_bytes()
        return pickle.loads(pickled), pickled
    except FileNotFoundError:
        return None
    except Exception:  # written by another moto, cut short, or not ours: parse again and replace it
        LOG.warning("a kept Step Functions program did not load; parsing its definition again", exc_info=True)
        return None


def _keep_program(definition: str, pickled: bytes) -> None:
    folder = program_cache_folder()
    if folder is None:
        return
    try:
        folder.mkdir(parents=True, exist_ok=True)
        # Whole or not at all: another process may read (or write) the same definition meanwhile.
        with tempfile.NamedTemporaryFile(dir=folder, suffix=".part", delete=False) as part:
            try:
                part.write(pickled)
                part.close()
                os.replace(part.name, _program_file(folder, definition))
            except OSError:
                os.unlink(part.name)
                raise
    except OSError:  # a read-only checkout or a full disk: memory only
        LOG.debug("could not keep a parsed Step Functions program in %s", folder, exc_info=True)


@contextmanager
def _parsing_alone(definition: str) -> Iterator[bool]:
    """Held while this process parses ``definition`` for the folder: a process that wants the same
    program meanwhile waits for it and then loads it, instead of parsing it too. Three local stacks
    start at once under `make test`, and on a fresh checkout each parsed the five shipped plans
    itself (~1.4 CPU-s apiece). An exclusive ``flock`` on ``<key>.lock`` beside the program, which
    the system releases if the process dies; without a folder, or where the lock cannot be taken,
    the parse goes ahead alone. Lock files stay (empty): removing one could let a process that
    opened it before the removal and one that opens it after each hold a lock of their own. Yields
    whether the lock is held (only then can another process have kept the program meanwhile)."""
    folder = program_cache_folder()
    handle = None
    try:
        import fcntl

        if folder is not None:
            folder.mkdir(parents=True, exist_ok=True)
            handle = open(_program_file(folder, definition).with_suffix(".lock"), "a")  # noqa: SIM115
    except (ImportError, OSError):
        LOG.debug("parsing a Step Functions program without the folder's lock", exc_info=True)
    if handle is None:
        yield False
        return
    with handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield True


def _programs_kept(original: Callable[[str], Any]) -> Callable[[str], Any]:
    from moto.stepfunctions.parser.asl.parse.preprocessor import Preprocessor

    programs: dict[str, bytes] = {}  # definition → its program, pickled as the parse built it
    trees: dict[str, Any] = {}  # definition → its parse tree, for a program that does not pickle
    guard = threading.Lock()

    def remember(kept: dict[str, Any], definition: str, value: Any) -> None:
        with guard:
            if len(kept) >= PARSE_CACHE_SIZE:
                kept.pop(next(iter(kept)))
            kept[definition] = value

    def parse(definition: str) -> Any:
        with guard:
            pickled, tree = programs.get(definition), trees.get(definition)
        if pickled is not None:
            return pickle.loads(pickled), None  # components of its own, never evaluated
        if tree is not None:
            return Preprocessor().visit(tree), tree  # fresh components from the read-only tree
        loaded = _load_program(definition)
        if loaded is None:
            with _parsing_alone(definition) as locked:
                # Kept by another process while this one waited for the lock?
                loaded = _load_program(definition) if locked else None
                if loaded is None:
                    return parse_and_keep(definition)
        remember(programs, definition, loaded[1])
        return loaded[0], None

    def parse_and_keep(definition: str) -> Any:
        program, tree = original(definition)  # syntax errors are raised here, never kept
        try:
            pickled = pickle.dumps(program, protocol=pickle.HIGHEST_PROTOCOL)
        except Exception:  # a component holding something that does not pickle (or nests too deep)
            remember(trees, definition, tree)
        else:
            remember(programs, definition, pickled)
            _keep_program(definition, pickled)
        return program, tree

    _keep_original(parse, original)
    return parse


_CLIENT_MODULES = [
    "moto.stepfunctions.parser.asl.utils.boto_client",
    "moto.stepfunctions.parser.asl.component.state.exec.state_task.service.state_task_service_sqs",
    "moto.stepfunctions.parser.asl.component.state.exec.state_task.service.state_task_service_sns",
    "moto.stepfunctions.parser.asl.component.state.exec.state_task.service.state_task_service_dynamodb",
]


def _clients_reused(original: Callable[..., Any]) -> Callable[..., Any]:
    from moto.core.models import botocore_stubber

    clients: dict[tuple[str, str], Any] = {}
    guard = threading.Lock()

    def boto_client_for(region: str, service: str, state_credentials: Any = None) -> Any:
        if botocore_stubber.enabled:  # moto in-process: moto's own way
            return original(region, service, state_credentials)
        with guard:  # boto3 clients are thread-safe; creating them is not, and costs ~30 ms each
            client = clients.get((region, service))
            if client is None:
                client = clients[(region, service)] = original(region, service, state_credentials)
        return client

    _keep_original(boto_client_for, original)
    return boto_client_for


# --- 8. DynamoDB attribute values as they are ----------------------------------------------------

# The members of DynamoDB's (and DynamoDB Streams') AttributeValue that the fast path passes through.
_ATTRIBUTE_VALUE_MEMBERS = frozenset({"S", "N", "B", "SS", "NS", "BS", "M", "L", "NULL", "BOOL"})


def _as_is(value: Any) -> bool:
    """Whether moto's walk of this AttributeValue would give back an equal dict: one member, plain."""
    if type(value) is not dict or len(value) != 1:
        return False
    ((kind, inner),) = value.items()
    if kind == "S" or kind == "N":
        return type(inner) is str
    if kind == "M":
        return type(inner) is dict and all(type(k) is str and _as_is(v) for k, v in inner.items())
    if kind == "L":
        return type(inner) is list and all(_as_is(v) for v in inner)
    if kind == "BOOL" or kind == "NULL":
        return type(inner) is bool
    if kind == "SS" or kind == "NS":
        return type(inner) is list and all(type(v) is str for v in inner)
    return False  # B and BS are base64-encoded by the walk


def _attribute_values_as_is(original: Callable[..., Any]) -> Callable[..., Any]:
    def _serialize_type_structure(self: Any, serialized: Any, value: Any, shape: Any, key: str) -> None:
        if (
            key
            and shape.name == "AttributeValue"
            and _as_is(value)
            and shape.members.keys() == _ATTRIBUTE_VALUE_MEMBERS
        ):
            serialized[self.get_serialized_name(shape, key)] = value
            return
        original(self, serialized, value, shape, key)

    _keep_original(_serialize_type_structure, original)
    return _serialize_type_structure


# --- 9. queue counts only where they are read ----------------------------------------------------

# The ApproximateNumberOf* attributes; a GetQueueAttributes that names one of them (or All) counts.
_QUEUE_COUNTS = frozenset(
    {
        "ApproximateNumberOfMessages",
        "ApproximateNumberOfMessagesDelayed",
        "ApproximateNumberOfMessagesNotVisible",
    }
)
_counts_unread = threading.local()  # depth of the calls running in this thread that read no count


def _counted_when_read(original: Any) -> property:
    fget = original.fget

    def count(queue: Any) -> int:
        if getattr(_counts_unread, "depth", 0):
            return 0  # built into attributes nobody reads
        return int(fget(queue))

    _keep_original(count, fget)
    return property(count)


def _reading_no_count(original: Callable[..., Any]) -> Callable[..., Any]:
    def call(*args: Any, **kwargs: Any) -> Any:
        _counts_unread.depth = getattr(_counts_unread, "depth", 0) + 1
        try:
            return original(*args, **kwargs)
        finally:
            _counts_unread.depth -= 1

    _keep_original(call, original)
    call.__name__ = call.__qualname__ = original.__name__
    return call


def _queue_attributes_counted_when_asked(original: Callable[..., Any]) -> Callable[..., Any]:
    without_counts = _reading_no_count(original)

    def get_queue_attributes(self: Any, queue_name: str, attribute_names: list[str]) -> dict[str, Any]:
        # moto's own answer (its checks, its names), the counts left unwalked: moto builds the
        # attributes three times per name asked, every build counting the whole queue three times.
        answer: dict[str, Any] = without_counts(self, queue_name, attribute_names)
        if "All" in attribute_names or not _QUEUE_COUNTS.isdisjoint(attribute_names):
            built = self.get_queue(queue_name).attributes  # once, counted
            answer = {name: built[name] for name in answer}
        return answer

    _keep_original(get_queue_attributes, original)
    return get_queue_attributes


# --- 10. JSONPaths compiled once --------------------------------------------------------------------


def _compiled_once(original: Callable[[str], Any]) -> Callable[[str], Any]:
    cached = functools.lru_cache(maxsize=JSONPATH_CACHE_SIZE)(original)

    def parse(path: str) -> Any:
        return cached(path) if type(path) is str else original(path)

    _keep_original(parse, original)
    return parse


def apply() -> None:
    """Install the patches (once per process)."""
    global _applied
    if _applied:
        return
    import importlib

    import moto.backends
    import moto.dynamodb.models as dynamodb_models
    from moto.core.responses import BaseResponse
    from moto.core.serialize import BaseJSONSerializer
    from moto.core.utils import camelcase_to_underscores
    from moto.dynamodb.models import DynamoDBBackend
    from moto.dynamodb.models.table import Table
    from moto.sqs.models import Queue, SQSBackend
    from moto.stepfunctions.parser.asl.component.common.path import result_path
    from moto.stepfunctions.parser.asl.component.program.program import Program
    from moto.stepfunctions.parser.asl.parse.asl_parser import AmazonStateLanguageParser
    from moto.stepfunctions.parser.asl.utils import boto_client, json_path
    from moto.stepfunctions.parser.backend.execution_worker import ExecutionWorker

    def put(owner: Any, name: str, value: Any) -> None:
        before = inspect.getattr_static(owner, name)  # a staticmethod stays one when put back
        setattr(owner, name, value)
        _undo.append(lambda: setattr(owner, name, before))

    def wrap(owner: Any, name: str, wrapper: Callable[[Any], Any], static: bool = False) -> None:
        patched = wrapper(getattr(owner, name))
        put(owner, name, staticmethod(patched) if static else patched)

    wrap(BaseResponse, "call_action", _locked_call_action)
    wrap(BaseJSONSerializer, "_serialize_type_structure", _attribute_values_as_is)
    wrap(SQSBackend, "receive_message", _receive_waiting_outside_lock)
    wrap(SQSBackend, "get_queue_attributes", _queue_attributes_counted_when_asked)
    for name in ("is_message_valid_based_on_retention_period", "send_message", "send_message_batch"):
        wrap(SQSBackend, name, _reading_no_count)
    for count in sorted(_QUEUE_COUNTS):  # moto's Queue answers each from its snake_case property
        name = camelcase_to_underscores(count)
        put(Queue, name, _counted_when_read(getattr(Queue, name)))
    # moto's dynamodb models call copy.deepcopy/copy.copy through their module: a stand-in module.
    put(
        dynamodb_models,
        "copy",
        types.SimpleNamespace(deepcopy=_deepcopy_outside_transactions(copy.deepcopy), copy=copy.copy),
    )
    wrap(Table, "query", _query_without_sorting_everything)
    wrap(Table, "all_items", _all_items_for_queries)
    wrap(DynamoDBBackend, "transact_write_items", _item_level_transactions)
    wrap(Program, "eval", _program_eval_inline)
    wrap(AmazonStateLanguageParser, "parse", _programs_kept, static=True)
    wrap(ExecutionWorker, "start", _pruning_start)
    wrap(moto.backends, "list_of_moto_modules", _modules_listed_once)
    wrap(json_path, "parse", _compiled_once)
    wrap(result_path, "parse", _compiled_once)
    reused = _clients_reused(boto_client.boto_client_for)
    for name in _CLIENT_MODULES:
        put(importlib.import_module(name), "boto_client_for", reused)
    _applied = True


def remove() -> None:
    """Take the patches out again, as ``apply()`` found moto. The local stack never does; the unit
    tests of the patches do after each test, so the rest of the process's tests run moto with only
    the patches the tests install themselves (tests/support/aws.py: habits 1, 3 and 8)."""
    global _applied
    while _undo:
        _undo.pop()()
    _applied = False
