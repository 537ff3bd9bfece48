"""--region and --profile follow boto3's own resolution in every command; none forces us-east-1."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from infra.cli import aws_session, build_parser


@pytest.fixture
def aws_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    config = tmp_path / "config"
    config.write_text("[profile ops]\nregion = eu-central-1\n\n[profile bare]\noutput = json\n")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "credentials"))
    for name in ("AWS_REGION", "AWS_DEFAULT_REGION", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    return config


def _args(command: list[str]) -> argparse.Namespace:
    return build_parser().parse_args(command)


COMMANDS = [
    ["report", "summary"],
    ["sync-categories"],
    ["ingest", "a.eml"],
    ["login", "--email", "a@b.example"],
    ["bootstrap-admin", "--email", "a@b.example"],
    ["add-staff", "--email", "a@b.example", "--role", "agent"],
    ["check-mail"],
    ["teardown", "--stack-name", "s"],
]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c[0])
def test_no_command_fixes_a_region_of_its_own(command: list[str], aws_config: Path) -> None:
    args = _args(command)
    assert args.region is None and args.profile is None


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c[0])
def test_every_command_takes_region_and_profile(command: list[str], aws_config: Path) -> None:
    args = _args([*command, "--region", "ap-south-1", "--profile", "ops"])
    session = aws_session(args)
    assert (session.region_name, session.profile_name) == ("ap-south-1", "ops")


def test_environment_then_profile_decide_the_region(
    aws_config: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    args = _args(["report", "summary"])
    # The profile's region (AWS_PROFILE or --profile)
    monkeypatch.setenv("AWS_PROFILE", "ops")
    assert aws_session(args).region_name == "eu-central-1"
    # AWS_DEFAULT_REGION, then AWS_REGION over the profile's (as the AWS CLI does)
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-west-2")
    assert aws_session(args).region_name == "us-west-2"
    monkeypatch.setenv("AWS_REGION", "sa-east-1")
    assert aws_session(args).region_name == "sa-east-1"
    # --region over all of them
    assert aws_session(_args(["report", "summary", "--region", "eu-west-1"])).region_name == "eu-west-1"


def test_no_region_anywhere_and_unknown_profiles_are_clear_errors(aws_config: Path) -> None:
    with pytest.raises(SystemExit, match="no AWS region: pass --region, set AWS_REGION"):
        aws_session(_args(["teardown", "--stack-name", "s", "--profile", "bare"]))
    with pytest.raises(SystemExit, match="nope"):
        aws_session(_args(["teardown", "--stack-name", "s", "--profile", "nope"]))
