"""Outbox items from the table's stream → SNS events and plan starts (services/outbox.py)."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord

from complaintdesk.observability import instrumented
from complaintdesk.services import outbox

processor = BatchProcessor(event_type=EventType.DynamoDBStreams)


def record_handler(record: DynamoDBRecord) -> str:
    stream = record.dynamodb
    if record.event_name is None or record.event_name.name != "INSERT" or stream is None:
        return "not an insert"
    if not outbox.is_outbox_record(stream.keys):
        return "not an outbox item"
    return outbox.deliver(stream.new_image or {})


@instrumented
def lambda_handler(event: dict[str, Any], context: Any) -> PartialItemFailureResponse:
    return process_partial_response(
        event=event, record_handler=record_handler, processor=processor, context=context
    )
