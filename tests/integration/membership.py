"""Team membership for tests whose agent works a ticket through a whole plan.

Membership decides who may complete, resolve or reopen an agent's ticket (docs/decisions.md,
"Agents and teams"): an agent acts only on a ticket whose owner team they are a member of. Tests of
the plan itself (escalations, closure, reminders, notifications) let the test's agent work every
team of the published categories, as an admin would set it on the teams page. Written through the
store (the members item ``PUT /teams/{id}/members`` writes), so the tests' AWS call evidence and
timing stay those of the flow under test.
"""

from __future__ import annotations

AGENT = "agent@complaintdesk.local"


def in_every_team(*people: str) -> list[str]:
    """Add ``people`` (default: the test's agent) to every team the published categories name;
    returns the team ids. Members already stored are kept."""
    from complaintdesk import clock
    from complaintdesk.services.teams import catalog
    from complaintdesk.store import teams as stored_teams

    added = {p.lower() for p in people or (AGENT,)}
    teams = sorted(catalog())
    for team_id in teams:
        item = stored_teams.find(team_id)
        if item is None:
            pk, sk = stored_teams.TeamMembers.key(team_id)
            item = stored_teams.TeamMembers(pk, sk, team_id=team_id)
        item.members = set(item.members or ()) | added
        item.updated_at, item.updated_by = clock.iso(clock.now()), "test setup"
        stored_teams.save(item)
    return teams
