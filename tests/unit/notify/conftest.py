"""A complete context: every placeholder any notification template may use, with realistic values."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from complaintdesk.notify.templates import Money


def complete_context() -> dict[str, object]:
    return {
        "ticket_id": "C-2026-000123",
        "recipient_name": "Ayşe Yılmaz",
        "brand": "complaintdesk",
        "complaint_subject": "Charged twice for one order",
        "status_url": "https://desk.example/status/eyJwIjoic3RhdHVzIn0.c2ln",
        "first_response_due": datetime(2026, 11, 24, 18, 30, tzinfo=UTC),
        "step_name": "Investigate billing",
        "step_description": "We compare your invoice with the payment records.",
        "due_at": datetime(2026, 11, 25, 9, 0, tzinfo=UTC),
        "outcome": "The second charge was confirmed as a duplicate.",
        "next_step_name": "Refund",
        "request": "A photo or scan of the receipt.",
        "reply_by": datetime(2026, 11, 30, 12, 0, tzinfo=UTC),
        "resolution": "We refund the second charge.\nThe money is back on your card within 5 working days.",
        "root_cause": "A payment retry charged the card twice.",
        "apology": True,
        "compensation_type": "voucher",
        "compensation_amount": Money(Decimal("1250.50"), "EUR"),
        "solved_url": "https://desk.example/followup/yes.sig",
        "not_solved_url": "https://desk.example/followup/no.sig",
        "survey_url": "https://desk.example/survey/eyJwIjoic3VydmV5In0.c2ln",
        "survey_expires": datetime(2026, 12, 24, 0, 0, tzinfo=UTC),
        "closing_note": "The refund was paid on 26 November.",
        "reason": "The customer wrote that the refund has not arrived.",
        "reply_text": "We found the second charge.\n\nThe refund is on its way; <no action> needed.",
        "team_name": "Billing",
        "instructions": "Check the ledger.\nCall the payment provider.",
        "category_name": "Billing and payments",
        "ticket_url": "https://desk.example/tickets/C-2026-000123",
        "time_left": timedelta(hours=3, minutes=20),
        "escalation_level": 2,
        "late_by": timedelta(days=1, hours=2, minutes=5),
        "new_deadline": datetime(2026, 11, 26, 9, 0, tzinfo=UTC),
        "decision_url": "https://desk.example/decision/eyJwIjoiZGVjaXNpb24ifQ.c2ln",
        "decision_until": datetime(2026, 12, 10, 9, 0, tzinfo=UTC),
        "recourse": [
            "Our complaints review: support@desk.example",
            "Consumer Arbitration Committee: https://tuketici.example.gov.tr",
        ],
        "reply_excerpt": "Thank you, all is fine now.",
        "reopen_call": "POST https://desk.example/tickets/C-2026-000123/reopen",
        "reopen_until": datetime(2026, 12, 10, 9, 0, tzinfo=UTC),
        "attempts": [
            "24 Nov 10:02 Billing: called the payment provider",
            "25 Nov 15:40 Billing: <ledger> requested",
        ],
    }


@pytest.fixture
def context() -> dict[str, object]:
    return complete_context()
