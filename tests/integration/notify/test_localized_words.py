"""Every word localized, through the API and a real plan in moto (issue 11, item 4).

A Turkish and a Latvian customer's complaints run on the shipped billing category: the first step
is assigned, an agent replies in public, the ticket is resolved with a coded root cause and a
compensation. Everything the customer received (e-mail subject, text, HTML; SMS) and the status
view their link opens (``public_status``, the JSON a page is built from) is scanned for English,
raw codes and UTC times, the same scan as ``tests/unit/notify/test_every_word_localized.py``.
"""

from __future__ import annotations

import json
import re

from complaintdesk import signing
from complaintdesk.categories.defaults import shipped_categories_dir
from complaintdesk.services.customer_pages import public_status
from complaintdesk.services.notifications import STATUS_LINK_TTL
from tests.integration.membership import in_every_team
from tests.integration.notify.test_notify_journey import until, waiting_on
from tests.support.english_leaks import leaks, strings_in, visible_text

CUSTOMERS = {
    "tr": {
        "customer": {"name": "Ayşe Yılmaz", "email": "ayse@example.com", "language": "tr",
                     "phone": "+905321234567", "sms_opt_in": True},
        "subject": "Kasım faturam iki kez tahsil edildi",
        "reply": "Faturanızı inceliyoruz; en geç yarın size döneceğiz.",
        "resolution": "İkinci tahsilatı iade ettik; tutar beş iş günü içinde kartınıza yansır.",
        "cause": "Faturalama sistemindeki bir hata",
        "step": "Faturanın incelenmesi",
        "status": "karar bildirildi",
    },
    "lv": {
        "customer": {"name": "Līga Ozola", "email": "liga@example.lv", "language": "lv",
                     "phone": "+37129000111", "sms_opt_in": True},
        "subject": "Novembra rēķins iekasēts divreiz",
        "reply": "Pārbaudām jūsu rēķinu; atbildēsim ne vēlāk kā rīt.",
        "resolution": "Otro maksājumu atmaksājām; nauda būs kartē piecu darbdienu laikā.",
        "cause": "Kļūda norēķinu sistēmā",
        "step": "Rēķina izpēte",
        "status": "lēmums nosūtīts",
    },
}  # fmt: skip
ISO = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}")


def test_customer_messages_and_status_view_hold_no_english_code_or_utc(notify):
    api = notify.api
    # Given the shipped billing category, published as `make run` publishes it
    billing = (shipped_categories_dir() / "billing-error.json").read_text(encoding="utf-8")
    assert api.put("/categories/billing-error", json.loads(billing), role="admin")[0] == 201
    in_every_team()  # the agent works every team of the plan (membership decides who resolves)
    for language, case in CUSTOMERS.items():
        before = len(notify.emails()), len(notify.sms())
        status, ticket = api.post("/tickets", {
            "channel": "web", "subject": case["subject"], "description": case["subject"],
            "category": "billing-error", "customer": case["customer"],
            "fields": {"invoice_number": "FTR-2026-11-0042", "disputed_amount": 1250.5, "currency": "TRY",
                       "error_type": "double_charge"},
        })  # fmt: skip
        assert status == 201, ticket
        tid = ticket["ticket_id"]
        # When its steps run (an agent replies in public meanwhile) and it is resolved
        assert api.post(f"/tickets/{tid}/comments", {"body": case["reply"], "visibility": "public"})[0] == 201
        compensation = {"type": "compensation", "compensation_type": "refund", "amount": "1250.50",
                        "currency": "TRY"}  # fmt: skip
        assert api.post(f"/tickets/{tid}/recovery-actions", compensation)[0] == 201
        for step in ("investigate", "correct", "confirm"):
            until(notify, tid, waiting_on(step), step)
            status, body = api.post(f"/tickets/{tid}/steps/{step}/complete", {"notes": "ok"}, role="manager")
            assert status == 200, body
        until(notify, tid, lambda t: t["workflow"]["waiting_for"] == "resolution", "the resolution task")
        # an unknown cause is refused, naming the field and the codes
        status, refused = api.post(
            f"/tickets/{tid}/resolve", {"resolution": "x", "root_cause": "billing error"}
        )
        assert status == 400 and refused["error"]["details"][0]["field"] == "root_cause"
        assert "billing_system_error" in refused["error"]["message"]
        resolved = {"resolution": case["resolution"], "root_cause": "billing_system_error"}
        status, body = api.post(f"/tickets/{tid}/resolve", resolved)
        assert status == 200, body
        notify.drain()
        # Then every message the customer received is in their language, with no English, code or UTC
        mails = [m for m in notify.emails()[before[0] :] if m.to == [case["customer"]["email"]]]
        texts = [m.text for m in mails]
        assert any(case["step"] in t for t in texts) and any(case["cause"] in t for t in texts)
        assert len(mails) >= 5  # acknowledgement, step started, our reply, step completed, the decision
        mine = (case["customer"]["name"], case["subject"], tid, "FTR-2026-11-0042")
        found = []
        for mail in mails:
            assert mail.message["Content-Language"] == language
            for mode, text in (
                ("subject", mail.subject),
                ("text", mail.text),
                ("html", visible_text(mail.html)),
            ):
                found += leaks(f"{language} {mail.subject[:40]} {mode}", text, allowed=mine)
        sms = [text for phone, text in notify.sms()[before[1] :] if phone == case["customer"]["phone"]]
        assert sms
        found += [leak for text in sms for leak in leaks(f"{language} sms", text, allowed=mine)]
        # And the status view the customer's link opens says it in words, in their time zone
        view = public_status(signing.sign_token("status", tid, STATUS_LINK_TTL))
        assert view["status"] == case["status"] and view["language"] == language
        assert view["received_at"] and not ISO.search(view["received_at"])
        assert case["reply"] in [entry["summary"] for entry in view["timeline"]]
        for path, text in strings_in(view, skip_keys=frozenset({"ticket_id", "subject", "language"})):
            found += leaks(f"{language} status {path}", text, allowed=mine)
        assert not found, "\n".join(str(leak) for leak in found[:40])
