"""Local stand-ins for Lambda event-source mappings: SQS queue → function handler, in-process.

Records are shaped as Lambda delivers them, partial batch failures are honoured (failed messages
stay on the queue, become visible again and end in the DLQ after the redrive count), so the
handlers run exactly as they would on AWS.

Like Lambda's SQS mapping, one queue has several batches in flight at once: ``concurrency``
consumers each receive a batch, run the handler and delete what succeeded. The bound is the event's
``ScalingConfig.MaximumConcurrency`` when template.yaml sets one, else ``DEFAULT_CONCURRENCY``
(the mapping itself starts with five; this machine runs everything in one process). Receives wait
at most ``RECEIVE_WAIT_SECONDS``, so every consumer notices ``stop()`` within a second. An idle
queue is watched by one consumer: the others receive only while a batch of it is being handled
(they sleep once one of their receives comes back empty with nothing in flight), so a quiet stack
does not make a receive per consumer per second (measured: 10 receives/s idle, now one per queue).

This module is the bottom of the local stack's runner: ``streams`` and ``scheduler`` build on it and
``stack`` wires them all; none of them imports ``stack``.
"""

from __future__ import annotations

import importlib
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from infra.local.template import references


@dataclass
class LambdaContext:
    function_name: str
    memory_limit_in_mb: int = 512
    function_version: str = "$LATEST"
    invoked_function_arn: str = ""
    aws_request_id: str = ""
    log_group_name: str = ""
    log_stream_name: str = ""

    def get_remaining_time_in_millis(self) -> int:
        return 60_000


def load_handler(module: str, name: str = "lambda_handler") -> Callable[[dict[str, Any], Any], Any]:
    return getattr(importlib.import_module(module), name)


def module_for(function: dict[str, Any]) -> tuple[str, str]:
    """``CodeUri: functions/notify/`` + ``Handler: app.lambda_handler`` → (``functions.notify.app``, attr)."""
    props = function["Properties"]
    code = str(props["CodeUri"]).strip("/").replace("/", ".")
    module, _, attr = str(props["Handler"]).rpartition(".")
    return f"{code}.{module}", attr


DEFAULT_CONCURRENCY = 4
RECEIVE_WAIT_SECONDS = 1


@dataclass(frozen=True)
class SqsScaling:
    batch_size: int = 10
    concurrency: int = DEFAULT_CONCURRENCY


def sqs_scaling(template: dict[str, Any]) -> dict[tuple[str, str], SqsScaling]:
    """(function logical id, queue logical id) → the batch size and concurrency of its SQS event."""
    found = {}
    for logical_id, resource in template["Resources"].items():
        if resource["Type"] != "AWS::Serverless::Function":
            continue
        for event in (resource["Properties"].get("Events") or {}).values():
            if event["Type"] != "SQS":
                continue
            props = event["Properties"]
            (queue,) = references(props["Queue"])
            maximum = (props.get("ScalingConfig") or {}).get("MaximumConcurrency")
            found[(logical_id, queue)] = SqsScaling(
                int(props.get("BatchSize", 10)), int(maximum) if maximum else DEFAULT_CONCURRENCY
            )
    return found


def sqs_record(message: dict[str, Any], queue_arn: str, region: str) -> dict[str, Any]:
    attributes = {k: str(v) for k, v in message.get("Attributes", {}).items()}
    return {
        "messageId": message["MessageId"],
        "receiptHandle": message["ReceiptHandle"],
        "body": message["Body"],
        "attributes": attributes,
        "messageAttributes": {
            k: {"stringValue": v.get("StringValue"), "dataType": v.get("DataType", "String")}
            for k, v in message.get("MessageAttributes", {}).items()
        },
        "md5OfBody": message.get("MD5OfBody", ""),
        "eventSource": "aws:sqs",
        "eventSourceARN": queue_arn,
        "awsRegion": region,
    }


class PollingThread(threading.Thread):
    """A daemon thread that calls ``poll_once`` until stopped: the loop every local stand-in for an
    AWS trigger shares. When a round finds nothing it waits ``idle_seconds``; an error goes to
    ``on_error`` (as a failed invocation would show in Lambda's logs) and the loop backs off 1 s."""

    idle_seconds: float = 0.0

    def __init__(
        self, function_name: str, kind: str, on_error: Callable[[str, BaseException], None] | None = None
    ) -> None:
        super().__init__(name=f"{kind}-{function_name}", daemon=True)
        self.function_name, self.on_error = function_name, on_error
        self.stopping = threading.Event()

    def poll_once(self) -> int:
        raise NotImplementedError

    def run(self) -> None:
        while not self.stopping.is_set():
            try:
                if not self.poll_once() and self.idle_seconds:
                    self.stopping.wait(self.idle_seconds)
            except Exception as exc:
                if self.on_error:
                    self.on_error(self.function_name, exc)
                self.stopping.wait(1)

    def stop(self) -> None:
        self.stopping.set()


class SqsPoller(PollingThread):
    """Receives batches from one queue and hands them to one handler until stopped, with up to
    ``concurrency`` batches in flight (this thread and ``concurrency - 1`` helpers, each a consumer)."""

    def __init__(
        self,
        sqs: Any,
        queue_url: str,
        queue_arn: str,
        handler: Callable[..., Any],
        function_name: str,
        region: str,
        batch_size: int = 10,
        on_error: Callable[[str, BaseException], None] | None = None,
        concurrency: int = 1,
    ):
        super().__init__(function_name, "poller", on_error)
        self.sqs, self.queue_url, self.queue_arn = sqs, queue_url, queue_arn
        self.handler, self.region, self.batch_size = handler, region, batch_size
        self.concurrency = max(1, concurrency)
        self.batches = 0
        self._count = threading.Lock()
        self.helpers: list[threading.Thread] = []
        self.in_flight = 0  # batches being handled now (under _count)
        self.busy = threading.Event()  # set while the helpers should receive too

    def poll_once(self, wait_seconds: int = RECEIVE_WAIT_SECONDS) -> int:
        """Receive one batch (waiting at most ``wait_seconds``) and handle it; returns its size."""
        messages = self.receive(wait_seconds)
        if messages:
            self.handle(messages)
        return len(messages)

    def receive(self, wait_seconds: int = RECEIVE_WAIT_SECONDS) -> list[dict[str, Any]]:
        response = self.sqs.receive_message(
            QueueUrl=self.queue_url,
            MaxNumberOfMessages=self.batch_size,
            WaitTimeSeconds=wait_seconds,
            AttributeNames=["All"],
            MessageAttributeNames=["All"],
        )
        return list(response.get("Messages", []))

    def handle(self, messages: list[dict[str, Any]]) -> None:
        """One invocation with the batch; what succeeded is deleted, the rest comes back later."""
        with self._count:
            self.in_flight += 1
            self.busy.set()
        try:
            self._invoke(messages)
        finally:
            with self._count:
                self.in_flight -= 1

    def _invoke(self, messages: list[dict[str, Any]]) -> None:
        event = {"Records": [sqs_record(m, self.queue_arn, self.region) for m in messages]}
        context = LambdaContext(self.function_name, aws_request_id=str(uuid.uuid4()))
        try:
            result = self.handler(event, context) or {}
        except Exception as exc:  # the whole batch failed: leave it for redelivery, as Lambda would
            if self.on_error:
                self.on_error(self.function_name, exc)
            return
        failed = {f["itemIdentifier"] for f in result.get("batchItemFailures", [])}
        done = [m for m in messages if m["MessageId"] not in failed]
        if done:
            self.sqs.delete_message_batch(
                QueueUrl=self.queue_url,
                Entries=[{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(done)],
            )
        with self._count:
            self.batches += 1

    def help(self) -> None:
        """A helper consumer: receives while batches are in flight, sleeps while the queue is idle."""
        while not self.stopping.is_set():
            self.busy.wait()
            if self.stopping.is_set():
                return
            try:
                if self.poll_once():
                    continue
            except Exception as exc:
                if self.on_error:
                    self.on_error(self.function_name, exc)
                self.stopping.wait(1)
            with self._count:
                if not self.in_flight:
                    self.busy.clear()

    def stop(self) -> None:
        super().stop()
        self.busy.set()  # wakes the sleeping helpers, which then see the stop

    def start(self) -> None:
        for n in range(1, self.concurrency):
            helper = threading.Thread(target=self.help, name=f"{self.name}-{n}", daemon=True)
            self.helpers.append(helper)
            helper.start()
        super().start()

    def join(self, timeout: float | None = None) -> None:
        deadline = None if timeout is None else time.monotonic() + timeout
        for helper in self.helpers:
            helper.join(None if deadline is None else max(0.0, deadline - time.monotonic()))
        super().join(None if deadline is None else max(0.0, deadline - time.monotonic()))

    def is_alive(self) -> bool:
        return super().is_alive() or any(helper.is_alive() for helper in self.helpers)
