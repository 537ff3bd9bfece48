"""`complaintdesk login --browser`: authorization code + PKCE over real HTTP on loopback.

moto has no hosted UI, so a small server here plays Cognito's two OAuth endpoints the way their
documentation describes them: /oauth2/authorize redirects to the registered redirect_uri with a
code and the state; /oauth2/token gives tokens only for a code_verifier whose S256 hash is the
code_challenge the authorize call carried.
"""

from __future__ import annotations

import base64
import hashlib
import json
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import jwt
import pytest

from infra import login_cli

CLIENT_ID = "client-123"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def hosted_ui() -> Iterator[dict[str, Any]]:
    seen: dict[str, Any] = {"codes": {}}

    class Endpoints(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            url = urllib.parse.urlsplit(self.path)
            query = dict(urllib.parse.parse_qsl(url.query))
            assert url.path == "/oauth2/authorize"
            seen["authorize"] = query
            code = "code-" + str(len(seen["codes"]))
            seen["codes"][code] = query
            target = (
                f"{query['redirect_uri']}?{urllib.parse.urlencode({'code': code, 'state': query['state']})}"
            )
            self.send_response(302)
            self.send_header("Location", target)
            self.end_headers()

        def do_POST(self) -> None:
            form = dict(urllib.parse.parse_qsl(self.rfile.read(int(self.headers["Content-Length"])).decode()))
            asked = seen["codes"].pop(form.get("code"), None)
            digest = hashlib.sha256(form.get("code_verifier", "").encode()).digest()
            challenge = base64.urlsafe_b64encode(digest).decode().rstrip("=")
            valid = (
                asked is not None
                and form.get("grant_type") == "authorization_code"
                and form.get("client_id") == asked["client_id"]
                and form.get("redirect_uri") == asked["redirect_uri"]
                and challenge == asked["code_challenge"]
            )
            if not valid:
                body, status = b'{"error":"invalid_grant"}', 400
            else:
                claims = {
                    "email": "lead@shop.example",
                    "cognito:groups": ["admin"],
                    "token_use": "id",
                    "exp": int(time.time()) + 3600,
                }
                id_token = jwt.encode(claims, "a-test-key-of-thirty-two-bytes-or-more", algorithm="HS256")
                body = json.dumps({"id_token": id_token, "refresh_token": "r-1", "expires_in": 3600}).encode()
                status = 200
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Endpoints)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    seen["domain"] = f"http://127.0.0.1:{server.server_port}"
    yield seen
    server.shutdown()


def _browser(url: str) -> None:
    """What a browser does: open the page, follow the redirect to the loopback callback, and show
    whatever page comes back (an error page, too: the refused callback answers 400)."""

    def visit() -> None:
        try:
            urllib.request.urlopen(url, timeout=10).read()
        except urllib.error.HTTPError as page:
            page.read()

    threading.Thread(target=visit, daemon=True).start()


def test_pkce_pair_follows_rfc_7636() -> None:
    verifier, challenge = login_cli.pkce_pair()
    assert 43 <= len(verifier) <= 128 and set(verifier) <= set(
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~"
    )
    digest = hashlib.sha256(verifier.encode()).digest()
    assert challenge == base64.urlsafe_b64encode(digest).decode().rstrip("=")
    assert login_cli.pkce_pair()[0] != verifier


def test_browser_login_exchanges_the_code_with_its_verifier(hosted_ui: dict[str, Any]) -> None:
    port = _free_port()
    target = login_cli.Target(client_id=CLIENT_ID, region="eu-west-1", sign_in_domain=hosted_ui["domain"])
    # When the user signs in on the hosted page
    result = login_cli.browser_login(target, port, open_browser=_browser)
    # Then the authorize call asked for a code with an S256 challenge, back to the CLI's loopback
    asked = hosted_ui["authorize"]
    assert asked["response_type"] == "code" and asked["code_challenge_method"] == "S256"
    assert asked["redirect_uri"] == f"http://localhost:{port}/callback"
    assert asked["scope"] == "openid email profile"
    # And the kept record names the user and their roles from the ID token
    record = login_cli.token_record(result, target)
    assert record["username"] == "lead@shop.example" and record["roles"] == ["admin"]
    assert record["refresh_token"] == "r-1"


def test_a_callback_with_another_state_is_refused() -> None:
    port = _free_port()

    def forged(url: str) -> None:
        _browser(f"http://127.0.0.1:{port}/callback?code=stolen&state=not-ours")

    with pytest.raises(login_cli.LoginError, match="did not carry this login's state"):
        login_cli.wait_for_code("ours", port, timeout=10, ready=lambda: forged(""))


def test_a_stack_without_the_hosted_ui_says_how_to_sign_in() -> None:
    with pytest.raises(login_cli.LoginError, match="sign in with --email"):
        login_cli.browser_login(login_cli.Target(client_id=CLIENT_ID, region="eu-west-1"))
