"""The staff console for `make run`: the static files of ``console/`` served on their own port,
with ``config.json`` made from the running stack (the local API, and the local user pool for the
login page's password sign-in).

The console is on another origin than the API, as on AWS (CloudFront and API Gateway): the API's
CORS allows exactly this origin (the stack passes it as the template's ``ConsoleOrigin``), so the
browser checks CORS locally as it does there. The headers are the ones CloudFront's response
headers policy adds on AWS (template.yaml ``ConsoleHeadersPolicy``), the Content-Security-Policy
allowing the API's and the user pool's origins for ``connect-src``.
"""

from __future__ import annotations

import json
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from infra.local.template import REPO_ROOT

CONSOLE_DIR = REPO_ROOT / "console"

# What each file type is sent as (S3 keeps the same types: infra/console_cli.py uses this map).
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".json": "application/json",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".ico": "image/x-icon",
    ".txt": "text/plain; charset=utf-8",
}


def content_type(path: str | Path) -> str:
    return CONTENT_TYPES.get(Path(path).suffix.lower(), "application/octet-stream")


def origin_of(url: str) -> str:
    """``scheme://host[:port]`` of a URL (what a browser sends as Origin and CSP compares)."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def content_security_policy(connect: list[str]) -> str:
    """The console's CSP: its own scripts and styles only, no framing, fetches to ``connect``.
    Scripts may set ``element.style`` (CSSOM) but never a ``style`` attribute or inline script."""
    sources = " ".join(["'self'", *dict.fromkeys(origin_of(u) for u in connect)])
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' data:",
            f"connect-src {sources}",
            "frame-ancestors 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "object-src 'none'",
        ]
    )


def security_headers(connect: list[str]) -> dict[str, str]:
    return {
        "Content-Security-Policy": content_security_policy(connect),
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "DENY",
        "Referrer-Policy": "no-referrer",
    }


def local_config(info: dict[str, Any]) -> dict[str, Any]:
    """config.json for the running local stack: the API, and password sign-in on moto's pool."""
    return {
        "api_url": info["api_url"],
        "region": info.get("region", "us-east-1"),
        "stage": "local",
        "auth": {
            "mode": "password",
            "cognito_endpoint": info["moto_url"],
            "client_id": info["user_pool_client_id"],
        },
    }


class ConsoleServer:
    """A threaded HTTP server for ``root`` (GET and HEAD only); ``config`` is served as
    /config.json. ``port`` 0 takes a free port; ``url`` says which."""

    def __init__(self, root: Path, config: dict[str, Any], port: int, host: str = "127.0.0.1") -> None:
        self.root = root.resolve()
        self.config = config
        connect = [config["api_url"]] + [
            u for u in [config["auth"].get("cognito_endpoint"), config["auth"].get("domain")] if u
        ]
        self.headers = security_headers(connect)
        self.httpd = ThreadingHTTPServer((host, port), self._handler())
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, name="console", daemon=True)

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> ConsoleServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def resolve(self, request_path: str) -> Path | None:
        """The file a request path names inside the root, or None (outside it, or not a file)."""
        path = unquote(urlsplit(request_path).path)
        if path.endswith("/"):
            path += "index.html"
        candidate = (self.root / path.lstrip("/")).resolve()
        if not candidate.is_relative_to(self.root) or not candidate.is_file():
            return None
        return candidate

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            server_version = "complaintdesk-console"
            sys_version = ""

            def log_message(self, format: str, *args: Any) -> None:
                pass  # quiet, like the API's local server

            def _send(self, status: int, body: bytes, kind: str, head: bool) -> None:
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Cache-Control", "no-cache")
                for name, value in server.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                if not head:
                    self.wfile.write(body)

            def _serve(self, head: bool) -> None:
                if urlsplit(self.path).path == "/config.json":
                    body = json.dumps(server.config, indent=2).encode()
                    self._send(HTTPStatus.OK, body, CONTENT_TYPES[".json"], head)
                    return
                file = server.resolve(self.path)
                if file is None:
                    self._send(HTTPStatus.NOT_FOUND, b"not found\n", CONTENT_TYPES[".txt"], head)
                    return
                self._send(HTTPStatus.OK, file.read_bytes(), content_type(file), head)

            def do_GET(self) -> None:
                self._serve(head=False)

            def do_HEAD(self) -> None:
                self._serve(head=True)

        return Handler


def start_console(config: dict[str, Any], port: int, root: Path = CONSOLE_DIR) -> ConsoleServer:
    return ConsoleServer(root, config, port).start()
