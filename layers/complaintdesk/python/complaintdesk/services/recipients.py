"""Who hears what: the customer's channels, a team's address, the managers of an escalation level.

Pure decisions on data already loaded (customer, category definition); nothing here calls AWS.

- Customer: e-mail while the address is deliverable; SMS as well when the customer has a phone and
  agreed to SMS. Once the address bounces, SMS takes its place when there is a phone (a message
  about the customer's own complaint, not marketing), else the message is skipped with a reason.
  An SMS in place of the e-mail (bouncing or no address) says the substance itself
  (``Recipient.instead_of_email``: the template's ``sms_fallback``), never "see our e-mail".
- Team: ``Team.email`` from the category, else ``<team>@<sender domain>``.
- Escalation targets: ``manager`` → ``Team.manager_email`` else ``<team>-lead@<sender domain>``;
  ``team`` → the team address; ``role`` → ``<role>@<sender domain>``; ``email`` → as given.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from complaintdesk.categories import CategoryDefinition, NotifyTarget, Team
from complaintdesk.settings import get_settings
from complaintdesk.store.models import Customer

Channel = Literal["email", "sms"]
Audience = Literal["customer", "team", "manager"]

# The language staff messages are written in when a category says nothing else: by the calendar's
# country ("tr-istanbul" → tr, "lv-riga" → lv), else English.
_CALENDAR_LANGUAGES = {"tr": "tr", "lv": "lv"}


@dataclass(frozen=True)
class Recipient:
    audience: Audience
    channel: Channel
    address: str  # e-mail address or E.164 phone number
    name: str = ""
    language: str = "en"
    why: str = ""  # how this recipient was chosen ("team billing", "manager of finance", "bounce fallback")
    instead_of_email: bool = False  # an SMS that is the customer's only message: it carries the substance

    @property
    def key(self) -> str:
        """The part of the idempotency key that names this recipient on this channel."""
        return f"{self.address.lower()}#{self.channel}"


@dataclass(frozen=True)
class Skipped:
    audience: Audience
    reason: str


# Why a message was not sent, by code (the timeline keeps the sentence and the code; the console
# words the code in the reader's language): the one place these sentences are written.
SKIP_REASONS = {
    "bouncing_no_phone": "the customer's e-mail address is bouncing and there is no phone number for SMS",
    "no_contact": "the customer has no e-mail address and no phone number",
    "no_recipient": "no recipient is configured for this message",
    "survey_answered": "the customer already answered the survey",
    "ticket_closed": "the complaint is closed",
    "ticket_resolved": "the complaint is resolved",
    "decided": "the customer already told us whether our answer solved it",
    "request_answered": "the customer already answered what we asked",
}


def skip_reason_code(reason: str | None) -> str | None:
    """The code of a reason sentence of ``SKIP_REASONS`` (None for any other)."""
    return next((code for code, said in SKIP_REASONS.items() if said == reason), None)


def sender_domain() -> str:
    return get_settings().sender_address.partition("@")[2] or "complaintdesk.example"


def staff_language(defn: CategoryDefinition | None) -> str:
    if defn is None:
        return "en"
    return _CALENDAR_LANGUAGES.get(defn.calendar.split("-")[0], "en")


def customer_language(customer: Customer, ticket_language: str | None) -> str:
    return customer.language or ticket_language or "en"


def customer_recipients(customer: Customer, language: str) -> tuple[list[Recipient], Skipped | None]:
    """The channels a customer message goes through, or why it cannot go out at all."""
    found: list[Recipient] = []
    email_ok = bool(customer.email) and customer.email_status != "bouncing"
    if email_ok:
        found.append(
            Recipient("customer", "email", customer.email or "", customer.name, language, "customer")
        )
    if customer.phone and not email_ok:
        why = "e-mail fallback" if customer.email else "no e-mail address"
        found.append(Recipient("customer", "sms", customer.phone, customer.name, language, why, True))
    elif customer.phone and customer.sms_opt_in:
        found.append(
            Recipient("customer", "sms", customer.phone, customer.name, language, "customer sms opt-in")
        )
    if found:
        return found, None
    reason = SKIP_REASONS["bouncing_no_phone" if customer.email and not email_ok else "no_contact"]
    return [], Skipped("customer", reason)


def team_address(defn: CategoryDefinition | None, team_id: str) -> str:
    team = _team(defn, team_id)
    return (team.email if team and team.email else None) or f"{team_id}@{sender_domain()}"


def manager_address(defn: CategoryDefinition | None, team_id: str) -> str:
    team = _team(defn, team_id)
    return (
        team.manager_email if team and team.manager_email else None
    ) or f"{team_id}-lead@{sender_domain()}"


def team_name(defn: CategoryDefinition | None, team_id: str | None, language: str) -> str:
    team = _team(defn, team_id) if team_id else None
    if team is None:
        return team_id or ""
    localized = getattr(team.names, language, None) if team.names else None
    return localized or team.name


def team_recipient(defn: CategoryDefinition | None, team_id: str) -> Recipient:
    language = staff_language(defn)
    return Recipient(
        "team",
        "email",
        team_address(defn, team_id),
        team_name(defn, team_id, language),
        language,
        f"team {team_id}",
    )


def escalation_recipients(
    defn: CategoryDefinition | None, targets: Iterable[NotifyTarget]
) -> list[Recipient]:
    """One e-mail recipient per distinct address among an escalation level's notify targets."""
    language = staff_language(defn)
    found: dict[str, Recipient] = {}
    for target in targets:
        if target.kind == "manager":
            address, why = manager_address(defn, target.value), f"manager of {target.value}"
            name = team_name(defn, target.value, language)
        elif target.kind == "team":
            address, why = team_address(defn, target.value), f"team {target.value}"
            name = team_name(defn, target.value, language)
        elif target.kind == "role":
            address, why, name = f"{target.value}@{sender_domain()}", f"role {target.value}", ""
        else:
            address, why, name = target.value, "address", ""
        found.setdefault(address.lower(), Recipient("manager", "email", address, name, language, why))
    return list(found.values())


def _team(defn: CategoryDefinition | None, team_id: str) -> Team | None:
    if defn is None:
        return None
    try:
        return defn.team(team_id)
    except KeyError:
        return None
