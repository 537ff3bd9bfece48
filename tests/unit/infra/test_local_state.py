"""What `make run` keeps between runs (infra/local/state.py): the state file that says a stack is
running, and the save/restore of tables and buckets against moto in-process."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import boto3
import pytest
from moto import mock_aws

from infra.local import state
from infra.local.streams import streams_client

REGION = "us-east-1"
TEMPLATE: dict[str, Any] = {
    "Resources": {
        "TicketsTable": {"Type": "AWS::DynamoDB::Table"},
        "MailBucket": {"Type": "AWS::S3::Bucket"},
        "Queue": {"Type": "AWS::SQS::Queue"},
    }
}
PHYSICAL = {"TicketsTable": "desk-tickets", "MailBucket": "desk-mail", "Queue": "desk-intake"}


# ---------------------------------------------------------------------------- the state file


def test_the_state_file_says_which_stack_runs_and_goes_at_stop(tmp_path: Path) -> None:
    path = tmp_path / "stack.json"
    with pytest.raises(state.NoRunningStack, match="no local stack is running"):
        state.read_running(path)
    state.write_running(path, {"moto_url": "http://127.0.0.1:5050"})
    assert state.read_running(path)["moto_url"] == "http://127.0.0.1:5050"
    state.remove_running(path)
    assert not path.exists()


def test_a_state_file_left_by_a_dead_stack_is_not_taken_for_a_running_one(tmp_path: Path) -> None:
    gone = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    path = tmp_path / "stack.json"
    path.write_text(json.dumps({"pid": int(gone.stdout), "moto_url": "http://127.0.0.1:5050"}))
    with pytest.raises(state.NoRunningStack, match="not running any more"):
        state.read_running(path)
    state.remove_running(path)  # not this process's file: left alone
    assert path.exists()


# ---------------------------------------------------------------------------- save and restore


def make_resources() -> dict[str, Any]:
    """The table (with its stream) and the bucket (notifying a queue of inbound/) in moto."""
    dynamodb = boto3.client("dynamodb", region_name=REGION)
    dynamodb.create_table(
        TableName=PHYSICAL["TicketsTable"],
        KeySchema=[{"AttributeName": "PK", "KeyType": "HASH"}, {"AttributeName": "SK", "KeyType": "RANGE"}],
        AttributeDefinitions=[
            {"AttributeName": "PK", "AttributeType": "S"},
            {"AttributeName": "SK", "AttributeType": "S"},
        ],
        BillingMode="PAY_PER_REQUEST",
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
    )
    sqs = boto3.client("sqs", region_name=REGION)
    queue_url = sqs.create_queue(QueueName=PHYSICAL["Queue"])["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    s3 = boto3.client("s3", region_name=REGION)
    s3.create_bucket(Bucket=PHYSICAL["MailBucket"])
    notification = {
        "QueueConfigurations": [
            {
                "QueueArn": queue_arn,
                "Events": ["s3:ObjectCreated:*"],
                "Filter": {"Key": {"FilterRules": [{"Name": "prefix", "Value": "inbound/"}]}},
            }
        ]
    }
    s3.put_bucket_notification_configuration(
        Bucket=PHYSICAL["MailBucket"], NotificationConfiguration=notification
    )
    sqs.purge_queue(QueueUrl=queue_url)  # S3's test event
    return {"dynamodb": dynamodb, "s3": s3, "sqs": sqs, "queue_url": queue_url}


def table_items(dynamodb: Any) -> list[dict[str, Any]]:
    items = dynamodb.scan(TableName=PHYSICAL["TicketsTable"])["Items"]
    return sorted(items, key=lambda i: (i["PK"]["S"], i["SK"]["S"]))


def stream_records(dynamodb: Any) -> list[dict[str, Any]]:
    streams = streams_client(REGION)
    arn = dynamodb.describe_table(TableName=PHYSICAL["TicketsTable"])["Table"]["LatestStreamArn"]
    records = []
    for shard in streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"]:
        iterator = streams.get_shard_iterator(
            StreamArn=arn, ShardId=shard["ShardId"], ShardIteratorType="TRIM_HORIZON"
        )
        records += streams.get_records(ShardIterator=iterator["ShardIterator"])["Records"]
    return records


def intake_messages(aws: dict[str, Any]) -> list[dict[str, Any]]:
    got = aws["sqs"].receive_message(QueueUrl=aws["queue_url"], MaxNumberOfMessages=10, WaitTimeSeconds=0)
    return [json.loads(m["Body"]) for m in got.get("Messages", [])]


TICKET = {
    "PK": {"S": "TICKET#C-1"},
    "SK": {"S": "TICKET"},
    "ticket_id": {"S": "C-1"},
    "status": {"S": "open"},
    "execution_arn": {"S": "arn:aws:states:us-east-1:123456789012:execution:desk-late-v1:C-1"},
    "escalation_level": {"N": "2"},
    "fields": {"S": json.dumps({"carrier": "aras"})},
    "tags": {"SS": ["late", "parcel"]},
    "signature": {"B": b"\x00\xffraw"},
    "history": {"L": [{"M": {"at": {"S": "2026-11-27T10:00:00Z"}, "blob": {"B": b"\x01"}}}]},
}
CLOSED = {**TICKET, "PK": {"S": "TICKET#C-2"}, "ticket_id": {"S": "C-2"}, "status": {"S": "closed"}}
NO_PLAN = {
    "PK": {"S": "TICKET#C-3"},
    "SK": {"S": "TICKET"},
    "ticket_id": {"S": "C-3"},
    "status": {"S": "open"},
}
VERSION = {
    "PK": {"S": "CATEGORY#late-delivery"},
    "SK": {"S": "VERSION#000002"},
    "category_id": {"S": "late-delivery"},
    "version": {"N": "2"},
    "definition": {"S": json.dumps({"id": "late-delivery", "steps": []})},
    "state_machine_arn": {"S": "arn:aws:states:us-east-1:123456789012:stateMachine:desk-late-delivery-v2"},
}


@pytest.fixture(scope="module")
def saved(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, list[dict[str, Any]]]]:
    """A stack's tables and bucket saved by one moto (read only by the tests: each restores into
    a fresh moto)."""
    folder = tmp_path_factory.mktemp("saved") / "data"
    with mock_aws():
        aws = make_resources()
        for item in (TICKET, CLOSED, NO_PLAN, VERSION):
            aws["dynamodb"].put_item(TableName=PHYSICAL["TicketsTable"], Item=item)
        aws["s3"].put_object(
            Bucket=PHYSICAL["MailBucket"],
            Key="inbound/abc",
            Body=b"From: a@example.com\r\n\r\nhello",
            Metadata={"envelope-from": "a@example.com"},
        )
        aws["s3"].put_object(
            Bucket=PHYSICAL["MailBucket"],
            Key="attachments/C-1/photo.jpg",
            Body=b"\xff\xd8jpeg",
            ContentType="image/jpeg",
        )
        before = table_items(aws["dynamodb"])
        # moto's items read in-process are what a Scan gives (binary values, sets, nested maps)
        direct = state._table_items(aws["dynamodb"], PHYSICAL["TicketsTable"])
        assert sorted(direct, key=lambda i: (i["PK"]["S"], i["SK"]["S"])) == before
        counts = state.save(
            folder, template=TEMPLATE, physical=PHYSICAL, dynamodb=aws["dynamodb"], s3=aws["s3"]
        )
        assert counts == {"TicketsTable": 4, "MailBucket": 2}
    yield folder, before


def test_a_restore_gives_back_every_item_and_object_without_replaying_them(
    saved: tuple[Path, list[dict[str, Any]]],
) -> None:
    folder, before = saved
    loaded = state.Saved.load(folder)
    assert loaded is not None and loaded.manifest["TicketsTable"] == 4
    with mock_aws():
        aws = make_resources()
        counts = state.restore(
            loaded, template=TEMPLATE, physical=PHYSICAL, dynamodb=aws["dynamodb"], s3=aws["s3"]
        )
        assert counts == {"TicketsTable": 4, "MailBucket": 2}
        # Every item as it was, binary values and sets included
        assert table_items(aws["dynamodb"]) == before
        # Every object with its body, metadata and type
        mail = aws["s3"].get_object(Bucket=PHYSICAL["MailBucket"], Key="inbound/abc")
        assert mail["Body"].read() == b"From: a@example.com\r\n\r\nhello"
        assert mail["Metadata"] == {"envelope-from": "a@example.com"}
        photo = aws["s3"].get_object(Bucket=PHYSICAL["MailBucket"], Key="attachments/C-1/photo.jpg")
        assert photo["ContentType"] == "image/jpeg" and photo["Body"].read() == b"\xff\xd8jpeg"
        # Not seen again by the stream functions, nor by the intake (only S3's test event came)
        assert stream_records(aws["dynamodb"]) == []
        assert [m.get("Event") for m in intake_messages(aws)] == ["s3:TestEvent"]
        # And both work as before afterwards: a new write is on the stream, new mail is notified
        aws["dynamodb"].put_item(
            TableName=PHYSICAL["TicketsTable"], Item={**NO_PLAN, "PK": {"S": "TICKET#C-4"}}
        )
        assert [r["eventName"] for r in stream_records(aws["dynamodb"])] == ["INSERT"]
        aws["s3"].put_object(Bucket=PHYSICAL["MailBucket"], Key="inbound/new", Body=b"x")
        (notified,) = intake_messages(aws)
        assert unquote(notified["Records"][0]["s3"]["object"]["key"]) == "inbound/new"  # S3 quotes keys


def test_the_saved_category_versions_and_the_plans_that_were_running(
    saved: tuple[Path, list[dict[str, Any]]],
) -> None:
    loaded = state.Saved.load(saved[0])
    assert loaded is not None
    assert state.category_versions(loaded, "TicketsTable") == [
        ("late-delivery", 2, {"id": "late-delivery", "steps": []}, VERSION["state_machine_arn"]["S"])
    ]
    assert state.plans_not_resumed(loaded, "TicketsTable") == ["C-1"]  # open with an execution


def test_clean_discards_what_was_saved_and_a_missing_save_restores_nothing(
    saved: tuple[Path, list[dict[str, Any]]], tmp_path: Path
) -> None:
    folder = tmp_path / "data"
    shutil.copytree(saved[0], folder)
    assert state.Saved.load(folder) is not None
    assert state.discard(folder) is True
    assert state.Saved.load(folder) is None
    assert state.discard(folder) is False


def test_a_resource_the_stack_did_not_create_is_neither_saved_nor_restored(tmp_path: Path) -> None:
    # A bucket of the template the local stack does not make (e.g. the console's site bucket)
    template = {"Resources": {**TEMPLATE["Resources"], "SiteBucket": {"Type": "AWS::S3::Bucket"}}}
    with mock_aws():
        aws = make_resources()
        aws["dynamodb"].put_item(TableName=PHYSICAL["TicketsTable"], Item=NO_PLAN)
        counts = state.save(
            tmp_path / "data", template=template, physical=PHYSICAL, dynamodb=aws["dynamodb"], s3=aws["s3"]
        )
    assert counts == {"TicketsTable": 1, "MailBucket": 0}
    loaded = state.Saved.load(tmp_path / "data")
    assert loaded is not None
    with mock_aws():
        aws = make_resources()
        restored = state.restore(
            loaded, template=template, physical=PHYSICAL, dynamodb=aws["dynamodb"], s3=aws["s3"]
        )
        assert restored == counts
        assert table_items(aws["dynamodb"]) == [NO_PLAN]
