"""Canned replies in moto: admins keep them per category, agents fill one for a ticket and send it."""

from __future__ import annotations

import json
import time
from zoneinfo import ZoneInfo

from complaintdesk import clock
from complaintdesk.categories.defaults import shipped_categories_dir
from complaintdesk.notify.templates import format_moment

FIELDS = {
    "invoice_number": "INV-2026-11-0042",
    "disputed_amount": 249.9,
    "currency": "TRY",
    "error_type": "double_charge",
}
BASE = "/categories/billing-error/canned-replies"
REFUND = {
    "id": "refund-on-its-way",
    "title": "Refund on its way",
    "texts": {
        "tr": "Sayın {customer_name}, {ticket_id} numaralı şikâyetinizde iadeyi başlattık; {due_date} tarihine kadar sonuçlanacak.",
        "en": "Dear {customer_name}, we started the refund for {ticket_id}; it is done by {due_date}.",
    },
}  # fmt: skip


def publish_billing(api) -> None:
    """The shipped billing category (Istanbul calendar, first step ``investigate``), published."""
    plan = json.loads((shipped_categories_dir() / "billing-error.json").read_text(encoding="utf-8"))
    status, body = api.put("/categories/billing-error", plan, role="admin")
    assert status in (200, 201), body


def step_running(notify, ticket_id: str, timeout: float = 20.0) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        notify.deliver("CallbackQueue")
        notify.drain()
        ticket = notify.api.get(f"/tickets/{ticket_id}")[1]
        if ticket["workflow"]["current_step"] == "investigate" and ticket["due_at"]:
            return ticket
        time.sleep(0.1)
    raise AssertionError(f"the first step of {ticket_id} never started")


def test_admins_keep_canned_replies_and_bad_ones_are_refused_with_the_reason(notify):
    api = notify.api
    publish_billing(api)

    # An agent may not write one
    status, body = api.post(BASE, REFUND)
    assert status == 403 and body["error"]["code"] == "forbidden"
    # An unknown placeholder is refused when saved, named with its language
    wrong = {**REFUND, "texts": {"en": "Your order {order_no} ships today."}}
    status, body = api.post(BASE, wrong, role="admin")
    assert status == 400 and "en: unknown placeholder {order_no}" in body["error"]["details"][0]["message"]
    # A category that does not exist has none
    assert api.post("/categories/no-such-category/canned-replies", REFUND, role="admin")[0] == 404

    status, created = api.post(BASE, REFUND, role="admin")
    assert status == 201, created
    assert created["languages"] == ["en", "tr"] and created["version"] == 1
    assert created["placeholders"] == ["customer_name", "ticket_id", "due_date"]
    status, body = api.post(BASE, REFUND, role="admin")
    assert status == 409 and "already has a canned reply 'refund-on-its-way'" in body["error"]["message"]
    status, other = api.post(
        BASE, {"title": "Thanks", "texts": {"lv": "Paldies, {customer_name}!"}}, role="admin"
    )
    assert status == 201 and other["reply_id"].startswith("r-")

    # Agents list them (all, or those written in a language)
    status, page = api.get(BASE)
    assert status == 200 and {r["reply_id"] for r in page["replies"]} == {
        "refund-on-its-way",
        other["reply_id"],
    }
    assert [r["reply_id"] for r in api.get(f"{BASE}?language=lv")[1]["replies"]] == [other["reply_id"]]
    status, first = api.get(f"{BASE}?limit=1")
    assert status == 200 and len(first["replies"]) == 1 and first["next_cursor"]
    status, second = api.get(f"{BASE}?limit=1&cursor={first['next_cursor']}")
    assert status == 200 and second["replies"][0]["reply_id"] != first["replies"][0]["reply_id"]

    # Replaced with the version read; a stale version is 409
    change = {
        "title": "Refund started",
        "texts": {**REFUND["texts"], "lv": "{customer_name}, atmaksa sākta."},
    }
    status, updated = api.put(f"{BASE}/refund-on-its-way", {**change, "version": 1}, role="admin")
    assert status == 200 and updated["version"] == 2 and updated["languages"] == ["en", "lv", "tr"]
    status, body = api.put(f"{BASE}/refund-on-its-way", {**change, "version": 1}, role="admin")
    assert status == 409 and body["error"]["code"] == "conflict"
    assert api.get(f"{BASE}/refund-on-its-way")[1]["title"] == "Refund started"

    # Deleted by an admin only; then it is gone
    assert api.call("DELETE", f"{BASE}/{other['reply_id']}")[0] == 403
    status, deleted = api.call("DELETE", f"{BASE}/{other['reply_id']}", role="admin")
    assert status == 200 and deleted["deleted"] is True
    status, body = api.get(f"{BASE}/{other['reply_id']}")
    assert status == 404 and other["reply_id"] in body["error"]["message"]


def test_an_agent_fills_a_canned_reply_for_a_ticket_and_sends_it(notify):
    api = notify.api
    publish_billing(api)
    assert api.post(BASE, REFUND, role="admin")[0] == 201
    # Given a Turkish customer's ticket whose first step runs
    status, ticket = api.post("/tickets", {
        "channel": "web", "subject": "Çift tahsilat", "description": "İki kez ödeme alındı.", "category": "billing-error", "fields": FIELDS,
        "customer": {"name": "Ayşe Yılmaz", "email": "ayse.canned@example.com", "language": "tr"},
    })  # fmt: skip
    assert status == 201, ticket
    tid = ticket["ticket_id"]
    running = step_running(notify, tid)
    due_at = clock.parse_iso(running["due_at"]).astimezone(ZoneInfo("Europe/Istanbul"))
    due = format_moment(due_at, "tr", "Europe/Istanbul")
    assert f"{due_at:%H:%M}" in due and str(due_at.year) in due  # the Istanbul time, as Turkish writes it

    # When an agent fills the refund reply for it: Turkish, the customer's name, the number, the due time
    status, filled = api.get(f"/tickets/{tid}/canned-replies/refund-on-its-way")
    assert status == 200, filled
    assert filled["language"] == "tr" and filled["text"] == (
        f"Sayın Ayşe Yılmaz, {tid} numaralı şikâyetinizde iadeyi başlattık; {due} tarihine kadar sonuçlanacak."
    )
    assert api.get(f"/tickets/{tid}/canned-replies/refund-on-its-way?language=en")[1]["text"].startswith(
        "Dear Ayşe Yılmaz, we started the refund for"
    )
    # A language the reply is not written in is a clear 404
    status, body = api.get(f"/tickets/{tid}/canned-replies/refund-on-its-way?language=lv")
    assert (
        status == 404
        and "no Latvian (lv) text; it has English (en), Turkish (tr)" in body["error"]["message"]
    )

    # When the agent sends it as a public comment
    before = len(notify.emails())
    status, comment = api.post(
        f"/tickets/{tid}/comments", {"canned_reply_id": "refund-on-its-way", "visibility": "public"}
    )
    assert status == 201 and comment["type"] == "comment.public"
    notify.drain()
    # Then the customer receives the filled text
    [sent] = [s for s in notify.emails()[before:] if s.to == ["ayse.canned@example.com"]]
    assert filled["text"] in sent.text and sent.subject.startswith(f"[{tid}] Şikâyetinizle ilgili yanıtımız")
    # Both a body and a canned reply, or a reply that does not exist, are refused
    status, body = api.post(f"/tickets/{tid}/comments", {"body": "x", "canned_reply_id": "refund-on-its-way"})
    assert status == 400 and "give body or canned_reply_id" in body["error"]["message"]
    assert api.post(f"/tickets/{tid}/comments", {"canned_reply_id": "nope", "visibility": "public"})[0] == 404


def test_a_ticket_without_a_category_or_a_due_date_says_why(notify):
    api = notify.api
    publish_billing(api)
    assert api.post(BASE, REFUND, role="admin")[0] == 201
    plain = notify.ticket()["ticket_id"]
    status, body = api.get(f"/tickets/{plain}/canned-replies/refund-on-its-way")
    assert status == 404 and "has no category" in body["error"]["message"]
    # A ticket with no step running has no due date for {due_date}
    status, ticket = api.post("/tickets", {
        "channel": "web", "subject": "Double charge", "description": "Charged twice.", "category": "billing-error", "fields": FIELDS,
        "customer": {"name": "Jo Bloggs", "email": "jo.canned@example.com", "language": "en"},
    })  # fmt: skip
    tid = ticket["ticket_id"]
    step_running(notify, tid)
    # (given: its plan has ended; the ticket is resolved and no step is due)
    from complaintdesk.store import repository as repo
    from complaintdesk.store.models import Ticket

    stored = repo.get(Ticket, Ticket.key(tid), "ticket")
    stored.status, stored.resolved_at = "resolved", clock.iso(clock.now())
    repo.save(stored)
    status, body = api.get(f"/tickets/{tid}/canned-replies/refund-on-its-way")
    assert status == 409 and "names {due_date}" in body["error"]["message"]
