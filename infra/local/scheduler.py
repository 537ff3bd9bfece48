"""Local stand-in for EventBridge schedule rules: a thread per ``Type: Schedule`` event of template.yaml
that calls the function's handler with a schedule-shaped event every interval until stopped.

The interval is the rule's rate divided by the time scale (the demo runs SLA hours as seconds), and
never shorter than one second: ``rate(15 minutes)`` at 3600 fires every second.

Wiring (``infra/local/stack.py``, in ``LocalStack.start`` after the pollers)::

    from infra.local.scheduler import start_schedulers
    self.threads += start_schedulers(time_scale=self.time_scale, region=self.region,
                                     on_error=self._poller_error)
"""

from __future__ import annotations

import re
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from infra.local.pollers import LambdaContext, load_handler, module_for
from infra.local.template import load_template

MIN_INTERVAL = 1.0
LOCAL_ACCOUNT = "123456789012"
_RATE = re.compile(r"^rate\(\s*(\d+)\s+(minute|minutes|hour|hours|day|days)\s*\)$")
_UNIT_SECONDS = {"minute": 60, "hour": 3600, "day": 86400}


def rate_seconds(expression: str) -> float:
    """Seconds between runs of an EventBridge ``rate(...)`` expression (cron is not played locally)."""
    match = _RATE.match(expression.strip())
    if not match:
        raise ValueError(f"only rate(N minute[s]|hour[s]|day[s]) schedules run locally, not {expression!r}")
    value, unit = int(match.group(1)), match.group(2).rstrip("s")
    if value < 1 or (value == 1) != (match.group(2) == unit):
        raise ValueError(
            f"{expression!r}: EventBridge wants 'rate(1 {unit})' or 'rate(N {unit}s)' with N > 1"
        )
    return float(value * _UNIT_SECONDS[unit])


def interval_for(expression: str, time_scale: float) -> float:
    return max(MIN_INTERVAL, rate_seconds(expression) / (time_scale or 1.0))


@dataclass(frozen=True)
class ScheduleSource:
    function: str  # logical id
    event: str  # the event's name in the template (part of the rule name on AWS)
    expression: str
    module: str
    attr: str


def schedule_event_sources(template: dict[str, Any]) -> list[ScheduleSource]:
    """Every enabled ``Type: Schedule`` event of the template's functions."""
    sources = []
    for logical_id, resource in template["Resources"].items():
        if resource["Type"] != "AWS::Serverless::Function":
            continue
        for name, event in (resource["Properties"].get("Events") or {}).items():
            props = event.get("Properties") or {}
            if event["Type"] != "Schedule" or props.get("Enabled", True) is False:
                continue
            module, attr = module_for(resource)
            sources.append(ScheduleSource(logical_id, name, str(props["Schedule"]), module, attr))
    return sources


def schedule_event(rule_arn: str, region: str, at: datetime | None = None) -> dict[str, Any]:
    """An EventBridge "Scheduled Event" as Lambda receives it."""
    moment = (at or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    return {
        "version": "0",
        "id": str(uuid.uuid4()),
        "detail-type": "Scheduled Event",
        "source": "aws.events",
        "account": LOCAL_ACCOUNT,
        "time": moment.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "region": region,
        "resources": [rule_arn],
        "detail": {},
    }


class Scheduler(threading.Thread):
    """Calls one handler with a schedule event every ``interval`` seconds (first call after one interval)."""

    def __init__(
        self,
        handler: Callable[[dict[str, Any], Any], Any],
        function_name: str,
        interval: float,
        *,
        rule_name: str = "",
        region: str = "us-east-1",
        on_error: Callable[[str, BaseException], None] | None = None,
    ) -> None:
        super().__init__(name=f"schedule-{function_name}", daemon=True)
        self.handler, self.function_name, self.interval = handler, function_name, max(MIN_INTERVAL, interval)
        self.region, self.on_error = region, on_error
        rule = rule_name or f"{function_name}Schedule"
        self.rule_arn = f"arn:aws:events:{region}:{LOCAL_ACCOUNT}:rule/{rule}"
        self.stopping = threading.Event()
        self.runs = 0

    def fire(self) -> Any:
        """One invocation now, as EventBridge would make it; the handler's error is passed on."""
        context = LambdaContext(self.function_name, aws_request_id=str(uuid.uuid4()))
        result = self.handler(schedule_event(self.rule_arn, self.region), context)
        self.runs += 1
        return result

    def run(self) -> None:
        while not self.stopping.wait(self.interval):
            try:
                self.fire()
            except Exception as exc:  # the next tick runs anyway, as the next scheduled invocation would
                if self.on_error:
                    self.on_error(self.function_name, exc)

    def stop(self) -> None:
        self.stopping.set()


def schedulers(
    *,
    time_scale: float = 1.0,
    region: str = "us-east-1",
    on_error: Callable[[str, BaseException], None] | None = None,
    template: dict[str, Any] | None = None,
) -> list[Scheduler]:
    """One scheduler per schedule event of template.yaml (not started)."""
    found = []
    for source in schedule_event_sources(template or load_template()):
        found.append(
            Scheduler(
                load_handler(source.module, source.attr),
                source.function,
                interval_for(source.expression, time_scale),
                rule_name=f"{source.function}{source.event}",
                region=region,
                on_error=on_error,
            )
        )
    return found


def start_schedulers(
    *,
    time_scale: float = 1.0,
    region: str = "us-east-1",
    on_error: Callable[[str, BaseException], None] | None = None,
) -> list[Scheduler]:
    """Start the schedulers of the local stack (daemon threads; ``stop()`` each to end)."""
    started = schedulers(time_scale=time_scale, region=region, on_error=on_error)
    for scheduler in started:
        scheduler.start()
    return started
