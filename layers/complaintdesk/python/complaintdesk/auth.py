"""Who is calling, and may they. Role checks live here and nowhere else.

On AWS, API Gateway's Cognito authorizer has already verified the ID token and puts its claims
in the request context (``AUTH_MODE=apigateway``). Locally and in tests, the same token is
verified here against the user pool's JWKS (``AUTH_MODE=jwks``), and both paths end in the
same ``principal_from_claims``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from complaintdesk.errors import Forbidden, Unauthenticated
from complaintdesk.settings import get_settings

ROLES = ("agent", "manager", "admin", "integration")
STAFF = frozenset({"agent", "manager", "admin"})
ANY_ROLE = frozenset(ROLES)


@dataclass(frozen=True)
class Principal:
    subject: str
    username: str
    roles: frozenset[str]

    @property
    def actor(self) -> str:
        """How the principal appears on timelines: ``username (role)``."""
        role = next((r for r in ("admin", "manager", "agent", "integration") if r in self.roles), "none")
        return f"{self.username} ({role})"


def _groups(claim: Any) -> frozenset[str]:
    if claim is None:
        return frozenset()
    if isinstance(claim, str):
        # API Gateway flattens list claims to strings: "admin,agent" or "[admin agent]".
        return frozenset(p for p in re.split(r"[\s,\[\]]+", claim) if p)
    return frozenset(str(g) for g in claim)


def principal_from_claims(claims: Mapping[str, Any]) -> Principal:
    subject = claims.get("sub")
    if not subject:
        raise Unauthenticated("the token has no subject")
    username = claims.get("email") or claims.get("cognito:username") or claims.get("username") or subject
    roles = _groups(claims.get("cognito:groups")) & ANY_ROLE
    return Principal(subject=str(subject), username=str(username), roles=roles)


@lru_cache(maxsize=4)
def _jwks_client(url: str) -> Any:
    from jwt import PyJWKClient

    return PyJWKClient(url, cache_keys=True)


def verify_bearer(authorization: str | None) -> dict[str, Any]:
    """Verify a Cognito ID token the way API Gateway's authorizer does: signature, expiry, issuer, audience."""
    import jwt

    if not authorization:
        raise Unauthenticated("missing Authorization header (use: Authorization: Bearer <id token>)")
    scheme, _, token = authorization.partition(" ")
    if not token:
        token, scheme = scheme, "bearer"
    if scheme.lower() != "bearer":
        raise Unauthenticated("Authorization must be a Bearer token")
    settings = get_settings()
    try:
        key = _jwks_client(settings.jwks_url).get_signing_key_from_jwt(token)
        claims: dict[str, Any] = jwt.decode(
            token,
            key.key,
            algorithms=["RS256"],
            audience=settings.jwt_audience or None,
            issuer=settings.jwt_issuer or None,
            options={"verify_aud": bool(settings.jwt_audience), "verify_iss": bool(settings.jwt_issuer)},
        )
    except jwt.PyJWTError as exc:
        raise Unauthenticated(f"invalid token: {exc}") from None
    if claims.get("token_use") not in (None, "id"):
        raise Unauthenticated("use the ID token, not the access token")
    return claims


def authenticate(headers: Mapping[str, str], context: Mapping[str, Any] | None) -> Principal:
    if get_settings().auth_mode == "apigateway":
        claims = ((context or {}).get("authorizer") or {}).get("claims")
        if not claims:
            raise Unauthenticated("no verified identity on the request")
        return principal_from_claims(claims)
    return principal_from_claims(verify_bearer(headers.get("authorization")))


def require(principal: Principal, allowed: Iterable[str]) -> None:
    allowed = frozenset(allowed)
    if not principal.roles & allowed:
        raise Forbidden(f"this needs one of the roles: {', '.join(sorted(allowed))}")
