"""One Cognito user per role in the (local) user pool, and their ID tokens for curl.

The tokens come from the flow staff use on AWS (``complaintdesk login``: USER_PASSWORD_AUTH on the
app client), so the local API checks the same kind of ID token API Gateway's authorizer does.
"""

from __future__ import annotations

import contextlib
from typing import Any

ROLES = ("agent", "manager", "admin", "integration")
PASSWORD = "Complaint-Desk-2026!"


def username(role: str) -> str:
    return f"{role}@complaintdesk.local"


def ensure_role_users(cognito: Any, user_pool_id: str) -> None:
    existing = {g["GroupName"] for g in cognito.list_groups(UserPoolId=user_pool_id)["Groups"]}
    for role in ROLES:
        if role not in existing:
            cognito.create_group(UserPoolId=user_pool_id, GroupName=role)
        with contextlib.suppress(cognito.exceptions.UsernameExistsException):
            cognito.admin_create_user(
                UserPoolId=user_pool_id,
                Username=username(role),
                MessageAction="SUPPRESS",
                UserAttributes=[
                    {"Name": "email", "Value": username(role)},
                    {"Name": "email_verified", "Value": "true"},
                ],
            )
        cognito.admin_set_user_password(
            UserPoolId=user_pool_id, Username=username(role), Password=PASSWORD, Permanent=True
        )
        cognito.admin_add_user_to_group(UserPoolId=user_pool_id, Username=username(role), GroupName=role)


def id_token(cognito: Any, user_pool_id: str, client_id: str, role: str) -> str:
    result = cognito.initiate_auth(
        ClientId=client_id,
        AuthFlow="USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": username(role), "PASSWORD": PASSWORD},
    )
    return result["AuthenticationResult"]["IdToken"]


def role_tokens(cognito: Any, user_pool_id: str, client_id: str) -> dict[str, str]:
    ensure_role_users(cognito, user_pool_id)
    return {role: id_token(cognito, user_pool_id, client_id, role) for role in ROLES}


def ensure_role_teams(actor: str = "make run") -> dict[str, list[str]]:
    """Put the role users in the teams of the published categories, so each has a queue: the agent
    in the owner teams of every category's first step, the manager in every team. A team whose
    members are already stored (an admin changed them, a kept local state) is left as it is.
    Needs the API's environment (table, user pool) and the categories published."""
    from complaintdesk.services import teams
    from complaintdesk.store import teams as stored_teams

    definitions = teams.published_definitions()
    first = {defn.steps[0].owner_team for defn in definitions}
    placed: dict[str, list[str]] = {}
    for team_id in sorted(teams.catalog(definitions)):
        if stored_teams.find(team_id) is not None:
            continue
        people = [username("manager"), *([username("agent")] if team_id in first else [])]
        placed[team_id] = teams.put_members(team_id, sorted(people), None, actor)["members"]
    return placed
