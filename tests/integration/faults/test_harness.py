"""The fault harness itself (tests/support/faults.py), against moto in-process without the stack."""

from __future__ import annotations

from collections.abc import Iterator

import boto3
import pytest
from botocore.exceptions import ClientError
from moto.ses.models import ses_backends

from tests.support.faults import EVERY, Tally, inject_faults

REGION, BUCKET = "us-east-1", "fault-harness"


@pytest.fixture
def aws() -> Iterator[None]:
    from moto import mock_aws

    with mock_aws():
        s3 = boto3.client("s3", region_name=REGION)
        s3.create_bucket(Bucket=BUCKET)
        s3.put_object(Bucket=BUCKET, Key="k", Body=b"hello")
        boto3.client("dynamodb", region_name=REGION).create_table(
            TableName="t",
            KeySchema=[{"AttributeName": "PK", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "PK", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
        boto3.client("ses", region_name=REGION).verify_email_identity(EmailAddress="desk@example.com")
        yield


def send(ses) -> None:
    raw = b"From: desk@example.com\r\nTo: a@example.com\r\nSubject: s\r\n\r\nbody\r\n"
    ses.send_raw_email(Source="desk@example.com", Destinations=["a@example.com"], RawMessage={"Data": raw})


def test_a_transient_fault_is_retried_by_botocore_in_every_protocol(aws) -> None:
    with inject_faults() as faults:
        s3, ses = boto3.client("s3", region_name=REGION), boto3.client("ses", region_name=REGION)
        ddb, sqs = boto3.client("dynamodb", region_name=REGION), boto3.client("sqs", region_name=REGION)
        faults.transient("s3", "GetObject")  # rest-xml: SlowDown 503
        faults.transient("ses", "SendRawEmail")  # query: Throttling
        faults.transient("dynamodb", "PutItem", attempts=range(1, 3))  # json: two throttles in a row
        faults.transient("sqs", "CreateQueue")  # json (query compatible)
        assert s3.get_object(Bucket=BUCKET, Key="k")["Body"].read() == b"hello"
        send(ses)
        # conditional: it would fail if a throttled attempt had been carried out after all
        ddb.put_item(TableName="t", Item={"PK": {"S": "1"}}, ConditionExpression="attribute_not_exists(PK)")
        sqs.create_queue(QueueName="q")
    assert faults.tally("s3", "GetObject") == faults.tally("ses", "SendRawEmail")
    assert faults.tally("s3", "GetObject") == Tally(calls=1, attempts=2, injected=1, errors=0)
    assert faults.tally("dynamodb", "PutItem") == Tally(calls=1, attempts=3, injected=2, errors=0)
    assert faults.tally("sqs", "CreateQueue").retries == 1
    assert len(faults.slept) == 5  # botocore backed off before each retry (recorded, not slept)
    assert len(ses_backends["123456789012"][REGION].sent_messages) == 1  # the throttled send never went


def test_failing_every_attempt_makes_botocore_give_up(aws) -> None:
    with inject_faults() as faults:
        s3 = boto3.client("s3", region_name=REGION)
        faults.transient("s3", "GetObject", attempts=EVERY)
        with pytest.raises(ClientError) as raised:
            s3.get_object(Bucket=BUCKET, Key="k")
        assert raised.value.response["Error"]["Code"] == "SlowDown"
        assert s3.get_object(Bucket=BUCKET, Key="k")["Body"].read() == b"hello"  # only the first call
    # botocore's standard retry mode (the default): 3 attempts in all, then the caller sees the error
    assert faults.tally("s3", "GetObject") == Tally(calls=2, attempts=4, injected=3, errors=1)


def test_a_hard_fault_raises_at_once_with_the_modelled_exception(aws) -> None:
    with inject_faults() as faults:
        s3 = boto3.client("s3", region_name=REGION)
        faults.hard("s3", "GetObject", code="NoSuchKey", status=404)
        faults.hard("s3", "PutObject")
        with pytest.raises(s3.exceptions.NoSuchKey):
            s3.get_object(Bucket=BUCKET, Key="k")
        with pytest.raises(ClientError) as raised:
            s3.put_object(Bucket=BUCKET, Key="k2", Body=b"x")
        assert raised.value.response["Error"]["Code"] == "InternalFailure"
    assert faults.tally("s3", "GetObject") == Tally(calls=1, attempts=0, injected=1, errors=1)
    assert "k2" not in [o["Key"] for o in boto3.client("s3").list_objects_v2(Bucket=BUCKET)["Contents"]]


def test_calls_are_counted_from_the_rule_and_narrowed_by_where(aws) -> None:
    with inject_faults() as faults:
        ddb = boto3.client("dynamodb", region_name=REGION)
        ddb.put_item(TableName="t", Item={"PK": {"S": "before"}})  # not counted by the rule below
        fault = faults.hard(
            "dynamodb", "PutItem", calls=range(2, 4), where=lambda p: p["Item"]["PK"]["S"] != "x"
        )
        outcomes = []
        for key in ["a", "x", "b", "c", "d"]:
            try:
                ddb.put_item(TableName="t", Item={"PK": {"S": key}})
                outcomes.append(key)
            except ClientError:
                outcomes.append(f"{key}!")
    assert outcomes == ["a", "x", "b!", "c!", "d"]
    assert (fault.seen, fault.fired) == (4, 2)
    assert faults.calls("dynamodb") == {"PutItem": 6}


def test_pynamodb_calls_are_hooked_through_its_own_botocore_session(aws) -> None:
    from pynamodb.attributes import UnicodeAttribute
    from pynamodb.exceptions import PutError
    from pynamodb.models import Model

    class Item(Model):
        class Meta:
            table_name = "t"
            region = REGION

        PK = UnicodeAttribute(hash_key=True)

    with inject_faults() as faults:
        faults.transient("dynamodb", "PutItem")  # standard retry mode (PynamoDB's): retried
        Item("1").save()
        faults.hard("dynamodb", "PutItem")
        with pytest.raises(PutError):
            Item("2").save()
    assert Item.get("1").PK == "1" and Item.count("2") == 0
    assert faults.tally("dynamodb", "PutItem") == Tally(calls=2, attempts=2, injected=2, errors=1)


def test_only_clients_created_inside_are_hooked_unless_attached(aws) -> None:
    early = boto3.client("s3", region_name=REGION)
    with inject_faults() as faults:
        faults.hard("s3", "GetObject", calls=EVERY)
        early.get_object(Bucket=BUCKET, Key="k")  # created before: not seen
        faults.attach(early)
        with pytest.raises(ClientError):
            early.get_object(Bucket=BUCKET, Key="k")
    late = boto3.client("s3", region_name=REGION)
    assert late.get_object(Bucket=BUCKET, Key="k")["Body"].read() == b"hello"  # stopped: plain again
