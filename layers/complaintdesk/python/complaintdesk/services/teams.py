"""Teams, their people, the staff, a team's board and the escalations a manager received (issue 14).

- Teams are the published categories' (current versions): id, English name, names per language,
  and the categories that name them. Who works in one is stored per team (``store/teams.py``; why
  there and not in Cognito: docs/decisions.md). A member must be a staff user of the pool (a user
  in the agent, manager or admin group): ``PUT /teams/{id}/members`` refuses anyone else, naming them.
- The staff are the pool's users in those groups (Cognito ListUsersInGroup, one call per group
  and page), each with their roles and teams.
- A team's board: its active steps (the team queue, GSI3, soonest due first) counted open / at
  risk / breached, per person and unassigned. One board reads at most ``limit`` steps (1000); with
  more, ``next_cursor`` (the queue's own, as ``GET /tickets`` gives) reads the next ones, whose
  tallies the console adds to the first.
- Escalations received: the active tickets whose current escalation level notifies the caller:
  ``manager`` of a team they lead (a manager or admin member of it, or the team's
  ``manager_email``), their own ``email``, a ``team`` they are in, or a ``role`` they have, as the
  plan version the ticket runs says (the one that escalated it; a later version's ladder does not
  move old tickets to other inboxes). Only the queues of the teams owning such steps in the current
  versions, and of the teams the person is in or leads, are read (1000 steps a team at most:
  ``truncated``).
  A page is ``limit`` rows (200); ``next_cursor`` carries the last row's place in the list
  (escalated at, ticket id), and the next page starts after it.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass, field
from typing import Any

from complaintdesk import aws, clock
from complaintdesk.auth import Principal
from complaintdesk.errors import Forbidden, InvalidInput, NotFound
from complaintdesk.services.queues import at_risk, flagged, lead, row
from complaintdesk.settings import get_settings
from complaintdesk.store import repository as repo
from complaintdesk.store import teams as stored_teams
from complaintdesk.store.models import CategoryHead, Ticket

STAFF_GROUPS = ("agent", "manager", "admin")
MANAGING = frozenset({"manager", "admin"})
BOARD_MOST = 1000  # active steps one board reads at most (``truncated`` beyond)
ESCALATIONS_MOST = 200


@dataclass
class TeamInfo:
    team_id: str
    name: str
    names: dict[str, str]
    manager_email: str | None = None
    categories: list[str] = field(default_factory=list)


def published_definitions() -> list[Any]:
    from complaintdesk.services.categories import published

    heads, _ = repo.query_index_base(CategoryHead, "CATEGORIES", prefix=None, limit=500)
    return [published(h.category_id, int(h.current_version))[1] for h in heads]


def catalog(definitions: list[Any] | None = None) -> dict[str, TeamInfo]:
    """Every team the published categories name (the first category naming one gives its names)."""
    found: dict[str, TeamInfo] = {}
    for defn in definitions if definitions is not None else published_definitions():
        for team in defn.teams:
            names = team.names.model_dump(exclude_none=True) if team.names else {"en": team.name}
            info = found.setdefault(team.id, TeamInfo(team.id, team.name, names, team.manager_email))
            info.manager_email = info.manager_email or team.manager_email
            if defn.id not in info.categories:
                info.categories.append(defn.id)
    return found


def _team_view(info: TeamInfo, item: stored_teams.TeamMembers | None) -> dict[str, Any]:
    return {
        "team_id": info.team_id,
        "name": info.name,
        "names": info.names,
        "categories": sorted(info.categories),
        "members": item.people if item else [],
        "version": int(item.version) if item and item.version else 0,
        "updated_at": item.updated_at if item else None,
        "updated_by": item.updated_by if item else None,
    }


def _info(team_id: str) -> TeamInfo:
    info = catalog().get(team_id)
    if info is None:
        raise NotFound(f"team {team_id} is not named by any published category")
    return info


def list_teams() -> dict[str, Any]:
    teams, items = catalog(), stored_teams.all_teams()
    return {"teams": [_team_view(teams[t], items.get(t)) for t in sorted(teams)]}


def get_team(team_id: str) -> dict[str, Any]:
    return _team_view(_info(team_id), stored_teams.find(team_id))


# --- the staff ---------------------------------------------------------------------------------


def _pool() -> str:
    pool = get_settings().user_pool_id
    if not pool:
        raise RuntimeError("USER_POOL_ID is not set: the staff list needs the user pool")
    return pool


def _email(user: dict[str, Any]) -> str:
    attributes = {a["Name"]: a["Value"] for a in user.get("Attributes", [])}
    return str(attributes.get("email") or user["Username"]).lower()


def staff_roles() -> dict[str, set[str]]:
    """Every staff user's e-mail → their staff roles (ListUsersInGroup per group, paged)."""
    cognito = aws.client("cognito-idp")
    found: dict[str, set[str]] = {}
    for group in STAFF_GROUPS:
        kwargs: dict[str, Any] = {"UserPoolId": _pool(), "GroupName": group, "Limit": 60}
        while True:
            page = cognito.list_users_in_group(**kwargs)
            for user in page.get("Users", []):
                if user.get("Enabled", True):
                    found.setdefault(_email(user), set()).add(group)
            if not page.get("NextToken"):
                break
            kwargs["NextToken"] = page["NextToken"]
    return found


def list_staff() -> dict[str, Any]:
    roles = staff_roles()
    items = stored_teams.all_teams()
    return {
        "staff": [
            {
                "email": email,
                "roles": sorted(roles[email]),
                "teams": sorted(t for t, item in items.items() if email in (item.members or ())),
            }
            for email in sorted(roles)
        ]
    }


def put_members(team_id: str, members: list[str], version: int | None, actor: str) -> dict[str, Any]:
    """The team's people, replaced: each a staff user of the pool (400 naming the one that is not)."""
    info = _info(team_id)
    staff = staff_roles()
    problems = [
        {"field": f"members.{i}", "message": f"{email} is not a staff user (agent, manager or admin)"}
        for i, email in enumerate(members)
        if email not in staff
    ]
    if problems:
        summary = "; ".join(f"{p['field']}: {p['message']}" for p in problems)
        raise InvalidInput(f"invalid request: {summary}", details=problems)
    item = stored_teams.find(team_id)
    current = int(item.version) if item and item.version else 0
    if version is not None and version != current:
        from complaintdesk.errors import Conflict

        raise Conflict(f"team {team_id} is at version {current}, you sent {version}; read it again and retry")
    pk, sk = stored_teams.TeamMembers.key(team_id)
    item = item or stored_teams.TeamMembers(pk, sk, team_id=team_id)
    item.members = set(members) or None
    item.updated_at, item.updated_by = clock.iso(clock.now()), actor
    stored_teams.save(item)
    return _team_view(info, item)


# --- a team's board ------------------------------------------------------------------------------


def _active_steps(team_id: str, most: int, cursor: str | None = None) -> tuple[list[Ticket], str | None]:
    """The team's active tickets, soonest due first (GSI3), at most ``most`` from ``cursor``; and the
    cursor of the rest (None: no more)."""
    from complaintdesk.store import tickets as stored

    found: list[Ticket] = []
    while len(found) < most:
        items, cursor = stored.queue(
            {"owner_team": team_id}, limit=min(100, most - len(found)), cursor=cursor
        )
        found += items
        if not cursor:
            return found, None
    return found, cursor


def _tally() -> dict[str, Any]:
    return {"open": 0, "at_risk": 0, "breached": 0, "waiting_customer": 0, "oldest_due_at": None}


def _count(tally: dict[str, Any], r: dict[str, Any]) -> None:
    tally["open"] += 1
    tally["at_risk"] += int(r["at_risk"])
    tally["breached"] += int(bool(r["breached"]))
    tally["waiting_customer"] += int(r["status"] == "waiting_customer")
    due = r.get("due_at")
    if due and (tally["oldest_due_at"] is None or due < tally["oldest_due_at"]):
        tally["oldest_due_at"] = due


def board(
    team_id: str, principal: Principal, *, limit: int = BOARD_MOST, cursor: str | None = None
) -> dict[str, Any]:
    """Open / at risk / breached of the team's active steps (``limit`` of them from ``cursor``), per
    person and unassigned."""
    info = _info(team_id)
    item = stored_teams.find(team_id)
    members = set(item.members or ()) if item else set()
    if not principal.roles & MANAGING and principal.username.lower() not in members:
        raise Forbidden(f"the board of team {team_id} is for its members and managers")
    tickets, next_cursor = _active_steps(team_id, limit, cursor)
    rows = flagged([row(t) for t in tickets])
    totals, unassigned = _tally(), _tally()
    people: dict[str, dict[str, Any]] = {m: _tally() for m in members}
    for r in rows:
        _count(totals, r)
        if r["assignee"]:
            _count(people.setdefault(r["assignee"], _tally()), r)
        else:
            _count(unassigned, r)
    return {
        "team_id": team_id,
        "name": info.name,
        "names": info.names,
        "as_of": clock.iso(clock.now()),
        "totals": totals,
        "unassigned": unassigned,
        "people": [
            {"assignee": person, "member": person in members, **tally}
            for person, tally in sorted(people.items(), key=lambda p: (p[1]["oldest_due_at"] or "~", p[0]))
        ],
        "tickets": rows,
        "truncated": next_cursor is not None,
        "next_cursor": next_cursor,
    }


# --- escalations received ------------------------------------------------------------------------


def _targets_me(
    target: Any, me: str, roles: frozenset[str], teams: dict[str, TeamInfo], mine: set[str]
) -> bool:
    if target.kind == "email":
        return str(target.value).lower() == me
    if target.kind == "team":
        return target.value in mine
    if target.kind == "role":
        return target.value in roles
    info = teams.get(target.value)  # "manager": of a team
    if info is not None and info.manager_email:
        return info.manager_email.lower() == me
    return target.value in mine and bool(roles & MANAGING)


def _escalation_cursor(row: dict[str, Any]) -> str:
    place = json.dumps({"at": row["escalated_at"] or "", "id": row["ticket_id"]}, separators=(",", ":"))
    return base64.urlsafe_b64encode(place.encode()).decode().rstrip("=")


def _after(cursor: str | None) -> tuple[str, str] | None:
    """The place (escalated at, ticket id) a cursor carries; else 400 naming the cursor."""
    if not cursor:
        return None
    try:
        place = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        return str(place["at"]), str(place["id"])
    except (binascii.Error, ValueError, TypeError, KeyError, RecursionError):
        raise repo.invalid_cursor("is not a place this list gave out") from None


def escalations(
    manager: str, principal: Principal, *, limit: int = ESCALATIONS_MOST, cursor: str | None = None
) -> dict[str, Any]:
    """The active tickets whose current escalation level notifies ``manager``, newest first:
    ``limit`` of them after the place ``cursor`` names."""
    from complaintdesk.services.categories import category_definition

    after = _after(cursor)
    me = principal.username.lower()
    person = me if manager == "me" else manager
    if person != me and "admin" not in principal.roles:
        raise Forbidden("a manager sees the escalations they received (manager=me); an admin anyone's")
    roles = principal.roles if person == me else MANAGING
    definitions = published_definitions()
    teams = catalog(definitions)
    mine = set(stored_teams.teams_of(person))

    def notifies_me(escalation: Any) -> bool:
        return any(_targets_me(t, person, roles, teams, mine) for t in escalation.notify)

    # Read: the queues of the teams owning steps whose escalation reaches the person now, and of the
    # teams they are in or lead (an older version's ladder may still reach them there).
    reaching = {
        step.owner_team
        for defn in definitions
        for step in defn.steps
        if any(notifies_me(escalation) for escalation in step.escalation)
    }
    led = {team_id for team_id, info in teams.items() if (info.manager_email or "").lower() == person}
    owners = sorted(reaching | mine | led)
    plans: dict[tuple[str, int | None], Any] = {}  # read once per (category, version) seen

    def reached(ticket: Ticket) -> tuple[Any, Any] | None:
        """(step, escalation) of the ticket's current level in the plan version it runs (the
        current one for a ticket from before versions were recorded), when that level notifies
        the person; None otherwise."""
        key = (str(ticket.category), int(ticket.category_version) if ticket.category_version else None)
        if key not in plans:
            plans[key] = category_definition(*key)
        defn, level = plans[key], int(ticket.escalation_level or 0)
        step = next((s for s in defn.steps if s.id == ticket.current_step), None) if defn else None
        if step is None or not 1 <= level <= len(step.escalation):
            return None
        escalation = step.escalation[level - 1]
        return (step, escalation) if notifies_me(escalation) else None

    found: list[dict[str, Any]] = []
    truncated = False
    for team_id in owners:
        tickets, more = _active_steps(team_id, BOARD_MOST)
        truncated = truncated or more is not None
        for ticket in tickets:
            hit = reached(ticket) if ticket.status == "open" else None
            if hit is None:
                continue
            step, escalation = hit
            names = escalation.names.model_dump(exclude_none=True) if escalation.names else {}
            found.append(
                {
                    **row(ticket),
                    "level": int(ticket.escalation_level),
                    "label": escalation.label,
                    "label_names": names,
                    "step_title": step.title,
                    "step_names": step.names.model_dump(exclude_none=True) if step.names else {},
                    "category_version": int(ticket.category_version) if ticket.category_version else None,
                    "escalated_at": ticket.task_level_started_at,
                }
            )
    found.sort(key=lambda e: (e["escalated_at"] or "", e["ticket_id"]), reverse=True)
    if after is not None:
        found = [e for e in found if (e["escalated_at"] or "", e["ticket_id"]) < after]
    shown = found[:limit]
    now, lead_time = clock.now(), lead()
    for e in shown:
        e["at_risk"] = at_risk(e, now, lead_time)
    next_cursor = _escalation_cursor(shown[-1]) if len(found) > limit else None
    return {"manager": person, "escalations": shown, "truncated": truncated, "next_cursor": next_cursor}
