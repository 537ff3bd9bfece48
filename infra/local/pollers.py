"""Local stand-ins for Lambda event-source mappings: SQS queue → function handler, in-process.

Records are shaped as Lambda delivers them, partial batch failures are honoured (failed messages
stay on the queue, become visible again and end in the DLQ after the redrive count), so the
handlers run exactly as they would on AWS.
"""

from __future__ import annotations

import importlib
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


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
    """Long-polls one queue and hands batches to one handler until stopped."""

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
    ):
        super().__init__(function_name, "poller", on_error)
        self.sqs, self.queue_url, self.queue_arn = sqs, queue_url, queue_arn
        self.handler, self.region, self.batch_size = handler, region, batch_size
        self.batches = 0

    def poll_once(self, wait_seconds: int = 1) -> int:
        response = self.sqs.receive_message(
            QueueUrl=self.queue_url,
            MaxNumberOfMessages=self.batch_size,
            WaitTimeSeconds=wait_seconds,
            AttributeNames=["All"],
            MessageAttributeNames=["All"],
        )
        messages = response.get("Messages", [])
        if not messages:
            return 0
        event = {"Records": [sqs_record(m, self.queue_arn, self.region) for m in messages]}
        context = LambdaContext(self.function_name, aws_request_id=str(uuid.uuid4()))
        try:
            result = self.handler(event, context) or {}
        except Exception as exc:  # the whole batch failed: leave it for redelivery, as Lambda would
            if self.on_error:
                self.on_error(self.function_name, exc)
            return 0
        failed = {f["itemIdentifier"] for f in result.get("batchItemFailures", [])}
        done = [m for m in messages if m["MessageId"] not in failed]
        if done:
            self.sqs.delete_message_batch(
                QueueUrl=self.queue_url,
                Entries=[{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(done)],
            )
        self.batches += 1
        return len(messages)
