"""moto's request handler with HTTP/1.1 keep-alive, for the local stack's moto process.

Werkzeug's development server answers every request with ``Connection: close``: it cannot tell
where an unread request body ends, so it never reads a second request from a connection. Every boto3
call to the local moto therefore opened a TCP connection and the server started a thread for it; at
load that was a large share of the moto process's CPU (docs/operations.md, "The local stack at
load"), and every call paid a connect.

``KeepAliveRequestHandler`` keeps moto's own environ (``MotoRequestHandler.make_environ``: headers
with underscores kept for S3 metadata) and replaces only how one request is answered:

- the request body is read whole before the application runs, by ``Content-Length`` or by
  ``Transfer-Encoding: chunked`` (decoded, trailers skipped), and handed to it as a byte stream of
  known length, so the connection is always at the next request line afterwards;
- ``Expect: 100-continue`` is answered by ``http.server`` itself before the body is read;
- the answer is sent with its ``Content-Length`` (an application that gives none has its body
  gathered first), so the client can read the next answer on the same connection;
- the connection stays open unless the client asks to close it (``Connection: close``, or HTTP/1.0
  without keep-alive), a body cannot be read, or the application fails; then it is closed.

A connection's thread lives as long as the connection: boto3 keeps at most ten per client.
"""

from __future__ import annotations

import io
import socket
from collections.abc import Iterable
from typing import Any

from moto.moto_server.werkzeug_app import MotoRequestHandler

# Refuse a chunk-size line or trailer longer than this (a malformed request, not a large body).
MAX_LINE = 65_536


class BadRequestBody(Exception):
    """The request's body does not match its framing (a short read or a malformed chunk)."""


def read_chunked(stream: Any) -> bytes:
    """A ``Transfer-Encoding: chunked`` body, decoded; the stream is left after its trailers."""
    parts: list[bytes] = []
    while True:
        line = stream.readline(MAX_LINE + 1)
        if not line.endswith(b"\n"):
            raise BadRequestBody("a chunk size line was cut short")
        try:
            size = int(line.split(b";", 1)[0].strip(), 16)
        except ValueError as error:
            raise BadRequestBody(f"not a chunk size: {line[:40]!r}") from error
        if size < 0:
            raise BadRequestBody("a negative chunk size")
        if size == 0:
            break
        data = stream.read(size)
        if len(data) < size or stream.readline(MAX_LINE + 1).strip():
            raise BadRequestBody("a chunk was cut short")
        parts.append(data)
    while True:  # trailer fields, then the empty line that ends the message
        line = stream.readline(MAX_LINE + 1)
        if not line.endswith(b"\n"):
            raise BadRequestBody("the trailers were cut short")
        if not line.strip():
            return b"".join(parts)


class KeepAliveRequestHandler(MotoRequestHandler):
    protocol_version = "HTTP/1.1"

    def setup(self) -> None:
        super().setup()
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def run_wsgi(self) -> None:
        environ = self.make_environ()
        try:
            body = self._read_body()
        except BadRequestBody as error:
            self.close_connection = True
            self._send("400 Bad Request", [("Content-Type", "text/plain")], str(error).encode(), environ)
            return
        environ["wsgi.input"] = io.BytesIO(body)
        environ["CONTENT_LENGTH"] = str(len(body))
        environ.pop("wsgi.input_terminated", None)
        environ.pop("HTTP_TRANSFER_ENCODING", None)

        answer: dict[str, Any] = {}

        def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            # Nothing is sent before the application returns, so a second call (with exc_info)
            # may always replace the status and headers.
            answer["status"], answer["headers"] = status, headers
            return lambda data: answer.setdefault("early", []).append(data)

        try:
            chunks = self.server.app(environ, start_response)
            try:
                data = b"".join([*answer.get("early", []), *_bytes_of(chunks)])
            finally:
                if hasattr(chunks, "close"):
                    chunks.close()
        except Exception as error:
            self.close_connection = True
            self.log_error("moto failed on %s %s: %r", environ.get("REQUEST_METHOD"), self.path, error)
            self._send("500 Internal Server Error", [("Content-Type", "text/plain")], b"moto failed", environ)
            return
        self._send(answer["status"], answer["headers"], data, environ)

    def _read_body(self) -> bytes:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            return read_chunked(self.rfile)
        length = self.headers.get("Content-Length")
        if not length:
            return b""
        try:
            size = int(length)
        except ValueError as error:
            raise BadRequestBody(f"not a Content-Length: {length!r}") from error
        if size < 0:
            raise BadRequestBody(f"not a Content-Length: {length!r}")
        data = self.rfile.read(size)
        if len(data) < size:
            raise BadRequestBody(f"the body ended after {len(data)} of {size} bytes")
        return bytes(data)

    def _send(
        self, status: str, headers: list[tuple[str, str]], data: bytes, environ: dict[str, Any]
    ) -> None:
        code, _, reason = status.partition(" ")
        self.send_response(int(code), reason)
        no_body = environ.get("REQUEST_METHOD") == "HEAD" or int(code) in (204, 304) or int(code) < 200
        for name, value in headers:
            lower = name.lower()
            if lower in ("connection", "transfer-encoding", "keep-alive"):
                continue  # this server frames the answer and decides on the connection
            if lower == "content-length" and not no_body:
                continue  # sent below, from the body actually sent
            self.send_header(name, value)
        if not no_body:
            self.send_header("Content-Length", str(len(data)))
        if self.close_connection:
            self.send_header("Connection", "close")
        # The status line, the headers and the body in one write: sent apart, the body would wait
        # for the client to acknowledge the headers (Nagle's algorithm against delayed ACKs).
        self._headers_buffer.append(b"\r\n")
        if not no_body:
            self._headers_buffer.append(data)
        self.flush_headers()

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        """No line per request (moto's server logs only errors here)."""


def _bytes_of(chunks: Iterable[Any]) -> list[bytes]:
    out = []
    for chunk in chunks:
        if not isinstance(chunk, bytes):
            raise TypeError(f"a WSGI application must give bytes, not {type(chunk).__name__}")
        out.append(chunk)
    return out
