"""Step assignment: callback tasks from the category state machines (SQS) → the ticket.

Stores each task token on its ticket, sets the owner team and due times, writes the timeline,
publishes ``step.assigned`` and emits ``SLABreached`` when a wait comes from an escalation.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from complaintdesk.observability import instrumented
from complaintdesk.services.workflow import on_task, parse_task_message

processor = BatchProcessor(event_type=EventType.SQS)


def record_handler(record: SQSRecord) -> str:
    return on_task(parse_task_message(record.body))


@instrumented
def lambda_handler(event: dict[str, Any], context: Any) -> PartialItemFailureResponse:
    return process_partial_response(
        event=event, record_handler=record_handler, processor=processor, context=context
    )
