"""moto's own process (infra/local/moto_process.py): the ``/_local/`` requests the stack's save and
restore make of it (infra/local/state.py), over real HTTP, against moto's real table objects."""

from __future__ import annotations

import threading
import urllib.error
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import boto3
import pytest
from moto import mock_aws

from infra.local import state
from infra.local.moto_process import ControlApp
from infra.local.streams import streams_client

REGION = "us-east-1"
TABLE = "desk-tickets"
ITEM = {
    "PK": {"S": "TICKET#C-1"},
    "SK": {"S": "TICKET"},
    "escalation_level": {"N": "2"},
    "tags": {"SS": ["late", "parcel"]},
    "signature": {"B": b"\x00\xffraw"},
    "history": {"L": [{"M": {"at": {"S": "2026-11-27T10:00:00Z"}, "blob": {"B": b"\x01"}}}]},
}


@pytest.fixture
def served() -> Iterator[tuple[Any, Any]]:
    """(a DynamoDB client of moto in-process, the moto process's stand-in for ``state._control``:
    an object whose endpoint is a real HTTP server with ControlApp in front of moto's app)."""
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
    from werkzeug.serving import make_server

    with mock_aws():
        dynamodb = boto3.client("dynamodb", region_name=REGION)
        dynamodb.create_table(
            TableName=TABLE,
            KeySchema=[
                {"AttributeName": "PK", "KeyType": "HASH"},
                {"AttributeName": "SK", "KeyType": "RANGE"},
            ],
            AttributeDefinitions=[
                {"AttributeName": "PK", "AttributeType": "S"},
                {"AttributeName": "SK", "AttributeType": "S"},
            ],
            BillingMode="PAY_PER_REQUEST",
            StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
        )
        server = make_server("127.0.0.1", 0, ControlApp(DomainDispatcherApplication(create_backend_app)))
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield (
                dynamodb,
                SimpleNamespace(meta=SimpleNamespace(endpoint_url=f"http://127.0.0.1:{server.port}")),
            )
        finally:
            server.shutdown()
            thread.join()


def stream_records(dynamodb: Any) -> int:
    streams = streams_client(REGION)
    arn = dynamodb.describe_table(TableName=TABLE)["Table"]["LatestStreamArn"]
    count = 0
    for shard in streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]:
        iterator = streams.get_shard_iterator(
            StreamArn=arn, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
        )
        count += len(streams.get_records(ShardIterator=iterator["ShardIterator"])["Records"])
    return count


def test_the_items_it_hands_over_are_what_a_scan_gives(served: tuple[Any, Any]) -> None:
    dynamodb, remote = served
    dynamodb.put_item(TableName=TABLE, Item=ITEM)
    dynamodb.put_item(TableName=TABLE, Item={"PK": {"S": "TICKET#C-2"}, "SK": {"S": "TICKET"}})
    held = state._control(remote, "GET", "dynamodb/items", **state._table_address(dynamodb, TABLE))
    items = [{k: state._wire_to_client(v) for k, v in item.items()} for item in held]

    def key(item: dict[str, Any]) -> str:
        return str(item["PK"]["S"])

    assert sorted(items, key=key) == sorted(dynamodb.scan(TableName=TABLE)["Items"], key=key)
    assert {"B": b"\x00\xffraw"} in [item.get("signature") for item in items]  # binary survives JSON


def test_a_paused_stream_records_no_writes_until_it_is_put_back(served: tuple[Any, Any]) -> None:
    dynamodb, remote = served
    address = state._table_address(dynamodb, TABLE)
    dynamodb.put_item(TableName=TABLE, Item=ITEM)
    assert stream_records(dynamodb) == 1
    assert state._control(remote, "POST", "dynamodb/stream", paused="1", **address) == {"paused": True}
    dynamodb.put_item(TableName=TABLE, Item={"PK": {"S": "TICKET#C-2"}, "SK": {"S": "TICKET"}})
    assert state._control(remote, "POST", "dynamodb/stream", paused="0", **address) == {"paused": False}
    assert stream_records(dynamodb) == 1  # the write while paused left no record
    dynamodb.put_item(TableName=TABLE, Item={"PK": {"S": "TICKET#C-3"}, "SK": {"S": "TICKET"}})
    assert stream_records(dynamodb) == 2  # and the stream is the same one, going on


def test_an_unknown_request_or_table_is_refused(served: tuple[Any, Any]) -> None:
    dynamodb, remote = served
    with pytest.raises(urllib.error.HTTPError) as unknown:
        state._control(remote, "GET", "dynamodb/everything")
    assert unknown.value.code == 404
    with pytest.raises(urllib.error.HTTPError) as missing:
        address = {**state._table_address(dynamodb, TABLE), "table": "no-such-table"}
        state._control(remote, "GET", "dynamodb/items", **address)
    assert missing.value.code == 500


class CountingKeeper:
    """Stands in for the process's OldObjectsKept (whose settle is tested in test_interpreter):
    a full collection here would freeze the test worker's whole heap."""

    def __init__(self) -> None:
        self.full_collections = 0

    def settle(self) -> None:
        self.full_collections += 1


def test_settle_asks_the_process_s_heap_keeper_for_a_full_collection() -> None:
    from werkzeug.serving import make_server

    keeper = CountingKeeper()
    server = make_server("127.0.0.1", 0, ControlApp(lambda environ, start_response: [], keeper))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        moto_url = f"http://127.0.0.1:{server.port}"
        assert state.control(moto_url, "POST", "settle") == {"full_collections": 1}
        assert state.control(moto_url, "POST", "settle") == {"full_collections": 2}
        with pytest.raises(urllib.error.HTTPError) as read:  # a GET changes nothing
            state.control(moto_url, "GET", "settle")
        assert read.value.code == 404 and keeper.full_collections == 2
    finally:
        server.shutdown()
        thread.join()
