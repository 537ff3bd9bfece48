"""The local console server (infra/local/console.py) over real HTTP on 127.0.0.1: files of its
root with their types and the security headers, config.json from the stack, nothing outside."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Iterator

import pytest

from infra.local.console import ConsoleServer, content_security_policy, local_config

INFO = {"api_url": "http://127.0.0.1:8000", "moto_url": "http://127.0.0.1:5050", "user_pool_client_id": "c1"}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ConsoleServer]:
    """One server for the module: the tests only read from it, and each stop waits out the
    server loop's half-second poll."""
    folder = tmp_path_factory.mktemp("console-server")
    root = folder / "console"
    (root / "js").mkdir(parents=True)
    (root / "index.html").write_text("<!doctype html><title>x</title>")
    (root / "js" / "app.js").write_text("export const x = 1;")
    (folder / "secret.txt").write_text("outside")
    started = ConsoleServer(root, local_config(INFO), port=0).start()
    yield started
    started.stop()


def get(url: str) -> tuple[int, dict[str, str], bytes]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def test_files_are_served_with_their_type_and_the_security_headers(server: ConsoleServer) -> None:
    status, headers, body = get(f"{server.url}/")
    assert status == 200 and body.startswith(b"<!doctype html>")
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    assert headers["X-Frame-Options"] == "DENY" and headers["X-Content-Type-Options"] == "nosniff"
    csp = headers["Content-Security-Policy"]
    assert "connect-src 'self' http://127.0.0.1:8000 http://127.0.0.1:5050" in csp
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp
    status, headers, _ = get(f"{server.url}/js/app.js")
    assert status == 200 and headers["Content-Type"] == "text/javascript; charset=utf-8"


def test_config_json_comes_from_the_running_stack(server: ConsoleServer) -> None:
    status, headers, body = get(f"{server.url}/config.json")
    assert status == 200 and headers["Content-Type"] == "application/json"
    assert json.loads(body) == {
        "api_url": "http://127.0.0.1:8000",
        "region": "us-east-1",
        "stage": "local",
        "auth": {"mode": "password", "cognito_endpoint": "http://127.0.0.1:5050", "client_id": "c1"},
    }


@pytest.mark.parametrize(
    "path", ["/../secret.txt", "/%2e%2e/secret.txt", "/js/../../secret.txt", "/missing.js", "/js/"]
)
def test_nothing_outside_the_root_and_no_listing(server: ConsoleServer, path: str) -> None:
    status, _, body = get(server.url + path)
    assert status == 404 and b"outside" not in body


def test_the_policy_names_each_origin_once_without_paths() -> None:
    csp = content_security_policy(["https://a.example/prod", "https://a.example/other", "https://b.example"])
    assert "connect-src 'self' https://a.example https://b.example;" in csp
