"""The customer's answer to a resolution (ISO 10002 closing): accept it, or reject it and be told
what happens next and where else to turn.

The ``ticket.resolved`` message (e-mail and SMS) carries a signed decision link
(``decision_url``: purpose ``decision``, valid for the reopen window). The link names the ticket
and the resolution round (``Ticket.resolution_round``: 0, then one more per reopen), so the link
of an earlier resolution can never decide a later one. Every answer goes through these steps:

1. The token is verified; a tampered, expired or other-purpose token is ``Forbidden`` (403, the
   same refusal as the status link).
2. ``decision_view``: what the customer is asked about, whether it was answered, their recourse.
3. ``accept_resolution`` (``decide`` takes either answer): once per round (a second answer is 409), while the resolution is the
   current one and within the window. With a plan, its closing wait (follow-up or survey) is
   answered ``close`` — claimed, sent, recorded like every answer (``services/workflow.py``) — and
   the plan's "Close" state closes the ticket and publishes ``ticket.closed``. Without a plan the
   ticket closes here. ``resolution.accepted`` goes on the timeline.
4. ``reject_resolution``: the same checks; the complaint stays open, reopened to review: the
   closing wait is answered ``reopen`` (back to "Resolve"), the ticket goes to the review team
   (the category's ``review.team``, else the owner team of the step it was resolved after) and
   ``resolution.rejected`` is published: the review team is told, and the customer is told in
   their language that the complaint is reviewed again and what their recourse is.

A reply to a resolved ticket does not decide anything (``services/replies.py``): only this link or
a staff reopen reopens it.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from complaintdesk import clock, signing
from complaintdesk.categories import CategoryDefinition
from complaintdesk.errors import Forbidden, NotFound
from complaintdesk.settings import get_settings
from complaintdesk.store import repository as repo
from complaintdesk.store import tickets as stored
from complaintdesk.store.models import Customer, Ticket

PURPOSE = "decision"
CUSTOMER = "customer"
ACCEPTING, REJECTING = "accepting the resolution", "rejecting the resolution"

# Named when neither the category nor the deployment names an internal recourse: our own review,
# reached at the support address.
DEFAULT_INTERNAL_NAMES = {
    "tr": "Şikâyet inceleme birimimiz",
    "en": "Our complaints review",
    "lv": "Mūsu sūdzību izskatīšanas nodaļa",
}


def window() -> timedelta:
    """How long after a resolution the customer may answer it (the reopen window)."""
    return timedelta(days=get_settings().reopen_window_days)


def decision_token(ticket_id: str, round_: int, now: float | None = None) -> str:
    return signing.sign_token(PURPOSE, f"{ticket_id}#{round_}", int(window().total_seconds()), now=now)


def decision_url(ticket_id: str, round_: int) -> str:
    """The customer's accept/reject link for resolution ``round_`` of the ticket."""
    return f"{get_settings().public_base_url.rstrip('/')}/decision/{decision_token(ticket_id, round_)}"


def _verified(token: str) -> tuple[str, int]:
    """The ticket id and resolution round a decision token names; 403 for anything else."""
    try:
        named = signing.verify_token(token, PURPOSE)
        ticket_id, _, round_ = named.partition("#")
        return ticket_id, int(round_)
    except (signing.TokenError, ValueError) as exc:
        raise Forbidden(f"this {PURPOSE} link is not valid ({exc}); ask us for a new one") from None


def _ticket(ticket_id: str) -> Ticket:
    return repo.get(Ticket, Ticket.key(ticket_id), "ticket")


def _definition(ticket: Ticket) -> CategoryDefinition | None:
    from complaintdesk.services.categories import category_definition

    version = int(ticket.category_version) if ticket.category_version else None
    return category_definition(ticket.category, version)


def _language(ticket: Ticket) -> str:
    from complaintdesk.services.recipients import customer_language

    try:
        customer = repo.get(Customer, Customer.key(ticket.customer_id), "customer")
    except NotFound:
        return str(ticket.language or "en")
    return customer_language(customer, ticket.language)


# --- recourse --------------------------------------------------------------------------------------


def configured_recourse(defn: CategoryDefinition | None) -> list[Any]:
    """The category's recourse, else the deployment's (``RECOURSE``), else none."""
    from pydantic import TypeAdapter

    from complaintdesk.categories.model import Recourse

    if defn is not None and defn.review.recourse:
        return list(defn.review.recourse)
    raw = get_settings().recourse_json.strip()
    if not raw:
        return []
    return list(TypeAdapter(list[Recourse]).validate_json(raw))


def recourse(defn: CategoryDefinition | None, language: str) -> list[dict[str, Any]]:
    """Where the customer can turn, in ``language``: internal first (our own review when nothing
    internal is configured), then the external bodies. Each is {kind, name, url | contact}."""
    items = []
    for entry in configured_recourse(defn):
        name = getattr(entry.names, language, None) or entry.names.en
        item = {"kind": entry.kind, "name": name}
        item.update({k: v for k, v in (("url", entry.url), ("contact", entry.contact)) if v})
        items.append(item)
    if not any(item["kind"] == "internal" for item in items):
        own = DEFAULT_INTERNAL_NAMES.get(language, DEFAULT_INTERNAL_NAMES["en"])
        items.insert(0, {"kind": "internal", "name": own, "contact": get_settings().sender_address})
    return sorted(items, key=lambda item: item["kind"] != "internal")


def recourse_lines(items: list[dict[str, Any]]) -> list[str]:
    """One line per recourse for a message: "name: url or contact"."""
    return [f"{item['name']}: {item.get('url') or item.get('contact')}" for item in items]


# --- the services the decision routes call -------------------------------------------------------------


def decision_view(token: str) -> dict[str, Any]:
    """What the customer decides on: the resolution of the link's round, whether it was answered
    (``decided``: None, "accepted" or "rejected"), and their recourse."""
    ticket_id, round_ = _verified(token)
    ticket = _ticket(ticket_id)
    decided = ticket.decision_for(round_)
    language = _language(ticket)
    current = round_ == ticket.resolution_round() and ticket.status in ("resolved", "closed")
    resolution = (decided or {}).get("resolution") or (ticket.resolution if current else None)
    return {
        "ticket_id": ticket.ticket_id,
        "subject": ticket.subject,
        "language": language,
        "status": ticket.status,
        "resolution": resolution,
        "resolved_at": ticket.resolved_at,
        "decided": decided["decision"] if decided else None,
        "decided_at": decided["at"] if decided else None,
        "answer_by": _answer_by(ticket),
        "recourse": recourse(_definition(ticket), language),
    }


def _answer_by(ticket: Ticket) -> str | None:
    if ticket.status != "resolved" or not ticket.resolved_at:
        return None
    return clock.iso(clock.parse_iso(ticket.resolved_at) + window())


def accept_resolution(token: str) -> dict[str, Any]:
    """The customer accepts: the complaint closes now (409 when already answered or not current)."""
    from complaintdesk.services import workflow
    from complaintdesk.workflow.contract import Clock, TaskAnswer

    ticket_id, round_ = _verified(token)
    ticket, finished = workflow.settle(_ticket(ticket_id))
    if finished == ACCEPTING:
        return decision_view(token)  # an earlier try claimed it; now recorded
    at = clock.now()
    planned = bool(ticket.execution_arn)
    change = ticket.resolution_accepted(round_, by=CUSTOMER, at=at, window=window(), closes_here=not planned)
    if planned:
        answer = TaskAnswer(
            outcome="close", clock=Clock(**workflow.ANY_CLOCK), by=CUSTOMER, notes="resolution accepted"
        )
        workflow.answer_closing_wait(ticket, answer, change, what=ACCEPTING)
    else:
        stored.save(ticket, change)
    return decision_view(token)


def decide(token: str, decision: str, reason: str | None = None) -> dict[str, Any]:
    """The customer's answer through the decision link: ``accept`` or ``reject`` (with a reason)."""
    if decision == "accept":
        return accept_resolution(token)
    return reject_resolution(token, reason)


def reject_resolution(token: str, reason: str | None) -> dict[str, Any]:
    """The customer rejects: the complaint stays open and goes to review (409 when already
    answered or not current); the review team and the customer are told (notifications)."""
    from complaintdesk.services import workflow
    from complaintdesk.workflow.contract import Clock, TaskAnswer

    ticket_id, round_ = _verified(token)
    ticket, finished = workflow.settle(_ticket(ticket_id))
    if finished == REJECTING:
        return decision_view(token)
    reason = " ".join((reason or "").split())[:2000] or None
    at = clock.now()
    defn = _definition(ticket)
    team = defn.review_team(ticket.last_step) if defn is not None else None
    change = ticket.resolution_rejected(
        round_, reason=reason, review_team=team, by=CUSTOMER, at=at, window=window()
    )
    if ticket.execution_arn:
        answer = TaskAnswer(
            outcome="reopen",
            clock=Clock(**workflow.ANY_CLOCK),
            step=None,
            by=CUSTOMER,
            notes=reason or "rejected",
        )
        workflow.answer_closing_wait(ticket, answer, change, what=REJECTING)
    else:
        stored.save(ticket, change)
    return decision_view(token)
