"""Team membership as stored: one item per team in one small partition (docs/decisions.md).

``PK=TEAMS``, ``SK=TEAM#<team id>``: the staff e-mails of the team, versioned (a stale PUT is a
409). Every team of the desk fits in this partition, so "which teams is this person in" is one
Query of it, never an index. Teams themselves (ids, names per language) are the published
categories'; an item here only says who works in one.
"""

from __future__ import annotations

from typing import ClassVar

from pynamodb.attributes import UnicodeAttribute, UnicodeSetAttribute, VersionAttribute

from complaintdesk.store import repository as repo
from complaintdesk.store.models import Item

PARTITION = "TEAMS"


class TeamMembers(Item):
    """Who works in one team: staff e-mails (lower case)."""

    SK_PREFIX: ClassVar[str] = "TEAM#"

    team_id = UnicodeAttribute()
    members = UnicodeSetAttribute(null=True)
    updated_at = UnicodeAttribute()
    updated_by = UnicodeAttribute()
    version = VersionAttribute()

    @staticmethod
    def key(team_id: str) -> tuple[str, str]:
        return PARTITION, f"{TeamMembers.SK_PREFIX}{team_id}"

    @property
    def people(self) -> list[str]:
        return sorted(self.members or ())


def all_teams() -> dict[str, TeamMembers]:
    """Every team's members: one Query of the teams partition (a desk has tens of teams)."""
    repo.ready()
    found: dict[str, TeamMembers] = {}
    for item in TeamMembers.query(
        PARTITION, TeamMembers.SK.startswith(TeamMembers.SK_PREFIX), consistent_read=True
    ):
        found[item.team_id] = item
    return found


def find(team_id: str) -> TeamMembers | None:
    return repo.find(TeamMembers, TeamMembers.key(team_id))


def members(team_id: str) -> set[str]:
    item = find(team_id)
    return set(item.members or ()) if item else set()


def teams_of(email: str) -> list[str]:
    """The teams ``email`` works in, sorted."""
    person = email.lower()
    return sorted(team for team, item in all_teams().items() if person in (item.members or ()))


def save(item: TeamMembers) -> None:
    """Put the item; its version is checked (a concurrent change is a ``Conflict``)."""
    repo.save(item)
