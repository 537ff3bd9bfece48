"""Inbound mail: SQS records whose body is an S3 "object created" notification for ``inbound/``
(SES stored the raw message there) → ``complaintdesk.services.email_intake``.

A record may name several objects; each is ingested. S3's one-off ``s3:TestEvent`` is ignored.
A message that cannot become a ticket is quarantined by the service and counts as handled; only
infrastructure failures raise, so only that record is retried (and dead-lettered after five tries).
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import unquote_plus

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from complaintdesk.observability import instrumented
from complaintdesk.services.email_intake import ingest_object

processor = BatchProcessor(event_type=EventType.SQS)


def stored_objects(body: str) -> list[tuple[str, str, str | None]]:
    """(bucket, key, event time) of every object an S3 notification names; none for a test event."""
    notification = json.loads(body)
    if notification.get("Event") == "s3:TestEvent":
        return []
    objects = []
    for entry in notification.get("Records") or []:
        if not str(entry.get("eventName", "")).startswith("ObjectCreated"):
            continue
        s3 = entry["s3"]
        objects.append((s3["bucket"]["name"], unquote_plus(s3["object"]["key"]), entry.get("eventTime")))
    return objects


def record_handler(record: SQSRecord) -> list[dict[str, Any]]:
    return [
        ingest_object(bucket, key, received_at=at).as_dict()
        for bucket, key, at in stored_objects(record.body)
    ]


@instrumented
def lambda_handler(event: dict[str, Any], context: Any) -> PartialItemFailureResponse:
    return process_partial_response(
        event=event, record_handler=record_handler, processor=processor, context=context
    )
