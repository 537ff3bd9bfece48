"""A second `make run` on the ports of a running one stops at once and says why (infra/local/stack.py)."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from infra.local import stack


@pytest.fixture
def listening() -> Iterator[int]:
    """A port a server listens on, as a running stack's moto would."""
    with socket.socket() as server:
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        server.bind(("127.0.0.1", 0))
        server.listen()
        yield int(server.getsockname()[1])


def test_only_a_port_with_a_listener_is_taken(listening: int) -> None:
    free = stack.free_port()
    assert stack.taken_ports({"--moto-port": listening, "--api-port": free, "--smtp-port": 0}) == [
        f"--moto-port {listening}"
    ]


def test_a_second_stack_on_taken_ports_exits_before_touching_anything(
    listening: int, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    state_file, data = tmp_path / "run" / "stack.json", tmp_path / "data"
    free = [stack.free_port() for _ in range(3)]
    with pytest.raises(SystemExit) as exit_:
        stack.main(
            [
                "--moto-port", str(listening),
                "--api-port", str(free[0]),
                "--smtp-port", str(free[1]),
                "--console-port", str(free[2]),
                "--state-file", str(state_file),
                "--data-dir", str(data),
                "--outbox", str(tmp_path / "outbox"),
            ]
        )  # fmt: skip
    assert exit_.value.code == 2
    said = capsys.readouterr().err
    assert f"already in use: --moto-port {listening}." in said
    assert "another `make run`" in said
    assert not state_file.parent.exists() and not data.exists() and not (tmp_path / "outbox").exists()
