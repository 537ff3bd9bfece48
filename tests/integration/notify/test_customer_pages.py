"""The customer's pages through the API (moto in-process): status, survey form and refused links as
HTML in the customer's language; the survey taken from a plain form post and still from JSON."""

from __future__ import annotations

import json
import re
import time
from html.parser import HTMLParser
from urllib.parse import urlencode

from complaintdesk import signing
from complaintdesk.pages import CSP

STATUS_LINK = re.compile(r"/status/([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)")
ISO = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
FORM = {"Content-Type": "application/x-www-form-urlencoded", "Accept": "text/html"}


class Text(HTMLParser):
    """The visible text of a page (no tags, no style), and the ``lang`` of its root."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.lang: str | None = None
        self._skip = False

    def handle_starttag(self, tag, attrs):
        if tag == "html":
            self.lang = dict(attrs).get("lang")
        self._skip = tag == "style"

    def handle_endtag(self, tag):
        self._skip = False

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)

    @property
    def text(self) -> str:
        return " ".join(" ".join(self.parts).split())


def page(response) -> Text:
    assert response.headers["Content-Type"].startswith("text/html"), response.headers
    assert response.headers["Content-Security-Policy"] == CSP
    parsed = Text()
    parsed.feed(response.body.decode())
    return parsed


def browser(notify, method: str, path: str, language: str | None = None, body: str | None = None):
    headers = {"Accept": "text/html,application/xhtml+xml"}
    if language:
        headers["Accept-Language"] = language
    if body is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    return getattr(notify.api.http, method.lower())(path, headers=headers, body=body)


def test_status_page_reads_like_a_letter_in_the_customers_language(notify):
    # Given a Turkish customer's ticket with a public reply, a note for the team and the customer's answer
    tid = notify.ticket(subject="Fatura <iki> kez")["ticket_id"]
    notify.api.post(f"/tickets/{tid}/comments", {"body": "Internal: VIP"})
    notify.api.post(f"/tickets/{tid}/comments", {"body": "Faturanızı inceliyoruz.", "visibility": "public"})
    token = STATUS_LINK.search(notify.emails()[0].text).group(1)
    # When the customer opens the link in a browser that prefers English
    response = browser(notify, "GET", f"/status/{token}", "en-GB,en;q=0.9")
    # Then the page is Turkish (the customer's language wins), human words, no codes, no ISO times
    assert response.status_code == 200
    shown = page(response)
    assert shown.lang == "tr"
    assert "İnceleniyor" in shown.text and "Şimdiye kadar olanlar" in shown.text
    assert "Şikâyetinizi aldık." in shown.text and "Faturanızı inceliyoruz." in shown.text
    assert "Sayın Ayşe Yılmaz," in shown.text and "Fatura <iki> kez" in shown.text
    assert "<iki>" not in response.body.decode()  # escaped in the markup
    assert "VIP" not in shown.text
    for raw in ("ticket.received", "notification.sent", "comment.public", "open", "Status", "Timeline"):
        assert not re.search(rf"\b{re.escape(raw)}\b", shown.text), raw
    assert not ISO.search(shown.text) and "UTC" not in shown.text
    assert "Kasım" in shown.text or "Aralık" in shown.text or re.search(r"\d{4}", shown.text)
    # And the JSON view is in the customer's words too (customer_pages.public_status; the page is
    # built from customer_pages.status_facts)
    status, view = notify.api.get(f"/status/{token}", role=None)
    assert status == 200 and view["status"] == "ele alınıyor" and not ISO.search(str(view["expected"]))


def test_a_promise_already_past_is_said_to_be_late():
    from complaintdesk import clock
    from complaintdesk.pages import status_page
    from complaintdesk.services.customer_pages import StatusView

    def view(due: str) -> StatusView:
        return StatusView(
            ticket_id="C-2026-000001", subject="x", status="open", language="lv", timezone="Europe/Riga",
            customer_name="Jānis", category="Rēķins", current_step="Pārbaude", first_response_by=None,
            current_step_due=due, received_at="2026-11-20T08:00:00.000Z", resolved_at=None, closed_at=None,
            resolution=None, messages=[], timeline=[], now=clock.now(),
        )  # fmt: skip

    late, _ = page_text(status_page(view("2026-11-20T09:00:00.000Z")).html())
    assert "aizņem vairāk laika, nekā solījām" in late and "plāno to pabeigt" not in late
    ahead, _ = page_text(status_page(view("2099-01-05T09:00:00.000Z")).html())
    assert "plāno to pabeigt līdz" in ahead and "2099" in ahead and "11:00" in ahead  # Riga, not UTC


def page_text(markup: str) -> tuple[str, str | None]:
    parsed = Text()
    parsed.feed(markup)
    return parsed.text, parsed.lang


def test_survey_by_plain_form_post_and_by_json(notify):
    tid = notify.ticket(customer={"name": "Anna Bērziņa", "email": "anna@example.com", "language": "lv"})[
        "ticket_id"
    ]
    token = signing.sign_token("survey", tid, 3600)
    # The survey link in a browser is a 1-5 form with labelled radio buttons, in Latvian
    response = browser(notify, "GET", f"/survey/{token}")
    assert response.status_code == 200
    shown, markup = page(response), response.body.decode()
    assert shown.lang == "lv" and "Kā mums veicās?" in shown.text
    for n in range(1, 6):
        assert f'<label for="score-{n}"><input type="radio" id="score-{n}" name="score" value="{n}"' in markup
    assert '<label for="comment">' in markup and '<textarea id="comment" name="comment"' in markup
    assert '<form method="post"' in markup and "<script" not in markup
    # An API client asks the same link in JSON
    assert notify.api.get(f"/survey/{token}", role=None) == (
        200,
        {"ticket_id": tid, "answered": False, "score": None},
    )
    # A plain form post (what the browser sends) is taken and thanked for in Latvian
    response = browser(
        notify, "POST", f"/survey/{token}", body=urlencode({"score": "4", "comment": "Ātri, paldies"})
    )
    assert response.status_code == 201
    assert "Jūs mūs novērtējāt ar 4 no 5." in page(response).text
    entry = [e for e in notify.timeline(tid) if e["type"] == "survey.answered"]
    assert entry and entry[0]["data"]["score"] == 4 and entry[0]["data"]["comment"] == "Ātri, paldies"
    # Answered: the link now says so, the form is not shown again, a second post is a friendly page
    again = browser(notify, "GET", f"/survey/{token}")
    assert (
        again.status_code == 200
        and "jau esat atbildējis" in page(again).text
        and "<form" not in again.body.decode()
    )
    second = browser(notify, "POST", f"/survey/{token}", body="score=1")
    assert second.status_code == 200 and "(4 no 5)" in page(second).text
    # JSON still works as before: a second answer is 409 in the error shape
    status, error = notify.api.post(f"/survey/{token}", {"score": 2}, role=None)
    assert status == 409 and error["error"]["code"] == "conflict"
    other = signing.sign_token("survey", notify.ticket()["ticket_id"], 3600)
    assert notify.api.post(f"/survey/{other}", {"score": 5}, role=None)[0] == 201


def test_bad_form_posts_are_refused_clearly(notify):
    token = signing.sign_token("survey", notify.ticket()["ticket_id"], 3600)
    api_form = {"Content-Type": "application/x-www-form-urlencoded"}
    cases = {
        "score=9": "score",
        "score=four": "score",
        "comment=only": "score",
        "score=3&score=4": "score",
        "score=3&extra=1": "extra",
        "score=3&comment=%FF": "body",
    }
    for body, field in cases.items():
        response = notify.api.http.post(f"/survey/{token}", headers=api_form, body=body)
        assert response.status_code == 400, body
        assert field in {d["field"] for d in json.loads(response.body)["error"]["details"]}, body
    # a browser gets the same refusal as a page, in its language
    response = browser(notify, "POST", f"/survey/{token}", "tr-TR,tr;q=0.9", body="score=9")
    assert response.status_code == 400 and "Bir şey eksik" in page(response).text
    # nothing was recorded by the refused posts
    status, state = notify.api.get(f"/survey/{token}", role=None)
    assert status == 200 and state["answered"] is False
    # only the survey takes forms: every other body is still JSON only
    status, error = notify.api.call(
        "POST", "/tickets", raw="channel=web", headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    assert status == 415 and error["error"]["code"] == "unsupported_media_type"


def test_refused_links_get_a_friendly_page_in_the_browsers_language(notify):
    tid = notify.ticket()["ticket_id"]
    expired = signing.sign_token("status", tid, 60, now=time.time() - 3600)
    tampered = signing.sign_token("survey", tid, 3600)[:-3] + "abc"
    wants = {
        "lv": "Šī saite nedarbojas",
        "tr-TR,tr;q=0.8": "Bu bağlantı çalışmıyor",
        "de-DE,de;q=0.9": "This link",
    }
    for language, words in wants.items():
        for path in (f"/status/{expired}", f"/survey/{tampered}"):
            response = browser(notify, "GET", path, language)
            assert response.status_code == 403, path
            shown = page(response)
            assert words in shown.text and "forbidden" not in shown.text, (language, path)
    # API clients keep the error shape
    status, error = notify.api.get(f"/status/{expired}", role=None)
    assert status == 403 and error["error"]["code"] == "forbidden"


def resolved_without_plan(notify, customer: dict) -> str:
    tid = notify.ticket(customer=customer)["ticket_id"]
    resolution = {"resolution": "Ikmēneša maksa <atmaksāta>.", "root_cause": "misunderstanding"}
    status, body = notify.api.post(f"/tickets/{tid}/resolve", resolution, role="manager")
    assert status == 200, body
    return tid


def test_decision_page_accept_and_reject_by_plain_form_posts(notify):
    from complaintdesk.services.closure import decision_token

    lv = {"name": "Jānis Ozols", "email": "janis@example.com", "language": "lv"}
    tid = resolved_without_plan(notify, lv)
    token = decision_token(tid, 0)
    # The link in a browser: the decision, escaped, and two forms, in Latvian
    response = browser(notify, "GET", f"/decision/{token}", "en")
    assert response.status_code == 200
    shown, markup = page(response), response.body.decode()
    assert shown.lang == "lv" and "Vai šis lēmums atrisina jūsu problēmu?" in shown.text
    assert "Ikmēneša maksa <atmaksāta>." in shown.text and "<atmaksāta>" not in markup
    assert 'name="decision" value="reject"' in markup and '<label for="reason">' in markup
    assert not ISO.search(shown.text)
    # The status page links to it while it is unanswered
    status_token = signing.sign_token("status", tid, 3600)
    assert "/decision/" in browser(notify, "GET", f"/status/{status_token}").body.decode()
    # Rejecting with a reason from the form keeps the complaint open and says so
    form = urlencode({"decision": "reject", "reason": "Nauda nav atnākusi"})
    response = browser(notify, "POST", f"/decision/{token}", body=form)
    assert response.status_code == 200
    text = page(response).text
    assert (
        "Paldies par atbildi." in text
        and "izskatām vēlreiz" in text
        and "<form" not in response.body.decode()
    )
    status, view = notify.api.get(f"/decision/{token}", role=None)
    assert status == 200 and view["decided"] == "rejected"
    assert notify.api.get(f"/tickets/{tid}")[1]["status"] == "open"
    rejected = [e for e in notify.timeline(tid) if e["type"] == "resolution.rejected"]
    assert rejected and rejected[0]["data"]["reason"] == "Nauda nav atnākusi"
    # A second post is the friendly page of what was decided, not an error
    again = browser(notify, "POST", f"/decision/{token}", body="decision=accept")
    assert again.status_code == 200 and "Jūs nepieņēmāt mūsu lēmumu" in page(again).text
    # Accepting from the form closes a complaint; JSON clients get the view as before
    other = resolved_without_plan(notify, {"name": "Ayşe", "email": "ayse2@example.com", "language": "tr"})
    response = browser(notify, "POST", f"/decision/{decision_token(other, 0)}", body="decision=accept")
    assert response.status_code == 200 and "Şikâyetiniz kapatıldı." in page(response).text
    assert notify.api.get(f"/tickets/{other}")[1]["status"] == "closed"
    bad = notify.api.http.post(
        f"/decision/{decision_token(other, 0)}",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        body="decision=maybe",
    )
    assert bad.status_code == 400 and json.loads(bad.body)["error"]["details"][0]["field"] == "decision"
