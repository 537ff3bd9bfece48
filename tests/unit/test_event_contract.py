"""Event names live in one place (complaintdesk/events.py) and docs/events.md describes them.

(a) No Python source under the layer, functions/ or infra/ spells an event name as a string: the
    code says ``EventType.X``, so a renamed or removed event fails where it is used.
(b) Every event with a payload model is in docs/events.md's table.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from complaintdesk.events import PAYLOADS, EventType

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "layers" / "complaintdesk" / "python" / "complaintdesk"
SOURCES = (PACKAGE, ROOT / "functions", ROOT / "infra")
NAMES = {str(member) for member in EventType}

# Template names are not event types, even where they read alike: a template is what a message
# says, an event is what happened. They may be spelt where they can only mean a template:
TEMPLATE_MODULES = {
    # the templates' registry and their texts, keyed by template name
    PACKAGE / "notify" / "templates.py",
    *(PACKAGE / "notify" / "locales").glob("*.py"),
}
TEMPLATE_ARGUMENTS = {
    # services/notifications.py: a rule composes notices with to_customer(facts, <template>, ...)
    # and to_staff(facts, <template>, ...); the RULES keys themselves are EventType members.
    (PACKAGE / "services" / "notifications.py", "to_customer"): 1,
    (PACKAGE / "services" / "notifications.py", "to_staff"): 1,
}


def _template_constants(path: Path, tree: ast.AST) -> set[int]:
    """ids of the Constant nodes that are template arguments of the allow-listed calls."""
    allowed: set[int] = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
        position = TEMPLATE_ARGUMENTS.get((path, str(name)))
        if position is None:
            continue
        if len(node.args) > position and isinstance(node.args[position], ast.Constant):
            allowed.add(id(node.args[position]))
        for keyword in node.keywords:
            if keyword.arg == "template" and isinstance(keyword.value, ast.Constant):
                allowed.add(id(keyword.value))
    return allowed


def literals() -> list[str]:
    found = []
    for base in SOURCES:
        for path in sorted(base.rglob("*.py")):
            if path == PACKAGE / "events.py" or path in TEMPLATE_MODULES:
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
            allowed = _template_constants(path, tree)
            for node in ast.walk(tree):
                if (
                    isinstance(node, ast.Constant)
                    and isinstance(node.value, str)
                    and node.value in NAMES
                    and id(node) not in allowed
                ):
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {node.value!r}")
    return found


def test_no_event_name_is_spelt_outside_events_py():
    assert literals() == [], "use EventType members instead of these strings"


def test_only_template_arguments_are_allowed():
    source = (
        'RULES = {"step.assigned": f}\nto_staff(facts, "step.assigned", [])\nother(facts, "step.assigned")\n'
    )
    tree = ast.parse(source)
    constants = [n for n in ast.walk(tree) if isinstance(n, ast.Constant) and n.value == "step.assigned"]
    allowed = _template_constants(PACKAGE / "services" / "notifications.py", tree)
    assert [c.lineno for c in constants if id(c) not in allowed] == [1, 3]


def test_docs_list_every_event_with_a_payload():
    text = (ROOT / "docs" / "events.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^\|\s*`([a-z_]+\.[a-z_]+)`\s*\|", text, flags=re.M))
    missing = sorted(str(t) for t in PAYLOADS if str(t) not in documented)
    assert missing == [], f"docs/events.md does not describe {missing}"
