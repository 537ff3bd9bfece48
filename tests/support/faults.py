"""Fault injection for AWS calls: make chosen calls of an operation fail, on every botocore client.

While an injector is active, every botocore client created (by boto3, by ``complaintdesk.aws``, by
PynamoDB's own botocore session, by Powertools) is hooked through botocore's event system, so a
test reaches the clients the code under test builds for itself. Clients created *before* the
injector started are not seen: forget cached clients after starting it (``reset_caches()``), or
hook one by hand with :meth:`FaultInjector.attach`.

Two kinds of fault:

``transient``
    The selected *attempts* (HTTP requests) of the selected calls are answered with an AWS error
    response in the service's own protocol (``ProvisionedThroughputExceededException`` for
    DynamoDB, ``SlowDown`` 503 for S3, ``Throttling`` for SES/SNS ...) from a ``before-send``
    hook, in place of the service. botocore parses it and its own retry handler decides, exactly
    as against AWS: one failed attempt is retried and the code never notices. The failed attempt
    never reaches the service (nor moto), as a throttled request is not carried out. ``attempts=EVERY``
    fails every attempt, so botocore gives up and the code sees the error *after* the retries.
``hard``
    The selected calls fail at once from a ``before-call`` hook: no request, no retry; the code
    gets the ``ClientError`` (the modelled exception class when the code is a modelled one).
    This exercises our own paths: SQS redelivery, stream retries, recorded failures.

Selecting calls: ``calls=`` counts the calls of that operation made *after the fault was added*
(1 is the next call): an int, a ``range`` (``range(2, 5)`` is calls 2, 3 and 4), any container of
ints, or ``EVERY``. ``where=`` narrows the calls that count to those whose API parameters match a
predicate (the parameters the code passed, e.g. ``{"Bucket": ..., "Key": ...}``; for PynamoDB the
low-level DynamoDB request). Service names are the client names (``"dynamodb"``, ``"s3"``,
``"ses"``, ``"stepfunctions"``); operation names are the API's (``"PutItem"``, ``"GetObject"``).

Counting: :meth:`FaultInjector.tally` says, per operation, how many calls the code made, how many
HTTP attempts they took (attempts - calls = botocore's retries), how many the injector failed and
how many calls ended in an error the caller saw (injected or not). botocore's back-off sleeps are
skipped (and recorded in ``slept``) unless ``instant_retries=False``, so retries cost no time.

Usage::

    with inject_faults() as faults:
        reset_caches()                                    # clients built from here on are hooked
        faults.transient("s3", "GetObject")               # next GetObject: one 503, botocore retries
        faults.hard("ses", "SendRawEmail", calls=range(1, 3))   # the next two sends raise
        run_the_handler()
        assert faults.tally("s3", "GetObject").retries == 1
"""

from __future__ import annotations

import io
import json
import threading
import uuid
from collections.abc import Callable, Container, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from xml.sax.saxutils import escape

import botocore.endpoint
import botocore.session
from botocore.awsrequest import AWSResponse

INJECTED_HEADER = "x-complaintdesk-fault"
UNSERVED_URL = "http://faults.invalid/"  # a reserved name: no service, no moto backend answers it


class _Every:
    """Selects every number (``calls=EVERY``, ``attempts=EVERY``)."""

    def __contains__(self, _: object) -> bool:
        return True

    def __repr__(self) -> str:
        return "EVERY"


EVERY: Container[int] = _Every()

# What a service says when it throttles or is briefly unavailable: (code, HTTP status).
TRANSIENT_ERRORS: dict[str, tuple[str, int]] = {
    "dynamodb": ("ProvisionedThroughputExceededException", 400),
    "s3": ("SlowDown", 503),
    "ses": ("Throttling", 400),
    "sesv2": ("TooManyRequestsException", 429),
    "sns": ("Throttling", 400),
    "sqs": ("RequestThrottled", 400),
    "stepfunctions": ("ThrottlingException", 400),
}
DEFAULT_TRANSIENT = ("ServiceUnavailable", 503)


@dataclass
class Fault:
    """One rule: which calls (and, for transient faults, which attempts) of one operation fail."""

    kind: str  # "transient" | "hard"
    service: str
    operation: str
    calls: Container[int]
    attempts: Container[int]
    code: str
    status: int
    message: str
    where: Callable[[Mapping[str, Any]], bool] | None
    seen: int = 0  # matching calls since the rule was added
    fired: int = 0  # attempts (transient) or calls (hard) it failed

    def selects(self, params: Mapping[str, Any]) -> int | None:
        """Count this call if it matches; its number among matching calls when it is selected."""
        if self.where is not None and not self.where(params):
            return None
        self.seen += 1
        return self.seen if self.seen in self.calls else None


@dataclass
class Tally:
    """What happened to one operation while the injector was active."""

    calls: int = 0  # API calls the code made
    attempts: int = 0  # HTTP attempts botocore made for them (retries included)
    injected: int = 0  # attempts answered, or calls failed, by the injector
    errors: int = 0  # calls that ended in an error response the caller saw

    @property
    def retries(self) -> int:
        return self.attempts - self.calls


@dataclass
class _Call:
    service: str
    operation: str
    transient: list[Fault] = field(default_factory=list)  # rules that selected this call
    attempts: int = 0


class _Raw(io.BytesIO):
    """The raw body botocore reads an ``AWSResponse`` from."""

    def stream(self, **_: Any) -> Iterator[bytes]:
        while chunk := self.read(65536):
            yield chunk


def error_response(
    protocol: str, code: str, status: int, message: str, url: str = "https://faults.invalid/"
) -> AWSResponse:
    """An HTTP error response as the service would send it in its protocol."""
    request_id = str(uuid.uuid4())
    headers = {"x-amzn-RequestId": request_id, "x-amz-request-id": request_id, INJECTED_HEADER: code}
    if protocol == "json":
        headers["Content-Type"] = "application/x-amz-json-1.0"
        headers["x-amzn-query-error"] = f"{code};Sender"  # read by awsQueryCompatible services (SQS)
        body = json.dumps({"__type": code, "message": message}).encode()
    elif protocol == "rest-json":
        headers["Content-Type"] = "application/json"
        headers["x-amzn-ErrorType"] = code
        body = json.dumps({"message": message}).encode()
    elif protocol == "query":
        headers["Content-Type"] = "text/xml"
        body = (
            "<ErrorResponse><Error><Type>Sender</Type>"
            f"<Code>{escape(code)}</Code><Message>{escape(message)}</Message>"
            f"</Error><RequestId>{request_id}</RequestId></ErrorResponse>"
        ).encode()
    elif protocol == "ec2":
        headers["Content-Type"] = "text/xml"
        body = (
            f"<Response><Errors><Error><Code>{escape(code)}</Code><Message>{escape(message)}</Message>"
            f"</Error></Errors><RequestID>{request_id}</RequestID></Response>"
        ).encode()
    elif protocol == "rest-xml":
        headers["Content-Type"] = "application/xml"
        body = (
            f"<Error><Code>{escape(code)}</Code><Message>{escape(message)}</Message>"
            f"<RequestId>{request_id}</RequestId></Error>"
        ).encode()
    else:
        raise NotImplementedError(f"no error body for the {protocol!r} protocol")
    headers["Content-Length"] = str(len(body))
    return AWSResponse(url, status, headers, _Raw(body))


class _SleepRecorder:
    """Stands in for the ``time`` module inside ``botocore.endpoint``: back-off recorded, not slept."""

    def __init__(self, real: Any, slept: list[float]) -> None:
        self._real, self._slept = real, slept

    def sleep(self, seconds: float) -> None:
        self._slept.append(seconds)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._real, name)


class FaultInjector:
    """Fails chosen AWS calls on every botocore client created while it is active (see the module)."""

    def __init__(self, *, instant_retries: bool = True) -> None:
        self.instant_retries = instant_retries
        self.faults: list[Fault] = []
        self.tallies: dict[tuple[str, str], Tally] = {}
        self.slept: list[float] = []  # botocore's back-off delays, in seconds
        self._asked: dict[tuple[str, str], list[Mapping[str, Any]]] = {}  # each call's API parameters
        self._lock = threading.Lock()
        self._local = threading.local()
        self._undo: list[Callable[[], None]] = []

    # ---- rules ------------------------------------------------------------------------------

    def transient(
        self,
        service: str,
        operation: str,
        *,
        calls: int | Container[int] = 1,
        attempts: int | Container[int] = 1,
        code: str | None = None,
        status: int | None = None,
        message: str = "injected transient fault",
        where: Callable[[Mapping[str, Any]], bool] | None = None,
    ) -> Fault:
        """Answer ``attempts`` (default: the first) of the selected calls with a retryable error."""
        default_code, default_status = TRANSIENT_ERRORS.get(service, DEFAULT_TRANSIENT)
        return self._add(
            Fault(
                "transient",
                service,
                operation,
                _numbers(calls),
                _numbers(attempts),
                code or default_code,
                status or default_status,
                message,
                where,
            )
        )

    def hard(
        self,
        service: str,
        operation: str,
        *,
        calls: int | Container[int] = 1,
        code: str = "InternalFailure",
        status: int = 500,
        message: str = "injected hard fault",
        where: Callable[[Mapping[str, Any]], bool] | None = None,
    ) -> Fault:
        """Make the selected calls raise ``ClientError`` at once (botocore does not retry them)."""
        return self._add(
            Fault("hard", service, operation, _numbers(calls), EVERY, code, status, message, where)
        )

    def _add(self, fault: Fault) -> Fault:
        with self._lock:
            self.faults.append(fault)
        return fault

    def clear(self) -> None:
        """Drop every rule (counts are kept)."""
        with self._lock:
            self.faults.clear()

    # ---- counts -----------------------------------------------------------------------------

    def tally(self, service: str, operation: str) -> Tally:
        with self._lock:
            return Tally(**vars(self.tallies.get((service, operation), Tally())))

    def calls(self, service: str) -> dict[str, int]:
        """Calls per operation of one service."""
        with self._lock:
            return {op: t.calls for (svc, op), t in self.tallies.items() if svc == service and t.calls}

    def asked(self, service: str, operation: str) -> list[Mapping[str, Any]]:
        """The API parameters of each call of one operation, in the order they were made."""
        with self._lock:
            return list(self._asked.get((service, operation), []))

    def _count(self, service: str, operation: str) -> Tally:
        return self.tallies.setdefault((service, operation), Tally())

    # ---- life -------------------------------------------------------------------------------

    def start(self) -> FaultInjector:
        original = botocore.session.Session.create_client
        injector = self

        def create_client(session: Any, *args: Any, **kwargs: Any) -> Any:
            return injector.attach(original(session, *args, **kwargs))

        botocore.session.Session.create_client = create_client  # type: ignore[method-assign]
        self._undo.append(lambda: setattr(botocore.session.Session, "create_client", original))
        if self.instant_retries:
            real_time = botocore.endpoint.time
            botocore.endpoint.time = _SleepRecorder(real_time, self.slept)  # type: ignore[assignment]
            self._undo.append(lambda: setattr(botocore.endpoint, "time", real_time))
        return self

    def stop(self) -> None:
        while self._undo:
            self._undo.pop()()

    def __enter__(self) -> FaultInjector:
        return self.start()

    def __exit__(self, *_: Any) -> None:
        self.stop()

    # ---- hooks ------------------------------------------------------------------------------

    def attach(self, client: Any) -> Any:
        """Hook one client (clients created while the injector is active are hooked already)."""
        service = client.meta.service_model.service_name
        protocol = client.meta.service_model.protocol
        events = client.meta.events

        def params(params: Mapping[str, Any], context: dict[str, Any], **_: Any) -> None:
            context["faults.params"] = params

        def before_call(model: Any, context: dict[str, Any], **_: Any) -> Any:
            return self._before_call(service, model.name, context.get("faults.params") or {})

        def before_send(request: Any, event_name: str, **_: Any) -> Any:
            return self._before_send(service, event_name.rsplit(".", 1)[-1], protocol, request)

        def after_call(http_response: Any, model: Any, **_: Any) -> None:
            self._after_call(service, model.name, http_response.status_code >= 300)

        def after_call_error(model: Any, **_: Any) -> None:
            self._after_call(service, model.name, True)

        events.register_first("before-parameter-build", params)
        events.register_first("before-call", before_call)
        events.register_first("before-send", before_send)
        events.register("after-call", after_call)
        events.register("after-call-error", after_call_error)
        return client

    def _before_call(self, service: str, operation: str, params: Mapping[str, Any]) -> Any:
        call = _Call(service, operation)
        with self._lock:
            self._count(service, operation).calls += 1
            self._asked.setdefault((service, operation), []).append(params)
            rules = [f for f in self.faults if (f.service, f.operation) == (service, operation)]
            hard = None
            for fault in rules:
                if fault.selects(params) is None:
                    continue
                if fault.kind == "hard" and hard is None:
                    hard = fault
                elif fault.kind == "transient":
                    call.transient.append(fault)
            if hard is not None:
                hard.fired += 1
                self._count(service, operation).injected += 1
        self._calls()[(service, operation)] = call
        if hard is None:
            return None
        http = error_response("json", hard.code, hard.status, hard.message)
        parsed = {
            "Error": {"Code": hard.code, "Message": hard.message},
            "ResponseMetadata": {"HTTPStatusCode": hard.status, "HTTPHeaders": dict(http.headers)},
        }
        return http, parsed

    def _before_send(self, service: str, operation: str, protocol: str, request: Any) -> Any:
        call = self._calls().get((service, operation)) or _Call(service, operation)
        call.attempts += 1
        with self._lock:
            self._count(service, operation).attempts += 1
            fault = next((f for f in call.transient if call.attempts in f.attempts), None)
            if fault is None:
                return None
            fault.fired += 1
            self._count(service, operation).injected += 1
        url = request.url
        # botocore calls every before-send handler and takes the first answer; the ones after this
        # one still run. moto's in-process stubber is one of them and would carry the request out
        # (a throttled write applied after all), so the request is pointed where nothing serves.
        request.url = UNSERVED_URL
        return error_response(protocol, fault.code, fault.status, fault.message, url=url)

    def _after_call(self, service: str, operation: str, failed: bool) -> None:
        self._calls().pop((service, operation), None)
        if failed:
            with self._lock:
                self._count(service, operation).errors += 1

    def _calls(self) -> dict[tuple[str, str], _Call]:
        """The calls in flight on this thread (botocore sends a call's attempts on its own thread)."""
        if not hasattr(self._local, "calls"):
            self._local.calls = {}
        return self._local.calls


def _numbers(selection: int | Container[int]) -> Container[int]:
    return (selection,) if isinstance(selection, int) else selection


@contextmanager
def inject_faults(*, instant_retries: bool = True) -> Iterator[FaultInjector]:
    """A :class:`FaultInjector` active for the block."""
    injector = FaultInjector(instant_retries=instant_retries)
    with injector:
        yield injector
