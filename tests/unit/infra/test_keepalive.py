"""The local moto's keep-alive request handler (infra/local/keepalive.py), over real sockets: every
request on a kept connection gets exactly its own body and its own answer, however the client frames
it, and a request that cannot be framed closes the connection instead of poisoning the next one."""

from __future__ import annotations

import http.client
import io
import socket
import threading
from collections.abc import Callable, Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws
from werkzeug.serving import make_server

from infra.local.keepalive import BadRequestBody, KeepAliveRequestHandler, read_chunked

Wsgi = Callable[[dict[str, Any], Any], Any]


def echo(environ: dict[str, Any], start_response: Any) -> list[bytes]:
    """Answers with what it was sent: method, path, the body's length and the body."""
    if environ["PATH_INFO"] == "/fail":
        raise RuntimeError("the application failed")
    body = environ["wsgi.input"].read()
    assert len(body) == int(environ["CONTENT_LENGTH"])
    text = f"{environ['REQUEST_METHOD']} {environ['PATH_INFO']} {len(body)}\n".encode() + body
    if environ["PATH_INFO"] == "/streamed":  # no Content-Length, the body in pieces
        start_response("200 OK", [("Content-Type", "text/plain")])
        return iter([b"part one, ", b"part two"])
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(text)))])
    return [text]


class Counting(KeepAliveRequestHandler):
    connections = 0

    def setup(self) -> None:
        type(self).connections += 1
        super().setup()


@pytest.fixture
def serve() -> Iterator[Callable[[Wsgi], tuple[str, int]]]:
    servers: list[Any] = []

    def start(app: Wsgi) -> tuple[str, int]:
        Counting.connections = 0
        server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=Counting)
        # Polled every 20 ms for the shutdown below (serve_forever's default is 0.5 s, which each
        # test then waited out).
        threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True).start()
        servers.append(server)
        return "127.0.0.1", server.port

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def raw(address: tuple[str, int], data: bytes, read_until_close: bool = True) -> bytes:
    with socket.create_connection(address, timeout=5) as connection:
        connection.sendall(data)
        if not read_until_close:
            return connection.recv(65536)
        received = b""
        while chunk := connection.recv(65536):
            received += chunk
        return received


def test_requests_on_one_connection_each_get_their_own_body_and_answer(serve: Any) -> None:
    host, port = serve(echo)
    connection = http.client.HTTPConnection(host, port, timeout=5)
    for index, body in enumerate([b"first", b"", b"x" * 200_000, "ü".encode() * 3]):
        connection.request("POST", f"/echo/{index}", body=body)
        answer = connection.getresponse()
        assert answer.status == 200 and answer.getheader("Connection") is None
        assert answer.read() == f"POST /echo/{index} {len(body)}\n".encode() + body
    connection.close()
    assert Counting.connections == 1


def test_a_chunked_body_is_decoded_and_the_connection_goes_on(serve: Any) -> None:
    host, port = serve(echo)
    chunked = (
        b"POST /chunked HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
        b"5;name=value\r\nhello\r\n7\r\n, world\r\n0\r\nX-Trailer: yes\r\n\r\n"
    )
    follow = b"GET /next HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    answers = raw((host, port), chunked + follow)
    assert answers.count(b"HTTP/1.1 200 OK") == 2
    assert b"POST /chunked 12\nhello, world" in answers
    assert answers.endswith(b"GET /next 0\n")
    assert Counting.connections == 1


def test_expect_100_continue_is_answered_before_the_body_is_sent(serve: Any) -> None:
    host, port = serve(echo)
    with socket.create_connection((host, port), timeout=5) as connection:
        connection.sendall(
            b"PUT /big HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n"
        )
        assert connection.recv(1024).startswith(b"HTTP/1.1 100 Continue")
        connection.sendall(b"body")
        assert connection.recv(65536).endswith(b"PUT /big 4\nbody")


def test_an_answer_without_a_length_is_sent_with_one(serve: Any) -> None:
    host, port = serve(echo)
    connection = http.client.HTTPConnection(host, port, timeout=5)
    connection.request("GET", "/streamed")
    answer = connection.getresponse()
    assert answer.getheader("Content-Length") == "18" and answer.read() == b"part one, part two"
    connection.request("HEAD", "/head")
    head = connection.getresponse()
    assert (
        head.status == 200
        and head.read() == b""
        and head.getheader("Content-Length") == str(len(b"HEAD /head 0\n"))
    )
    connection.request("GET", "/after-head")
    assert connection.getresponse().read() == b"GET /after-head 0\n"
    assert Counting.connections == 1


def test_the_client_closing_is_honoured(serve: Any) -> None:
    host, port = serve(echo)
    answer = raw((host, port), b"GET /bye HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    assert b"\r\nConnection: close\r\n" in answer and answer.endswith(b"GET /bye 0\n")
    old = raw((host, port), b"GET /old HTTP/1.0\r\n\r\n")  # HTTP/1.0 without keep-alive: closed
    assert old.startswith(b"HTTP/1.1 200") and old.endswith(b"GET /old 0\n")


@pytest.mark.parametrize(
    "request_bytes",
    [
        b"POST /short HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc",
        b"POST /bad HTTP/1.1\r\nHost: x\r\nContent-Length: ten\r\n\r\n",
        b"POST /chunk HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n",
        b"POST /cut HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel",
    ],
    ids=["short-body", "bad-length", "bad-chunk-size", "cut-chunk"],
)
def test_a_body_that_cannot_be_framed_is_refused_and_the_connection_closed(
    serve: Any, request_bytes: bytes
) -> None:
    host, port = serve(echo)
    with socket.create_connection((host, port), timeout=5) as connection:
        connection.sendall(request_bytes)
        connection.shutdown(socket.SHUT_WR)  # the client has nothing more to send
        received = b""
        while chunk := connection.recv(65536):
            received += chunk
    assert received.startswith(b"HTTP/1.1 400") and b"Connection: close" in received
    assert received.count(b"HTTP/1.1") == 1


def test_a_failing_application_answers_500_and_the_server_serves_on(serve: Any) -> None:
    host, port = serve(echo)
    failed = raw((host, port), b"GET /fail HTTP/1.1\r\nHost: x\r\n\r\n")
    assert failed.startswith(b"HTTP/1.1 500") and b"Connection: close" in failed
    connection = http.client.HTTPConnection(host, port, timeout=5)
    connection.request("GET", "/fine")
    assert connection.getresponse().read() == b"GET /fine 0\n"


def test_read_chunked_rejects_a_negative_size() -> None:
    with pytest.raises(BadRequestBody):
        read_chunked(io.BytesIO(b"-5\r\nhello\r\n0\r\n\r\n"))


def test_moto_over_kept_connections_stores_and_returns_what_boto3_sent(serve: Any) -> None:
    """moto's own application behind the handler: an S3 object with metadata whose name has an
    underscore (moto's environ keeps it), a large body and an unsigned streamed one, DynamoDB calls —
    all on the client's kept connections."""
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app

    with mock_aws():
        host, port = serve(DomainDispatcherApplication(create_backend_app))
        session = boto3.Session(
            aws_access_key_id="testing", aws_secret_access_key="testing", region_name="us-east-1"
        )
        s3 = session.client("s3", endpoint_url=f"http://{host}:{port}")
        s3.create_bucket(Bucket="mail")
        large = bytes(range(256)) * 8_192  # 2 MiB
        s3.put_object(Bucket="mail", Key="inbound/a.eml", Body=large, Metadata={"sender_id": "42"})
        s3.upload_fileobj(io.BytesIO(b"streamed body"), "mail", "inbound/b.eml")
        got = s3.get_object(Bucket="mail", Key="inbound/a.eml")
        assert got["Body"].read() == large and got["Metadata"] == {"sender_id": "42"}
        assert s3.get_object(Bucket="mail", Key="inbound/b.eml")["Body"].read() == b"streamed body"
        dynamodb = session.client("dynamodb", endpoint_url=f"http://{host}:{port}")
        dynamodb.create_table(
            TableName="tickets",
            KeySchema=[{"AttributeName": "PK", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "PK", "AttributeType": "S"}],
            BillingMode="PAY_PER_REQUEST",
        )
        for number in range(20):
            dynamodb.put_item(TableName="tickets", Item={"PK": {"S": f"TICKET#{number}"}})
        assert dynamodb.scan(TableName="tickets", Select="COUNT")["Count"] == 20
    # One connection per client: 27 calls did not open 27.
    assert Counting.connections <= 3
