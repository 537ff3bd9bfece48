"""`complaintdesk ingest FILE.eml`: the file lands where SES puts inbound mail and becomes a ticket."""

from __future__ import annotations

from pathlib import Path

from tests.integration.mail.conftest import message


def test_ingest_command_puts_mail_where_ses_does(mailroom, api, tmp_path, monkeypatch, capsys):
    import infra.cli

    monkeypatch.setattr(infra.cli, "STATE_FILE", tmp_path / "no-stack.json")  # not a running local stack
    eml = tmp_path / "complaint.eml"
    eml.write_bytes(message(sender="Līga <liga@example.lv>", subject="Rēķins divreiz").as_bytes())
    # When the command runs against the mail bucket (moto in-process here, so no endpoint)
    assert infra.cli.main(["ingest", str(eml), "--bucket", mailroom.bucket]) == 0
    assert f"-> s3://{mailroom.bucket}/inbound/" in capsys.readouterr().out
    # Then the bucket's notification brings it to the intake like any inbound mail
    (result,) = mailroom.run()
    assert result.outcome == "ticket"
    assert api.get(f"/tickets/{result.ticket_id}")[1]["subject"] == "Rēķins divreiz"


def test_ingest_command_refuses_what_it_cannot_do(tmp_path, monkeypatch, capsys):
    import infra.cli

    monkeypatch.setattr(infra.cli, "STATE_FILE", tmp_path / "no-stack.json")
    monkeypatch.delenv("MAIL_BUCKET", raising=False)
    assert infra.cli.main(["ingest", str(tmp_path / "x.eml")]) == 2
    assert "no mail bucket" in capsys.readouterr().err
    assert infra.cli.main(["ingest", str(tmp_path / "missing.eml"), "--bucket", "b"]) == 2
    assert "not a file" in capsys.readouterr().err


def test_subcommands_are_a_list_others_can_extend():
    import infra.cli

    parser = infra.cli.build_parser()
    names = {name for name, _ in infra.cli.COMMANDS}
    assert "ingest" in names
    args = parser.parse_args(
        ["ingest", str(Path("a.eml")), "--endpoint", "http://127.0.0.1:1", "--bucket", "b"]
    )
    assert args.handler == infra.cli.Ingest.run and args.bucket == "b"
