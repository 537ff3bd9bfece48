"""Every timeline event type the code makes has a sentence in the console, in tr, en and lv.

The console words a timeline entry from its type and ``data`` (console/js/timeline.js); an event
type it does not know shows the API's English summary. These tests read the Python package for the
types it puts on a timeline (every call that makes an entry, whatever module it is in) and the
console's message table, so a new kind of entry without its translations fails here, not in front
of a Turkish agent. The sentences themselves are checked in the browser (tests/e2e/console/
test_timeline_languages.py).
"""

from __future__ import annotations

import ast
import functools
import re
from pathlib import Path

from complaintdesk.events import EventType

REPO = Path(__file__).resolve().parents[2]
PACKAGE = REPO / "layers" / "complaintdesk" / "python" / "complaintdesk"
CONSOLE_TABLE = REPO / "console" / "js" / "timeline.js"
LANGUAGES = ("en", "tr", "lv")

# The calls that make a timeline entry: the stored model's ``timeline_entry`` and the names it goes
# by (``services.timeline.new_event``, the ticket's ``_new_entry``/``_entry``/``_recorded``, the
# notifier's ``_record``).
MAKERS = frozenset({"timeline_entry", "new_event", "_new_entry", "_entry", "_recorded", "_record"})


def _event_types_in(node: ast.AST, names: dict[str, set[str]]) -> set[str]:
    """The ``EventType.X`` values an expression may be: the members it names, and the names it uses
    that were assigned one (``kind = EventType.A if public else EventType.B``)."""
    found: set[str] = set()
    for sub in ast.walk(node):
        if isinstance(sub, ast.Attribute) and isinstance(sub.value, ast.Name) and sub.value.id == "EventType":
            found.add(EventType[sub.attr].value)
        elif isinstance(sub, ast.Name) and sub.id in names:
            found |= names[sub.id]
    return found


def _assigned(scope: ast.AST, outer: dict[str, set[str]]) -> dict[str, set[str]]:
    names = dict(outer)
    for sub in ast.walk(scope):
        if isinstance(sub, ast.Assign):
            types = _event_types_in(sub.value, {})
            for target in sub.targets:
                if isinstance(target, ast.Name) and types:
                    names[target.id] = names.get(target.id, set()) | types
    return names


def _call_name(call: ast.Call) -> str:
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""


@functools.cache
def types_made() -> dict[str, set[str]]:
    """Event type → the modules that put it on a timeline."""
    made: dict[str, set[str]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        module_names = _assigned(
            ast.Module(body=[s for s in tree.body if isinstance(s, ast.Assign)], type_ignores=[]), {}
        )
        for function in ast.walk(tree):
            if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            names = _assigned(function, module_names)
            for call in ast.walk(function):
                if isinstance(call, ast.Call) and _call_name(call) in MAKERS:
                    for arg in [*call.args, *(k.value for k in call.keywords)]:
                        for event_type in _event_types_in(arg, names):
                            made.setdefault(event_type, set()).add(path.relative_to(PACKAGE).as_posix())
    return made


def console_table() -> tuple[dict[str, set[str]], set[str]]:
    """The console's ``timeline.*`` keys per language, and the event types it has a sentence for."""
    text = CONSOLE_TABLE.read_text(encoding="utf-8")
    keys: dict[str, set[str]] = {code: set() for code in LANGUAGES}
    block = text[text.index("addMessages({") : text.index("\n});", text.index("addMessages({"))]
    language = None
    for line in block.splitlines():
        opened = re.match(r"^  (en|tr|lv): \{$", line)
        if opened:
            language = opened.group(1)
            continue
        key = re.match(r"^    '(timeline\.[^']+)': ", line)
        if key and language:
            keys[language].add(key.group(1))
    frames_at = text.index("const FRAMES = {")
    frames = text[frames_at : text.index("\n};", frames_at)]
    worded = set(re.findall(r"^  '([a-z_]+\.[a-z_]+)': ", frames, flags=re.MULTILINE))
    return keys, worded


def test_the_scan_finds_the_entries_made_across_the_package() -> None:
    made = types_made()
    # Given entries made by the ticket's transitions, the e-mail intake, the notifier, the
    # execution watcher and the file uploads: each is found where it is made.
    assert "lifecycle.py" in made["ticket.received"]
    assert "lifecycle.py" in made["comment.internal"] and "lifecycle.py" in made["comment.public"]
    assert "services/email_intake.py" in made["email.received"]
    assert "services/notifications.py" in made["notification.sent"]
    assert "services/executions.py" in made["workflow.failed"]
    assert "services/attachments.py" in made["attachment.added"]
    # Published-only events never reach a timeline.
    assert "ticket.created" not in made and "ticket.closed" not in made
    assert set(made) <= {e.value for e in EventType}


def test_every_type_made_has_a_sentence_in_each_language() -> None:
    made = types_made()
    keys, worded = console_table()
    assert not set(made) - worded, f"no sentence in console/js/timeline.js for {sorted(set(made) - worded)}"
    for code in LANGUAGES:
        missing = sorted(
            t
            for t in made
            if not any(k == f"timeline.{t}" or k.startswith(f"timeline.{t}.") for k in keys[code])
        )
        assert not missing, f"no '{code}' message for the timeline events {missing}"


def test_every_notification_template_has_a_name_in_each_language() -> None:
    from complaintdesk.notify.templates import TEMPLATES

    keys, _ = console_table()
    for code in LANGUAGES:
        missing = sorted(t for t in TEMPLATES if f"timeline.template.{t}" not in keys[code])
        assert not missing, f"no '{code}' name for the notification templates {missing}"


def test_every_reason_a_message_is_not_sent_has_words_in_each_language() -> None:
    from complaintdesk.services.recipients import SKIP_REASONS, skip_reason_code

    keys, _ = console_table()
    for code in LANGUAGES:
        missing = sorted(r for r in SKIP_REASONS if f"timeline.notification.reason.{r}" not in keys[code])
        assert not missing, f"no '{code}' words for the reasons {missing}"
    assert skip_reason_code(SKIP_REASONS["no_contact"]) == "no_contact"
    assert skip_reason_code("a reason said nowhere else") is None


def test_the_three_languages_have_the_same_timeline_keys() -> None:
    keys, _ = console_table()
    assert keys["en"], "the table was not read"
    assert keys["tr"] == keys["en"], sorted(keys["tr"] ^ keys["en"])
    assert keys["lv"] == keys["en"], sorted(keys["lv"] ^ keys["en"])


def test_the_transitions_write_the_parameters_their_sentences_read() -> None:
    """The parameters console/js/timeline.js reads beyond what the entries carried before."""
    from datetime import timedelta

    from tests.unit.test_lifecycle import AT, BILLING, assigned_ticket, iso, receive

    # Given a complaint received by phone and its first step assigned
    _, received = receive(channel="phone")
    assert received.entries[0].data["channel"] == "phone"
    ticket = assigned_ticket()
    assigned = ticket.step_assigned(
        BILLING, 3, "investigate", deadlines=[iso(4), iso(6), iso(8)], entered_at=iso(0), at=AT
    )
    data = assigned.entries[0].data
    assert (data["step"], data["step_title"], data["team"], data["team_name"]) == (
        "investigate",
        "Investigate",
        "billing",
        "Billing team",
    )
    # When it escalates, is reminded, breaches: each names its step's title
    escalated = ticket.escalated(
        BILLING, "investigate", 1, deadlines=[iso(4), iso(6), iso(8)], entered_at=iso(4), at=AT
    )
    assert escalated.entries[0].data["step_title"] == "Investigate"
    reminded = ticket.reminded("m", step_title="Investigate", minutes_left=30, at=AT)
    assert reminded.entries[0].data["step_title"] == "Investigate"
    breached = ticket.sla_breached(
        BILLING, "investigate", 2, deadlines=[iso(4), iso(6), iso(8)], entered_at=iso(8), at=AT
    )
    assert breached.entries[0].data["step_title"] == "Investigate"
    # When the customer answers a parked step: how long it was paused and the new due time
    ticket.paused_at = iso(1)
    resumed = ticket.resumed_by_customer(
        channel="email",
        by="customer",
        at=AT + timedelta(hours=2),
        due_at=iso(5),
        recorded_at=AT + timedelta(hours=2),
    )
    assert resumed.entries[0].data | {"paused_since": None} == {
        "channel": "email",
        "paused_since": None,
        "paused_seconds": 3600,
        "due_at": iso(5),
    }
    # An answer Step Functions refused says which, and why, in codes
    refused = ticket.answer_refused("resolving", "TaskTimedOut", earlier_try=False, at=AT)
    assert refused.entries[0].data == {"what": "resolving", "code": "TaskTimedOut", "earlier_try": False}
    # and a plan that could not start names its category and the error code
    failed = ticket.plan_refused("C-2026-000123", "StateMachineDoesNotExist", "gone", AT)
    assert (failed.entries[0].data["category"], failed.entries[0].data["code"]) == (
        "billing-error",
        "StateMachineDoesNotExist",
    )


def test_whom_a_notification_went_to_is_said_in_codes() -> None:
    from complaintdesk.services.notifications import _whom
    from complaintdesk.services.recipients import Recipient

    def whom(audience: str, why: str, address: str = "x@example.com") -> dict[str, str]:
        return _whom(Recipient(audience, "email", address, "", "en", why))  # type: ignore[arg-type]

    assert whom("customer", "e-mail fallback") == {"whom": "customer"}
    assert whom("team", "team billing") == {"whom": "team", "whom_ref": "billing"}
    assert whom("manager", "manager of finance") == {"whom": "manager", "whom_ref": "finance"}
    assert whom("manager", "role cfo_office") == {"whom": "role", "whom_ref": "cfo_office"}
    assert whom("manager", "address", "boss@example.com") == {
        "whom": "address",
        "whom_ref": "boss@example.com",
    }
