"""The local stack's moto patches (infra/local/moto_patches.py): pinned to the moto they were written
for, transactions that roll back only their own items, and moto safe under concurrent threads."""

from __future__ import annotations

import json
import pickle
import threading
import time
from collections import Counter
from typing import Any

import boto3
import pytest

from infra.local import moto_patches

REGION = "us-east-1"


def test_the_patched_moto_is_the_pinned_one():
    # Fails when moto is upgraded or a function the patches wrap changes its source: re-read the
    # patches against the new moto, then update MOTO_VERSION and PINNED.
    assert moto_patches.check_pins() == []


@pytest.fixture
def aws(patched_moto: None) -> None:
    """moto with the patches applied."""


def _table(name: str = "t") -> Any:
    client = boto3.client("dynamodb", region_name=REGION)
    client.create_table(
        TableName=name,
        KeySchema=[{"AttributeName": "PK", "KeyType": "HASH"}, {"AttributeName": "SK", "KeyType": "RANGE"}],
        AttributeDefinitions=[
            {"AttributeName": "PK", "AttributeType": "S"},
            {"AttributeName": "SK", "AttributeType": "S"},
        ],
        BillingMode="PAY_PER_REQUEST",
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
    )
    return client


def _item(pk: str, value: str = "v") -> dict[str, Any]:
    return {"PK": {"S": pk}, "SK": {"S": "A"}, "value": {"S": value}}


def _stream_events(table: str) -> list[str]:
    from moto.dynamodb.models import dynamodb_backends

    shard = dynamodb_backends["123456789012"][REGION].tables[table].stream_shard
    return [record.record["eventName"] for record in shard.items]


def test_a_cancelled_transaction_leaves_other_writers_items_intact(aws: Any) -> None:
    from moto.dynamodb.models import DynamoDBBackend

    client = _table()
    client.put_item(TableName="t", Item=_item("kept", "before"))
    client.put_item(TableName="t", Item=_item("guard", "locked"))
    # Another writer's item lands while the transaction is half done (moto reads each target
    # item with get_item, one operation after another).
    original_get_item = DynamoDBBackend.get_item
    calls = []

    def get_item_while_someone_writes(self: Any, table_name: str, keys: Any, *args: Any) -> Any:
        calls.append(keys)
        if len(calls) == 3:
            self.put_item(table_name, _item("other-writer", "theirs"))
        return original_get_item(self, table_name, keys, *args)

    DynamoDBBackend.get_item = get_item_while_someone_writes  # type: ignore[method-assign]
    try:
        with pytest.raises(client.exceptions.TransactionCanceledException):
            client.transact_write_items(
                TransactItems=[
                    {"Put": {"TableName": "t", "Item": _item("new", "mine")}},
                    {
                        "Update": {
                            "TableName": "t",
                            "Key": {"PK": {"S": "kept"}, "SK": {"S": "A"}},
                            "UpdateExpression": "SET #v = :v",
                            "ExpressionAttributeNames": {"#v": "value"},
                            "ExpressionAttributeValues": {":v": {"S": "changed"}},
                        }
                    },
                    {
                        "ConditionCheck": {
                            "TableName": "t",
                            "Key": {"PK": {"S": "guard"}, "SK": {"S": "A"}},
                            "ConditionExpression": "attribute_not_exists(PK)",
                        }
                    },
                ]
            )
    finally:
        DynamoDBBackend.get_item = original_get_item  # type: ignore[method-assign]

    items = {i["PK"]["S"]: i["value"]["S"] for i in client.scan(TableName="t")["Items"]}
    # The transaction's own writes are undone, the other writer's item is still there.
    assert items == {"kept": "before", "guard": "locked", "other-writer": "theirs"}


def test_a_cancelled_transaction_leaves_nothing_on_the_stream(aws: Any) -> None:
    client = _table()
    client.put_item(TableName="t", Item=_item("guard", "locked"))
    events_before = _stream_events("t")
    with pytest.raises(client.exceptions.TransactionCanceledException):
        client.transact_write_items(
            TransactItems=[
                {"Put": {"TableName": "t", "Item": _item("new", "mine")}},
                {
                    "Put": {
                        "TableName": "t",
                        "Item": _item("guard"),
                        "ConditionExpression": "attribute_not_exists(PK)",
                    }
                },
            ]
        )
    assert _stream_events("t") == events_before
    client.put_item(TableName="t", Item=_item("after"))
    # Sequence numbers stay contiguous: a reader sees the next write right after the last one.
    from infra.local.streams import streams_client

    streams = streams_client(REGION)
    arn = client.describe_table(TableName="t")["Table"]["LatestStreamArn"]
    shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][0]["ShardId"]
    iterator = streams.get_shard_iterator(StreamArn=arn, ShardId=shard, ShardIteratorType="TRIM_HORIZON")
    records = streams.get_records(ShardIterator=iterator["ShardIterator"])["Records"]
    assert [r["dynamodb"]["Keys"]["PK"]["S"] for r in records] == ["guard", "after"]


def test_a_transaction_that_succeeds_writes_everything_once(aws: Any) -> None:
    client = _table()
    client.transact_write_items(
        TransactItems=[{"Put": {"TableName": "t", "Item": _item(f"p{n}")}} for n in range(5)]
    )
    assert client.scan(TableName="t", Select="COUNT")["Count"] == 5
    assert _stream_events("t") == ["INSERT"] * 5


def test_moto_holds_concurrent_writers_readers_and_receivers(aws: Any) -> None:
    # Sized to stay quick yet still break unpatched moto: without moto_patches.apply() every scan
    # here dies with "dictionary changed size during iteration" (checked 8 runs of 8), and two
    # receivers now and then take the same message. Scale it up before trusting it to catch less.
    writers, transactions, readers, scans, receivers, messages = 3, 20, 2, 8, 3, 60
    client = _table()
    sqs = boto3.client("sqs", region_name=REGION)
    queue = sqs.create_queue(QueueName="q")["QueueUrl"]
    for batch in range(messages // 10):
        sqs.send_message_batch(
            QueueUrl=queue,
            Entries=[{"Id": str(n), "MessageBody": f"m{batch * 10 + n}"} for n in range(10)],
        )
    errors: list[BaseException] = []
    received: Counter[str] = Counter()
    lock = threading.Lock()

    def writer(w: int) -> None:
        for n in range(transactions):
            client.transact_write_items(
                TransactItems=[
                    {"Put": {"TableName": "t", "Item": _item(f"w{w}-{n}")}},
                    {"Put": {"TableName": "t", "Item": {**_item(f"w{w}-{n}"), "SK": {"S": "B"}}}},
                ]
            )

    def reader() -> None:
        for _ in range(scans):
            client.scan(TableName="t")

    def receiver() -> None:
        while True:
            messages = sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10, WaitTimeSeconds=1).get(
                "Messages", []
            )
            if not messages:
                return
            with lock:
                received.update(m["Body"] for m in messages)
            sqs.delete_message_batch(
                QueueUrl=queue,
                Entries=[{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(messages)],
            )

    def guarded(work: Any, *args: Any) -> None:
        try:
            work(*args)
        except BaseException as error:  # collected: a failing thread must fail the test
            errors.append(error)

    threads = [threading.Thread(target=guarded, args=(writer, w)) for w in range(writers)]
    threads += [threading.Thread(target=guarded, args=(reader,)) for _ in range(readers)]
    threads += [threading.Thread(target=guarded, args=(receiver,)) for _ in range(receivers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)

    assert errors == []
    assert client.scan(TableName="t", Select="COUNT")["Count"] == writers * transactions * 2
    # Every message was handed to exactly one receiver, once.
    assert received == Counter(f"m{n}" for n in range(messages))


def test_a_long_poll_does_not_hold_up_other_requests(aws: Any) -> None:
    import time

    sqs = boto3.client("sqs", region_name=REGION)
    queue = sqs.create_queue(QueueName="empty")["QueueUrl"]
    waiting = threading.Thread(
        target=lambda: sqs.receive_message(QueueUrl=queue, WaitTimeSeconds=3), daemon=True
    )
    waiting.start()
    time.sleep(0.3)
    started = time.monotonic()
    sqs.send_message(QueueUrl=queue, MessageBody="hello")
    assert time.monotonic() - started < 1.5
    waiting.join(5)


def _message_clock_reads(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """Counts the reads of SQS messages' visibility, one per message for each walk of a queue."""
    from moto.sqs.models import Message

    reads: Counter[str] = Counter()
    visible = Message.visible.fget

    def counted(message: Any) -> bool:
        reads["visible"] += 1
        return bool(visible(message))

    monkeypatch.setattr(Message, "visible", property(counted))
    return reads


def test_sending_to_and_receiving_from_a_full_queue_walk_it_once_per_call(
    aws: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    sqs = boto3.client("sqs", region_name=REGION)
    queue = sqs.create_queue(QueueName="deep")["QueueUrl"]
    for start in range(0, 300, 10):
        sqs.send_message_batch(
            QueueUrl=queue, Entries=[{"Id": str(n), "MessageBody": f"m{start + n}"} for n in range(10)]
        )
    reads = _message_clock_reads(monkeypatch)
    received = sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10)["Messages"]
    # moto's own built the queue's attributes (three counts, each a walk of the 300 messages) three
    # times for each of the ten it handed out
    assert len(received) == 10 and reads["visible"] <= 2 * 300, reads
    reads.clear()
    sqs.send_message(QueueUrl=queue, MessageBody="one more")
    assert reads["visible"] == 0
    # And a count asked for is still counted, once (moto's own built the attributes six times here)
    reads.clear()
    depth = sqs.get_queue_attributes(
        QueueUrl=queue,
        AttributeNames=["ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
    )["Attributes"]
    assert depth == {"ApproximateNumberOfMessages": "291", "ApproximateNumberOfMessagesNotVisible": "10"}
    assert reads["visible"] <= 2 * 301, reads
    everything = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["All"])["Attributes"]
    assert everything["ApproximateNumberOfMessages"] == "291"
    assert everything["ApproximateNumberOfMessagesDelayed"] == "0"


def test_queue_attribute_answers_are_moto_s_own(aws: Any) -> None:
    from moto.sqs.models import sqs_backends

    sqs = boto3.client("sqs", region_name=REGION)
    url = sqs.create_queue(
        QueueName="q.fifo", Attributes={"FifoQueue": "true", "ContentBasedDeduplication": "true"}
    )["QueueUrl"]
    sqs.send_message(QueueUrl=url, MessageBody="a", MessageGroupId="g")
    backend = sqs_backends["123456789012"][REGION]
    patched = type(backend).get_queue_attributes
    moto_s_own = getattr(patched, moto_patches._ORIGINAL)
    asked: list[list[str]] = [
        [],
        ["All"],
        ["QueueArn", "All"],
        ["ApproximateNumberOfMessages"],
        ["VisibilityTimeout", "FifoQueue", "Policy", "RedrivePolicy", "VisibilityTimeout"],
        ["MessageRetentionPeriod", "ContentBasedDeduplication", "KmsMasterKeyId"],
    ]
    for names in asked:
        assert patched(backend, "q.fifo", names) == moto_s_own(backend, "q.fifo", names), names
    for bad in (["NoSuchAttribute"], ["QueueArn", ""]):
        with pytest.raises(Exception) as ours:
            patched(backend, "q.fifo", bad)
        with pytest.raises(Exception) as theirs:
            moto_s_own(backend, "q.fifo", bad)
        assert type(ours.value) is type(theirs.value) and str(ours.value) == str(theirs.value)
    with pytest.raises(Exception, match="does not exist"):
        sqs.get_queue_attributes(QueueUrl=url.replace("q.fifo", "gone"), AttributeNames=["QueueArn"])
    # A send that fails inside moto (a FIFO message without its group) leaves the counts counting
    with pytest.raises(Exception, match="MessageGroupId"):
        backend.send_message("q.fifo", "no group")
    assert backend.get_queue("q.fifo").approximate_number_of_messages == 1


def test_a_message_past_its_retention_period_is_not_handed_out(aws: Any) -> None:
    sqs = boto3.client("sqs", region_name=REGION)
    queue = sqs.create_queue(QueueName="short", Attributes={"MessageRetentionPeriod": "60"})["QueueUrl"]
    sqs.send_message(QueueUrl=queue, MessageBody="kept")
    from moto.sqs.models import sqs_backends

    backend = sqs_backends["123456789012"][REGION]
    (message,) = backend.get_queue("short")._messages
    assert backend.is_message_valid_based_on_retention_period("short", message)
    assert backend.get_queue("short").approximate_number_of_messages == 1  # counted outside those calls
    message.sent_timestamp -= 61_000  # sent 61 s earlier: past a 60 s retention
    assert not backend.is_message_valid_based_on_retention_period("short", message)
    assert sqs.receive_message(QueueUrl=queue).get("Messages", []) == []


def test_queries_answer_in_key_order_with_pages(aws: Any) -> None:
    client = boto3.client("dynamodb", region_name=REGION)
    client.create_table(
        TableName="q",
        KeySchema=[{"AttributeName": "PK", "KeyType": "HASH"}, {"AttributeName": "SK", "KeyType": "RANGE"}],
        AttributeDefinitions=[
            {"AttributeName": n, "AttributeType": "S"} for n in ("PK", "SK", "GSI1PK", "GSI1SK")
        ],
        GlobalSecondaryIndexes=[
            {
                "IndexName": "GSI1",
                "KeySchema": [
                    {"AttributeName": "GSI1PK", "KeyType": "HASH"},
                    {"AttributeName": "GSI1SK", "KeyType": "RANGE"},
                ],
                "Projection": {"ProjectionType": "ALL"},
            }
        ],
        BillingMode="PAY_PER_REQUEST",
    )
    for n in (7, 3, 9, 1, 5):  # written out of order, over several partitions
        for sk in ("b", "a"):
            item = {"PK": {"S": f"p{n % 2}"}, "SK": {"S": f"{sk}{n}"}}
            item |= {"GSI1PK": {"S": "all"}, "GSI1SK": {"S": f"{10 - n:02d}"}}
            client.put_item(TableName="q", Item=item)

    def pages(**kwargs: Any) -> list[str]:
        found, start = [], None
        while True:
            page = client.query(
                TableName="q", Limit=3, **kwargs, **({"ExclusiveStartKey": start} if start else {})
            )
            found += [i["SK"]["S"] for i in page["Items"]]
            start = page.get("LastEvaluatedKey")
            if not start:
                return found

    partition = {"KeyConditionExpression": "PK = :p", "ExpressionAttributeValues": {":p": {"S": "p1"}}}
    assert pages(**partition) == ["a1", "a3", "a5", "a7", "a9", "b1", "b3", "b5", "b7", "b9"]
    assert pages(**partition, ScanIndexForward=False)[:2] == ["b9", "b7"]
    index = {"IndexName": "GSI1", "KeyConditionExpression": "GSI1PK = :a"}
    index["ExpressionAttributeValues"] = {":a": {"S": "all"}}
    # Ties on the index key are ordered by the table's key, as moto orders them.
    assert pages(**index) == ["a9", "b9", "a7", "b7", "a5", "b5", "a3", "b3", "a1", "b1"]
    assert pages(KeyConditionExpression="PK = :p", ExpressionAttributeValues={":p": {"S": "none"}}) == []


@pytest.fixture
def serialized_twice(aws: Any, monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str | bytes, str | bytes]]:
    """Every JSON response moto builds, serialized by the patched serializer and again by moto's own
    walk (the original ``_serialize_type_structure``) of the same result: (operation, patched, moto's)."""
    from moto.core.serialize import BaseJSONSerializer

    patched_structure = BaseJSONSerializer._serialize_type_structure
    original_structure = getattr(patched_structure, moto_patches._ORIGINAL)
    assert original_structure is not patched_structure
    serialize = BaseJSONSerializer.serialize
    recorded: list[tuple[str, str | bytes, str | bytes]] = []

    def recording(self: Any, result: Any) -> Any:
        answer = serialize(self, result)
        unpatched = type("Unpatched", (type(self),), {"_serialize_type_structure": original_structure})(
            operation_model=self.operation_model, value_picker=self._value_picker
        )
        recorded.append((self.operation_name, answer["body"], serialize(unpatched, result)["body"]))
        return answer

    monkeypatch.setattr(BaseJSONSerializer, "serialize", recording)
    return recorded


def test_item_answers_are_moto_s_own_byte_for_byte(
    serialized_twice: list[tuple[str, str | bytes, str | bytes]],
) -> None:
    client = _table()
    every_kind = {
        "PK": {"S": "T#1"},
        "SK": {"S": "A"},
        "empty": {"S": ""},
        "count": {"N": "42"},
        "ok": {"BOOL": True},
        "none": {"NULL": True},
        "tags": {"SS": ["a", "ü", "c"]},
        "scores": {"NS": ["1", "2.5"]},
        "blob": {"B": b"\x00\xffbinary"},
        "blobs": {"BS": [b"x", b"y"]},
        "data": {"M": {"title": {"S": "Şikâyet"}, "steps": {"L": [{"S": "a"}, {"M": {"n": {"N": "1"}}}]}}},
        "nested_blob": {"M": {"raw": {"B": b"\x01"}, "list": {"L": [{"B": b"\x02"}, {"S": "s"}]}}},
        "empty_map": {"M": {}},
        "empty_list": {"L": []},
    }
    client.put_item(TableName="t", Item=every_kind, ReturnValues="NONE")
    client.put_item(TableName="t", Item=every_kind | {"count": {"N": "43"}}, ReturnValues="ALL_OLD")
    client.get_item(TableName="t", Key={"PK": {"S": "T#1"}, "SK": {"S": "A"}})
    client.update_item(
        TableName="t",
        Key={"PK": {"S": "T#1"}, "SK": {"S": "A"}},
        UpdateExpression="SET #c = #c + :one, #d.#t = :t",
        ExpressionAttributeNames={"#c": "count", "#d": "data", "#t": "title"},
        ExpressionAttributeValues={":one": {"N": "1"}, ":t": {"S": "Başlık"}},
        ReturnValues="ALL_NEW",
    )
    client.transact_write_items(
        TransactItems=[
            {"Put": {"TableName": "t", "Item": _item("T#2")}},
            {
                "Update": {
                    "TableName": "t",
                    "Key": {"PK": {"S": "T#1"}, "SK": {"S": "A"}},
                    "UpdateExpression": "SET ok = :f",
                    "ExpressionAttributeValues": {":f": {"BOOL": False}},
                }
            },
        ]
    )
    with pytest.raises(client.exceptions.TransactionCanceledException):
        client.transact_write_items(
            TransactItems=[
                {
                    "Put": {
                        "TableName": "t",
                        "Item": _item("T#2"),
                        "ConditionExpression": "attribute_not_exists(PK)",
                        "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
                    }
                }
            ]
        )
    client.query(
        TableName="t",
        KeyConditionExpression="PK = :pk",
        ExpressionAttributeValues={":pk": {"S": "T#1"}},
    )
    client.scan(TableName="t")
    client.describe_table(TableName="t")
    sqs = boto3.client("sqs", region_name=REGION)
    queue = sqs.create_queue(QueueName="q")["QueueUrl"]
    sqs.send_message(QueueUrl=queue, MessageBody='{"x": 1}')
    for message in sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10)["Messages"]:
        sqs.delete_message(QueueUrl=queue, ReceiptHandle=message["ReceiptHandle"])

    operations = Counter(operation for operation, _, _ in serialized_twice)
    for operation in (
        "PutItem",
        "GetItem",
        "UpdateItem",
        "TransactWriteItems",
        "Query",
        "Scan",
        "DescribeTable",
        "SendMessage",
        "ReceiveMessage",
    ):
        assert operations[operation], operation
    for operation, patched, moto_s in serialized_twice:
        assert patched == moto_s, operation
    # The answers carried items (the fast path had something to pass through), binary ones included.
    item_bodies = [patched for operation, patched, _ in serialized_twice if operation == "GetItem"]
    assert '"Şikâyet"' in item_bodies[0] or "\\u015eik\\u00e2yet" in item_bodies[0]
    assert '"blob": {"B": "AP9iaW5hcnk="}' in item_bodies[0]


def test_the_fast_path_takes_only_plain_single_member_values() -> None:
    assert moto_patches._as_is({"M": {"a": {"L": [{"S": "x"}, {"NULL": True}, {"SS": []}]}}})
    assert not moto_patches._as_is({"B": "AA=="})  # base64-encoded by moto's walk
    assert not moto_patches._as_is({"M": {"a": {"BS": ["AA=="]}}})
    assert not moto_patches._as_is({"N": 3})  # str()-ed by the walk
    assert not moto_patches._as_is({"S": "a", "N": "1"})  # the walk orders members by the shape
    assert not moto_patches._as_is({"X": "a"})  # not a member: the walk drops it


# --- 3. Step Functions programs kept between parses and between processes -------------------------

GREETING = json.dumps(
    {
        "StartAt": "Greet",
        "States": {
            "Greet": {
                "Type": "Pass",
                "Result": {"said": "merhaba"},
                "ResultPath": "$.greeting",
                "Next": "Done",
            },
            "Done": {"Type": "Succeed"},
        },
    }
)


def _moto_parse() -> Any:
    """moto's own parse, under whatever this process wrapped it with."""
    from moto.stepfunctions.parser.asl.parse.asl_parser import AmazonStateLanguageParser

    parse = AmazonStateLanguageParser.parse
    while (
        inner := getattr(parse, moto_patches._ORIGINAL, None) or getattr(parse, "__wrapped__", None)
    ) is not None:
        parse = inner
    return parse


@pytest.fixture
def kept(tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    """The programs' folder (a test's own) and the parses moto itself was asked for."""
    monkeypatch.setenv(moto_patches.PROGRAM_CACHE_VARIABLE, str(tmp_path))
    parsed: list[str] = []
    moto_parse = _moto_parse()

    def counting(definition: str) -> Any:
        parsed.append(definition)
        return moto_parse(definition)

    return tmp_path, parsed, counting


def test_a_program_parsed_once_serves_the_next_process_and_each_parse_gets_components_of_its_own(
    kept: Any,
) -> None:
    folder, parsed, counting = kept
    # Given one process that parses a definition
    program, tree = moto_patches._programs_kept(counting)(GREETING)
    assert tree is not None and parsed == [GREETING]
    assert len(list(folder.glob("*.pickle"))) == 1
    # When another process (a fresh patch) parses the same text, twice
    next_process = moto_patches._programs_kept(counting)
    (one, no_tree), (two, _) = next_process(GREETING), next_process(GREETING)
    # Then moto parsed nothing again, and each answer is a program of its own
    assert parsed == [GREETING] and no_tree is None
    assert type(one) is type(program) and one is not two
    assert one.start_at.start_at_name == two.start_at.start_at_name == "Greet"
    # And a different text is parsed (the key is the whole text)
    other = GREETING.replace("merhaba", "hello")
    next_process(other)
    assert parsed == [GREETING, other] and len(list(folder.glob("*.pickle"))) == 2


def test_a_process_waits_for_the_program_another_is_parsing_then_loads_it(kept: Any) -> None:
    _, parsed, counting = kept
    answers: list[Any] = []
    # Given another process parsing the definition (it holds the definition's lock) …
    with moto_patches._parsing_alone(GREETING):
        this_process = moto_patches._programs_kept(counting)
        asking = threading.Thread(target=lambda: answers.append(this_process(GREETING)))
        asking.start()
        asking.join(0.5)
        # … this one waits for it instead of parsing the same text too
        assert asking.is_alive() and parsed == []
        # And the other process keeps what it parsed, then lets go
        program, _ = _moto_parse()(GREETING)
        moto_patches._keep_program(GREETING, pickle.dumps(program, protocol=pickle.HIGHEST_PROTOCOL))
    asking.join(30)
    # Then this process loaded the kept program: moto never parsed it here
    assert not asking.is_alive() and parsed == []
    ((loaded, no_tree),) = answers
    assert no_tree is None and loaded.start_at.start_at_name == "Greet"


def test_an_execution_runs_from_a_kept_program_as_from_moto_s_own_parse(
    kept: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from moto import mock_aws
    from moto.stepfunctions.parser.asl.parse.asl_parser import AmazonStateLanguageParser

    counting = kept[2]
    moto_patches._programs_kept(counting)(GREETING)  # an earlier process parsed it

    def refuse(definition: str) -> Any:
        raise AssertionError("parsed again")

    monkeypatch.setattr(AmazonStateLanguageParser, "parse", staticmethod(moto_patches._programs_kept(refuse)))
    with mock_aws(config={"stepfunctions": {"execute_state_machine": True}}):
        sfn = boto3.client("stepfunctions", region_name=REGION)
        arn = sfn.create_state_machine(
            name="greeting", definition=GREETING, roleArn="arn:aws:iam::123456789012:role/sfn"
        )["stateMachineArn"]
        runs = [
            sfn.start_execution(stateMachineArn=arn, name=f"run-{n}", input=json.dumps({"n": n}))[
                "executionArn"
            ]
            for n in (1, 2)
        ]
        for n, run in enumerate(runs, start=1):
            for _ in range(100):
                described = sfn.describe_execution(executionArn=run)
                if described["status"] != "RUNNING":
                    break
                time.sleep(0.05)
            assert described["status"] == "SUCCEEDED", described
            assert json.loads(described["output"]) == {"n": n, "greeting": {"said": "merhaba"}}


def test_a_kept_program_that_does_not_load_is_parsed_again_and_replaced(kept: Any) -> None:
    folder, parsed, counting = kept
    moto_patches._programs_kept(counting)(GREETING)
    (kept_file,) = folder.glob("*.pickle")
    kept_file.write_bytes(b"not a pickle")
    tree = moto_patches._programs_kept(counting)(GREETING)[1]
    assert tree is not None and len(parsed) == 2
    assert kept_file.read_bytes() != b"not a pickle"
    assert moto_patches._programs_kept(counting)(GREETING)[0].start_at.start_at_name == "Greet"
    assert len(parsed) == 2


def test_a_definition_that_does_not_parse_is_never_kept(kept: Any) -> None:
    from moto.stepfunctions.parser.asl.parse.asl_parser import ASLParserException

    folder, parsed, counting = kept
    parse = moto_patches._programs_kept(counting)
    for _ in range(2):
        with pytest.raises(ASLParserException):
            parse('{"StartAt": "Nowhere", "States": {')
    # (only the empty lock file its parse held stays: a lock file is never removed, see _parsing_alone)
    assert len(parsed) == 2 and list(folder.glob("*.pickle")) == []


def test_an_empty_folder_setting_keeps_programs_in_memory_only(
    kept: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder, parsed, counting = kept
    monkeypatch.setenv(moto_patches.PROGRAM_CACHE_VARIABLE, "")
    assert moto_patches.program_cache_folder() is None
    parse = moto_patches._programs_kept(counting)
    parse(GREETING)
    parse(GREETING)
    assert len(parsed) == 1 and list(folder.iterdir()) == []


def test_a_jsonpath_is_compiled_once_and_each_evaluation_keeps_to_its_own_data(patched_moto: None) -> None:
    from moto.stepfunctions.parser.asl.component.common.path import result_path
    from moto.stepfunctions.parser.asl.utils import json_path

    assert json_path.parse("$.ticket.steps[1]") is json_path.parse("$.ticket.steps[1]")
    assert result_path.parse("$.reply") is result_path.parse("$.reply")
    first = {"ticket": {"steps": ["triage", "investigate"]}}
    second = {"ticket": {"steps": ["confirm", "close"]}}
    assert json_path.extract_json("$.ticket.steps[1]", first) == "investigate"
    assert json_path.extract_json("$.ticket.steps[1]", second) == "close"
    with pytest.raises(json_path.NoSuchJsonPathError):
        json_path.extract_json("$.ticket.steps[1]", {"ticket": {}})
    # A ResultPath writes into the state's input, never into the compiled path
    expression = result_path.parse("$.reply")
    a = expression.update_or_create({"n": 1}, {"ok": True})
    b = expression.update_or_create({"n": 2}, {"ok": False})
    assert a == {"n": 1, "reply": {"ok": True}} and b == {"n": 2, "reply": {"ok": False}}
