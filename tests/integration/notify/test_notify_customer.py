"""What the customer hears, in which language, on which channel, and that each message goes once."""

from __future__ import annotations

import json
from email.utils import parseaddr

import boto3

from complaintdesk import signing
from complaintdesk.store.models import Customer

ACK_TR = "Şikayetiniz"  # words of the Turkish acknowledgement


def set_customer(customer_id: str, **values) -> None:
    from complaintdesk.store import repository as repo

    customer = repo.get(Customer, Customer.key(customer_id), "customer")
    for name, value in values.items():
        setattr(customer, name, value)
    repo.save(customer)


def test_acknowledgement_by_email_and_sms_in_the_customers_language(notify):
    # Given a Latvian customer with a phone number who agreed to SMS
    ticket = notify.ticket(
        {"name": "Jānis Bērziņš", "email": "janis@example.lv", "phone": "+371 2912 3456", "language": "lv",
         "sms_opt_in": True}
    )  # fmt: skip
    tid = ticket["ticket_id"]
    # Then one e-mail and one SMS went out, both in Latvian
    [sent] = notify.emails()
    assert sent.to == ["janis@example.lv"]
    assert sent.message["Content-Language"] == "lv"
    assert sent.subject.startswith(f"[{tid}]")
    assert sent.message["Auto-Submitted"] == "auto-generated"  # filed on the web: answers no e-mail of theirs
    assert sent.message["Reply-To"].addresses[0].addr_spec == signing.reply_address(tid)
    assert sent.message["Message-ID"].startswith(f"<{tid}.")
    assert "/status/" in sent.text and "Jānis" in sent.text
    [(phone, text)] = notify.sms()
    assert phone == "+37129123456" and tid in text
    # And the timeline shows both, public, with channel and recipient
    notes = notify.notes(tid)
    assert sorted((n["channel"], n["data"]["to"], n["visibility"]) for n in notes) == [
        ("email", "janis@example.lv", "public"),
        ("sms", "+37129123456", "public"),
    ]
    assert {n["data"]["language"] for n in notes} == {"lv"}
    # A language we have no texts for falls back to the category's, here (no category) English
    notify.ticket({"name": "Hans", "email": "hans@example.de", "language": "de"})
    assert notify.emails()[-1].message["Content-Language"] == "en"


def test_each_customer_event_sends_its_template_once(notify):
    ticket = notify.ticket()
    tid = ticket["ticket_id"]
    ack = notify.emails()[0].message["Message-ID"]
    due = "2026-11-27T15:00:00.000Z"
    cases = [
        ("step.assigned", {"category": "notify-demo", "step": "investigate", "step_title": "Investigate", "team": "billing", "kind": "step",
                           "level": 0, "due_at": due, "deadlines": [due], "customer_visible": True}),
        ("customer.waiting", {"step": "investigate", "request": "Please send the invoice number."}),
        ("step.completed", {"category": "notify-demo", "step": "investigate", "step_title": "Investigate", "outcome": "done",
                            "customer_visible": True, "next_step": "correct", "next_step_title": "Correct the invoice"}),
        ("ticket.reopened", {"reason": "The refund never arrived.", "reopen_count": 1}),
        ("ticket.closed", {"last_outcome": "resolved"}),
    ]  # fmt: skip
    for event_type, data in cases:
        before = len(notify.emails())
        notify.fire(event_type, tid, data)
        customer_mail = [s for s in notify.emails()[before:] if s.to == ["ayse@example.com"]]
        assert len(customer_mail) == 1, event_type
        sent = customer_mail[0]
        assert sent.subject.startswith(f"[{tid}]") and sent.message["Content-Language"] == "tr"
        # Every customer message threads under the acknowledgement
        assert ack in sent.message["References"]
        previous = [s for s in notify.emails()[:before] if s.to == ["ayse@example.com"]][-1]
        assert sent.message["In-Reply-To"] == previous.message["Message-ID"]
    texts = [s.text for s in notify.emails() if s.to == ["ayse@example.com"]]
    assert "Please send the invoice number." in texts[2]
    assert "Faturanın düzeltilmesi" in texts[3]  # the next step, as the category names it in Turkish
    assert "The refund never arrived." in texts[4]
    # The team heard about the assignment once, in the category's language, at its own address
    team = [s for s in notify.emails() if s.to == ["billing-desk@example.com"]]
    assert len(team) == 1 and team[0].message["Content-Language"] == "tr"
    assert "Faturayı sözleşmeyle karşılaştırın." in team[0].text and "/tickets/" in team[0].text
    templates = [n["data"]["template"] for n in notify.notes(tid, "notification.sent")]
    assert templates == [
        "ticket.acknowledged", "step.started", "step.assigned", "customer.waiting", "step.completed",
        "ticket.reopened", "ticket.closed",
    ]  # fmt: skip


def test_a_step_the_category_keeps_internal_tells_only_the_team(notify):
    tid = notify.ticket()["ticket_id"]
    due = "2026-11-27T15:00:00.000Z"
    notify.fire("step.assigned", tid, {"category": "notify-demo", "step": "correct", "team": "finance", "kind": "step", "level": 0,
                                       "due_at": due, "customer_visible": False})  # fmt: skip
    notify.fire("step.completed", tid, {"step": "correct", "customer_visible": False})
    # A wait after an escalation is no new assignment: nobody is told again
    notify.fire("step.assigned", tid, {"category": "notify-demo", "step": "correct", "team": "finance", "kind": "escalation_wait",
                                       "level": 1, "due_at": due})  # fmt: skip
    assert [s.to for s in notify.emails()] == [["ayse@example.com"], [f"finance@{'complaintdesk.example'}"]]


def test_replayed_event_sends_nothing_new(notify):
    tid = notify.ticket({"name": "Ali", "email": "ali@example.com", "phone": "+905321234567", "language": "tr",
                         "sms_opt_in": True})["ticket_id"]  # fmt: skip
    event = notify.fire("ticket.closed", tid, {"last_outcome": "close"})
    counts, notes = notify.counts(), len(notify.notes(tid))
    assert counts == (2, 2)
    # When SNS/SQS deliver the same event again (same event_id), twice
    boto3.client("sqs").send_message(
        QueueUrl=notify.stack.physical["NotifyQueue"], MessageBody=json.dumps(event)
    )
    notify.fire("ticket.closed", tid, event["data"], event_id=event["event_id"])
    assert notify.counts() == counts and len(notify.notes(tid)) == notes


def test_bouncing_address_moves_the_customer_to_sms(notify):
    # Given a customer whose e-mail hard-bounced (e-mail intake marks it), with a phone but no SMS opt-in
    ticket = notify.ticket(
        {"name": "Elif", "email": "elif@example.com", "phone": "+905551112233", "language": "tr"}
    )
    tid = ticket["ticket_id"]
    assert notify.counts() == (1, 0)
    set_customer(ticket["customer_id"], email_status="bouncing")
    # When the complaint is closed
    notify.fire("ticket.closed", tid, {"last_outcome": "close"})
    # Then the message goes by SMS only, and the timeline says why
    assert notify.counts() == (1, 1)
    [(phone, text)] = notify.sms()
    assert phone == "+905551112233" and tid in text
    last = notify.notes(tid)[-1]
    assert last["type"] == "notification.sent" and last["channel"] == "sms"
    assert last["data"]["recipient"] == "e-mail fallback"
    # And a bouncing customer without a phone is not told, and the timeline says so
    ticket = notify.ticket({"name": "Deniz", "email": "deniz@example.com", "language": "tr"})
    set_customer(ticket["customer_id"], email_status="bouncing")
    notify.fire("ticket.reopened", ticket["ticket_id"], {"reason": "again"})
    assert notify.counts() == (2, 1)
    skipped = notify.notes(ticket["ticket_id"], "notification.skipped")
    assert len(skipped) == 1 and skipped[0]["data"]["template"] == "ticket.reopened"
    assert "bouncing" in skipped[0]["data"]["reason"]


def test_names_and_subjects_cannot_inject_headers(notify):
    ticket = notify.ticket(
        {"name": "Ali\r\nBcc: evil@attacker.example", "email": "ali@example.com", "language": "en"},
        subject="Refund\r\nBcc: evil@attacker.example\r\nX-Evil: 1",
    )
    notify.fire("ticket.reopened", ticket["ticket_id"], {"reason": "<script>alert(1)</script>"})
    for sent in notify.emails():
        assert sent.to == ["ali@example.com"]
        assert {parseaddr(d)[1].lower() for d in sent.destinations} == {"ali@example.com"}
        assert sent.message["Bcc"] is None and sent.message["X-Evil"] is None
        assert "\n" not in sent.subject
    html = notify.emails()[-1].html
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_resolution_tells_the_recovery_actions_in_each_language(notify):
    for language, words in (("en", "decision"), ("tr", "karar"), ("lv", "lēmum")):
        ticket = notify.ticket(
            {"name": "Customer", "email": f"c-{language}@example.com", "language": language}
        )
        tid = ticket["ticket_id"]
        # Given an apology and a compensation recorded by an agent
        assert (
            notify.api.post(f"/tickets/{tid}/recovery-actions", {"type": "apology", "note": "called"})[0]
            == 201
        )
        status, recorded = notify.api.post(
            f"/tickets/{tid}/recovery-actions",
            {"type": "compensation", "compensation_type": "refund", "amount": "1250.50", "currency": "TRY"},
        )
        assert status == 201 and len(recorded["recovery_actions"]) == 2
        assert recorded["action"]["amount"] == "1250.50" and recorded["action"]["by"]
        # When the ticket is resolved
        notify.fire("ticket.resolved", tid, {"resolution": "We refunded the second charge.", "category": "notify-demo",
                                             "root_cause": "billing_system_error"})  # fmt: skip
        # Then the decision names the resolution, the coded cause in the customer's words, the apology, the amount
        sent = notify.emails()[-1]
        assert sent.to == [f"c-{language}@example.com"] and sent.message["Content-Language"] == language
        assert words in (sent.subject + sent.text).lower()
        cause = {"en": "A fault in the billing system", "tr": "Faturalama sistemindeki bir hata",
                 "lv": "Kļūda norēķinu sistēmā"}[language]  # fmt: skip
        assert "We refunded the second charge." in sent.text and cause in sent.text
        assert "billing_system_error" not in sent.text
        amount = {"en": "TRY1,250.50", "tr": "₺1.250,50", "lv": "1 250,50 TRY"}[language]  # CLDR, by Babel
        assert amount in sent.text.replace("\xa0", " ")
        assert [e["type"] for e in notify.timeline(tid)].count("recovery.recorded") == 2
    # Recovery actions are checked, and only staff record them
    path = f"/tickets/{tid}/recovery-actions"
    for bad in (
        {"type": "compensation", "amount": "10", "currency": "EUR"},  # no compensation_type
        {"type": "compensation", "compensation_type": "refund", "amount": "10"},  # no currency
        {"type": "apology", "amount": "10", "currency": "EUR"},
        {"type": "compensation", "compensation_type": "refund", "amount": "-5", "currency": "EUR"},
        {"type": "gift-basket"},
    ):
        assert notify.api.post(path, bad)[0] == 400, bad
    assert notify.api.post(path, {"type": "apology"}, role="integration")[0] == 403
    assert notify.api.post("/tickets/C-2026-999999/recovery-actions", {"type": "apology"})[0] == 404


def test_a_silent_customer_is_reminded_with_the_request_and_what_happens_next(notify):
    from complaintdesk.services.timeline import new_event
    from complaintdesk.store import repository as repo

    # Given a ticket whose step asked the customer for something (the request is on its timeline)
    tid = notify.ticket({"name": "Jānis", "email": "janis@example.lv", "language": "lv"})["ticket_id"]
    request = "Lūdzu, atsūtiet rēķina numuru."
    repo.save(new_event(tid, None, "customer.waiting", "waits", actor="billing", data={"request": request}))
    # When the state machine's customer wait runs out and it publishes the reminder
    deadlines = ["2026-12-01T10:00:00.000Z", "2026-12-01T10:00:00.000Z", "2026-12-03T10:00:00.000Z"]
    data = {"step": "investigate", "reminder": 1, "reminders": 1, "then": "close",
            "clock": {"seconds": [1, 1, 1], "deadlines": deadlines}}  # fmt: skip
    before = len(notify.emails())
    notify.fire("customer.reminder", tid, data, event_id="reminder-1")
    # Then the customer gets one e-mail in Latvian: the request again, and that it closes after the date
    [sent] = notify.emails()[before:]
    assert sent.to == ["janis@example.lv"] and sent.message["Content-Language"] == "lv"
    assert request in sent.text and "tiks slēgta" in sent.text and "2026" in sent.text
    # And the same reminder delivered again sends nothing new
    notify.fire("customer.reminder", tid, data, event_id="reminder-1")
    assert len(notify.emails()) == before + 1
