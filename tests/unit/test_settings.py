"""One validated settings model reads the environment; no public signing key outside local mode."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from complaintdesk.settings import LOCAL_SIGNING_SECRET, InvalidSettings, Settings, get_settings

REPO = Path(__file__).resolve().parents[2]
PACKAGE = REPO / "layers" / "complaintdesk" / "python" / "complaintdesk"
SECRET_ARN = "arn:aws:secretsmanager:us-east-1:123456789012:secret:signing-AbCdEf"


def test_on_lambda_without_a_signing_key_the_settings_refuse_to_load() -> None:
    # Given a deployed function's environment that lost its signing secret
    environ = {"AWS_LAMBDA_FUNCTION_NAME": "ApiFunction", "TABLE_NAME": "complaintdesk-prod"}
    # Then the first read of the settings fails, naming what to set (never the public key)
    with pytest.raises(InvalidSettings, match="SIGNING_SECRET_ARN"):
        Settings.from_environ(environ)
    # And so it does anywhere told it is deployed
    with pytest.raises(InvalidSettings, match="local mode only"):
        Settings.from_environ({"COMPLAINTDESK_MODE": "aws"})


def test_the_signing_key_outside_local_mode_is_the_configured_one() -> None:
    deployed = Settings.from_environ(
        {"AWS_LAMBDA_FUNCTION_NAME": "ApiFunction", "SIGNING_SECRET_ARN": SECRET_ARN}
    )
    assert (deployed.mode, deployed.signing_secret_arn) == ("aws", SECRET_ARN)
    explicit = Settings.from_environ({"COMPLAINTDESK_MODE": "aws", "SIGNING_SECRET": "from-the-operator"})
    assert explicit.signing_key == "from-the-operator"


def test_local_mode_may_use_the_development_key() -> None:
    # The local stack and the tests say so; a shell outside Lambda is local too
    assert Settings.from_environ({"COMPLAINTDESK_MODE": "local"}).signing_key == LOCAL_SIGNING_SECRET
    assert Settings.from_environ({}).mode == "local"
    # Told it is local, even a Lambda-like environment may
    local = Settings.from_environ({"COMPLAINTDESK_MODE": "local", "AWS_LAMBDA_FUNCTION_NAME": "x"})
    assert local.signing_key == LOCAL_SIGNING_SECRET


def test_values_are_validated_and_named() -> None:
    values = Settings.from_environ(
        {
            "AWS_DEFAULT_REGION": "eu-west-1",
            "TIME_SCALE": "3600",
            "REOPEN_WINDOW_DAYS": "7",
            "MAIL_SENDER_LIMIT_PER_HOUR": "5",
            "REMINDER_LEAD_MINUTES": " 45 ",
            "MAX_DESCRIPTION_CHARS": "",  # empty is unset: the default
        }
    )
    assert (values.region, values.time_scale, values.reopen_window_days) == ("eu-west-1", 3600.0, 7)
    assert (values.mail_sender_limit_per_hour, values.reminder_lead_minutes) == (5, 45.0)
    assert values.max_description_chars == 20000
    for name, bad in [
        ("TIME_SCALE", "fast"),
        ("TIME_SCALE", "0"),
        ("REOPEN_WINDOW_DAYS", "two weeks"),
        ("REMINDER_LEAD_MINUTES", "-5"),
        ("COMPLAINTDESK_MODE", "production"),
    ]:
        with pytest.raises(InvalidSettings, match=name):
            Settings.from_environ({name: bad})


def test_a_changed_variable_is_read_again(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MAIL_SENDER_LIMIT_PER_HOUR", "3")
    first = get_settings()
    assert first.mail_sender_limit_per_hour == 3 and get_settings() is first  # cached while unchanged
    monkeypatch.setenv("MAIL_SENDER_LIMIT_PER_HOUR", "9")
    assert get_settings().mail_sender_limit_per_hour == 9


def _reads_environment(path: Path) -> list[str]:
    def reads(node: ast.AST) -> bool:
        if isinstance(node, ast.Attribute):
            return node.attr in ("environ", "getenv", "environb")
        if isinstance(node, ast.ImportFrom) and node.module == "os":
            return any(alias.name in ("environ", "getenv") for alias in node.names)
        return False

    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [f"{path.relative_to(REPO)}:{node.lineno}" for node in ast.walk(tree) if reads(node)]  # type: ignore[attr-defined]


def test_the_settings_module_is_the_only_reader_of_the_environment() -> None:
    # Given every module of the package and every function handler
    sources = [*PACKAGE.rglob("*.py"), *(REPO / "functions").rglob("*.py")]
    readers = [hit for path in sources if path.name != "settings.py" for hit in _reads_environment(path)]
    # Then none but complaintdesk/settings.py reads os.environ or os.getenv
    assert readers == []
