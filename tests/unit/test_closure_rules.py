"""The customer's answer to a resolution, as transitions and rules (pure, no AWS): one answer per
resolution round, acceptance closes, rejection reopens to review, a reply after resolution only
tells the team; the review team and recourse come from the category, then the deployment."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from complaintdesk import clock, signing
from complaintdesk.categories import parse_category
from complaintdesk.categories.model import CategoryError
from complaintdesk.errors import Conflict, Forbidden
from complaintdesk.events import EventType
from complaintdesk.lifecycle import RESOLUTION
from complaintdesk.settings import reset_settings
from tests.unit.test_lifecycle import AT, BILLING, WINDOW, only, resolved_ticket


def test_acceptance_is_recorded_once_and_a_plan_closes_the_ticket_itself():
    ticket = resolved_ticket()

    change = ticket.resolution_accepted(
        0, by="customer", at=AT + timedelta(days=1), window=WINDOW, closes_here=False
    )

    assert ticket.status == "closed"  # the plan's "Close" state writes it again and publishes ticket.closed
    assert (
        ticket.decision_for(0)["decision"] == "accepted"
        and ticket.decision_for(0)["resolution"] == "Refunded"
    )
    assert only(change, EventType.RESOLUTION_ACCEPTED).decision == "accepted"
    assert change.entries[0].visibility == "public" and EventType.TICKET_CLOSED not in change.event_types
    with pytest.raises(Conflict, match="already accepted"):
        ticket.resolution_rejected(0, reason="no", review_team="x", by="customer", at=AT, window=WINDOW)


def test_acceptance_without_a_plan_closes_here_and_says_so():
    ticket = resolved_ticket()
    ticket.execution_arn = None

    change = ticket.resolution_accepted(0, by="customer", at=AT, window=WINDOW, closes_here=True)

    assert ticket.status == "closed" and ticket.closed_at == clock.iso(AT)
    assert change.event_types == [EventType.RESOLUTION_ACCEPTED, EventType.TICKET_CLOSED]
    assert change.events[1].data["last_outcome"] == "accepted"


def test_rejection_reopens_to_the_review_team_and_starts_the_next_round():
    ticket = resolved_ticket()

    change = ticket.resolution_rejected(
        0, reason="Money not back", review_team="billing-review", by="customer", at=AT, window=WINDOW
    )

    assert (ticket.status, ticket.reopen_count, ticket.owner_team) == ("open", 1, "billing-review")
    assert ticket.current_step == RESOLUTION and ticket.resolution is None
    assert ticket.GSI3PK == "TEAM#billing-review"  # in the review team's queue
    rejected = only(change, EventType.RESOLUTION_REJECTED)
    assert (rejected.reason, rejected.review_team, rejected.round) == ("Money not back", "billing-review", 0)
    assert rejected.model_extra["resolution"] == "Refunded"
    assert ticket.resolution_round() == 1
    # The old round's link cannot decide again; the next resolution is round 1
    with pytest.raises(Conflict, match="already rejected"):
        ticket.resolution_accepted(0, by="customer", at=AT, window=WINDOW, closes_here=False)
    ticket.resolved(resolution="Refunded again", root_cause="bank", by="ana", at=AT, first_step=None)
    assert only(ticket.resolution_accepted(1, by="c", at=AT, window=WINDOW, closes_here=False),
                EventType.RESOLUTION_ACCEPTED).round == 1  # fmt: skip


@pytest.mark.parametrize(
    ("status", "round_", "later", "message"),
    [
        ("closed", 0, timedelta(days=1), "is closed"),
        ("open", 0, timedelta(days=1), "earlier resolution"),
        ("resolved", 1, timedelta(days=1), "earlier resolution"),
        ("resolved", 0, timedelta(days=15), "time to answer"),
    ],
)
def test_a_decision_out_of_place_is_a_conflict(status, round_, later, message):
    ticket = resolved_ticket()
    ticket.status = status

    with pytest.raises(Conflict, match=message):
        ticket.resolution_accepted(round_, by="customer", at=AT + later, window=WINDOW, closes_here=True)
    assert ticket.decisions == []


def test_a_reply_after_resolution_only_tells_the_team():
    ticket = resolved_ticket()
    before = ticket.status

    change = ticket.replied_after_resolution(
        channel="email", excerpt="Paldies, viss kārtībā", at=AT, reopen_until=clock.iso(AT + WINDOW)
    )

    assert ticket.status == before and not change.ticket_changed and not change.entries
    told = only(change, EventType.RESOLUTION_REPLIED)
    assert (told.team, told.excerpt) == (ticket.owner_team, "Paldies, viss kārtībā")


def review_category(**review: object):
    data = json.loads(BILLING.model_dump_json(exclude_none=True))
    data["review"] = review
    return parse_category(data)


def test_the_review_team_is_the_categorys_else_the_owner_of_the_last_step():
    assert review_category().review_team("investigate") == BILLING.step("investigate").owner_team
    assert review_category().review_team(None) == BILLING.steps[-1].owner_team
    team = BILLING.teams[-1].id
    assert review_category(team=team).review_team("investigate") == team
    with pytest.raises(CategoryError, match=r"review\.team: unknown team"):
        review_category(team="nobody")
    with pytest.raises(CategoryError, match="give a url or a contact"):
        review_category(recourse=[{"names": {"tr": "Hakem", "en": "Arbiter", "lv": "Šķīrējs"}}])


def test_recourse_comes_from_the_category_then_the_deployment_and_always_names_our_review(monkeypatch):
    from complaintdesk.services.closure import recourse, recourse_lines

    monkeypatch.setenv("SENDER_ADDRESS", "support@desk.example")
    monkeypatch.setenv("RECOURSE", json.dumps([{"names": {"tr": "Ombudsman TR", "en": "Ombudsman", "lv": "Ombuds"}, "contact": "+90 212 000 00 00"}]))  # fmt: skip
    reset_settings()
    try:
        deployed = recourse(None, "lv")
        assert deployed == [
            {
                "kind": "internal",
                "name": "Mūsu sūdzību izskatīšanas nodaļa",
                "contact": "support@desk.example",
            },
            {"kind": "external", "name": "Ombuds", "contact": "+90 212 000 00 00"},
        ]
        own = {
            "kind": "internal",
            "names": {"tr": "Üst kurul", "en": "Board", "lv": "Padome"},
            "url": "https://b.example",
        }
        categorised = recourse(review_category(recourse=[own]), "tr")
        assert categorised == [{"kind": "internal", "name": "Üst kurul", "url": "https://b.example"}]
        assert recourse_lines(categorised) == ["Üst kurul: https://b.example"]
    finally:
        monkeypatch.delenv("RECOURSE")
        reset_settings()


def test_decision_tokens_name_the_round_and_refuse_anything_else(monkeypatch):
    from complaintdesk.services import closure

    monkeypatch.delenv("SIGNING_SECRET_ARN", raising=False)
    reset_settings()
    token = closure.decision_token("C-2026-000123", 2)
    assert closure._verified(token) == ("C-2026-000123", 2)
    # The signature changed in its first character: every bit of it counts (the last character of
    # unpadded base64 carries bits the decoder drops, so changing that one failed 1 run in 16).
    body, signature = token.split(".")
    tampered = f"{body}.{'B' if signature[0] == 'A' else 'A'}{signature[1:]}"
    for bad in (
        signing.sign_token("survey", "C-2026-000123#2", 60),
        closure.decision_token("C-2026-000123", 2, now=0),
        signing.sign_token("decision", "C-2026-000123", 60),  # no round
        tampered,
    ):
        with pytest.raises(Forbidden, match="decision link is not valid"):
            closure._verified(bad)


@pytest.mark.parametrize("language", ["tr", "en", "lv"])
def test_the_resolution_sms_and_mail_carry_the_decision_link_in_every_language(language):
    from datetime import UTC, datetime

    from complaintdesk.notify.templates import render

    link = "https://desk.example/decision/eyJwIjoiZGVjaXNpb24ifQ.c2ln"
    rendered = render(
        "ticket.resolved",
        language,
        {
            "ticket_id": "C-2026-000123",
            "resolution": "Refunded.",
            "decision_url": link,
            "decision_until": datetime(2026, 12, 8, 9, 0, tzinfo=UTC),
            "timezone": "Europe/Istanbul",
        },
    )
    assert link in rendered.sms and link in rendered.text and f'href="{link}"' in rendered.html
    assert (
        "2026" in rendered.text and "UTC" not in rendered.text
    )  # the answer-by date, in the customer's zone
