"""The ticket page's timeline and customer-360 lines in the reader's language, in a real browser on
the local stack (issue 14): the API gives each event its type and the parameters of its sentence,
the console words it in tr/en/lv (console/js/timeline.js).

One ticket is worked through the API by an agent — received, taken, a reply sent, a note, its
first step completed, the next one set to wait for the customer, resolved, reopened — and opened
in Turkish, Latvian and English. In tr and lv no English frame is left in the timeline, the words
people wrote stay as written; in en the page reads as the API's summaries do. Two entries stored the
way older code stored them (no parameters; a type the console does not know) show their summary.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable
from typing import Any

import pytest

from complaintdesk.lifecycle import by_person
from infra.local.state import moto_client
from tests.e2e.conftest import RunningStack, wait_for
from tests.e2e.console.test_agent_console import AGENT, TEAM, api_ticket, ensure_members

pytestmark = pytest.mark.e2e

# Event types whose text is written by a person: shown as written in every language.
WRITTEN = {"comment.public", "comment.internal", "customer.replied"}
# Pieces of the English frames: none may appear in a Turkish or Latvian timeline.
ENGLISH = (
    "Complaint received",
    "received via",
    "Assigned to",
    "(taken)",
    "done by",
    "waits for the customer",
    "Resolved:",
    "Reopened:",
    " assigned to ",
    ", due ",
    "sent to",
    "E-mail from",
    "Reminder to",
    "Every step of the plan",
    "information requested",
)
# The billing-error category's steps, as its definition names them (categories/shipped).
INVESTIGATE = {"tr": "Faturanın incelenmesi", "en": "Investigating the invoice", "lv": "Rēķina izpēte"}
CORRECT = {"tr": "Faturanın düzeltilmesi", "en": "Correcting the invoice", "lv": "Rēķina labošana"}
TEAM_NAME = {"tr": "Faturalama ekibi", "en": "Billing team", "lv": "Norēķinu komanda"}
# The late-delivery category's first step: the customer's other ticket, seen in the 360.
CHECKING = {
    "tr": "Siparişin ve kargo takibinin kontrolü",
    "en": "Checking the order and its tracking",
    "lv": "Pasūtījuma un sūtījuma izsekošanas pārbaude",
}


def _other_ticket(stack: RunningStack, ticket: dict[str, Any]) -> str:
    """A late-delivery complaint of the same customer (by their e-mail) whose first step waits for
    the customer (a public entry, so one of the 360's lines); returns that entry's id."""
    status, customer = stack.call("GET", f"/customers/{ticket['customer_id']}")
    assert status == 200, customer
    status, other = stack.call(
        "POST",
        "/tickets",
        {
            "channel": "api",
            "category": "late-delivery",
            "subject": "Parcel late",
            "description": "The parcel promised for Monday has not come.",
            "customer": {"name": customer["customer"]["name"], "email": customer["customer"]["email"]},
            "fields": {"order_number": "ORD-1", "carrier": "aras", "promised_date": "2026-10-05"},
        },
        role="integration",
    )
    assert status == 201, other
    assert other["customer_id"] == ticket["customer_id"]  # one customer across tickets
    oid = other["ticket_id"]
    wait_for(lambda: _ticket_now(stack, oid).get("current_step") == "triage", 60, "the other first step")
    _post_until(
        stack,
        f"/tickets/{oid}/steps/triage/complete",
        lambda: {
            "outcome": "waiting_for_customer",
            "notes": "Tracking number?",
            "version": _ticket_now(stack, oid)["version"],
        },
        "the other ticket waiting for the customer",
    )
    _, timeline = stack.call("GET", f"/tickets/{oid}/timeline")
    (waiting,) = [e["event_id"] for e in timeline["events"] if e["type"] == "customer.waiting"]
    return str(waiting)


def _post_until(
    stack: RunningStack, path: str, body: Callable[[], dict[str, Any]], what: str, timeout: float = 60
) -> Any:
    """POST (the body made afresh: the ticket's version) while the plan is still on its way to the
    wait this answers (409), bounded."""
    deadline = time.monotonic() + timeout
    while True:
        status, answer = stack.call("POST", path, body())
        if status in (200, 202):
            return answer
        assert status == 409 and time.monotonic() < deadline, f"{what}: {status} {answer}"
        time.sleep(0.5)


def _ticket_now(stack: RunningStack, ticket_id: str) -> dict[str, Any]:
    status, ticket = stack.call("GET", f"/tickets/{ticket_id}")
    assert status == 200, ticket
    return dict(ticket)


def _legacy_entries(stack: RunningStack, ticket_id: str) -> dict[str, str]:
    """Two entries as code before the parameters wrote them, put straight into the stack's table:
    a plan that could not start (its data had only the error) and a type the console never knew.
    Returns event id → summary."""
    table = moto_client(stack.info, "dynamodb")
    name = stack.info["env"]["TABLE_NAME"]
    made = {}
    for event_id, kind, summary, data in (
        (
            f"old{uuid.uuid4().hex[:9]}",
            "workflow.start_failed",
            "The billing-error plan could not start (ValidationException); set the category again to retry",
            {"error": "ValidationException: invalid definition"},
        ),
        (f"old{uuid.uuid4().hex[:9]}", "legacy.note", "Imported from the previous desk", {}),
    ):
        at = "2020-01-01T09:00:00.000000+00:00"
        table.put_item(
            TableName=name,
            Item={
                "PK": {"S": f"TICKET#{ticket_id}"},
                "SK": {"S": f"EVENT#{at}#{event_id}"},
                "event_id": {"S": event_id},
                "ticket_id": {"S": ticket_id},
                "event_type": {"S": kind},
                "at": {"S": at},
                "actor": {"S": "complaintdesk"},
                "summary": {"S": summary},
                "visibility": {"S": "internal"},
                "data": {"S": json.dumps(data)},
            },
        )
        made[event_id] = summary
    return made


@pytest.fixture(scope="module")
def worked(running_stack: RunningStack) -> dict[str, Any]:
    """A billing ticket with every kind of entry an agent's day makes, and what was written on it."""
    stack = running_stack
    ensure_members(stack, TEAM, AGENT)
    ensure_members(stack, "finance", AGENT)  # the second step's owner team
    ensure_members(stack, "customer-care", AGENT)  # the customer's other ticket's first step
    word = uuid.uuid4().hex[:6]
    ticket = api_ticket(stack, f"Charged twice {word}", name="Deniz Kaya")
    tid = ticket["ticket_id"]
    said = {
        "reply": f"Merhaba, inceliyoruz {word}.",
        "note": f"Ledger row 4711 {word}",
        "notes": f"Ledger row 4711 is a duplicate {word}",
        "request": f"Banka ekstresi lütfen {word}",
        "resolution": f"Refund 150 TRY {word}",
        "reason": f"Again charged {word}",
    }
    # Given an agent of the owner team who takes the ticket, answers, notes, and works its plan
    assert stack.call("POST", f"/tickets/{tid}/take", {"version": ticket["version"]})[0] == 200
    for body, visibility in ((said["reply"], "public"), (said["note"], "internal")):
        status, answer = stack.call(
            "POST", f"/tickets/{tid}/comments", {"body": body, "visibility": visibility}
        )
        assert status in (200, 201), answer
    _post_until(
        stack,
        f"/tickets/{tid}/steps/investigate/complete",
        lambda: {"outcome": "done", "notes": said["notes"], "version": _ticket_now(stack, tid)["version"]},
        "completing the first step",
    )
    wait_for(lambda: _ticket_now(stack, tid).get("current_step") == "correct", 60, "the second step")
    _post_until(
        stack,
        f"/tickets/{tid}/steps/correct/complete",
        lambda: {
            "outcome": "waiting_for_customer",
            "notes": said["request"],
            "version": _ticket_now(stack, tid)["version"],
        },
        "waiting for the customer",
    )
    wait_for(lambda: _ticket_now(stack, tid).get("status") == "waiting_customer", 60, "the wait")
    _post_until(
        stack,
        f"/tickets/{tid}/resolve",
        lambda: {"resolution": said["resolution"], "root_cause": "payment_captured_twice"},
        "resolving",
    )
    _post_until(
        stack, f"/tickets/{tid}/reopen", lambda: {"reason": said["reason"]}, "reopening (the follow-up wait)"
    )
    legacy = _legacy_entries(stack, tid)
    other_step = _other_ticket(stack, ticket)
    status, timeline = stack.call("GET", f"/tickets/{tid}/timeline?limit=500")
    assert status == 200, timeline
    events = timeline["events"]
    kinds = {e["type"] for e in events}
    expected_kinds = {
        "ticket.received",
        "ticket.assigned",
        "comment.public",
        "comment.internal",
        "step.assigned",
        "step.completed",
        "customer.waiting",
        "ticket.resolved",
        "ticket.reopened",
    }
    assert expected_kinds <= kinds, sorted(kinds)
    return {"ticket_id": tid, "said": said, "events": events, "legacy": legacy, "other_step": other_step}


def _shown(page: Any, ticket_id: str) -> tuple[dict[str, tuple[str, str]], dict[str, str]]:
    """The ticket page's timeline (event id → (type, text)) and its customer-360 lines of this
    ticket (event id → text)."""
    page.goto(page.url.split("#")[0] + f"#/tickets/{ticket_id}")
    page.get_by_test_id("ticket-timeline").wait_for()
    page.get_by_test_id("customer-interactions").wait_for()
    page.wait_for_function("() => !document.querySelector('main [aria-busy=true]')")
    rows = page.eval_on_selector_all(
        "[data-testid=ticket-timeline] li",
        "items => items.map(li => [li.dataset.eventId, li.dataset.type, li.querySelector('.event-summary').textContent])",
    )
    lines = page.eval_on_selector_all(
        "[data-testid=customer-interactions] li",
        "items => items.map(li => [li.dataset.eventId, li.textContent])",
    )
    return {r[0]: (r[1], r[2]) for r in rows}, {line[0]: line[1] for line in lines}


def _of(events: list[dict[str, Any]], kind: str) -> list[dict[str, Any]]:
    return [e for e in events if e["type"] == kind]


@pytest.mark.parametrize("lang", ["tr", "lv"])
def test_the_timeline_speaks_the_readers_language(
    worked: dict[str, Any], signed_in: Callable[..., Any], screenshot: Callable[..., Any], lang: str
) -> None:
    page = signed_in("agent", lang)
    shown, lines = _shown(page, worked["ticket_id"])
    screenshot(page, "ticket-timeline", "agent", lang)
    events, said = worked["events"], worked["said"]
    text = {event_id: words for event_id, (_, words) in shown.items()}
    completed = _of(events, "step.completed")[0]
    by = by_person(completed["data"]["by"])  # the person, without their role
    expected = {
        "tr": {
            "ticket.received": "Şikâyet alındı (Uygulama arayüzü)",
            "ticket.assigned": f"{AGENT} üstlendi",
            "step.completed": f"{INVESTIGATE['tr']} tamamlandı ({by}): {said['notes']}",
            "customer.waiting": f"{CORRECT['tr']} müşteriyi bekliyor: {said['request']}",
            "ticket.resolved": f"Çözüldü: {said['resolution']}",
            "ticket.reopened": f"Yeniden açıldı: {said['reason']}",
        },
        "lv": {
            "ticket.received": "Sūdzība saņemta (Lietotnes saskarne)",
            "ticket.assigned": f"{AGENT} to paņēma sev",
            "step.completed": f"{INVESTIGATE['lv']} pabeigts ({by}): {said['notes']}",
            "customer.waiting": f"{CORRECT['lv']} gaida klientu: {said['request']}",
            "ticket.resolved": f"Atrisināts: {said['resolution']}",
            "ticket.reopened": f"Atvērts no jauna: {said['reason']}",
        },
    }[lang]
    # Then each known event reads in the page's language, with what people wrote as they wrote it
    for kind, sentence in expected.items():
        assert sentence in [text[e["event_id"]] for e in _of(events, kind)], (kind, sentence, lang)
    assert said["reply"] in [text[e["event_id"]] for e in _of(events, "comment.public")]
    assert said["note"] in [text[e["event_id"]] for e in _of(events, "comment.internal")]
    # the first step's assignment names the step and the team in this language, its due time local
    first = _of(events, "step.assigned")[0]
    assert (
        text[first["event_id"]].startswith(INVESTIGATE[lang]) and TEAM_NAME[lang] in text[first["event_id"]]
    )
    assert first["data"]["due_at"] not in text[first["event_id"]]  # not the raw ISO time
    # and no entry falls back to its English summary or keeps an English frame
    for event in events:
        if event["type"] in WRITTEN or event["event_id"] in worked["legacy"]:
            continue
        assert text[event["event_id"]] != event["summary"], (event["type"], event["summary"])
        assert not [w for w in ENGLISH if w in text[event["event_id"]]], (
            event["type"],
            text[event["event_id"]],
        )
    # Entries stored before the parameters existed still show, as their summary
    for event_id, summary in worked["legacy"].items():
        assert text[event_id] == summary
    acknowledged = [
        e for e in _of(events, "notification.sent") if e["data"]["template"] == "ticket.acknowledged"
    ]
    assert (
        text[acknowledged[0]["event_id"]]
        == {
            "tr": "Alındı bildirimi e-postası gönderildi: müşteri",
            "lv": "Saņemšanas apstiprinājums: e-pasts nosūtīts — klientam",
        }[lang]
    )
    # The customer 360's lines of this ticket are worded the same way
    received = _of(events, "ticket.received")[0]["event_id"]
    assert expected["ticket.received"] in lines[received]
    resolved = _of(events, "ticket.resolved")[0]["event_id"]
    assert expected["ticket.resolved"] in lines[resolved]
    for line in lines.values():
        assert not [w for w in ENGLISH if w in line], line
    # and the customer's other ticket's lines name its steps as its own category does
    assert CHECKING[lang] in lines[worked["other_step"]], lines[worked["other_step"]]
    assert CHECKING["en"] not in lines[worked["other_step"]]
    assert page.errors == []


def test_the_english_timeline_reads_as_before(
    worked: dict[str, Any], signed_in: Callable[..., Any], screenshot: Callable[..., Any]
) -> None:
    page = signed_in("agent", "en")
    shown, lines = _shown(page, worked["ticket_id"])
    screenshot(page, "ticket-timeline", "agent", "en")
    events, said = worked["events"], worked["said"]
    text = {event_id: words for event_id, (_, words) in shown.items()}
    # The sentences without a name or a time to localize are the API's summaries, word for word
    for kind in (
        "ticket.assigned",
        "ticket.resolved",
        "ticket.reopened",
        "comment.public",
        "comment.internal",
    ):
        for event in _of(events, kind):
            assert text[event["event_id"]] == event["summary"], kind
    received = _of(events, "ticket.received")[0]
    assert text[received["event_id"]] == "Complaint received via API"
    assert text[_of(events, "ticket.assigned")[0]["event_id"]] == f"Assigned to {AGENT} (taken)"
    completed = _of(events, "step.completed")[0]
    by = by_person(completed["data"]["by"])  # the person, without their role
    # steps are named as the category names them in English, times in the user's zone
    assert text[completed["event_id"]] == f"{INVESTIGATE['en']} done by {by}: {said['notes']}"
    waiting = _of(events, "customer.waiting")[0]
    assert text[waiting["event_id"]] == f"{CORRECT['en']} waits for the customer: {said['request']}"
    first = _of(events, "step.assigned")[0]
    assert text[first["event_id"]].startswith(f"{INVESTIGATE['en']} assigned to {TEAM_NAME['en']}, due ")
    for event_id, summary in worked["legacy"].items():
        assert text[event_id] == summary
    assert "Complaint received via API" in lines[received["event_id"]]
    # a notification names its message, the medium and whom it went to
    acknowledged = [
        e for e in _of(events, "notification.sent") if e["data"]["template"] == "ticket.acknowledged"
    ]
    assert text[acknowledged[0]["event_id"]] == "Acknowledgement e-mail sent to the customer"
    assert page.errors == []
