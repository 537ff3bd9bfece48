"""Ticket changes (DynamoDB stream of the table) → per-day report aggregates and ops metrics."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord

from complaintdesk.observability import instrumented
from complaintdesk.services import reports

processor = BatchProcessor(event_type=EventType.DynamoDBStreams)


def record_handler(record: DynamoDBRecord) -> bool:
    stream = record.dynamodb
    if stream is None or not record.event_id:
        return False
    stamp = stream.approximate_creation_date_time
    at = datetime.fromtimestamp(stamp, UTC) if stamp else datetime.now(UTC)
    applied = reports.fold_record(record.event_id, stream.keys, stream.old_image, stream.new_image, at)
    return applied.open_moved


@instrumented
def lambda_handler(event: dict[str, Any], context: Any) -> PartialItemFailureResponse:
    with processor(records=event.get("Records", []), handler=record_handler, lambda_context=context):
        results = processor.process()
    if any(status == "success" and moved for status, moved, _ in results):
        reports.publish_open_tickets()
    return processor.response()
