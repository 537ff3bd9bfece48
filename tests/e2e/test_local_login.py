"""The deploy commands against the running local stack over HTTP: sign in as a role user the way
staff do on AWS, call the API with the kept token, and check the mail path."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from infra import check_cli, login_cli
from infra.cli import main
from infra.local.users import PASSWORD, username
from tests.e2e.conftest import RunningStack

pytestmark = pytest.mark.e2e


@pytest.fixture
def local_state(running_stack: RunningStack, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    state = tmp_path / "stack.json"
    state.write_text(json.dumps(running_stack.info))
    monkeypatch.setattr(login_cli, "STATE_FILE", state)
    monkeypatch.setattr(check_cli, "STATE_FILE", state)
    monkeypatch.setenv("COMPLAINTDESK_TOKEN_FILE", str(tmp_path / "token.json"))
    return state


def test_login_against_the_local_stack_gives_a_token_the_api_accepts(
    running_stack: RunningStack, local_state: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given the local stack's manager user, signing in without AWS credentials (unsigned calls)
    monkeypatch.setattr(login_cli.getpass, "getpass", lambda prompt="": PASSWORD)
    assert main(["login", "--email", username("manager")]) == 0
    token_file = Path(login_cli.token_path())
    assert stat.S_IMODE(token_file.stat().st_mode) == 0o600
    token = login_cli.current_token()
    # When the API is called with the kept token
    running_stack.info["tokens"]["kept"] = token
    status, body = running_stack.call("GET", "/reports/summary", role="kept")
    # Then it is accepted with the manager's role (reports need manager or admin)
    assert status == 200, body


def test_check_mail_on_the_local_stack_passes(local_state: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check-mail"]) == 0
    out = capsys.readouterr().out
    assert "ok    replies to complaintdesk.example are received into" in out
