"""Local stand-in for a DynamoDB-stream event-source mapping: table stream → function handler.

Reads moto's ``dynamodbstreams`` shards (DescribeStream, GetShardIterator, GetRecords), shapes the
records as Lambda delivers them and calls the handler in-process. Like Lambda's poller it reads on
with the ``NextShardIterator`` each GetRecords returns, and lists the shards again only every
``SHARD_REFRESH_SECONDS``: an idle stream costs one GetRecords per poll, not three calls. Partial
batch failures are honoured the way Lambda honours them for streams: the shard's checkpoint stops
before the lowest failed sequence number and everything from there is delivered again (so handlers
must be idempotent).
After ``max_retries`` failed deliveries of the same record, the batch is skipped and, like the
mapping's on-failure destination, described on a queue when one is given.

Wiring (``infra/local/stack.py``)::

    from infra.local.streams import start_stream_pollers
    self.threads += start_stream_pollers(self.resources, endpoint_url=self.moto_url,
                                         on_error=self._poller_error)
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from infra.local.pollers import LambdaContext, PollingThread, load_handler, module_for
from infra.local.template import load_template, references

# How often a poller lists the stream's shards again (a shard closes and its children open when
# DynamoDB splits it; moto keeps one shard per table).
SHARD_REFRESH_SECONDS = 10.0
# A kept iterator AWS no longer honours (iterators expire after 15 minutes): read again from the
# checkpoint with a new one.
STALE_ITERATOR_CODES = {"ExpiredIteratorException", "TrimmedDataAccessException", "ResourceNotFoundException"}


def streams_client(region: str, endpoint_url: str | None = None) -> Any:
    """A DynamoDB Streams client moto answers: botocore's account-id endpoints (``<account>.streams-ddb``)
    are not routed by moto in-process, so they are switched off (on AWS either form works)."""
    import boto3
    from botocore.config import Config

    return boto3.client(
        "dynamodbstreams",
        region_name=region,
        endpoint_url=endpoint_url,
        config=Config(account_id_endpoint_mode="disabled"),
    )


def lambda_record(record: dict[str, Any], stream_arn: str) -> dict[str, Any]:
    """A GetRecords record as Lambda hands it to a function (epoch seconds, ``eventSourceARN``)."""
    shaped = dict(record)
    dynamodb = dict(record["dynamodb"])
    created = dynamodb.get("ApproximateCreationDateTime")
    if isinstance(created, datetime):
        dynamodb["ApproximateCreationDateTime"] = int(created.timestamp())
    shaped["dynamodb"] = dynamodb
    shaped["eventSourceARN"] = stream_arn
    return shaped


@dataclass
class StreamSource:
    function: str  # logical id
    table: str  # logical id
    module: str
    attr: str
    batch_size: int
    on_failure_queue: str | None  # logical id of the on-failure destination queue


def stream_event_sources(template: dict[str, Any]) -> list[StreamSource]:
    """Every ``Type: DynamoDB`` event of the template's functions."""
    sources = []
    for logical_id, resource in template["Resources"].items():
        if resource["Type"] != "AWS::Serverless::Function":
            continue
        for event in (resource["Properties"].get("Events") or {}).values():
            if event["Type"] != "DynamoDB":
                continue
            props = event["Properties"]
            (table,) = references(props["Stream"])
            destination = props.get("DestinationConfig", {}).get("OnFailure", {}).get("Destination")
            failure = sorted(references(destination))[0] if destination else None
            module, attr = module_for(resource)
            sources.append(
                StreamSource(logical_id, table, module, attr, int(props.get("BatchSize", 100)), failure)
            )
    return sources


class StreamPoller(PollingThread):
    """Polls every shard of one stream from its start (TRIM_HORIZON) and feeds one handler."""

    def __init__(
        self,
        client: Any,
        stream_arn: str,
        handler: Callable[..., Any],
        function_name: str,
        *,
        batch_size: int = 100,
        max_retries: int = 5,
        interval: float = 0.5,
        sqs: Any = None,
        failure_queue_url: str | None = None,
        on_error: Callable[[str, BaseException], None] | None = None,
    ) -> None:
        super().__init__(function_name, "stream", on_error)
        self.client, self.stream_arn, self.handler = client, stream_arn, handler
        self.batch_size, self.max_retries = batch_size, max_retries
        self.idle_seconds, self.sqs, self.failure_queue_url = interval, sqs, failure_queue_url
        self.checkpoints: dict[str, str | None] = {}  # shard → last sequence number handled
        self.attempts: dict[tuple[str, str], int] = {}
        self.delivered = 0
        # shard → (the sequence number it reads on after, the NextShardIterator that does): used only
        # while the checkpoint is still that number, so a batch to deliver again (or a checkpoint
        # moved by hand) is read with a new iterator from the checkpoint.
        self.iterators: dict[str, tuple[str | None, str]] = {}
        self._shard_ids: list[str] = []
        self._shards_listed = -SHARD_REFRESH_SECONDS  # monotonic time of the last DescribeStream

    def _shards(self) -> list[str]:
        if time.monotonic() - self._shards_listed < SHARD_REFRESH_SECONDS:
            return self._shard_ids
        shards, start = [], None
        while True:
            kwargs = {"StreamArn": self.stream_arn, **({"ExclusiveStartShardId": start} if start else {})}
            description = self.client.describe_stream(**kwargs)["StreamDescription"]
            shards += [shard["ShardId"] for shard in description.get("Shards", [])]
            start = description.get("LastEvaluatedShardId")
            if not start:
                break
        self._shard_ids, self._shards_listed = shards, time.monotonic()
        return shards

    def _read(self, shard: str) -> list[dict[str, Any]]:
        from botocore.exceptions import ClientError

        after = self.checkpoints.get(shard)
        kept = self.iterators.pop(shard, None)
        response = None
        if kept is not None and kept[0] == after:
            try:
                response = self.client.get_records(ShardIterator=kept[1], Limit=self.batch_size)
            except ClientError as error:
                if error.response.get("Error", {}).get("Code") not in STALE_ITERATOR_CODES:
                    raise
        if response is None:
            position: dict[str, Any] = (
                {"ShardIteratorType": "AFTER_SEQUENCE_NUMBER", "SequenceNumber": after}
                if after
                else {"ShardIteratorType": "TRIM_HORIZON"}
            )
            iterator = self.client.get_shard_iterator(StreamArn=self.stream_arn, ShardId=shard, **position)
            response = self.client.get_records(ShardIterator=iterator["ShardIterator"], Limit=self.batch_size)
        records = list(response.get("Records", []))
        if following := response.get("NextShardIterator"):  # none once a shard is closed and read
            self.iterators[shard] = (
                records[-1]["dynamodb"]["SequenceNumber"] if records else after,
                following,
            )
        else:
            self._shards_listed = -SHARD_REFRESH_SECONDS  # list the shards again: its children
        return records

    def poll_once(self) -> int:
        """Deliver at most one batch per shard; returns how many records were handed over."""
        handed = 0
        for shard in self._shards():
            records = self._read(shard)
            if records:
                handed += len(records)
                self._deliver(shard, records)
        self.delivered += handed
        return handed

    def _deliver(self, shard: str, records: list[dict[str, Any]]) -> None:
        event = {"Records": [lambda_record(r, self.stream_arn) for r in records]}
        context = LambdaContext(self.function_name, aws_request_id=str(uuid.uuid4()))
        sequences = [r["dynamodb"]["SequenceNumber"] for r in records]
        try:
            result = self.handler(event, context) or {}
            failed = {f["itemIdentifier"] for f in result.get("batchItemFailures", [])}
        except Exception as exc:  # the whole batch failed: retry it all, as Lambda would
            if self.on_error:
                self.on_error(self.function_name, exc)
            failed = {sequences[0]}
        if not failed:
            self.checkpoints[shard] = sequences[-1]
            return
        first = min(sequences.index(s) for s in failed if s in sequences) if failed & set(sequences) else 0
        key = (shard, sequences[first])
        self.attempts[key] = self.attempts.get(key, 0) + 1
        if self.attempts[key] <= self.max_retries:
            # Checkpoint before the first failure: it and everything after it come again.
            self.checkpoints[shard] = sequences[first - 1] if first else self.checkpoints.get(shard)
            return
        self._give_up(shard, sequences[first:])
        self.checkpoints[shard] = sequences[-1]

    def _give_up(self, shard: str, sequences: list[str]) -> None:
        if self.on_error:
            self.on_error(
                self.function_name, RuntimeError(f"stream records {sequences} dropped after retries")
            )
        if self.sqs is not None and self.failure_queue_url:
            info = {
                "shardId": shard,
                "startSequenceNumber": sequences[0],
                "endSequenceNumber": sequences[-1],
                "batchSize": len(sequences),
                "streamArn": self.stream_arn,
            }
            body = {"requestContext": {"condition": "RetryAttemptsExhausted"}, "DDBStreamBatchInfo": info}
            self.sqs.send_message(QueueUrl=self.failure_queue_url, MessageBody=json.dumps(body))

    def drain(self, max_batches: int = 100) -> int:
        """Deliver until the stream has nothing new (tests); returns the records handed over."""
        total = 0
        for _ in range(max_batches):
            count = self.poll_once()
            if not count:
                break
            total += count
        return total


def stream_pollers(
    resources: Any,
    *,
    endpoint_url: str | None = None,
    region: str | None = None,
    on_error: Callable[[str, BaseException], None] | None = None,
) -> list[StreamPoller]:
    """One poller per stream event source of template.yaml (not started)."""
    import boto3

    region = region or resources.env.get("AWS_REGION", "us-east-1")
    client = streams_client(region, endpoint_url)
    sqs = boto3.client("sqs", region_name=region, endpoint_url=endpoint_url)
    pollers = []
    for source in stream_event_sources(resources.template or load_template()):
        stream_arn = resources.intrinsics.attributes[(source.table, "StreamArn")]
        queue = source.on_failure_queue
        pollers.append(
            StreamPoller(
                client,
                stream_arn,
                load_handler(source.module, source.attr),
                source.function,
                batch_size=source.batch_size,
                sqs=sqs,
                failure_queue_url=resources.physical.get(queue) if queue else None,
                on_error=on_error,
            )
        )
    return pollers


def start_stream_pollers(
    resources: Any,
    *,
    endpoint_url: str | None = None,
    on_error: Callable[[str, BaseException], None] | None = None,
) -> list[StreamPoller]:
    """Start the stream pollers of the local stack (daemon threads; ``stop()`` each to end)."""
    pollers = stream_pollers(resources, endpoint_url=endpoint_url, on_error=on_error)
    for poller in pollers:
        poller.start()
    return pollers
