"""Every real-world message in ../shared/mail parses to a kind, and bounce labels hold."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from complaintdesk.mail import MailParseError, parse_email

REPO = Path(__file__).resolve().parents[3]
CORPUS = REPO.parent / "shared" / "mail"
NOT_MESSAGES = {"MANIFEST.tsv", "README.md", "LABELS.tsv"}

pytestmark = pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/mail corpus not present")

# Files that cannot become a complaint; each must be quarantined with this reason.
EXPECTED_QUARANTINE = {
    "cpython/Lib/test/test_email/data/msg_11.txt": "no sender address",  # headers only name a subject
    "cpython/Lib/test/test_email/data/msg_18.txt": "no sender address",
    "cpython/Lib/test/test_email/data/msg_19.txt": "no headers",  # a mailing-list digest body only
    "cpython/Lib/test/test_email/data/msg_37.txt": "no sender address",
    "cpython/Lib/test/test_email/data/msg_38.txt": "no sender address",
    "cpython/Lib/test/test_email/data/msg_39.txt": "no sender address",
    "cpython/Lib/test/test_email/data/msg_40.txt": "no sender address",
    "flanker/tests/fixtures/messages/attached-pdf.eml": "no sender address",
    "rt/t/data/emails/lorem-ipsum": "no headers",
}
# Labels of bounceparser/LABELS.tsv we deliberately disagree with (see docs/email-intake.md).
LABEL_DISAGREEMENTS = {
    # Plain spam from an ordinary sender ("Re:", an image, no failure report): a message, not a bounce.
    "bounceparser/t/corpus/spam-with-image.msg": "message",
}


def _corpus_files() -> list[str]:
    if not CORPUS.is_dir():
        return []
    return sorted(
        str(path.relative_to(CORPUS))
        for path in CORPUS.rglob("*")
        if path.is_file() and path.name not in NOT_MESSAGES and not path.name.endswith("_reply_text")
    )


def _labels() -> list[tuple[str, str]]:
    labels = CORPUS / "bounceparser" / "LABELS.tsv"
    if not labels.is_file():
        return []
    with labels.open(encoding="utf-8") as handle:
        return [(row["local_name"], row["is_bounce"]) for row in csv.DictReader(handle, delimiter="\t")]


@pytest.mark.parametrize("name", _corpus_files())
def test_every_corpus_message_parses_to_a_kind(name: str) -> None:
    raw = (CORPUS / name).read_bytes()
    if name in EXPECTED_QUARANTINE:
        with pytest.raises(MailParseError) as caught:
            parse_email(raw)
        assert EXPECTED_QUARANTINE[name] in caught.value.reason
        return
    parsed = parse_email(raw)
    assert parsed.kind in ("message", "auto_reply", "bounce", "feedback_report", "machine_suspected")
    assert parsed.subject or parsed.text or parsed.bounce or parsed.attachments
    assert parsed.dedupe_key
    if parsed.kind == "message":
        assert "@" in parsed.from_address


def test_corpus_is_the_one_described() -> None:
    assert len(_corpus_files()) >= 190


@pytest.mark.parametrize(("name", "is_bounce"), _labels())
def test_bounce_labels(name: str, is_bounce: str) -> None:
    parsed = parse_email((CORPUS / name).read_bytes())
    if name in LABEL_DISAGREEMENTS:
        assert parsed.kind == LABEL_DISAGREEMENTS[name]
        return
    assert (parsed.kind == "bounce") == (is_bounce == "1"), parsed.auto_reason
    if is_bounce == "0":
        assert parsed.kind in ("auto_reply", "message")


@pytest.mark.parametrize("name", ["aol.eml", "yahoo.eml"])
def test_arf_complaints_are_feedback_reports(name: str) -> None:
    parsed = parse_email((CORPUS / "flanker/tests/fixtures/messages/complaints" / name).read_bytes())
    assert parsed.kind == "feedback_report"
    assert parsed.auto_submitted


def _words(text: str) -> list[str]:
    return text.split()


@pytest.mark.parametrize("client", ["iphone", "sparrow"])
def test_talon_expected_reply_text(client: str) -> None:
    folder = CORPUS / "talon/tests/fixtures/standard_replies"
    parsed = parse_email((folder / f"{client}.eml").read_bytes())
    expected = (folder / f"{client}_reply_text").read_text(encoding="utf-8")
    # talon's expectation keeps the signature: that is our reply_text; new_text also drops it.
    assert _words(parsed.reply_text) == _words(expected)
    assert parsed.new_text == "Hello"


@pytest.mark.parametrize(
    "name",
    ["android", "aol", "apple_mail", "comcast", "gmail", "hotmail", "outlook", "thunderbird", "yahoo"],
)
def test_talon_replies_lose_their_quoted_history(name: str) -> None:
    parsed = parse_email((CORPUS / f"talon/tests/fixtures/standard_replies/{name}.eml").read_bytes())
    assert parsed.new_text
    assert len(parsed.new_text) < len(parsed.text)
    assert not any(line.startswith(">") for line in parsed.new_text.splitlines())
