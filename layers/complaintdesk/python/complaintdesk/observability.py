"""One observability module for every function: Logger, Metrics, Tracer.

Built on first use (Tracer alone costs ~300 ms because it loads the X-Ray SDK), so a handler
module imports fast. Log lines are JSON; e-mail addresses and phone numbers are masked before
they leave the process; the ticket id is the correlation id.

Every queue, stream and schedule handler is wrapped the same way, by ``instrumented``::

    @instrumented
    def lambda_handler(event, context): ...

which is, outermost first: flush metrics, trace the invocation, bind the Lambda context to the
logger (state cleared between invocations). The API keeps its cold start small instead: it logs
and counts per request (``webapi.handle``) and relies on Lambda's own active tracing.
"""

from __future__ import annotations

import hashlib
import logging
import re
import sys
from collections.abc import Callable
from functools import lru_cache, wraps
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    from aws_lambda_powertools import Logger, Metrics, Tracer

NAMESPACE = "ComplaintDesk"

_EMAIL_RE = re.compile(
    r"[\w.!#$%&'*+/=?^`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9-]+)+"
)
# International or long national numbers; ticket ids (C-2026-000123) and dates have dashes, so they stay.
# ARNs (":123456789012:") and paths keep their account ids and numbers.
_PHONE_RE = re.compile(r"(?<![\w.+:/-])\+?\d(?:[ ()]{0,2}\d){8,14}(?![\w:/-])")
# Fields that never carry personal data and must stay readable.
_SAFE_KEYS = frozenset(
    {
        "timestamp",
        "level",
        "location",
        "service",
        "cold_start",
        "function_name",
        "function_memory_size",
        "function_arn",
        "function_request_id",
        "xray_trace_id",
        "sampling_rate",
        "correlation_id",
        "ticket_id",
    }
)


def _fingerprint(value: str) -> str:
    return hashlib.sha256(value.lower().encode()).hexdigest()[:10]


def redact_text(text: str) -> str:
    """Replace e-mail addresses and phone numbers with stable fingerprints (same person, same mark)."""
    text = _EMAIL_RE.sub(lambda m: f"<email:{_fingerprint(m.group())}>", text)
    return _PHONE_RE.sub(lambda m: f"<phone:{_fingerprint(re.sub(r'[^0-9+]', '', m.group()))}>", text)


def redact(value: Any, key: str = "") -> Any:
    if key in _SAFE_KEYS:
        return value
    if isinstance(value, str):
        return redact_text(value)
    if isinstance(value, dict):
        return {k: redact(v, str(k)) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [redact(v) for v in value]
    return value


def _service() -> str:
    from complaintdesk.settings import get_settings

    return get_settings().service_name


@lru_cache(maxsize=1)
def logger() -> Logger:
    from aws_lambda_powertools import Logger
    from aws_lambda_powertools.logging.formatter import LambdaPowertoolsFormatter
    from aws_lambda_powertools.logging.types import LogRecord

    class RedactingFormatter(LambdaPowertoolsFormatter):
        def serialize(self, log: LogRecord) -> str:
            return super().serialize(redact(log))

    class CurrentStdout(logging.StreamHandler[TextIO]):
        """Writes to whatever sys.stdout is now (test runners swap it), not the one at creation."""

        def emit(self, record: logging.LogRecord) -> None:
            self.stream = sys.stdout
            super().emit(record)

    return Logger(service=_service(), logger_formatter=RedactingFormatter(), logger_handler=CurrentStdout())


@lru_cache(maxsize=1)
def metrics() -> Metrics:
    import warnings

    from aws_lambda_powertools import Metrics

    # An invocation that had nothing to count is normal here (e.g. an event no one is told about).
    warnings.filterwarnings("ignore", message="No application metrics to publish")

    from complaintdesk.settings import get_settings

    return Metrics(namespace=get_settings().metrics_namespace, service=_service())


@lru_cache(maxsize=1)
def tracer() -> Tracer:
    from aws_lambda_powertools import Tracer

    return Tracer(service=_service())


# Every metric the code emits: name → (unit, dimension names). Alarms and the dashboard in
# template.yaml may watch only these (tests/unit/infra checks it), so they cannot watch nothing.
METRICS: dict[str, tuple[str, tuple[str, ...]]] = {
    "TicketsCreated": ("Count", ("channel", "category")),
    "EventsPublished": ("Count", ("event_type",)),
    "PlansStarted": ("Count", ()),
    "StepCompleted": ("Count", ("category", "step")),
    "StepDuration": ("Seconds", ("category", "step")),
    "SLABreached": ("Count", ("category", "step", "level")),
    "OpenTickets": ("Count", ("category",)),  # gauge: tickets open now (functions/aggregate)
    "TimeToFirstResponse": ("Seconds", ("category",)),  # functions/aggregate, once per ticket
    "TimeToResolution": ("Seconds", ("category",)),  # functions/aggregate, once per resolution
    "Escalations": ("Count", ("category",)),
    "TicketsResolved": ("Count", ("category",)),
    "NotificationsSent": ("Count", ("channel", "template")),
    "NotificationsFailed": ("Count", ("channel",)),
    "EmailsQuarantined": ("Count", ("reason",)),
    "PlansFailed": ("Count", ("category", "status")),  # functions/watch_executions, once per stop
}


def emit(name: str, value: float = 1, **dimensions: object) -> None:
    """Publish one EMF metric now, with exactly its catalogued dimensions (missing ones are "none").

    Each metric is its own EMF document (Powertools ``single_metric``), so metrics with different
    dimensions can be emitted in one invocation.
    """
    from aws_lambda_powertools.metrics import MetricUnit, single_metric

    unit, names = METRICS[name]
    unknown = set(dimensions) - set(names)
    if unknown:
        raise ValueError(f"metric {name} has no dimension(s) {sorted(unknown)}")
    from complaintdesk.settings import get_settings

    namespace = get_settings().metrics_namespace
    with single_metric(name=name, unit=MetricUnit(unit), value=value, namespace=namespace) as metric:
        metric.service = ""  # else POWERTOOLS_SERVICE_NAME adds a "service" dimension alarms do not name
        for dim in names:
            metric.add_dimension(name=dim, value=str(dimensions.get(dim) or "none"))


def instrumented(handler: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
    """The one decorator stack of every non-API function handler (see the module docstring).

    The stack is built on the first invocation, not when the handler module is imported: building
    the Tracer imports the X-Ray SDK, whose recorder creates its own botocore clients (~300 ms).
    """
    stack: list[Callable[[Any, Any], Any]] = []

    @wraps(handler)
    def lambda_handler(event: Any, context: Any) -> Any:
        if not stack:
            traced = tracer().capture_lambda_handler(
                logger().inject_lambda_context(clear_state=True)(handler)
            )
            stack.append(metrics().log_metrics(traced))
        return stack[0](event, context)

    return lambda_handler


def bind_ticket(ticket_id: str) -> None:
    """Every later log line of this invocation carries the ticket id."""
    log = logger()
    log.set_correlation_id(ticket_id)
    log.append_keys(ticket_id=ticket_id)
