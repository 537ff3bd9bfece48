"""Every real-world message of ../shared/mail goes through the real ingest path (S3 object → S3
notification on SQS → functions/email_ingest) without an exception, and ends as exactly one of: a
ticket, an interaction, a bounce or auto-reply record, a quarantine entry with its reason, or a
recognised duplicate of an earlier message."""

from __future__ import annotations

from collections import Counter
from itertools import groupby
from pathlib import Path

import boto3
import pytest

REPO = Path(__file__).resolve().parents[3]
CORPUS = REPO / ".." / "shared" / "mail"
NOT_MESSAGES = {"MANIFEST.tsv", "README.md", "LABELS.tsv"}
CHUNK = 10

pytestmark = pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/mail corpus not present")


def corpus() -> list[Path]:
    return sorted(
        path
        for path in CORPUS.rglob("*")
        if path.is_file() and path.name not in NOT_MESSAGES and not path.name.endswith("_reply_text")
    )


def chunks(files: list[Path]) -> list[list[Path]]:
    """Each folder of the corpus in pieces of at most CHUNK messages."""
    out = []
    for _, group in groupby(files, key=lambda p: p.relative_to(CORPUS).parts[0]):
        members = list(group)
        out += [members[i : i + CHUNK] for i in range(0, len(members), CHUNK)]
    return out


def empty_table(stack) -> None:
    """moto copies the whole table, its stream records included, on every transaction, so a growing
    table makes this test quadratic: each chunk starts from an empty store and stream (test
    housekeeping of the in-process moto, not an application path)."""
    from moto.dynamodb.models import dynamodb_backends

    table = boto3.resource("dynamodb").Table(stack.physical["TicketsTable"])
    items = table.scan(ProjectionExpression="PK, SK")["Items"]
    with table.batch_writer() as batch:
        for item in items:
            batch.delete_item(Key={"PK": item["PK"], "SK": item["SK"]})
    shard = dynamodb_backends["123456789012"]["us-east-1"].tables[table.name].stream_shard
    if shard is not None:
        shard.items.clear()


def test_every_corpus_message_has_an_outcome(mailroom, stack, monkeypatch):
    # A corpus shares a handful of senders; the per-sender hourly limit is tested on its own.
    monkeypatch.setenv("MAIL_SENDER_LIMIT_PER_HOUR", "100000")
    files = corpus()
    results = []
    keys = {}
    for n, chunk in enumerate(chunks(files)):
        empty_table(stack)
        for path in chunk:
            keys[mailroom.put(path.read_bytes(), key=f"inbound/corpus-{len(keys):04d}")] = path
        results += mailroom.run()
        assert len(results) == len(keys), f"chunk {n} was not fully ingested"
    # Then every message was handled, once
    assert sorted(r.s3_key for r in results) == sorted(keys)
    outcomes = Counter(r.outcome for r in results)
    assert sum(outcomes.values()) == len(files)
    assert set(outcomes) <= {"ticket", "interaction", "bounce", "auto_reply", "quarantined", "duplicate"}
    # And real mail yields new tickets, bounces and quarantines alike
    assert outcomes["ticket"] > 50 and outcomes["bounce"] > 10 and outcomes["quarantined"] > 10
    # Every quarantine names its reason; messages that cannot be complaints keep the parser's reason
    quarantined = {
        keys[r.s3_key].relative_to(CORPUS).as_posix(): r for r in results if r.outcome == "quarantined"
    }
    assert all(r.reason and r.detail and r.entry_id for r in quarantined.values())
    assert quarantined["rt/t/data/emails/lorem-ipsum"].reason == "unparseable"
    assert quarantined["rt/t/data/emails/lorem-ipsum"].detail == "no headers"
    # A duplicate is a copy of a message seen earlier (the same Message-ID in two files)
    assert all(r.ticket_id or r.entry_id for r in results if r.outcome == "duplicate")
