"""Reading template.yaml: CloudFormation YAML, intrinsic functions, and the API's route events.

* ``load_template`` parses the short-form tags (``!Ref``, ``!GetAtt``, ``!Sub`` ...) into their
  long forms (``{"Ref": ...}``, ``{"Fn::GetAtt": [...]}``) as plain dicts and lists.
* ``Intrinsics`` evaluates intrinsic functions and conditions against parameter values and the
  names of resources already created (used by ``infra.local.resources``).
* ``api_events_for_routes`` turns Chalice's route table into the ``ApiFunction`` SAM events;
  ``python -m infra.local.template sync-api-events`` rewrites them in template.yaml.
"""

from __future__ import annotations

import pickle
import re
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import yaml

REPO_ROOT = Path(__file__).resolve().parents[2]
TEMPLATE_PATH = REPO_ROOT / "template.yaml"

# Routes anyone may call (signed link tokens instead of a login, the API's OpenAPI document): no
# Cognito authorizer. The routes declare the same (roles=None); tests/unit/test_openapi_contract.py checks.
PUBLIC_PATHS = frozenset({"/status/{token}", "/survey/{token}", "/decision/{token}", "/openapi.json"})
API_FUNCTION = "ApiFunction"
EVENTS_BEGIN = "# BEGIN api-events"
EVENTS_END = "# END api-events"

PSEUDO_PARAMETERS = frozenset(
    {
        "AWS::AccountId",
        "AWS::NotificationARNs",
        "AWS::NoValue",
        "AWS::Partition",
        "AWS::Region",
        "AWS::StackId",
        "AWS::StackName",
        "AWS::URLSuffix",
    }
)


# ---------------------------------------------------------------------------- YAML


# The base is picked at run time (libyaml's loader when PyYAML was built with it): mypy cannot see it.
class _CfnLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """A safe loader that also reads CloudFormation's short-form tags."""


def _construct_tag(loader: Any, tag_suffix: str, node: yaml.Node) -> dict[str, Any]:
    if isinstance(node, yaml.ScalarNode):
        value: Any = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)
    if tag_suffix == "Ref":
        return {"Ref": value}
    if tag_suffix == "Condition":
        return {"Condition": value}
    if tag_suffix == "GetAtt" and isinstance(value, str):
        resource, _, attribute = value.partition(".")
        return {"Fn::GetAtt": [resource, attribute]}
    return {f"Fn::{tag_suffix}": value}


_CfnLoader.add_multi_constructor("!", _construct_tag)


def loads_template(text: str) -> dict[str, Any]:
    document = yaml.load(text, Loader=_CfnLoader)  # a SafeLoader subclass: no arbitrary objects
    if not isinstance(document, dict) or "Resources" not in document:
        raise ValueError("not a CloudFormation template (no Resources)")
    return document


# Parsed templates by (file, mtime, size), pickled: the stack, the CLI and every test read template.yaml
# again and again (a parse is ~20-50 ms; unpickling a fresh copy, which the caller may change, ~1 ms).
_PARSED: dict[str, tuple[int, int, bytes]] = {}


def load_template(path: Path = TEMPLATE_PATH) -> dict[str, Any]:
    file = Path(path).resolve()
    stat = file.stat()
    cached = _PARSED.get(str(file))
    if cached is None or cached[:2] != (stat.st_mtime_ns, stat.st_size):
        parsed = pickle.dumps(loads_template(file.read_text(encoding="utf-8")))
        cached = _PARSED[str(file)] = (stat.st_mtime_ns, stat.st_size, parsed)
    document: dict[str, Any] = pickle.loads(cached[2])  # our own bytes, from the parse above
    return document


# ---------------------------------------------------------------------------- intrinsics


class IntrinsicError(ValueError):
    """An intrinsic function this evaluator cannot resolve (unknown name, missing value)."""


class _NoValue:
    def __repr__(self) -> str:
        return "AWS::NoValue"


NO_VALUE = _NoValue()
_SUB_VAR = re.compile(r"\$\{([^}]+)\}")


def _sub_names(text: str) -> Iterator[str]:
    for match in _SUB_VAR.finditer(text):
        name = match.group(1).strip()
        if not name.startswith("!"):
            yield name


def references(value: Any) -> set[str]:
    """Logical ids (resources or parameters) that ``value`` refers to, pseudo parameters excluded."""
    found: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, list):
            for item in node:
                walk(item)
            return
        if not isinstance(node, dict):
            return
        if len(node) == 1:
            ((key, arg),) = node.items()
            if key == "Ref" and isinstance(arg, str):
                found.add(arg)
                return
            if key == "Fn::GetAtt":
                target = arg[0] if isinstance(arg, list) else str(arg).partition(".")[0]
                found.add(target)
                return
            if key == "Fn::Sub":
                text, variables = (arg[0], arg[1]) if isinstance(arg, list) else (arg, {})
                for name in _sub_names(text):
                    base = name.partition(".")[0]
                    if base not in variables:
                        found.add(base)
                walk(variables)
                return
        for item in node.values():
            walk(item)

    walk(value)
    return found - PSEUDO_PARAMETERS


@dataclass
class Intrinsics:
    """Evaluates intrinsic functions against known parameters and resource values.

    ``refs`` maps a logical id to what ``Ref`` returns; ``attributes`` maps (logical id, name) to
    what ``Fn::GetAtt`` returns. Both grow as resources are created.
    """

    template: Mapping[str, Any]
    parameters: dict[str, Any]
    pseudo: dict[str, str]
    refs: dict[str, Any] = field(default_factory=dict)
    attributes: dict[tuple[str, str], Any] = field(default_factory=dict)
    _conditions: dict[str, bool] = field(default_factory=dict)

    def condition(self, name: str) -> bool:
        if name not in self._conditions:
            definitions = self.template.get("Conditions", {})
            if name not in definitions:
                raise IntrinsicError(f"unknown condition {name}")
            self._conditions[name] = bool(self.resolve(definitions[name]))
        return self._conditions[name]

    def check_rules(self) -> None:
        """Raises with the assertion's description when a template rule (``Rules``) fails for these
        parameters, as CloudFormation refuses the stack before creating anything."""
        for name, rule in self.template.get("Rules", {}).items():
            if "RuleCondition" in rule and not self._truth(rule["RuleCondition"]):
                continue
            for assertion in rule.get("Assertions", []):
                if not self._truth(assertion["Assert"]):
                    description = assertion.get("AssertDescription", "an assertion failed")
                    raise IntrinsicError(f"rule {name}: {' '.join(str(description).split())}")

    def is_active(self, logical_id: str) -> bool:
        """False when the resource (or output) has a Condition that evaluates false."""
        resource = self.template.get("Resources", {}).get(logical_id, {})
        name = resource.get("Condition")
        return name is None or self.condition(name)

    def ref(self, name: str) -> Any:
        if name in self.pseudo:
            return self.pseudo[name]
        if name == "AWS::NoValue":
            return NO_VALUE
        if name in self.parameters:
            return self.parameters[name]
        if name in self.refs:
            return self.refs[name]
        raise IntrinsicError(f"Ref {name}: no value (not created yet, or not a parameter)")

    def get_att(self, logical_id: str, attribute: str) -> Any:
        try:
            return self.attributes[(logical_id, attribute)]
        except KeyError:
            raise IntrinsicError(f"GetAtt {logical_id}.{attribute}: no value") from None

    def resolve(self, value: Any) -> Any:
        """``value`` with every intrinsic evaluated; AWS::NoValue entries are dropped."""
        if isinstance(value, list):
            return [item for item in (self.resolve(v) for v in value) if item is not NO_VALUE]
        if not isinstance(value, dict):
            return value
        if len(value) == 1:
            ((key, arg),) = value.items()
            function = self._functions.get(key)
            if function is not None:
                return function(arg)
        resolved = {k: self.resolve(v) for k, v in value.items()}
        return {k: v for k, v in resolved.items() if v is not NO_VALUE}

    @cached_property
    def _functions(self) -> dict[str, Callable[[Any], Any]]:
        return {
            "Ref": lambda arg: self.ref(self.resolve(arg)),
            "Fn::GetAtt": self._fn_get_att,
            "Fn::Sub": self._fn_sub,
            "Fn::Join": self._fn_join,
            "Fn::If": self._fn_if,
            "Fn::Select": self._fn_select,
            "Fn::Split": self._fn_split,
            "Fn::Equals": self._fn_equals,
            "Fn::Not": lambda arg: not self._truth(arg[0]),
            "Fn::And": lambda arg: all(self._truth(item) for item in arg),
            "Fn::Or": lambda arg: any(self._truth(item) for item in arg),
            "Fn::FindInMap": self._fn_find_in_map,
            "Fn::Base64": lambda arg: self.resolve(arg),
            "Condition": lambda arg: self.condition(arg),
        }

    def _truth(self, value: Any) -> bool:
        result = self.resolve(value)
        if isinstance(result, str):
            return result.lower() == "true"
        return bool(result)

    def _fn_get_att(self, arg: Any) -> Any:
        if isinstance(arg, str):
            logical_id, _, attribute = arg.partition(".")
        else:
            logical_id, attribute = arg[0], self.resolve(arg[1])
        return self.get_att(logical_id, attribute)

    def _fn_sub(self, arg: Any) -> str:
        text, variables = (arg[0], self.resolve(arg[1])) if isinstance(arg, list) else (arg, {})

        def replace(match: re.Match[str]) -> str:
            name = match.group(1).strip()
            if name.startswith("!"):
                return "${" + name[1:] + "}"
            if name in variables:
                return str(variables[name])
            if "." in name and name not in self.pseudo:
                logical_id, _, attribute = name.partition(".")
                return str(self.get_att(logical_id, attribute))
            return str(self.ref(name))

        return _SUB_VAR.sub(replace, text)

    def _fn_join(self, arg: Any) -> str:
        delimiter, items = arg
        return str(delimiter).join(str(item) for item in self.resolve(items))

    def _fn_if(self, arg: Any) -> Any:
        name, when_true, when_false = arg
        return self.resolve(when_true if self.condition(name) else when_false)

    def _fn_select(self, arg: Any) -> Any:
        index, items = self.resolve(arg[0]), self.resolve(arg[1])
        return items[int(index)]

    def _fn_split(self, arg: Any) -> list[str]:
        delimiter, text = arg
        return str(self.resolve(text)).split(delimiter)

    def _fn_equals(self, arg: Any) -> bool:
        left, right = (self.resolve(item) for item in arg)
        return str(left) == str(right)

    def _fn_find_in_map(self, arg: Any) -> Any:
        map_name, top, second = (self.resolve(item) for item in arg)
        try:
            return self.template["Mappings"][map_name][top][second]
        except KeyError:
            raise IntrinsicError(f"FindInMap {map_name}/{top}/{second}: not found") from None


def parameter_values(
    template: Mapping[str, Any], overrides: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """Each parameter's default, replaced by ``overrides``; raises when one is left without a value."""
    values: dict[str, Any] = {}
    for name, spec in template.get("Parameters", {}).items():
        if overrides and name in overrides:
            values[name] = overrides[name]
        elif "Default" in spec:
            values[name] = spec["Default"]
        else:
            raise IntrinsicError(f"parameter {name} has no default and no value was given")
    return values


# ---------------------------------------------------------------------------- API events


def event_name(method: str, path: str) -> str:
    """A SAM event name for a route: ``POST /tickets/{ticket_id}/steps`` -> ``PostTicketsTicketIdSteps``."""
    words = re.split(r"[/{}_.\-]+", path)
    return method.capitalize() + "".join(word[:1].upper() + word[1:] for word in words if word)


def api_events_for_routes(
    routes: Mapping[str, Mapping[str, Any]], rest_api_id: str = "Api"
) -> dict[str, Any]:
    """SAM ``Api`` events, one per route and method, from Chalice's ``app.routes`` table."""
    events: dict[str, Any] = {}
    for path, methods in routes.items():
        for method in methods:
            properties: dict[str, Any] = {
                "RestApiId": {"Ref": rest_api_id},
                "Path": path,
                "Method": method.upper(),
            }
            if path in PUBLIC_PATHS:
                properties["Auth"] = {"Authorizer": "NONE"}
            name = event_name(method, path)
            if name in events:
                raise ValueError(f"two routes map to the event name {name}")
            events[name] = {"Type": "Api", "Properties": properties}
    return events


def render_api_events(events: Mapping[str, Any], indent: int = 8) -> str:
    """The YAML lines of ``events`` as they sit under ``ApiFunction.Properties.Events``."""
    pad = " " * indent
    lines: list[str] = []
    for name, event in events.items():
        properties = event["Properties"]
        lines += [
            f"{pad}{name}:",
            f"{pad}  Type: Api",
            f"{pad}  Properties:",
            f"{pad}    RestApiId: !Ref {properties['RestApiId']['Ref']}",
            f"{pad}    Path: {properties['Path']}",
            f"{pad}    Method: {properties['Method']}",
        ]
        if "Auth" in properties:
            lines += [f"{pad}    Auth:", f"{pad}      Authorizer: {properties['Auth']['Authorizer']}"]
    return "\n".join(lines) + "\n"


def template_api_routes(
    template: Mapping[str, Any], function: str = API_FUNCTION
) -> dict[tuple[str, str], Any]:
    """(METHOD, path) -> event properties for every ``Api`` event of ``function``."""
    events = template["Resources"][function]["Properties"].get("Events", {})
    return {
        (event["Properties"]["Method"].upper(), event["Properties"]["Path"]): event["Properties"]
        for event in events.values()
        if event.get("Type") == "Api"
    }


def chalice_routes(routes: Mapping[str, Mapping[str, Any]]) -> set[tuple[str, str]]:
    return {(method.upper(), path) for path, methods in routes.items() for method in methods}


def sync_api_events(routes: Mapping[str, Mapping[str, Any]], template_path: Path = TEMPLATE_PATH) -> bool:
    """Rewrite the generated block of API events in template.yaml; True when the file changed."""
    text = Path(template_path).read_text(encoding="utf-8")
    lines = text.splitlines(keepends=True)
    try:
        begin = next(i for i, line in enumerate(lines) if line.strip().startswith(EVENTS_BEGIN))
        end = next(i for i, line in enumerate(lines) if line.strip().startswith(EVENTS_END))
    except StopIteration:
        raise ValueError(f"{template_path}: markers '{EVENTS_BEGIN}' / '{EVENTS_END}' not found") from None
    indent = len(lines[begin]) - len(lines[begin].lstrip())
    block = render_api_events(api_events_for_routes(routes), indent)
    updated = "".join(lines[: begin + 1]) + block + "".join(lines[end:])
    if updated == text:
        return False
    Path(template_path).write_text(updated, encoding="utf-8")
    return True


def main(argv: Iterable[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args != ["sync-api-events"]:
        sys.stderr.write("usage: python -m infra.local.template sync-api-events\n")
        return 2
    from functions.api.app import app  # the Chalice app: its route table is the source of truth

    changed = sync_api_events(app.routes)
    sys.stdout.write("template.yaml updated\n" if changed else "template.yaml already in sync\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
