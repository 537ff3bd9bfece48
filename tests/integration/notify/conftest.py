"""Notifications against moto in-process: a published category, tickets from the API, events on the
topic, the notify function draining its queue, and what SES and SNS accepted read back."""

from __future__ import annotations

import email
import json
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import boto3
import pytest

from complaintdesk.categories.defaults import shipped_categories_dir

ACCOUNT, REGION = "123456789012", "us-east-1"
REPO = Path(__file__).resolve().parents[3]
SENDER_DOMAIN = "complaintdesk.example"


def demo_category(**changes: Any) -> dict[str, Any]:
    """A billing category with a customer-visible step, team addresses and a two-level escalation."""
    data: dict[str, Any] = {
        "id": "notify-demo",
        "names": {"tr": "Fatura itirazı", "en": "Billing dispute", "lv": "Rēķina strīds"},
        "calendar": "tr-istanbul",
        "teams": [
            {
                "id": "billing",
                "name": "Billing team",
                "names": {"tr": "Faturalama ekibi", "en": "Billing team", "lv": "Norēķinu komanda"},
                "email": "billing-desk@example.com",
                "manager_email": "aylin.lead@example.com",
            },
            {
                "id": "finance",
                "name": "Finance",
                "names": {"tr": "Finans", "en": "Finance", "lv": "Finanses"},
            },
        ],
        "steps": [
            {
                "id": "investigate",
                "title": "Investigate",
                "names": {"tr": "Faturanın incelenmesi", "en": "Investigate", "lv": "Rēķina izpēte"},
                "owner_team": "billing",
                "instructions": {
                    "en": "Compare the invoice with the contract.",
                    "tr": "Faturayı sözleşmeyle karşılaştırın.",
                },
                "sla": "2d",
                "notify_customer_on_start": True,
                "notify_customer_on_end": True,
                "escalation": [
                    {
                        "label": "Billing lead",
                        "names": {
                            "tr": "Faturalama ekip lideri",
                            "en": "Billing lead",
                            "lv": "Norēķinu vadītājs",
                        },
                        "notify": [{"kind": "manager", "value": "billing"}],
                        "extra": "1d",
                    },
                    {
                        "label": "Finance manager",
                        "names": {"tr": "Finans müdürü", "en": "Finance manager", "lv": "Finanšu vadītājs"},
                        "notify": [
                            {"kind": "manager", "value": "finance"},
                            {"kind": "role", "value": "cfo_office"},
                            {"kind": "email", "value": "Aylin.Lead@example.com"},
                        ],
                        "extra": "1d",
                    },
                ],
            },
            {
                "id": "correct",
                "title": "Correct the invoice",
                "names": {
                    "tr": "Faturanın düzeltilmesi",
                    "en": "Correct the invoice",
                    "lv": "Rēķina labošana",
                },
                "owner_team": "finance",
                "instructions": {"en": "Issue the credit note."},
                "sla": "1d",
            },
        ],
        "root_causes": [
            {
                "code": "billing_system_error",
                "names": {
                    "tr": "Faturalama sistemindeki bir hata",
                    "en": "A fault in the billing system",
                    "lv": "Kļūda norēķinu sistēmā",
                },
            },
        ],
    }
    data.update(changes)
    return data


@dataclass
class Sent:
    destinations: list[str]  # what SES was asked to deliver to (moto adds the To/Cc/Bcc header addresses)
    message: EmailMessage

    @property
    def to(self) -> list[str]:
        return [a.addr_spec.lower() for a in self.message["To"].addresses]

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    @property
    def text(self) -> str:
        return self.message.get_body(("plain",)).get_content()

    @property
    def html(self) -> str:
        return self.message.get_body(("html",)).get_content()


class Notify:
    """Drive the notify function and read back what went out."""

    def __init__(self, api: Any, stack: Any, deliver: Any) -> None:
        from moto.ses.models import ses_backends
        from moto.sns.models import sns_backends

        self.api, self.stack, self.deliver = api, stack, deliver
        self.ses = ses_backends[ACCOUNT][REGION]
        self.sns = sns_backends[ACCOUNT][REGION]

    # ---- what went out ----------------------------------------------------------------------

    def emails(self) -> list[Sent]:
        return [
            Sent(
                list(m.destinations),
                email.message_from_bytes(m.raw_data.encode(), policy=policy.default),  # type: ignore[arg-type]
            )
            for m in self.ses.sent_messages
        ]

    def sms(self) -> list[tuple[str, str]]:
        return list(self.sns.sms_messages.values())

    def counts(self) -> tuple[int, int]:
        return len(self.ses.sent_messages), len(self.sns.sms_messages)

    # ---- tickets and events -----------------------------------------------------------------

    def ticket(self, customer: dict[str, Any] | None = None, **overrides: Any) -> dict[str, Any]:
        """A ticket (no category, so no plan runs); its acknowledgement is delivered."""
        body = {
            "channel": "web",
            "subject": "Billed twice for November",
            "description": "My November invoice was charged twice.\nPlease refund the second charge.",
            "customer": customer or {"name": "Ayşe Yılmaz", "email": "ayse@example.com", "language": "tr"},
            **overrides,
        }
        status, created = self.api.post("/tickets", body)
        assert status == 201, created
        self.drain()
        return created

    def drain(self) -> int:
        return self.deliver("NotifyQueue")

    def fire(
        self, event_type: str, ticket_id: str, data: dict[str, Any], event_id: str | None = None
    ) -> dict:
        """Publish one domain event on the topic, as its publisher would, and let the notify function run."""
        event = self.emit(event_type, ticket_id, data, event_id)
        self.drain()
        return event

    @staticmethod
    def emit(event_type: str, ticket_id: str, data: dict[str, Any], event_id: str | None = None) -> dict:
        """Publish one domain event on the topic through the outbox publisher's own code."""
        import uuid

        from complaintdesk import clock
        from complaintdesk.events import DomainEvent
        from complaintdesk.services import outbox

        event = DomainEvent(
            event_id=event_id or str(uuid.uuid4()),
            event_type=event_type,
            occurred_at=clock.iso(clock.now()),
            ticket_id=ticket_id,
            data=data,
        )
        outbox.publish(event)
        return event.model_dump(mode="json")

    def timeline(self, ticket_id: str) -> list[dict[str, Any]]:
        status, body = self.api.get(f"/tickets/{ticket_id}/timeline?limit=500")
        assert status == 200
        return body["events"]

    def notes(self, ticket_id: str, *types: str) -> list[dict[str, Any]]:
        wanted = types or ("notification.sent", "notification.failed", "notification.skipped")
        return [e for e in self.timeline(ticket_id) if e["type"] in wanted]

    def spy(self) -> str:
        """A queue on the events topic, to read published events back."""
        sqs, sns = boto3.client("sqs"), boto3.client("sns")
        url = sqs.create_queue(QueueName="notify-events-spy")["QueueUrl"]
        arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        sns.subscribe(
            TopicArn=self.stack.env["EVENTS_TOPIC_ARN"],
            Protocol="sqs",
            Endpoint=arn,
            Attributes={"RawMessageDelivery": "true"},
        )
        return url

    def published(self, spy: str, event_type: str | None = None) -> list[dict[str, Any]]:
        """Events read from the spy queue (all of them, or those of one type), once the outbox
        publisher has sent what the table holds."""
        self.deliver("outbox")
        sqs = boto3.client("sqs")
        found = []
        while batch := sqs.receive_message(QueueUrl=spy, MaxNumberOfMessages=10).get("Messages", []):
            for message in batch:
                found.append(json.loads(message["Body"]))
                sqs.delete_message(QueueUrl=spy, ReceiptHandle=message["ReceiptHandle"])
        return [e for e in found if event_type is None or e["event_type"] == event_type]


@pytest.fixture
def notify(api, stack, deliver, monkeypatch, tmp_path) -> Notify:
    """Tickets without a plan (no state machine per test); events name the demo category, which is
    found among the shipped defaults (CATEGORIES_DIR), as an unpublished category is."""
    (tmp_path / "notify-demo.json").write_text(json.dumps(demo_category()), encoding="utf-8")
    billing = shipped_categories_dir() / "billing-error.json"  # the sample events' category
    (tmp_path / billing.name).write_text(billing.read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.setenv("CATEGORIES_DIR", str(tmp_path))
    return Notify(api, stack, deliver)
