"""Our own ASL checks, because moto accepts definitions Step Functions would refuse.

``validate_asl`` raises ``AslError`` listing every problem: unknown or missing transition targets,
unreachable states, states from which no path ends, Lambda anywhere, callback tasks without the
task token, over-long or duplicate-looking names, timeout fields used twice, and tasks without a
Retry or with one that retries what must never be retried (``NEVER_RETRIED``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from complaintdesk.errors import InvalidInput

MAX_NAME = 80
TERMINAL_TYPES = {"Succeed", "Fail"}
NEEDS_NEXT_OR_END = {"Task", "Pass", "Wait", "Parallel", "Map"}
KNOWN_TYPES = TERMINAL_TYPES | NEEDS_NEXT_OR_END | {"Choice"}
_FORBIDDEN_NAME = re.compile(r"[\x00-\x1f\x7f<>{}\[\]?*\"#%\\^|~`$&,;:/]")
_LAMBDA = re.compile(r"arn:aws[a-z-]*:(lambda:|states:::lambda)")
# Never retried: a callback's States.Timeout is its SLA running out; the wildcards would also match
# it (States.ALL) or a SendTaskFailure answer (States.TaskFailed); a failed condition on the ticket
# item will fail again.
NEVER_RETRIED = frozenset(
    {"States.ALL", "States.TaskFailed", "States.Timeout", "DynamoDB.ConditionalCheckFailedException"}
)


class AslError(InvalidInput):
    """A compiled definition that would not run as planned; ``problems`` lists each one."""

    code = "invalid_state_machine"

    def __init__(self, problems: list[str]) -> None:
        super().__init__(
            "invalid state machine: " + "; ".join(problems), details=[{"message": p} for p in problems]
        )
        self.problems = problems


def _choice_targets(rules: list[dict[str, Any]]) -> Iterator[str]:
    for rule in rules:
        if "Next" in rule:
            yield rule["Next"]


def successors(state: dict[str, Any]) -> list[str]:
    """Every state this one can move to (Next, Default, Choices, Catch)."""
    targets: list[str] = []
    if "Next" in state:
        targets.append(state["Next"])
    if state.get("Type") == "Choice":
        targets += list(_choice_targets(state.get("Choices", [])))
        if "Default" in state:
            targets.append(state["Default"])
    targets += [catcher.get("Next") for catcher in state.get("Catch", [])]
    return [t for t in targets if t is not None]


def _check_state(name: str, state: dict[str, Any], names: set[str]) -> list[str]:
    problems: list[str] = []
    kind = state.get("Type")
    if len(name) > MAX_NAME:
        problems.append(f"state name {name!r} is longer than {MAX_NAME} characters")
    if _FORBIDDEN_NAME.search(name):
        problems.append(f"state name {name!r} contains a forbidden character")
    if kind not in KNOWN_TYPES:
        problems.append(f"state {name!r} has unknown Type {kind!r}")
        return problems
    if kind in NEEDS_NEXT_OR_END and ("Next" in state) == bool(state.get("End")):
        problems.append(f"state {name!r} must have exactly one of Next or End")
    if kind == "Choice":
        if not state.get("Choices"):
            problems.append(f"Choice state {name!r} has no Choices")
        if "Default" not in state:
            problems.append(f"Choice state {name!r} has no Default (an unexpected answer would fail the run)")
        if "End" in state or "Next" in state:
            problems.append(f"Choice state {name!r} may not have Next or End")
        for index, rule in enumerate(state.get("Choices", [])):
            if "Next" not in rule:
                problems.append(f"Choice state {name!r} rule {index} has no Next")
    if kind in TERMINAL_TYPES and ("Next" in state or "End" in state):
        problems.append(f"{kind} state {name!r} may not have Next or End")
    for target in successors(state):
        if target not in names:
            problems.append(f"state {name!r} goes to {target!r}, which does not exist")
    if kind == "Task":
        resource = str(state.get("Resource", ""))
        if not resource.startswith("arn:aws:states:::"):
            problems.append(f"Task {name!r} uses {resource!r}; only direct service integrations are allowed")
        if resource.endswith(".waitForTaskToken") and "$$.Task.Token" not in json.dumps(
            state.get("Parameters", {})
        ):
            problems.append(f"callback Task {name!r} never sends $$.Task.Token")
        if "TimeoutSeconds" in state and "TimeoutSecondsPath" in state:
            problems.append(f"Task {name!r} has both TimeoutSeconds and TimeoutSecondsPath")
        for catcher in state.get("Catch", []):
            if not catcher.get("ErrorEquals"):
                problems.append(f"Task {name!r} has a Catch without ErrorEquals")
        problems += _check_retry(name, state)
    return problems


def _check_retry(name: str, state: dict[str, Any]) -> list[str]:
    """A service task retries transient errors, and never what must not be retried."""
    retriers = state.get("Retry") or []
    if not retriers:
        return [f"Task {name!r} has no Retry: one transient error would fail the execution"]
    problems = []
    for index, retrier in enumerate(retriers):
        errors = set(retrier.get("ErrorEquals") or [])
        if not errors:
            problems.append(f"Task {name!r} Retry {index} has no ErrorEquals")
        for error in sorted(errors & NEVER_RETRIED):
            problems.append(f"Task {name!r} retries {error}, which must never be retried")
        if int(retrier.get("MaxAttempts", 3)) < 1:
            problems.append(f"Task {name!r} Retry {index} never retries (MaxAttempts < 1)")
    return problems


def _reachable(start: str, states: dict[str, dict[str, Any]]) -> set[str]:
    seen: set[str] = set()
    todo = [start]
    while todo:
        name = todo.pop()
        if name in seen or name not in states:
            continue
        seen.add(name)
        todo += successors(states[name])
    return seen


def _can_end(states: dict[str, dict[str, Any]]) -> set[str]:
    """States from which some path reaches an end (End: true or a terminal type)."""
    ending = {n for n, s in states.items() if s.get("End") or s.get("Type") in TERMINAL_TYPES}
    changed = True
    while changed:
        changed = False
        for name, state in states.items():
            if name not in ending and any(t in ending for t in successors(state)):
                ending.add(name)
                changed = True
    return ending


def validate_asl(asl: dict[str, Any]) -> None:
    """Raise AslError listing every problem; return None when the definition is sound."""
    problems: list[str] = []
    if _LAMBDA.search(json.dumps(asl)):
        problems.append("the definition refers to AWS Lambda; use a callback task instead")
    states = asl.get("States")
    if not isinstance(states, dict) or not states:
        raise AslError([*problems, "the definition has no States"])
    names = set(states)
    start = asl.get("StartAt")
    if start not in names:
        problems.append(f"StartAt {start!r} is not a state")
    for name, state in states.items():
        problems += _check_state(name, state, names)
    if isinstance(start, str) and start in names:
        reachable = _reachable(start, states)
        problems += [f"state {n!r} can never be reached from {start!r}" for n in states if n not in reachable]
        ending = _can_end(states)
        problems += [
            f"no path from state {n!r} ever ends" for n in states if n in reachable and n not in ending
        ]
    if problems:
        raise AslError(problems)
