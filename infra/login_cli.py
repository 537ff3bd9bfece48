"""Staff accounts and sign-in from the command line: the first admin, more staff, an ID token.

    complaintdesk bootstrap-admin --stack-name desk-prod --email lead@example.com
    complaintdesk add-staff --stack-name desk-prod --email agent@example.com --role agent
    complaintdesk login --stack-name desk-prod --email lead@example.com      (password prompt)
    complaintdesk login --stack-name desk-prod --browser                      (hosted UI, code + PKCE)
    curl -H "Authorization: Bearer $(complaintdesk token)" "$API/tickets"
    complaintdesk token --role agent        (the running local stack: a fresh token of its role user)

Accounts are made with the caller's AWS credentials (``AdminCreateUser``, then the role's group);
Cognito e-mails the temporary password. Sign-in needs no AWS credentials: ``USER_PASSWORD_AUTH``
against the app client (the first sign-in answers ``NEW_PASSWORD_REQUIRED`` with a new password), or
the hosted UI in a browser with a loopback callback on localhost:8765. What is kept is the ID token
(what API Gateway's Cognito authorizer and ``complaintdesk.auth`` accept; roles are its
``cognito:groups``), its refresh token and where they came from, in a file only its owner may read.

Without ``--stack-name`` the commands use the running local stack (``make run``).
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import getpass
import hashlib
import json
import os
import re
import secrets
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import asdict, dataclass
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any

from infra.cli import STATE_FILE, add_aws_arguments, aws_session, stack_outputs
from infra.local.state import NoRunningStack, read_running

ROLES = ("admin", "manager", "agent", "integration")
CALLBACK_PORT = 8765  # the CLI's loopback redirect, listed in the app client's CallbackURLs
CALLBACK_PATH = "/callback"
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
REFRESH_MARGIN_SECONDS = 60


class LoginError(Exception):
    """Sign-in failed for a reason the user can act on (the message says which)."""


# ---------------------------------------------------------------------------- where to sign in


@dataclass
class Target:
    """One user pool app client: a deployed stack's, or the local stack's."""

    client_id: str
    region: str
    user_pool_id: str | None = None
    endpoint_url: str | None = None  # the local moto server; None on AWS
    api_url: str | None = None
    sign_in_domain: str | None = None  # https://<prefix>.auth.<region>.amazoncognito.com
    stack_name: str | None = None


def resolve_target(args: argparse.Namespace) -> Target:
    """The stack's outputs (``--stack-name``, with ``--region``/``--profile``), else the local stack."""
    if args.stack_name:
        session = aws_session(args)
        outputs = stack_outputs(session, args.stack_name)
        missing = [k for k in ("UserPoolId", "UserPoolClientId") if k not in outputs]
        if missing:
            raise SystemExit(f"complaintdesk: stack {args.stack_name} has no output(s) {', '.join(missing)}")
        return Target(
            client_id=outputs["UserPoolClientId"],
            region=session.region_name,
            user_pool_id=outputs["UserPoolId"],
            api_url=outputs.get("ApiUrl"),
            sign_in_domain=outputs.get("SignInDomain"),
            stack_name=args.stack_name,
        )
    try:
        state = read_running(STATE_FILE)
    except NoRunningStack as error:
        raise SystemExit(f"complaintdesk: pass --stack-name NAME (a deployed stack), or: {error}") from None
    return Target(
        client_id=state["user_pool_client_id"],
        region=state["env"].get("AWS_REGION", "us-east-1"),
        user_pool_id=state["user_pool_id"],
        endpoint_url=state["moto_url"],
        api_url=state.get("api_url"),
    )


def _admin_client(target: Target, args: argparse.Namespace) -> Any:
    """cognito-idp with the caller's credentials (account administration)."""
    if target.endpoint_url:
        import boto3

        return boto3.client(
            "cognito-idp",
            region_name=target.region,
            endpoint_url=target.endpoint_url,
            aws_access_key_id="testing",  # the local moto server takes any credentials
            aws_secret_access_key="testing",
        )
    return aws_session(args).client("cognito-idp")


def _sign_in_client(target: Target) -> Any:
    """cognito-idp without credentials: sign-in calls are unsigned (a staff laptop has no AWS keys)."""
    import boto3
    from botocore import UNSIGNED
    from botocore.config import Config

    return boto3.client(
        "cognito-idp",
        region_name=target.region,
        endpoint_url=target.endpoint_url,
        config=Config(signature_version=UNSIGNED),
    )


# ---------------------------------------------------------------------------- the token file


def token_path() -> Path:
    """``COMPLAINTDESK_TOKEN_FILE``, else ``$XDG_CONFIG_HOME/complaintdesk/token.json`` (~/.config)."""
    if explicit := os.environ.get("COMPLAINTDESK_TOKEN_FILE"):
        return Path(explicit)
    base = os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config"
    return Path(base) / "complaintdesk" / "token.json"


def save_tokens(record: dict[str, Any], path: Path | None = None) -> Path:
    """Write the record readable by its owner only (0600, in a 0700 folder), replacing any older one."""
    path = path or token_path()
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    partial = path.with_name(path.name + ".partial")
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        os.fchmod(handle.fileno(), 0o600)  # also when the file was left by an earlier run
        json.dump(record, handle, indent=2)
    os.replace(partial, path)
    return path


def load_tokens(path: Path | None = None) -> dict[str, Any]:
    path = path or token_path()
    if not path.is_file():
        raise LoginError(f"not signed in ({path} does not exist): run `complaintdesk login` first")
    record: dict[str, Any] = json.loads(path.read_text())
    return record


def claims_of(token: str) -> dict[str, Any]:
    """The payload of a JWT, unverified: only to show who signed in and when the token expires
    (the API verifies the signature)."""
    try:
        payload = token.split(".")[1]
        claims: dict[str, Any] = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except (IndexError, ValueError) as error:
        raise LoginError("Cognito returned a token that is not a JWT") from error
    return claims


def token_record(
    result: dict[str, Any], target: Target, previous: dict[str, Any] | None = None
) -> dict[str, Any]:
    """What is kept of an authentication result (Cognito does not repeat the refresh token on refresh)."""
    id_token = result.get("IdToken") or result.get("id_token")
    if not id_token:
        raise LoginError("Cognito returned no ID token")
    claims = claims_of(id_token)
    return {
        "id_token": id_token,
        "access_token": result.get("AccessToken") or result.get("access_token"),
        "refresh_token": result.get("RefreshToken")
        or result.get("refresh_token")
        or (previous or {}).get("refresh_token"),
        "expires_at": int(claims.get("exp", time.time() + int(result.get("ExpiresIn", 3600)))),
        "username": claims.get("email") or claims.get("cognito:username"),
        "roles": sorted(claims.get("cognito:groups") or []),
        "target": asdict(target),
    }


# ---------------------------------------------------------------------------- password sign-in


def password_login(
    cognito: Any, client_id: str, username: str, password: str, new_password: Callable[[], str]
) -> dict[str, Any]:
    """USER_PASSWORD_AUTH; a first sign-in (temporary password) sets ``new_password()`` on the way."""
    errors = cognito.exceptions
    try:
        result = cognito.initiate_auth(
            ClientId=client_id,
            AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": username, "PASSWORD": password},
        )
        while "ChallengeName" in result:
            challenge = result["ChallengeName"]
            if challenge != "NEW_PASSWORD_REQUIRED":
                raise LoginError(
                    f"Cognito asks for {challenge}, which this command does not answer: "
                    "sign in with --browser (the hosted UI)"
                )
            user = (result.get("ChallengeParameters") or {}).get("USER_ID_FOR_SRP") or username
            result = cognito.respond_to_auth_challenge(
                ClientId=client_id,
                ChallengeName=challenge,
                Session=result["Session"],
                ChallengeResponses={"USERNAME": user, "NEW_PASSWORD": new_password()},
            )
    except (errors.NotAuthorizedException, errors.UserNotFoundException):
        raise LoginError("wrong e-mail or password (or the temporary password has expired)") from None
    except errors.InvalidPasswordException as error:
        raise LoginError(f"the new password was refused: {error.response['Error']['Message']}") from None
    except errors.PasswordResetRequiredException:
        raise LoginError("this account must reset its password: use the hosted sign-in page") from None
    auth: dict[str, Any] = result["AuthenticationResult"]
    return auth


def refresh(record: dict[str, Any]) -> dict[str, Any]:
    """A new ID token from the kept refresh token (REFRESH_TOKEN_AUTH)."""
    if not record.get("refresh_token"):
        raise LoginError("the token has expired and there is no refresh token: run `complaintdesk login`")
    target = Target(**record["target"])
    cognito = _sign_in_client(target)
    try:
        result = cognito.initiate_auth(
            ClientId=target.client_id,
            AuthFlow="REFRESH_TOKEN_AUTH",
            AuthParameters={"REFRESH_TOKEN": record["refresh_token"]},
        )
    except cognito.exceptions.NotAuthorizedException:
        raise LoginError(
            "the session has ended (refresh token expired or revoked): run `complaintdesk login`"
        ) from None
    return token_record(result["AuthenticationResult"], target, previous=record)


def current_token(path: Path | None = None, now: float | None = None) -> str:
    """The kept ID token, refreshed first when it expires within a minute."""
    record = load_tokens(path)
    if record["expires_at"] - REFRESH_MARGIN_SECONDS <= (now if now is not None else time.time()):
        record = refresh(record)
        save_tokens(record, path)
    return str(record["id_token"])


# ---------------------------------------------------------------------------- browser sign-in (PKCE)


def pkce_pair() -> tuple[str, str]:
    """(code_verifier, code_challenge) per RFC 7636, method S256."""
    verifier = secrets.token_urlsafe(64)  # 86 characters of [A-Za-z0-9_-]
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return verifier, base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")


def redirect_uri(port: int = CALLBACK_PORT) -> str:
    return f"http://localhost:{port}{CALLBACK_PATH}"


def authorize_url(domain: str, client_id: str, challenge: str, state: str, port: int = CALLBACK_PORT) -> str:
    query = urllib.parse.urlencode(
        {
            "response_type": "code",
            "client_id": client_id,
            "redirect_uri": redirect_uri(port),
            "scope": "openid email profile",
            "state": state,
            "code_challenge": challenge,
            "code_challenge_method": "S256",
        }
    )
    return f"{domain.rstrip('/')}/oauth2/authorize?{query}"


def wait_for_code(
    state: str, port: int = CALLBACK_PORT, timeout: float = 300.0, ready: Callable[[], None] | None = None
) -> str:
    """Serve the loopback redirect once and return its authorization code (the state must match)."""
    outcome: dict[str, str] = {}

    class Callback(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            url = urllib.parse.urlsplit(self.path)
            query = dict(urllib.parse.parse_qsl(url.query))
            if url.path != CALLBACK_PATH:
                self.send_error(404)
                return
            if query.get("state") != state:
                outcome["error"] = "the sign-in answer did not carry this login's state; try again"
            elif "error" in query:
                outcome["error"] = f"sign-in refused: {query.get('error_description') or query['error']}"
            elif "code" in query:
                outcome["code"] = query["code"]
            else:
                outcome["error"] = "the sign-in answer carried no code"
            body = (
                b"Signed in: you can close this tab."
                if "code" in outcome
                else b"Sign-in failed: see the terminal."
            )
            self.send_response(200 if "code" in outcome else 400)
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    with HTTPServer(("127.0.0.1", port), Callback) as server:
        server.timeout = 1.0
        if ready:
            ready()
        deadline = time.monotonic() + timeout
        while not outcome and time.monotonic() < deadline:
            server.handle_request()
    if "code" in outcome:
        return outcome["code"]
    raise LoginError(outcome.get("error") or f"no sign-in within {timeout:.0f} s")


def exchange_code(
    domain: str, client_id: str, code: str, verifier: str, port: int = CALLBACK_PORT
) -> dict[str, Any]:
    """POST /oauth2/token: the authorization code and its PKCE verifier for the tokens."""
    form = urllib.parse.urlencode(
        {
            "grant_type": "authorization_code",
            "client_id": client_id,
            "code": code,
            "redirect_uri": redirect_uri(port),
            "code_verifier": verifier,
        }
    ).encode()
    request = urllib.request.Request(
        f"{domain.rstrip('/')}/oauth2/token",
        data=form,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            tokens: dict[str, Any] = json.loads(response.read())
    except urllib.error.HTTPError as error:
        detail = error.read().decode(errors="replace")[:200]
        raise LoginError(f"the token endpoint refused the code ({error.code}): {detail}") from None
    return tokens


def browser_login(
    target: Target, port: int = CALLBACK_PORT, open_browser: Callable[[str], Any] | None = None
) -> dict[str, Any]:
    if not target.sign_in_domain:
        raise LoginError("this stack has no SignInDomain output (the hosted UI); sign in with --email")
    import webbrowser

    verifier, challenge = pkce_pair()
    state = secrets.token_urlsafe(24)
    url = authorize_url(target.sign_in_domain, target.client_id, challenge, state, port)
    opener = open_browser or webbrowser.open
    print(f"Opening the sign-in page (if no browser opens, visit it yourself):\n  {url}", file=sys.stderr)

    def open_page() -> None:
        opener(url)

    code = wait_for_code(state, port, ready=open_page)
    return exchange_code(target.sign_in_domain, target.client_id, code, verifier, port)


# ---------------------------------------------------------------------------- commands


def _add_target_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--stack-name", help="a deployed stack (default: the running local stack)")
    add_aws_arguments(parser)


def _ask_new_password() -> str:
    for _ in range(3):
        first = getpass.getpass("New password (at least 12 characters, upper, lower and a digit): ")
        if first == getpass.getpass("The new password again: "):
            return first
        print("The two did not match.", file=sys.stderr)
    raise LoginError("no new password given")


class Login:
    """Sign in as staff and keep the ID token for `complaintdesk token` (and the refresh token).

    With --email: e-mail and password (asked for; a first sign-in with the temporary password
    sets a new one). With --browser: the hosted sign-in page, authorization code + PKCE, back to
    http://localhost:8765/callback. The token file is $XDG_CONFIG_HOME/complaintdesk/token.json
    (~/.config/...; COMPLAINTDESK_TOKEN_FILE overrides), mode 0600.
    """

    @staticmethod
    def add_arguments(parser: argparse.ArgumentParser) -> None:
        _add_target_arguments(parser)
        how = parser.add_mutually_exclusive_group(required=True)
        how.add_argument("--email", help="sign in with this e-mail and a password")
        how.add_argument("--browser", action="store_true", help="sign in on the hosted page in a browser")
        parser.add_argument("--port", type=int, default=CALLBACK_PORT, help=argparse.SUPPRESS)

    @staticmethod
    def run(args: argparse.Namespace) -> int:
        target = resolve_target(args)
        try:
            if args.browser:
                result = browser_login(target, args.port)
            else:
                password = getpass.getpass(f"Password for {args.email}: ")
                result = password_login(
                    _sign_in_client(target), target.client_id, args.email, password, _ask_new_password
                )
            record = token_record(result, target)
        except LoginError as error:
            print(f"complaintdesk login: {error}", file=sys.stderr)
            return 1
        path = save_tokens(record)
        roles = ", ".join(record["roles"]) or "none (ask an admin: complaintdesk add-staff)"
        print(f"Signed in as {record['username']} (roles: {roles}). Token kept in {path}.")
        if target.api_url:
            print(f'Try: curl -H "Authorization: Bearer $(complaintdesk token)" {target.api_url}/tickets')
        return 0


def local_role_token(role: str, *, access: bool = False, state_file: Path | None = None) -> str:
    """A fresh token of the running local stack's user for ``role`` (infra/local/users.py), signed
    in the way staff sign in (USER_PASSWORD_AUTH, unsigned): its ID token, or its access token."""
    from botocore.exceptions import BotoCoreError

    from infra.local.users import PASSWORD, username

    def no_new_password() -> str:
        raise LoginError("it must set a new password (restart `make run` to reset the role users)")

    try:
        state = read_running(state_file or STATE_FILE)
    except NoRunningStack as error:
        raise LoginError(str(error)) from None
    target = Target(
        client_id=state["user_pool_client_id"],
        region=state["env"].get("AWS_REGION", "us-east-1"),
        endpoint_url=state["moto_url"],
    )
    try:
        result = password_login(
            _sign_in_client(target), target.client_id, username(role), PASSWORD, no_new_password
        )
    except LoginError as error:
        raise LoginError(f"the local stack's {role} user could not sign in: {error}") from None
    except BotoCoreError as error:  # no answer at the endpoint
        raise LoginError(f"the local stack at {target.endpoint_url} does not answer ({error})") from None
    return str(result["AccessToken" if access else "IdToken"])


class Token:
    """Print the kept ID token (refreshed when about to expire), for Authorization: Bearer ...

    With --role (the running local stack, `make run`): a fresh token of that role's user instead,
    e.g. `export AGENT_TOKEN=$(complaintdesk token --role agent)` once the banner's hour is up.
    """

    @staticmethod
    def add_arguments(parser: argparse.ArgumentParser) -> None:
        from infra.local.users import ROLES as LOCAL_ROLES

        parser.add_argument(
            "--role",
            choices=LOCAL_ROLES,
            help="the running local stack's user of this role (a fresh token; no login needed)",
        )
        parser.add_argument(
            "--access", action="store_true", help="with --role: its access token instead of the ID token"
        )

    @staticmethod
    def run(args: argparse.Namespace) -> int:
        try:
            if args.role:
                print(local_role_token(args.role, access=args.access))
            elif args.access:
                raise LoginError("--access goes with --role (the kept login is an ID token)")
            else:
                print(current_token())
        except LoginError as error:
            print(f"complaintdesk token: {error}", file=sys.stderr)
            return 1
        return 0


class Logout:
    """Forget the kept tokens (and revoke the refresh token where Cognito allows it)."""

    @staticmethod
    def add_arguments(parser: argparse.ArgumentParser) -> None:
        pass

    @staticmethod
    def run(args: argparse.Namespace) -> int:
        path = token_path()
        if not path.is_file():
            print("Not signed in.")
            return 0
        record = json.loads(path.read_text())
        if record.get("refresh_token"):
            target = Target(**record["target"])
            from botocore.exceptions import BotoCoreError, ClientError

            with contextlib.suppress(ClientError, BotoCoreError, NotImplementedError):
                _sign_in_client(target).revoke_token(Token=record["refresh_token"], ClientId=target.client_id)
        path.unlink()
        print(f"Signed out ({path} removed).")
        return 0


def add_staff(cognito: Any, user_pool_id: str, email: str, role: str) -> bool:
    """Create the account (Cognito e-mails a temporary password) and put it in ``role``'s group.
    Returns False when the account existed already (it is only added to the group)."""
    if not EMAIL_RE.match(email):
        raise LoginError(f"{email!r} is not an e-mail address")
    if role not in ROLES:
        raise LoginError(f"unknown role {role!r}; one of: {', '.join(ROLES)}")
    created = True
    try:
        cognito.admin_create_user(
            UserPoolId=user_pool_id,
            Username=email,
            UserAttributes=[
                {"Name": "email", "Value": email},
                {"Name": "email_verified", "Value": "true"},
            ],
            DesiredDeliveryMediums=["EMAIL"],
        )
    except cognito.exceptions.UsernameExistsException:
        created = False
    cognito.admin_add_user_to_group(UserPoolId=user_pool_id, Username=email, GroupName=role)
    return created


class AddStaff:
    """Create a staff account in a role's group; Cognito e-mails them a temporary password.

    Uses your AWS credentials (cognito-idp:AdminCreateUser, AdminAddUserToGroup on the pool).
    The new user then runs `complaintdesk login --email ...` and sets their own password.
    """

    default_role: str | None = None

    @classmethod
    def add_arguments(cls, parser: argparse.ArgumentParser) -> None:
        _add_target_arguments(parser)
        parser.add_argument("--email", required=True, help="the person's e-mail (their user name)")
        if cls.default_role is None:
            parser.add_argument("--role", required=True, choices=ROLES)

    @classmethod
    def run(cls, args: argparse.Namespace) -> int:
        role = cls.default_role or args.role
        target = resolve_target(args)
        if not target.user_pool_id:
            raise SystemExit("complaintdesk: the stack names no user pool (output UserPoolId)")
        try:
            created = add_staff(_admin_client(target, args), target.user_pool_id, args.email, role)
        except LoginError as error:
            print(f"complaintdesk: {error}", file=sys.stderr)
            return 2
        if created:
            print(
                f"Created {args.email} in group {role}; Cognito e-mailed a temporary password (valid 7 days)."
            )
        else:
            print(f"{args.email} already had an account; now also in group {role}.")
        where = f" --stack-name {target.stack_name}" if target.stack_name else ""
        print(f"Next, they sign in: complaintdesk login{where} --email {args.email}")
        return 0


class BootstrapAdmin(AddStaff):
    """Create the first admin of a fresh stack; Cognito e-mails a temporary password.

    Uses your AWS credentials (the pool allows no self sign-up). The admin then runs
    `complaintdesk login --email ...`, sets a password, and adds staff with `complaintdesk add-staff`.
    """

    default_role = "admin"
