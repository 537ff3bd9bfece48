"""The running local stack over real HTTP: what a newcomer does with curl after `make run`."""

from __future__ import annotations

import email
from email import policy

import pytest

from tests.e2e.conftest import wait_for

pytestmark = pytest.mark.e2e


def test_create_get_customer_360_and_acknowledgement(running_stack):
    # Given a customer complaining through the API
    body = {
        "channel": "api",
        "subject": "Fatura iki kez kesildi",
        "description": "Kasım faturam kartımdan iki kez çekildi.",
        "customer": {"name": "Zeynep Kaya", "email": "zeynep.kaya@example.com", "language": "tr"},
    }
    status, ticket = running_stack.call("POST", "/tickets", body, headers={"Idempotency-Key": "e2e-1"})
    assert status == 201, ticket
    ticket_id = ticket["ticket_id"]
    # When the agent reads it back and looks at the customer
    status, fetched = running_stack.call("GET", f"/tickets/{ticket_id}")
    assert status == 200 and fetched["subject"] == body["subject"]
    status, customer = running_stack.call("GET", "/customers?email=zeynep.kaya@example.com")
    assert status == 200 and [t["ticket_id"] for t in customer["tickets"]] == [ticket_id]
    # Then the acknowledgement lands in the outbox as an .eml a person can open
    files = wait_for(
        lambda: sorted(running_stack.outbox.glob(f"*{ticket_id}*.eml")), 30, "the acknowledgement"
    )
    message = email.message_from_bytes(files[0].read_bytes(), policy=policy.default)
    assert f"[{ticket_id}]" in message["Subject"]
    assert message["To"].addresses[0].addr_spec == "zeynep.kaya@example.com"
    # And the timeline records it
    timeline = wait_for(
        lambda: [
            e
            for e in running_stack.call("GET", f"/tickets/{ticket_id}/timeline")[1]["events"]
            if e["type"] == "notification.sent"
        ],
        15,
        "the timeline entry",
    )
    assert timeline[0]["data"]["template"] == "ticket.acknowledged"


def test_bad_requests_over_http(running_stack):
    status, error = running_stack.call("POST", "/tickets", {"channel": "fax"})
    assert status == 400 and error["error"]["details"]
    status, _ = running_stack.call("GET", "/tickets/C-2026-999999")
    assert status == 404


def test_a_categorised_ticket_gets_its_first_step(running_stack):
    """The shipped categories are published at start; a ticket in one runs its plan at once."""
    status, categories = running_stack.call("GET", "/categories")
    assert status == 200
    assert {"late-delivery", "defective-product", "billing-error", "staff-behaviour", "service-outage"} <= {
        c["category_id"] for c in categories["categories"]
    }
    status, ticket = running_stack.call(
        "POST",
        "/tickets",
        {
            "channel": "web",
            "subject": "Kargo gelmedi",
            "description": "Siparişim 10 gündür yolda.",
            "category": "late-delivery",
            "customer": {"name": "Can Öz", "email": "can@example.com", "language": "tr"},
            "fields": {"order_number": "TR-88123", "carrier": "aras", "promised_date": "2026-11-20"},
        },
    )
    assert status == 201, ticket
    first = ticket["workflow"]["current_step"]
    assigned = wait_for(
        lambda: [
            e
            for e in running_stack.call("GET", f"/tickets/{ticket['ticket_id']}/timeline")[1]["events"]
            if e["type"] == "step.assigned"
        ],
        30,
        "the first step to be assigned",
    )
    assert assigned[0]["data"]["step"] == first


def test_reports_follow_the_table_stream(running_stack):
    """The local stream poller plays Lambda's DynamoDB-stream mapping: a new ticket is counted."""
    body = {
        "channel": "store",
        "subject": "Rude staff at the till",
        "description": "The cashier shouted at me.",
        "region": "Vidzeme",
        "customer": {"name": "Līga Ozola", "phone": "+37129000111", "language": "lv"},
    }
    assert running_stack.call("POST", "/tickets", body)[0] == 201

    def store_rows():
        status, report = running_stack.call("GET", "/reports/summary?group_by=channel", role="manager")
        assert status == 200, report
        return [row for row in report["rows"] if row["value"] == "store" and row["opened"] >= 1]

    assert wait_for(store_rows, 30, "the ticket to be counted in the channel report")
    assert running_stack.call("GET", "/reports/summary?group_by=channel", role="agent")[0] == 403
