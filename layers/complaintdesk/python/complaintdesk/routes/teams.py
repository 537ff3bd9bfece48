"""Teams and their people, the staff, a team's board, the escalations a manager received."""

from __future__ import annotations

from typing import TYPE_CHECKING

from complaintdesk.routes import ADMINS, MANAGERS, STAFF, Answer, Routes

if TYPE_CHECKING:
    from complaintdesk.webapi import Call


routes = Routes("teams")


@routes.endpoint("/teams", roles=STAFF, response="responses:TeamList")
def list_teams(call: Call) -> Answer:
    """Every team the published categories name, with its names per language and its members."""
    from complaintdesk.services.teams import list_teams

    return list_teams()


@routes.endpoint("/teams/{team_id}", roles=STAFF, response="responses:Team")
def get_team(call: Call) -> Answer:
    """One team: names, the categories naming it, members."""
    from complaintdesk.services.teams import get_team

    return get_team(call.params["team_id"])


@routes.endpoint(
    "/teams/{team_id}/members",
    "PUT",
    roles=ADMINS,
    body="schemas:TeamMembersPut",
    response="responses:Team",
)
def put_team_members(call: Call) -> Answer:
    """Replace the team's members (staff e-mails of the user pool; anyone else → 400 naming them)."""
    from complaintdesk.services.teams import put_members

    body = call.body
    return put_members(call.params["team_id"], body.members, body.version, call.actor)


@routes.endpoint(
    "/teams/{team_id}/board", roles=STAFF, query="schemas:BoardQuery", response="responses:TeamBoard"
)
def team_board(call: Call) -> Answer:
    """The team's active steps: open / at risk / breached, per person and unassigned, soonest due first
    (managers and admins; agents of the team); ``limit`` of them, the rest by ``next_cursor``."""
    from complaintdesk.services.teams import board

    args = call.args
    return board(call.params["team_id"], call.signed_in, limit=args.limit, cursor=args.cursor)


@routes.endpoint("/staff", roles=MANAGERS, response="responses:StaffList")
def list_staff(call: Call) -> Answer:
    """The pool's staff users (agent, manager, admin) with their roles and teams."""
    from complaintdesk.services.teams import list_staff

    return list_staff()


@routes.endpoint(
    "/escalations", roles=MANAGERS, query="schemas:EscalationsQuery", response="responses:EscalationList"
)
def list_escalations(call: Call) -> Answer:
    """The active tickets whose current escalation level notifies the manager (?manager=me), newest first."""
    from complaintdesk.services.teams import escalations

    args = call.args
    return escalations(args.manager, call.signed_in, limit=args.limit, cursor=args.cursor)
