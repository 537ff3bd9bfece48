"""What the local stack keeps between runs of `make run`, and how other commands find the running one.

moto holds everything in memory, so the stack saves what it can when it stops and puts it back
when it starts (``make run ARGS=--clean`` starts empty and discards what was saved):

- **Kept:** every item of the template's DynamoDB tables (tickets, timelines, customers,
  categories and their versions, reports, idempotency records), every object of its buckets
  (raw mail, attachments), and each published category version's state machine, compiled again
  from the stored definition under the same name (so the same ARN).
- **Not kept:** the running Step Functions executions. moto cannot move an execution to another
  process, and the compiled plans always start at their first step, so a ticket whose plan was
  running keeps its data (step, owner, due times, timeline) but nothing waits on its step any
  more: no escalation, breach or reminder fires for it, and answering its step is refused as too
  late (its task token died with the old process). Also lost: messages still waiting in the
  queues, staff users added with `complaintdesk add-staff` (the role users are made again), and
  CloudWatch metrics and alarm history. The stack prints how many plans were not resumed.

Restored items are written past the table's stream (``stream_paused``), so the stream functions
(publish, aggregate) do not see them a second time: events already sent are not sent again and the
report figures are not counted twice.

The running stack also writes its endpoints to a state file (``.local/stack.json``) with its
process id and removes it when it stops; ``read_running`` is how a command finds it.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import shutil
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

FORMAT = 1  # of the saved folder's manifest.json
TABLE_TYPE = "AWS::DynamoDB::Table"
BUCKET_TYPE = "AWS::S3::Bucket"


class NoRunningStack(Exception):
    """No local stack answers where the state file says (the message says what to do)."""


# ---------------------------------------------------------------------------- the running stack


def write_running(path: Path, info: dict[str, Any]) -> None:
    """The running stack's endpoints (and this process id), replaced atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    partial.write_text(json.dumps({**info, "pid": os.getpid()}, indent=2))
    os.replace(partial, path)


def remove_running(path: Path) -> None:
    """Remove the state file if this process wrote it (a newer stack's file is left alone)."""
    try:
        if json.loads(path.read_text()).get("pid") == os.getpid():
            path.unlink()
    except (OSError, ValueError):
        pass


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process with that id: it exists
        return True
    return True


def read_running(path: Path) -> dict[str, Any]:
    """The running local stack's state; NoRunningStack when none is running."""
    try:
        state: dict[str, Any] = json.loads(path.read_text())
    except FileNotFoundError:
        raise NoRunningStack("no local stack is running: start it with `make run`") from None
    except ValueError:
        raise NoRunningStack(f"{path} is not a local stack's state file: start `make run` again") from None
    pid = state.get("pid")
    if isinstance(pid, int) and not _alive(pid):
        raise NoRunningStack(
            f"the local stack that wrote {path} (process {pid}) is not running any more: "
            "start it with `make run`"
        )
    return state


def moto_client(info: dict[str, Any], service: str) -> Any:
    """A boto3 client of the running stack's moto (``info``: its state, as ``read_running`` reads
    it), in the stack's region; moto takes any credentials."""
    import boto3

    return boto3.client(
        service,
        region_name=info["env"].get("AWS_REGION", "us-east-1"),
        endpoint_url=info["moto_url"],
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


# ---------------------------------------------------------------------------- saved data


def _encode(value: Any) -> Any:
    """A low-level DynamoDB attribute value as JSON (binary values base64, marked)."""
    if isinstance(value, bytes | bytearray):
        return {"__b64__": base64.b64encode(bytes(value)).decode("ascii")}
    if isinstance(value, dict):
        return {k: _encode(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_encode(v) for v in value]
    return value


def _decode(value: Any) -> Any:
    if isinstance(value, dict):
        if set(value) == {"__b64__"}:
            return base64.b64decode(value["__b64__"])
        return {k: _decode(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_decode(v) for v in value]
    return value


def saved_resources(template: dict[str, Any], kind: str, physical: dict[str, str] | None = None) -> list[str]:
    """Logical ids of the template's resources of ``kind`` (the tables or the buckets); with
    ``physical``, only those the local stack created (not e.g. the console's site bucket)."""
    return sorted(
        k
        for k, r in template["Resources"].items()
        if r["Type"] == kind and (physical is None or k in physical)
    )


def _scan(dynamodb: Any, table: str) -> Iterator[dict[str, Any]]:
    kwargs: dict[str, Any] = {"TableName": table, "ConsistentRead": True}
    while True:
        page = dynamodb.scan(**kwargs)
        yield from page.get("Items", [])
        if "LastEvaluatedKey" not in page:
            return
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]


@dataclass
class Saved:
    """What a stop wrote into the data folder (see ``save``)."""

    folder: Path
    manifest: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def load(cls, folder: Path) -> Saved | None:
        try:
            manifest = json.loads((folder / "manifest.json").read_text())
        except (OSError, ValueError):
            return None
        if manifest.get("format") != FORMAT:
            return None
        return cls(folder, manifest)

    def items(self, logical_id: str) -> Iterator[dict[str, Any]]:
        path = self.folder / "tables" / f"{logical_id}.jsonl"
        if not path.is_file():
            return
        with path.open() as lines:
            for line in lines:
                if line.strip():
                    yield _decode(json.loads(line))

    def objects(self, logical_id: str) -> Iterator[tuple[dict[str, Any], bytes]]:
        folder = self.folder / "buckets" / logical_id
        index = folder / "index.jsonl"
        if not index.is_file():
            return
        with index.open() as lines:
            for line in lines:
                if line.strip():
                    entry = json.loads(line)
                    yield entry, (folder / entry["file"]).read_bytes()


def save(
    folder: Path,
    *,
    template: dict[str, Any],
    physical: dict[str, str],
    dynamodb: Any,
    s3: Any,
) -> dict[str, int]:
    """Write every table item and bucket object to ``folder`` (replacing what was there, atomically
    enough: a new folder is filled, then swapped in). Returns counts per logical id."""
    partial = folder.with_name(folder.name + ".partial")
    shutil.rmtree(partial, ignore_errors=True)
    (partial / "tables").mkdir(parents=True)
    counts: dict[str, int] = {}
    for logical_id in saved_resources(template, TABLE_TYPE, physical):
        count = 0
        with (partial / "tables" / f"{logical_id}.jsonl").open("w") as out:
            for item in _table_items(dynamodb, physical[logical_id]):
                out.write(json.dumps(_encode(item), ensure_ascii=False) + "\n")
                count += 1
        counts[logical_id] = count
    for logical_id in saved_resources(template, BUCKET_TYPE, physical):
        bucket, target = physical[logical_id], partial / "buckets" / logical_id
        target.mkdir(parents=True)
        count = 0
        with (target / "index.jsonl").open("w") as index:
            for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket):
                for listed in page.get("Contents", []):
                    got = s3.get_object(Bucket=bucket, Key=listed["Key"])
                    name = f"{count:06d}.bin"
                    (target / name).write_bytes(got["Body"].read())
                    entry = {
                        "key": listed["Key"],
                        "file": name,
                        "content_type": got.get("ContentType"),
                        "metadata": got.get("Metadata") or {},
                    }
                    index.write(json.dumps(entry, ensure_ascii=False) + "\n")
                    count += 1
        counts[logical_id] = count
    manifest = {"format": FORMAT, "saved_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), **counts}
    (partial / "manifest.json").write_text(json.dumps(manifest, indent=2))
    old = folder.with_name(folder.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if folder.exists():
        folder.rename(old)
    partial.rename(folder)
    shutil.rmtree(old, ignore_errors=True)
    return counts


def discard(folder: Path) -> bool:
    """Forget what was saved (``--clean``); True when there was something."""
    existed = folder.exists()
    shutil.rmtree(folder, ignore_errors=True)
    return existed


def _write_items(dynamodb: Any, table: str, items: Iterator[dict[str, Any]]) -> int:
    count, batch = 0, []

    def flush(requests: list[dict[str, Any]]) -> None:
        pending = {table: requests}
        for attempt in range(10):
            left = dynamodb.batch_write_item(RequestItems=pending).get("UnprocessedItems") or {}
            if not left:
                return
            pending = left
            time.sleep(0.05 * (attempt + 1))
        raise RuntimeError(f"{table}: items left unwritten after 10 tries")

    for item in items:
        batch.append({"PutRequest": {"Item": item}})
        count += 1
        if len(batch) == 25:  # BatchWriteItem's limit
            flush(batch)
            batch = []
    if batch:
        flush(batch)
    return count


def _table_address(dynamodb: Any, table: str) -> dict[str, str]:
    described = dynamodb.describe_table(TableName=table)["Table"]
    _, _, _, region, account, _ = described["TableArn"].split(":", 5)
    return {"account": account, "region": region, "table": table}


def _moto_table(dynamodb: Any, table: str) -> Any:
    """moto's own table object for ``table`` when the moto serving ``dynamodb`` runs in this
    process (in-process tests), else None: the local stack runs moto in a process of its own
    (``infra/local/moto_process.py``) and asks it over ``_control``."""
    models = sys.modules.get("moto.dynamodb.models")
    if models is None:  # moto was never imported here: it serves from another process
        return None
    address = _table_address(dynamodb, table)
    backend = models.dynamodb_backends[address["account"]][address["region"]]
    return backend.tables.get(table)


def _control(dynamodb: Any, method: str, action: str, **query: str) -> Any:
    """One of the ``/_local/`` requests of the moto process serving ``dynamodb``."""
    return control(dynamodb.meta.endpoint_url, method, action, **query)


def control(moto_url: str, method: str, action: str, **query: str) -> Any:
    """One of the ``/_local/`` requests of the moto process at ``moto_url``
    (infra/local/moto_process.py), its JSON answer."""
    url = f"{moto_url}/_local/{action}?{urllib.parse.urlencode(query)}"
    request = urllib.request.Request(url, method=method, data=b"" if method == "POST" else None)
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())


def _wire_to_client(value: Any) -> Any:
    """An attribute value as moto holds it for the wire → as the client hands it out (binary as bytes)."""
    if not isinstance(value, dict) or len(value) != 1:
        return value
    ((kind, inner),) = value.items()
    if kind == "B":
        return {"B": inner if isinstance(inner, bytes) else base64.b64decode(inner)}
    if kind == "BS":
        return {"BS": [v if isinstance(v, bytes) else base64.b64decode(v) for v in inner]}
    if kind == "M":
        return {"M": {k: _wire_to_client(v) for k, v in inner.items()}}
    if kind == "L":
        return {"L": [_wire_to_client(v) for v in inner]}
    return {kind: inner}


def _table_items(dynamodb: Any, table: str) -> list[dict[str, Any]]:
    """Every item of ``table``, as Scan returns them.

    Read from moto's table itself, in this process or by moto's own process (its
    ``/_local/dynamodb/items``): a Scan through the server deep-copies every item and passes it
    through JSON twice, which made the save most of a stop (6 s for 500 items on a busy machine,
    measured). Items change only through moto's execution threads by now; a read that meets a
    change is simply made again. Checked against moto 5.2.5 (``Table.all_items``,
    ``Item.to_json``); tests/unit/infra/test_local_state.py compares it with a Scan.
    """
    moto_table = _moto_table(dynamodb, table)
    if moto_table is None:
        attributes = _control(dynamodb, "GET", "dynamodb/items", **_table_address(dynamodb, table))
        return [{k: _wire_to_client(v) for k, v in item.items()} for item in attributes]
    for _ in range(5):
        try:
            items = list(moto_table.all_items())
            return [
                {k: _wire_to_client(v) for k, v in item.to_json()["Attributes"].items()} for item in items
            ]
        except RuntimeError:  # changed size during iteration: read again
            time.sleep(0.01)
    return list(_scan(dynamodb, table))


@contextlib.contextmanager
def stream_paused(dynamodb: Any, table: str) -> Iterator[None]:
    """While inside, writes to ``table`` add no records to its stream, so what the restore writes
    is not delivered to the stream functions a second time.

    The DynamoDB API has no such switch (a stream turned off and on is a new stream, and moto
    refuses to turn one on again), so this reaches into moto's table (in this process, or by
    moto's own process: its ``/_local/dynamodb/stream``): its stream shard is set aside and put
    back. Checked against moto 5.2.5 (``Table.stream_shard``); tests/unit/infra/test_local_state.py
    fails if that changes.
    """
    moto_table = _moto_table(dynamodb, table)
    if moto_table is None:
        address = _table_address(dynamodb, table)
        _control(dynamodb, "POST", "dynamodb/stream", paused="1", **address)
        try:
            yield
        finally:
            _control(dynamodb, "POST", "dynamodb/stream", paused="0", **address)
        return
    shard = moto_table.stream_shard
    moto_table.stream_shard = None
    try:
        yield
    finally:
        moto_table.stream_shard = shard


def restore(
    saved: Saved,
    *,
    template: dict[str, Any],
    physical: dict[str, str],
    dynamodb: Any,
    s3: Any,
) -> dict[str, int]:
    """Put the saved items (past the tables' streams) and objects back; counts per logical id."""
    counts: dict[str, int] = {}
    for logical_id in saved_resources(template, TABLE_TYPE, physical):
        table = physical[logical_id]
        with stream_paused(dynamodb, table):
            counts[logical_id] = _write_items(dynamodb, table, saved.items(logical_id))
    for logical_id in saved_resources(template, BUCKET_TYPE, physical):
        bucket = physical[logical_id]
        entries = list(saved.objects(logical_id))
        if not entries:
            counts[logical_id] = 0
            continue
        # The bucket's notifications (inbound/ → the intake queue) are off while objects return:
        # mail already taken in must not be taken in again.
        notifications = s3.get_bucket_notification_configuration(Bucket=bucket)
        notifications.pop("ResponseMetadata", None)
        s3.put_bucket_notification_configuration(Bucket=bucket, NotificationConfiguration={})
        try:
            for entry, body in entries:
                extra = {"ContentType": entry["content_type"]} if entry.get("content_type") else {}
                s3.put_object(Bucket=bucket, Key=entry["key"], Body=body, Metadata=entry["metadata"], **extra)
        finally:
            s3.put_bucket_notification_configuration(Bucket=bucket, NotificationConfiguration=notifications)
        counts[logical_id] = len(entries)
    return counts


# ---------------------------------------------------------------------------- categories and plans


def category_versions(saved: Saved, table_logical_id: str) -> list[tuple[str, int, dict[str, Any], str]]:
    """(category id, version, definition, state machine ARN) of every published version saved."""
    from boto3.dynamodb.types import TypeDeserializer

    plain = TypeDeserializer()
    found = []
    for raw in saved.items(table_logical_id):
        pk, sk = raw.get("PK", {}).get("S", ""), raw.get("SK", {}).get("S", "")
        if not (pk.startswith("CATEGORY#") and sk.startswith("VERSION#")):
            continue
        item = {k: plain.deserialize(v) for k, v in raw.items()}
        definition = item["definition"]
        found.append(
            (
                str(item["category_id"]),
                int(item["version"]),
                json.loads(definition) if isinstance(definition, str) else definition,
                str(item["state_machine_arn"]),
            )
        )
    return sorted(found, key=lambda f: (f[0], f[1]))


def recreate_state_machines(versions: list[tuple[str, int, dict[str, Any], str]]) -> list[str]:
    """Compile each stored version again and create its state machine under its own name, as
    publishing did (the domain's settings must point at the local stack). Returns the ARNs."""
    from complaintdesk.categories import parse_category
    from complaintdesk.services import categories
    from complaintdesk.workflow.compiler import compile_category
    from complaintdesk.workflow.validate import validate_asl

    arns = []
    for category_id, version, definition, stored_arn in versions:
        asl = compile_category(parse_category(definition), version, categories.resources())
        validate_asl(asl)
        name = categories.state_machine_name(category_id, version)
        arn = categories._create_state_machine(name, asl, category_id, version)
        if arn != stored_arn:
            raise RuntimeError(f"{category_id} v{version}: recreated as {arn}, stored as {stored_arn}")
        arns.append(arn)
    return arns


def plans_not_resumed(saved: Saved, table_logical_id: str) -> list[str]:
    """Ticket ids whose plan (execution) was running when the stack stopped."""
    stopped = []
    for raw in saved.items(table_logical_id):
        if raw.get("SK", {}).get("S") != "TICKET":
            continue
        status = raw.get("status", {}).get("S")
        if raw.get("execution_arn", {}).get("S") and status != "closed":
            stopped.append(raw.get("ticket_id", {}).get("S", raw.get("PK", {}).get("S", "?")))
    return sorted(stopped)
