"""A tiny stand-in for the step-assignment function and the API, driving real moto executions.

It creates the resources the compiled state machines need (callback queue, events topic with an
SQS tap, the single table), publishes category versions as immutable state machines, starts
tickets, receives callback messages and answers their task tokens — and keeps a timeline of
everything it saw, the way the ticket's timeline would.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import boto3

from complaintdesk.categories import CategoryDefinition
from complaintdesk.workflow import (
    WorkflowResources,
    asl_json,
    closing_clock,
    compile_category,
    state_machine_name,
    step_schedule,
    validate_asl,
)
from complaintdesk.workflow.contract import ExecutionInput, TaskAnswer, TaskMessage, execution_name

MOTO_CONFIG = {"stepfunctions": {"execute_state_machine": True}}
TABLE = "complaintdesk-wf"
ROLE_ARN = "arn:aws:iam::123456789012:role/complaintdesk-workflows"
# One plan hour = one second: SLAs of a few hours run in a few seconds.
TIME_SCALE = 3600.0
PRICE_PER_TRANSITION = 0.025 / 1000  # Step Functions Standard, us-east-1 list price


@dataclass
class Published:
    definition: CategoryDefinition
    version: int
    arn: str


@dataclass
class Ticket:
    ticket_id: str
    published: Published
    execution_arn: str


@dataclass
class WorkflowDriver:
    time_scale: float = TIME_SCALE
    # Closing waits are days; squeeze a day into a second so the survey and auto-close run too.
    closing_scale: float = 24 * 3600.0
    timeline: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)  # (ticket, what, detail)

    def __post_init__(self) -> None:
        self.sqs = boto3.client("sqs")
        self.sns = boto3.client("sns")
        self.ddb = boto3.client("dynamodb")
        self.sfn = boto3.client("stepfunctions")
        self.callback_queue = self.sqs.create_queue(QueueName="complaintdesk-wf-callbacks")["QueueUrl"]
        self.topic = self.sns.create_topic(Name="complaintdesk-wf-events")["TopicArn"]
        self.events_queue = self.sqs.create_queue(QueueName="complaintdesk-wf-events-tap")["QueueUrl"]
        tap_arn = self.sqs.get_queue_attributes(QueueUrl=self.events_queue, AttributeNames=["QueueArn"])
        self.sns.subscribe(TopicArn=self.topic, Protocol="sqs", Endpoint=tap_arn["Attributes"]["QueueArn"])
        self.ddb.create_table(
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
        )
        self.resources = WorkflowResources(self.callback_queue, self.topic, TABLE)
        self._pending: dict[str, list[TaskMessage]] = {}
        self._events: list[dict[str, Any]] = []

    # ---- publishing and starting --------------------------------------------------------

    def publish(self, definition: CategoryDefinition, version: int) -> Published:
        """A new immutable state machine for this version; earlier versions stay as they are."""
        asl = compile_category(definition, version, self.resources)
        validate_asl(asl)
        created = self.sfn.create_state_machine(
            name=state_machine_name(definition.id, version),
            definition=asl_json(asl),
            roleArn=ROLE_ARN,
            type="STANDARD",
        )
        return Published(definition, version, created["stateMachineArn"])

    def start(self, ticket_id: str, published: Published) -> Ticket:
        self.ddb.put_item(
            TableName=TABLE,
            Item={
                "PK": {"S": f"TICKET#{ticket_id}"},
                "SK": {"S": "TICKET"},
                "status": {"S": "open"},
                "version": {"N": "1"},
            },
        )
        first = published.definition.steps[0].id
        clock = step_schedule(
            published.definition, first, datetime.now(UTC), time_scale=self.time_scale
        ).clock()
        payload = ExecutionInput.first(ticket_id, published.definition.id, published.version, clock)
        started = self.sfn.start_execution(
            stateMachineArn=published.arn, name=execution_name(ticket_id), input=payload.model_dump_json()
        )
        self.timeline.append((ticket_id, "started", {"version": published.version}))
        return Ticket(ticket_id, published, started["executionArn"])

    # ---- the step-assignment side -------------------------------------------------------

    def _pump(self) -> None:
        reply = self.sqs.receive_message(
            QueueUrl=self.callback_queue, MaxNumberOfMessages=10, WaitTimeSeconds=0
        )
        for message in reply.get("Messages", []):
            self.sqs.delete_message(QueueUrl=self.callback_queue, ReceiptHandle=message["ReceiptHandle"])
            task = TaskMessage.model_validate_json(message["Body"])
            self._pending.setdefault(task.ticket_id, []).append(task)
            self.timeline.append(
                (task.ticket_id, "task", {"state": task.state, "kind": task.kind, "level": task.level})
            )

    def next_task(self, ticket: Ticket, timeout: float = 30.0) -> TaskMessage:
        """The next callback message for this ticket, polling with a bounded timeout (generous: on a
        loaded 2-core CI machine a wait of hours-as-seconds plus moto's scheduler can pass 15 s)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self._pump()
            waiting = self._pending.get(ticket.ticket_id)
            if waiting:
                return waiting.pop(0)
            self._fail_fast(ticket)
            time.sleep(0.05)
        raise AssertionError(f"no callback task for {ticket.ticket_id} within {timeout}s")

    def no_task_for(self, ticket: Ticket, seconds: float) -> bool:
        """True when no callback message arrives for ``seconds`` (a bounded check for silence)."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            self._pump()
            if self._pending.get(ticket.ticket_id):
                return False
            time.sleep(0.05)
        return True

    def _fail_fast(self, ticket: Ticket) -> None:
        described = self.sfn.describe_execution(executionArn=ticket.execution_arn)
        if described["status"] in ("FAILED", "TIMED_OUT", "ABORTED"):
            raise AssertionError(
                f"execution {ticket.ticket_id} {described['status']}: "
                f"{described.get('error')} {described.get('cause')}"
            )

    # ---- the API side -------------------------------------------------------------------

    def answer(
        self,
        task: TaskMessage,
        outcome: str,
        clock: dict[str, Any],
        *,
        step: str | None = None,
        by: str = "agent@example.com",
        notes: str = "",
    ) -> None:
        answer = TaskAnswer(outcome=outcome, clock=clock, step=step, by=by, notes=notes)  # type: ignore[arg-type]
        self.sfn.send_task_success(taskToken=task.task_token, output=answer.to_output())
        self.timeline.append((task.ticket_id, "answered", {"state": task.state, "outcome": outcome}))

    def complete(self, ticket: Ticket, task: TaskMessage) -> None:
        """``done`` with the next step's schedule (or a placeholder clock before resolution)."""
        definition = ticket.published.definition
        following = definition.next_step(task.step)
        if following is None:
            clock: dict[str, Any] = {"seconds": [1]}
        else:
            clock = step_schedule(
                definition, following.id, datetime.now(UTC), time_scale=self.time_scale
            ).clock()
        self.answer(task, "done", clock)

    def resolve(self, ticket: Ticket, task: TaskMessage) -> None:
        clock = closing_clock(ticket.published.definition, datetime.now(UTC), time_scale=self.closing_scale)
        self.answer(task, "resolved", clock)

    # ---- observing ----------------------------------------------------------------------

    def events(self, ticket: Ticket, count: int, timeout: float = 10.0) -> list[dict[str, Any]]:
        """At least ``count`` events for the ticket from the topic's SQS tap (bounded wait)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            reply = self.sqs.receive_message(
                QueueUrl=self.events_queue, MaxNumberOfMessages=10, WaitTimeSeconds=0
            )
            for message in reply.get("Messages", []):
                self.sqs.delete_message(QueueUrl=self.events_queue, ReceiptHandle=message["ReceiptHandle"])
                envelope = json.loads(message["Body"])
                event = json.loads(envelope["Message"])
                event["_attributes"] = {
                    k: v["Value"] for k, v in envelope.get("MessageAttributes", {}).items()
                }
                self._events.append(event)
                self.timeline.append((event["ticket_id"], "event", {"type": event["event_type"]}))
            mine = [e for e in self._events if e["ticket_id"] == ticket.ticket_id]
            if len(mine) >= count:
                return mine
            time.sleep(0.05)
        raise AssertionError(f"expected {count} events for {ticket.ticket_id}, saw {len(mine)}")

    def wait_finished(self, ticket: Ticket, timeout: float = 15.0) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            status = self.sfn.describe_execution(executionArn=ticket.execution_arn)["status"]
            if status != "RUNNING":
                return status
            time.sleep(0.05)
        raise AssertionError(f"execution {ticket.ticket_id} still running after {timeout}s")

    def history(self, ticket: Ticket) -> list[dict[str, Any]]:
        events: list[dict[str, Any]] = []
        kwargs: dict[str, Any] = {"executionArn": ticket.execution_arn, "maxResults": 1000}
        while True:
            page = self.sfn.get_execution_history(**kwargs)
            events += page["events"]
            if not page.get("nextToken"):
                return events
            kwargs["nextToken"] = page["nextToken"]

    def transitions(self, ticket: Ticket) -> int:
        """State transitions as billed: one per state entered."""
        return sum(1 for event in self.history(ticket) if event["type"].endswith("StateEntered"))

    def entered_states(self, ticket: Ticket) -> list[str]:
        return [
            e["stateEnteredEventDetails"]["name"]
            for e in self.history(ticket)
            if e["type"].endswith("StateEntered")
        ]

    def ticket_item(self, ticket: Ticket) -> dict[str, Any]:
        key = {"PK": {"S": f"TICKET#{ticket.ticket_id}"}, "SK": {"S": "TICKET"}}
        return self.ddb.get_item(TableName=TABLE, Key=key)["Item"]

    def story(self, ticket: Ticket) -> list[str]:
        """The ticket's timeline as readable lines."""
        lines = []
        for ticket_id, what, detail in self.timeline:
            if ticket_id == ticket.ticket_id:
                lines.append(f"{what}: " + ", ".join(f"{k}={v}" for k, v in detail.items()))
        return lines
