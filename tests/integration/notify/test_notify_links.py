"""The customer's signed links: the status page and the survey, and every way a token is refused."""

from __future__ import annotations

import re
import time

from complaintdesk import signing

SURVEY_LINK = re.compile(r"/survey/([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)")
STATUS_LINK = re.compile(r"/status/([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)")


def test_survey_by_link_is_recorded_once(notify):
    spy = notify.spy()
    ticket = notify.ticket({"name": "Ayşe", "email": "ayse@example.com", "phone": "+905321234567",
                            "language": "tr", "sms_opt_in": True})  # fmt: skip
    tid = ticket["ticket_id"]
    # When the state machine asks for the follow-up and the survey
    notify.fire("ticket.survey", tid, {"category": "notify-demo", "clock": {"seconds": [1, 1]}})
    mails = notify.emails()[1:]
    assert [m.to for m in mails] == [["ayse@example.com"]] * 2
    followup, survey = sorted(mails, key=lambda m: "/survey/" in m.text)
    assert "/survey/" not in followup.text and "/status/" in followup.text
    # Then the survey e-mail and its SMS carry the signed link
    token = SURVEY_LINK.search(survey.text).group(1)
    assert signing.verify_token(token, "survey") == tid
    assert any(SURVEY_LINK.search(text) for _, text in notify.sms())
    # When the customer answers
    status, answered = notify.api.post(
        f"/survey/{token}", {"score": 4, "comment": "Quick refund, thanks"}, role=None
    )
    assert status == 201 and answered["survey"]["score"] == 4
    # Then a second answer is refused and the first one stands
    status, error = notify.api.post(f"/survey/{token}", {"score": 1}, role=None)
    assert status == 409 and error["error"]["code"] == "conflict"
    timeline = notify.timeline(tid)
    [entry] = [e for e in timeline if e["type"] == "survey.answered"]
    assert entry["data"]["score"] == 4 and entry["visibility"] == "public"
    [event] = notify.published(spy, "survey.answered")
    assert event["data"] == {"score": 4, "comment": "Quick refund, thanks"}
    status, page = notify.api.get(f"/status/{signing.sign_token('status', tid, 60)}", role=None)
    assert status == 200 and page["survey_answered"] is True
    # Bad answers are refused before anything is written
    other = notify.ticket()["ticket_id"]
    fresh = signing.sign_token("survey", other, 3600)
    for bad in ({"score": 0}, {"score": 6}, {"score": "5"}, {"comment": "no score"}, {"score": 3, "x": 1}):
        assert notify.api.post(f"/survey/{fresh}", bad, role=None)[0] == 400, bad
    assert notify.api.post(f"/survey/{fresh}", {"score": 5}, role=None)[0] == 201


def test_tampered_expired_and_wrong_purpose_tokens_get_403(notify):
    tid = notify.ticket()["ticket_id"]
    good_status = signing.sign_token("status", tid, 3600)
    good_survey = signing.sign_token("survey", tid, 3600)
    body, _, mac = good_status.partition(".")
    other = signing.sign_token("status", "C-2026-999999", 3600).partition(".")[0]
    refused = {
        "tampered signature": f"{body}.{mac[:-2]}{'AA' if not mac.endswith('AA') else 'BB'}",
        "another ticket's body": f"{other}.{mac}",
        "expired": signing.sign_token("status", tid, 60, now=time.time() - 3600),
        "wrong purpose": good_survey,
        "garbage": "not-a-token",
        "other secret": signing.sign_token("status", tid, 3600, secret="someone-elses-secret"),
    }
    for what, token in refused.items():
        status, error = notify.api.get(f"/status/{token}", role=None)
        assert status == 403 and error["error"]["code"] == "forbidden", what
    assert notify.api.post(f"/survey/{good_status}", {"score": 5}, role=None)[0] == 403
    expired_survey = signing.sign_token("survey", tid, 60, now=time.time() - 3600)
    assert notify.api.post(f"/survey/{expired_survey}", {"score": 5}, role=None)[0] == 403
    assert notify.api.get(f"/status/{good_status}", role=None)[0] == 200


def test_status_page_shows_only_the_public_story(notify):
    ticket = notify.ticket(subject='Refund <b>now</b> & "fast"')
    tid = ticket["ticket_id"]
    notify.api.post(f"/tickets/{tid}/comments", {"body": "Internal: customer is a VIP"})
    notify.api.post(
        f"/tickets/{tid}/comments", {"body": "We are checking your invoice.", "visibility": "public"}
    )
    token = STATUS_LINK.search(notify.emails()[0].text).group(1)
    # The link in the acknowledgement works without a login
    status, page = notify.api.get(f"/status/{token}", role=None)
    assert status == 200
    assert page["ticket_id"] == tid and page["status"] == "ele alınıyor" and page["language"] == "tr"
    summaries = [e["summary"] for e in page["timeline"]]
    assert "We are checking your invoice." in summaries  # the public reply, word for word
    assert not any("VIP" in s for s in summaries)
    assert "şikâyet alındı" in summaries and any(s.startswith("size e-posta gönderdik: ") for s in summaries)
    assert set(page["timeline"][0]) == {"at", "summary"}  # in words: no event type, no addresses, no data
    # A browser gets a small page with every value escaped
    response = notify.api.http.get(f"/status/{token}", headers={"Accept": "text/html"})
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("text/html")
    html = response.body.decode()
    assert "Refund &lt;b&gt;now&lt;/b&gt; &amp; &quot;fast&quot;" in html and "<b>now" not in html
    assert "We are checking your invoice." in html and "VIP" not in html
