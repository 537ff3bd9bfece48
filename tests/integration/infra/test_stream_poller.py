"""The local stream poller reads on with each GetRecords' NextShardIterator, as Lambda's does (an idle
stream costs one call per poll), and still delivers every record once, in order: after a partial
failure it reads again from the checkpoint, and an iterator AWS no longer honours is replaced."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws

from infra.local.streams import StreamPoller, streams_client
from tests.support.faults import FaultInjector, inject_faults

REGION = "us-east-1"


@pytest.fixture
def table() -> Iterator[tuple[Any, str]]:
    """(a DynamoDB client, the stream ARN of a fresh table with a stream)."""
    with mock_aws():
        dynamodb = boto3.client("dynamodb", region_name=REGION)
        description = dynamodb.create_table(
            TableName="tickets",
            KeySchema=[{"AttributeName": "PK", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "PK", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
            StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
        )["TableDescription"]
        yield dynamodb, description["LatestStreamArn"]


def put(dynamodb: Any, *numbers: int) -> None:
    for number in numbers:
        dynamodb.put_item(TableName="tickets", Item={"PK": {"S": f"TICKET#{number}"}})


def keys(records: list[dict[str, Any]]) -> list[str]:
    return [r["dynamodb"]["Keys"]["PK"]["S"] for r in records]


class Handler:
    """Records every record it is handed; fails the records named in ``fail_once`` the first time."""

    def __init__(self, fail_once: set[str] = frozenset()) -> None:  # type: ignore[assignment]
        self.fail_once, self.handled, self.deliveries = set(fail_once), [], 0

    def __call__(self, event: dict[str, Any], _: Any) -> dict[str, Any]:
        self.deliveries += 1
        for record in event["Records"]:
            key = keys([record])[0]
            if key in self.fail_once:
                self.fail_once.discard(key)
                return {"batchItemFailures": [{"itemIdentifier": record["dynamodb"]["SequenceNumber"]}]}
            self.handled.append(key)
        return {"batchItemFailures": []}


def poller(stream_arn: str, handler: Handler, faults: FaultInjector, batch_size: int = 100) -> StreamPoller:
    """A poller whose client ``faults`` sees (made while the injector is active)."""
    assert faults is not None
    return StreamPoller(streams_client(REGION), stream_arn, handler, "Publish", batch_size=batch_size)


@pytest.fixture
def watched(table: tuple[Any, str]) -> Iterator[tuple[Any, Handler, FaultInjector, StreamPoller]]:
    """(the DynamoDB client, a handler that fails nothing, the injector counting the stream calls,
    a poller of the table's stream feeding that handler)."""
    dynamodb, stream_arn = table
    handler = Handler()
    with inject_faults() as faults:
        yield dynamodb, handler, faults, poller(stream_arn, handler, faults)


def test_an_idle_stream_costs_one_get_records_per_poll(watched: Any) -> None:
    dynamodb, handler, faults, stream = watched
    put(dynamodb, 1, 2, 3)
    assert stream.drain() == 3
    first = faults.calls("dynamodbstreams")
    assert first == {"DescribeStream": 1, "GetShardIterator": 1, "GetRecords": 2}
    for _ in range(5):
        assert stream.poll_once() == 0
    put(dynamodb, 4, 5)
    assert stream.poll_once() == 2
    assert faults.calls("dynamodbstreams") == {**first, "GetRecords": first["GetRecords"] + 6}
    assert handler.handled == ["TICKET#1", "TICKET#2", "TICKET#3", "TICKET#4", "TICKET#5"]


def test_a_partial_failure_is_read_again_from_the_checkpoint(table: tuple[Any, str]) -> None:
    dynamodb, stream_arn = table
    handler = Handler(fail_once={"TICKET#3"})
    with inject_faults() as faults:
        stream = poller(stream_arn, handler, faults, batch_size=4)
        put(dynamodb, 1, 2, 3, 4, 5, 6)
        stream.drain()
        # The failed batch's rest came again through a new iterator, after the last record handled.
        assert faults.calls("dynamodbstreams")["GetShardIterator"] == 2
    assert handler.handled == [f"TICKET#{n}" for n in range(1, 7)]


def test_an_expired_iterator_is_replaced_and_nothing_is_lost_or_repeated(watched: Any) -> None:
    dynamodb, handler, faults, stream = watched
    put(dynamodb, 1, 2)
    stream.drain()
    # AWS expires an iterator after 15 minutes: the next read with the kept one is refused.
    faults.hard("dynamodbstreams", "GetRecords", code="ExpiredIteratorException", status=400)
    put(dynamodb, 3)
    assert stream.poll_once() == 1
    assert faults.calls("dynamodbstreams")["GetShardIterator"] == 2
    assert handler.handled == ["TICKET#1", "TICKET#2", "TICKET#3"]


def test_another_error_is_raised_and_the_next_poll_delivers(watched: Any) -> None:
    dynamodb, handler, faults, stream = watched
    stream.drain()
    faults.hard("dynamodbstreams", "GetRecords", code="InternalServerError", status=500)
    put(dynamodb, 1)
    with pytest.raises(Exception, match="InternalServerError"):
        stream.poll_once()
    assert stream.poll_once() == 1
    assert handler.handled == ["TICKET#1"]


def test_a_checkpoint_moved_back_is_read_from_there(watched: Any) -> None:
    dynamodb, handler, _, stream = watched
    put(dynamodb, 1, 2)
    stream.drain()
    stream.checkpoints.clear()  # as a replay from the start would
    stream.drain()
    assert handler.handled == ["TICKET#1", "TICKET#2", "TICKET#1", "TICKET#2"]
