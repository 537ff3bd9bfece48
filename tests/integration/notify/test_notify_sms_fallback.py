"""An SMS standing in for a bouncing (or missing) e-mail says the substance, and no message asks for
what the customer already gave: a survey answered, a request replied to."""

from __future__ import annotations

from complaintdesk.notify.sms import analyze, to_gsm
from complaintdesk.store.models import Customer

DECISION = (
    "Faturanızdaki ikinci tahsilatı iade ettik; tutar 3 iş günü içinde kartınıza yansıyacak. "
    "Ayrıca aboneliğinizin kalan süresi için aylık ücretten yüzde on indirim tanımladık ve "
    "faturalama sistemindeki hatayı düzelttik, böylece aynı durum bir daha yaşanmayacak. "
) * 3


def set_customer(customer_id: str, **values) -> None:
    from complaintdesk.store import repository as repo

    customer = repo.get(Customer, Customer.key(customer_id), "customer")
    for name, value in values.items():
        setattr(customer, name, value)
    repo.save(customer)


def test_the_decision_sms_of_a_bouncing_customer_carries_the_decision(notify):
    # Given a customer whose e-mail bounces, with a phone (no SMS opt-in)
    ticket = notify.ticket(
        {"name": "Elif", "email": "elif@example.com", "phone": "0555 111 22 33", "language": "tr"}
    )
    tid = ticket["ticket_id"]
    set_customer(ticket["customer_id"], email_status="bouncing")
    # When the complaint is resolved with a long decision
    notify.fire("ticket.resolved", tid, {"resolution": DECISION, "root_cause": "billing-system-error"})
    # Then the SMS is the decision itself, shortened to fit, with the status link; not "see the e-mail"
    [(phone, text)] = notify.sms()
    assert phone == "+905551112233"
    assert "e-posta" not in text
    assert to_gsm("Faturanızdaki ikinci tahsilatı iade ettik") in text
    assert "/decision/" in text or "/status/" in text  # the link comes first: a cut never loses it
    assert text.endswith("...") and DECISION not in text  # too long for 4 parts: cut, not dropped
    assert analyze(text).segments <= 4
    [note] = [n for n in notify.notes(tid) if n["data"].get("template") == "ticket.resolved"]
    assert note["data"]["recipient"] == "e-mail fallback" and note["data"]["segments"] <= 4


def test_an_opted_in_customer_whose_mail_works_gets_the_short_sms(notify):
    # The short SMS beside a delivered e-mail still points at the e-mail: that one has the decision
    ticket = notify.ticket({"name": "Ali", "email": "ali@example.com", "phone": "+905321234567", "language": "en",
                            "sms_opt_in": True})  # fmt: skip
    notify.fire("ticket.resolved", ticket["ticket_id"], {"resolution": "We refunded the second charge."})
    text = notify.sms()[-1][1]
    assert "e-mail" in text and "We refunded" not in text


def test_a_phone_only_customer_is_told_what_we_need(notify):
    # Given a customer with only a phone
    ticket = notify.ticket({"name": "Līga", "phone": "+371 2900 0111", "language": "lv", "sms_opt_in": True})
    # When the step asks her for something
    notify.fire("customer.waiting", ticket["ticket_id"], {"request": "Lūdzu, atsūtiet rēķina numuru."})
    # Then the SMS says what, not "check your e-mail"
    text = notify.sms()[-1][1]
    assert "Lūdzu, atsūtiet rēķina numuru." in text and "e-past" not in text


def test_no_survey_once_answered(notify):
    # Given a bouncing customer on SMS who answered the survey (by the link of an earlier message)
    ticket = notify.ticket(
        {"name": "Elif", "email": "elif@example.com", "phone": "+905551112233", "language": "tr"}
    )
    tid = ticket["ticket_id"]
    set_customer(ticket["customer_id"], email_status="bouncing")
    from complaintdesk import signing

    token = signing.sign_token("survey", tid, 3600)
    assert notify.api.post(f"/survey/{token}", {"score": 5}, role=None)[0] == 201
    # When the survey event comes (late, or redelivered after the SMS provider refused it)
    before = notify.counts()
    notify.fire("ticket.survey", tid, {"clock": {"seconds": [1, 1]}})
    # Then no survey goes out, and the timeline says why; the follow-up question still does
    sent = [n["data"]["template"] for n in notify.notes(tid, "notification.sent")]
    assert "ticket.survey" not in sent and "ticket.followup" in sent
    assert notify.counts() == (before[0], before[1] + 1)
    [skipped] = [
        n for n in notify.notes(tid, "notification.skipped") if n["data"]["template"] == "ticket.survey"
    ]
    assert skipped["data"]["reason"] == "the customer already answered the survey"


def test_no_reminder_once_the_customer_answered(notify):
    from complaintdesk.services.timeline import new_event
    from complaintdesk.store import repository as repo

    # Given a ticket that asked the customer something, and the customer's answer after it
    ticket = notify.ticket({"name": "Jānis", "email": "janis@example.lv", "language": "lv"})
    tid = ticket["ticket_id"]
    repo.save(
        new_event(tid, None, "customer.waiting", "waits", actor="billing", data={"request": "Rēķina numurs?"})
    )
    repo.save(new_event(tid, None, "customer.replied", "answered", actor="customer", data={}))
    before = notify.counts()
    # When the customer wait's reminder fires anyway (published before the answer was applied)
    notify.fire("customer.reminder", tid, {"step": "investigate", "reminder": 1, "then": "close"})
    # Then nothing is sent, and the timeline says why
    assert notify.counts() == before
    [skipped] = notify.notes(tid, "notification.skipped")
    assert skipped["data"]["template"] == "customer.reminder"
    assert skipped["data"]["reason"] == "the customer already answered what we asked"


def test_an_agents_reply_to_a_bouncing_customer_arrives_by_sms_in_its_own_words(notify):
    # Given a customer whose e-mail bounces, with a phone
    ticket = notify.ticket(
        {"name": "Līga", "email": "liga@example.com", "phone": "+371 2900 0111", "language": "lv"}
    )
    tid = ticket["ticket_id"]
    set_customer(ticket["customer_id"], email_status="bouncing")
    # When an agent answers her publicly
    reply = "Otro maksājumu atmaksājām; nauda būs kontā 3 darba dienu laikā."
    status, _ = notify.api.post(f"/tickets/{tid}/comments", {"body": reply, "visibility": "public"})
    assert status == 201
    notify.drain()
    # Then the SMS standing in for the e-mail carries the agent's words and the status link
    [(phone, text)] = notify.sms()
    assert phone == "+37129000111"
    assert reply in text and "/status/" in text
    [note] = [n for n in notify.notes(tid) if n["data"].get("template") == "agent.reply"]
    assert note["data"]["recipient"] == "e-mail fallback"
