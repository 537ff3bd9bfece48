"""The customer's signed links: no login, a token that names the ticket, expires and has one purpose.

``GET /status/{token}`` shows the ticket's status and public timeline (JSON, or a small HTML page
for a browser); ``POST /survey/{token}`` records the satisfaction score once; ``GET`` and ``POST
/decision/{token}`` show the resolution and take the customer's accept or reject, once
(``services/closure.py``). A tampered, expired or wrong-purpose token gets 403.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from complaintdesk.routes import HTML, Answer, Routes

if TYPE_CHECKING:
    from complaintdesk.webapi import Call


routes = Routes("public")


@routes.endpoint("/status/{token}", "GET", roles=None, response="responses:PublicStatus", media=(HTML,))
def public_status(call: Call) -> Answer:
    """The ticket's status and public timeline: JSON, or a page in the customer's language that
    reads like a letter (Accept: text/html; ``complaintdesk.pages``)."""
    from complaintdesk import pages

    if pages.wants_html(call.headers):
        from dataclasses import replace

        from complaintdesk.services.customer_pages import status_view

        view = status_view(call.params["token"])
        language = pages.page_language(view.language, call.headers.get("accept-language"))
        return pages.status_page(replace(view, language=language)).response()
    from complaintdesk.services.customer_pages import public_status

    return public_status(call.params["token"])


@routes.endpoint("/survey/{token}", "GET", roles=None, response="responses:SurveyState", media=(HTML,))
def survey(call: Call) -> Answer:
    """The survey link: a 1-5 form (Accept: text/html; a plain form that posts back here), or, once
    answered, a thank-you page. JSON: whether and how it was answered."""
    from complaintdesk import pages
    from complaintdesk.services.customer_pages import survey_view

    view = survey_view(call.params["token"])
    if not pages.wants_html(call.headers):
        return {"ticket_id": view.ticket_id, "answered": view.score is not None, "score": view.score}
    language = pages.page_language(view.language, call.headers.get("accept-language"))
    if view.score is not None:
        return pages.survey_done(language, view.score, just_now=False, status_url=view.status_url).response()
    return pages.survey_form(language, view.ticket_id, action=call.params["token"]).response()


@routes.endpoint(
    "/survey/{token}",
    "POST",
    roles=None,
    body="schemas:SurveyIn",
    status=201,
    response="responses:SurveyRecorded",
    media=(HTML,),
    forms=True,
)
def answer_survey(call: Call) -> Answer:
    """The customer's 1-5 score and comment; answered once (a second answer is 409). A plain HTML
    form post is taken too; a browser (Accept: text/html) gets a thank-you page."""
    from complaintdesk import pages
    from complaintdesk.services import customer_pages

    if not pages.wants_html(call.headers):
        return customer_pages.answer_survey(call.params["token"], call.body)
    view = customer_pages.survey_view(call.params["token"])  # 403 first when the link does not verify
    language = pages.page_language(view.language, call.headers.get("accept-language"))
    score, just_now = customer_pages.answer_survey_form(call.params["token"], call.body)
    return pages.survey_done(language, score, just_now=just_now, status_url=view.status_url).response()


@routes.endpoint("/decision/{token}", "GET", roles=None, response="responses:DecisionView", media=(HTML,))
def decision(call: Call) -> Answer:
    """The resolution behind the customer's decision link, whether it was answered, and their recourse.
    A browser (Accept: text/html) gets the page with an accept and a reject form (plain form posts)."""
    from complaintdesk import pages
    from complaintdesk.services.closure import decision_view

    view = decision_view(call.params["token"])
    if pages.wants_html(call.headers):
        from complaintdesk.services.customer_pages import ticket_zone

        language = pages.page_language(view["language"], call.headers.get("accept-language"))
        zone = ticket_zone(view["ticket_id"])
        return pages.decision_page(view, language, zone, action=call.params["token"]).response()
    return view


@routes.endpoint(
    "/decision/{token}",
    "POST",
    roles=None,
    body="schemas:DecisionIn",
    response="responses:DecisionView",
    media=(HTML,),
    forms=True,
)
def decide(call: Call) -> Answer:
    """Accept the resolution (the complaint closes) or reject it (it is reviewed again); once.
    A plain HTML form post is taken too; a browser gets the decision page, thanking for the answer."""
    from complaintdesk import pages
    from complaintdesk.errors import Conflict
    from complaintdesk.schemas import DecisionIn, parse
    from complaintdesk.services import closure

    answer = parse(DecisionIn, call.body)
    token = call.params["token"]
    if not pages.wants_html(call.headers):
        return closure.decide(token, answer.decision, answer.reason)
    from complaintdesk.services.customer_pages import ticket_zone

    before = closure.decision_view(token)  # 403 before anything when the link does not verify
    language = pages.page_language(before["language"], call.headers.get("accept-language"))
    zone = ticket_zone(before["ticket_id"])
    try:
        view = closure.decide(token, answer.decision, answer.reason)
    except Conflict:
        view = closure.decision_view(token)
        if not view["decided"]:  # not answered before: the friendly 409 page
            raise
        return pages.decision_page(view, language, zone, action=token).response()
    return pages.decision_page(view, language, zone, action=token, just_now=True).response()
