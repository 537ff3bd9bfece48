"""Categories: publish a plan as a new immutable version, list them, preview their deadlines.

Each published version is compiled to ASL and becomes its own state machine
(``<prefix>-<category>-v<n>``): new tickets start on the newest, running tickets keep theirs.
This runs the same on moto and on AWS (no version or alias ARNs).
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from complaintdesk import aws, clock
from complaintdesk.categories import (
    CategoryDefinition,
    load_default_categories,
    parse_category,
    require_complete_names,
)
from complaintdesk.errors import Conflict, InvalidInput, NotFound
from complaintdesk.observability import logger
from complaintdesk.settings import get_settings
from complaintdesk.store import repository as repo
from complaintdesk.store.models import CategoryHead, CategoryVersion
from complaintdesk.workflow.schedule import preview

if TYPE_CHECKING:
    from complaintdesk.workflow.compiler import WorkflowResources


def resources() -> WorkflowResources:
    from complaintdesk.workflow.compiler import WorkflowResources  # only publishing compiles

    settings = get_settings()
    return WorkflowResources(
        callback_queue_url=settings.callback_queue_url,
        events_topic_arn=settings.events_topic_arn,
        table_name=settings.table_name,
    )


def state_machine_name(category_id: str, version: int) -> str:
    from complaintdesk.workflow.compiler import state_machine_name as name_for

    try:
        return name_for(category_id, version, prefix=get_settings().state_machine_prefix)
    except ValueError:
        raise InvalidInput(f"category id {category_id!r} is too long for a state machine name") from None


def _changes(old: dict[str, Any] | None, new: dict[str, Any]) -> list[str]:
    """What changed between two definitions, as readable paths ("steps[investigate].sla")."""
    return ["created"] if old is None else _diff(old, new, "")


def _diff(old: object, new: object, path: str) -> list[str]:
    """The changed paths between two values of a definition (a field that was null and is set now
    is a changed path, not "created")."""
    if isinstance(old, dict) and isinstance(new, dict):
        found: list[str] = []
        for key in sorted(set(old) | set(new)):
            found += (
                _diff(old.get(key), new.get(key), f"{path}.{key}" if path else key)
                if key in old and key in new
                else [f"{path}.{key}" if path else key]
            )
        return found
    if (
        isinstance(old, list)
        and isinstance(new, list)
        and all(isinstance(i, dict) and "id" in i for i in old + new)
    ):
        before, after = {i["id"]: i for i in old}, {i["id"]: i for i in new}
        found = [f"{path}[{k}] added" for k in after if k not in before]
        found += [f"{path}[{k}] removed" for k in before if k not in after]
        if [i["id"] for i in old if i["id"] in after] != [i["id"] for i in new if i["id"] in before]:
            found.append(f"{path} reordered")
        for key in after:
            if key in before:
                found += _diff(before[key], after[key], f"{path}[{key}]")
        return found
    return [] if old == new else [path]


def _head(category_id: str) -> CategoryHead | None:
    return repo.find(CategoryHead, CategoryHead.key(category_id))


# A published version never changes: it is written once, on the condition that none exists, and
# never updated. So a process keeps the versions it has read (with their parsed definitions, by
# table), and a ticket's plan, its notifications and its step callbacks read each version once per
# process instead of once per use. Only the category list (which version is current) is read each
# time. At most VERSIONS_KEPT are kept, the least recently used dropped first.
VERSIONS_KEPT = 256
_versions: OrderedDict[tuple[str, str, int], tuple[CategoryVersion, CategoryDefinition]] = OrderedDict()
_versions_lock = threading.Lock()


def forget_versions() -> None:
    """Drop the kept versions (tests: every test's stage has the same table names)."""
    with _versions_lock:
        _versions.clear()


def _version(category_id: str, version: int) -> tuple[CategoryVersion, CategoryDefinition]:
    repo.ready()
    key = (CategoryVersion.Meta.table_name, category_id, version)
    with _versions_lock:
        if key in _versions:
            _versions.move_to_end(key)
            return _versions[key]
    item = repo.get(
        CategoryVersion, CategoryVersion.key(category_id, version), f"category {category_id} v{version}"
    )
    # Parsed from a copy: the definition object shares nothing with the item's attribute.
    kept = (item, parse_category(json.loads(json.dumps(item.definition))))
    with _versions_lock:
        _versions[key] = kept
        while len(_versions) > VERSIONS_KEPT:
            _versions.popitem(last=False)
    return kept


def _current_version(category_id: str) -> int:
    head = _head(category_id)
    if head is None:
        raise NotFound(f"category {category_id!r} is not published")
    return int(head.current_version)


def published(category_id: str, version: int | None = None) -> tuple[CategoryVersion, CategoryDefinition]:
    """A published version (the current one, or a given one) and its definition; NotFound if none."""
    return _version(category_id, _current_version(category_id) if version is None else version)


def version_item(category_id: str, version: int | None = None) -> CategoryVersion:
    return published(category_id, version)[0]


def definition(category_id: str, version: int | None = None) -> CategoryDefinition:
    """The published definition (the current one, or a given version). Unpublished shipped
    defaults are found too, so a fresh installation can still render and preview them."""
    try:
        return published(category_id, version)[1]
    except NotFound:
        for default in load_default_categories():
            if default.id == category_id and version is None:
                return default
        raise


def category_definition(category_id: str | None, version: int | None = None) -> CategoryDefinition | None:
    """The ticket's category definition for what it tells people: that version (else the current
    one, else the shipped default), or None for no (or an unknown) category."""
    if not category_id:
        return None
    try:
        return definition(category_id, version)
    except NotFound:
        try:
            return definition(category_id)
        except NotFound:
            return None


def publish(category_id: str, data: Any, *, actor: str, shipped: bool = False) -> tuple[bool, dict[str, Any]]:
    """Validate, compile and publish ``data`` as the next version of ``category_id``.

    Returns (published, view): an unchanged definition publishes nothing. Invalid definitions
    raise InvalidInput (400) naming every problem, before anything is created.
    """
    if not isinstance(data, dict):
        raise InvalidInput("the category definition must be a JSON object")
    if data.get("id", category_id) != category_id:
        raise InvalidInput(
            f"the definition's id {data.get('id')!r} does not match the path ({category_id!r})"
        )
    defn = require_complete_names(parse_category({**data, "id": category_id}))
    normalized = json.loads(defn.model_dump_json(exclude_none=True))
    head = _head(category_id)
    previous = version_item(category_id, int(head.current_version)) if head else None
    if previous is not None and previous.definition == normalized:
        return False, category_view(category_id)
    version = int(head.current_version) + 1 if head else 1
    from complaintdesk.workflow.compiler import compile_category  # deferred: only publishing compiles
    from complaintdesk.workflow.validate import validate_asl

    asl = compile_category(defn, version, resources())
    validate_asl(asl)
    arn = _create_state_machine(state_machine_name(category_id, version), asl, category_id, version)
    at = clock.iso(clock.now())
    changes = _changes(previous.definition if previous else None, normalized)
    vpk, vsk = CategoryVersion.key(category_id, version)
    item = CategoryVersion(
        vpk,
        vsk,
        category_id=category_id,
        version=version,
        definition=normalized,
        state_machine_arn=arn,
        published_at=at,
        published_by=actor,
        changes=changes,
        shipped=shipped,
    )
    hpk, hsk = CategoryHead.key(category_id)
    new_head = CategoryHead(
        hpk,
        hsk,
        category_id=category_id,
        current_version=version,
        state_machine_arn=arn,
        names=normalized.get("names", {}),
        updated_at=at,
    )
    head_condition = (
        (CategoryHead.current_version == version - 1) if head else CategoryHead.PK.does_not_exist()
    )
    try:
        repo.save_all([(item, CategoryVersion.PK.does_not_exist()), (new_head, head_condition)])
    except Conflict:
        aws.client("stepfunctions").delete_state_machine(stateMachineArn=arn)
        raise Conflict(f"category {category_id!r} was published by someone else just now; retry") from None
    logger().info(
        "category published", extra={"category": category_id, "version": version, "changes": changes}
    )
    return True, category_view(category_id)


def _create_state_machine(name: str, asl: dict[str, Any], category_id: str, version: int) -> str:
    from complaintdesk.workflow.compiler import asl_json

    settings = get_settings()
    sfn = aws.client("stepfunctions")
    kwargs: dict[str, Any] = {
        "name": name,
        "definition": asl_json(asl),
        "roleArn": settings.workflow_role_arn,
        "type": "STANDARD",
        "tags": [
            {"key": "complaintdesk:category", "value": category_id},
            {"key": "complaintdesk:version", "value": str(version)},
        ],
    }
    if settings.workflow_log_group_arn:
        kwargs["loggingConfiguration"] = {
            "level": "ERROR",
            "includeExecutionData": False,
            "destinations": [{"cloudWatchLogsLogGroup": {"logGroupArn": settings.workflow_log_group_arn}}],
        }
    try:
        return str(sfn.create_state_machine(**kwargs)["stateMachineArn"])
    except sfn.exceptions.StateMachineAlreadyExists:
        # Left behind by a publish that failed before its version was recorded: no ticket ever
        # started on it, so it is brought up to this definition and used.
        account = settings.workflow_role_arn.split(":")[4]
        arn = f"arn:aws:states:{settings.region}:{account}:stateMachine:{name}"
        sfn.update_state_machine(
            stateMachineArn=arn, definition=kwargs["definition"], roleArn=kwargs["roleArn"]
        )
        return arn


def category_view(category_id: str) -> dict[str, Any]:
    head = _head(category_id)
    if head is None:
        raise NotFound(f"category {category_id!r} is not published")
    versions, _ = repo.query_index_base(
        CategoryVersion, f"CATEGORY#{category_id}", prefix="VERSION#", limit=100
    )
    current = next(v for v in versions if int(v.version) == int(head.current_version))
    return {
        "category_id": category_id,
        "current_version": int(head.current_version),
        "names": head.names,
        "definition": current.definition,
        "state_machine_arn": head.state_machine_arn,
        "versions": [
            {
                "version": int(v.version),
                "published_at": v.published_at,
                "published_by": v.published_by,
                "changes": v.changes,
                "state_machine_arn": v.state_machine_arn,
            }
            for v in versions
        ],
    }


def version_view(category_id: str, version: str | int) -> dict[str, Any]:
    """One published version as it was published: its definition, who published it, when, what changed.

    The console diffs two of these; ``version`` comes from the path (digits, else 400).
    """
    text = str(version)
    if not text.isdigit() or int(text) < 1:
        raise InvalidInput(
            f"version {text!r} is not a version number",
            details=[{"field": "version", "message": "a version number: 1, 2, ..."}],
        )
    item = version_item(category_id, int(text))
    return {
        "category_id": category_id,
        "version": int(item.version),
        "published_at": item.published_at,
        "published_by": item.published_by,
        "changes": item.changes,
        "definition": item.definition,
    }


def list_categories() -> dict[str, Any]:
    heads, _ = repo.query_index_base(CategoryHead, "CATEGORIES", prefix=None, limit=500, newest_first=False)
    return {
        "categories": [
            {
                "category_id": h.category_id,
                "names": h.names,
                "current_version": int(h.current_version),
                "updated_at": h.updated_at,
            }
            for h in heads
        ]
    }


def preview_category(category_id: str, body: Any) -> dict[str, Any]:
    """Deadlines of every step and escalation level for a start time, under the proposed (or current) plan."""
    from complaintdesk.schemas import CategoryPreview, parse

    request = parse(CategoryPreview, body)
    proposed = request.definition
    defn = (
        parse_category({**proposed, "id": category_id}) if proposed is not None else definition(category_id)
    )
    steps = preview(defn, request.start)
    last = max([s.breached_at for s in steps] + [request.start])
    return {
        "category_id": category_id,
        "start": request.start.isoformat(),
        "proposed": proposed is not None,
        "steps": [json.loads(s.model_dump_json()) for s in steps],
        "calendar": calendar_days(defn.calendar, request.start, last),
    }


def calendar_days(calendar_id: str, start: datetime, end: datetime) -> dict[str, Any]:
    """The category's calendar between two moments, for drawing them: its zone, the weekdays it
    works, and every holiday from the first day of ``start``'s month to the last of ``end``'s."""
    from complaintdesk.calendars import get_calendar

    calendar = get_calendar(calendar_id)
    first = start.astimezone(calendar.zone).date().replace(day=1)
    last = end.astimezone(calendar.zone).date()
    last = (last.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    holidays = []
    for year in range(first.year, last.year + 1):
        for holiday in calendar.holidays(year):
            if first <= holiday.date <= last:
                holidays.append(
                    {
                        "date": holiday.date.isoformat(),
                        "name": holiday.name,
                        "name_en": holiday.name_en or holiday.name,
                        "from_time": holiday.from_time,
                    }
                )
    return {
        "id": calendar.id,
        "name": calendar.name,
        "timezone": calendar.timezone,
        "working_days": [day for day, spans in calendar.hours.items() if spans],
        "from": first.isoformat(),
        "to": last.isoformat(),
        "holidays": sorted(holidays, key=lambda h: str(h["date"])),
    }


# Who published the shipped defaults before versions recorded ``shipped``: the sync's own actors.
_SYNC_ACTORS = frozenset({"sync", "sync-categories", "make run"})


def _edited_by_a_person(item: CategoryVersion) -> bool:
    if item.shipped is not None:
        return not item.shipped
    return item.published_by not in _SYNC_ACTORS


def sync_defaults(*, actor: str = "sync", restore: frozenset[str] = frozenset()) -> list[dict[str, Any]]:
    """Publish every shipped default category whose shipped definition changed (``make run``, after a deploy).

    A category the business has since edited through the API is kept as they left it: a deploy
    must not undo a plan change made "without IT". Its result says ``kept``, who edited it, and
    whether the shipped plan differs; ``restore`` names categories to put back to the shipped plan.
    """
    results = []
    for defn in load_default_categories():
        shipped_plan = json.loads(defn.model_dump_json(exclude_none=True))
        head = _head(defn.id)
        current = version_item(defn.id, int(head.current_version)) if head else None
        if current is not None and defn.id not in restore and _edited_by_a_person(current):
            results.append(
                {
                    "category_id": defn.id,
                    "published": False,
                    "kept": True,
                    "edited_by": current.published_by,
                    "shipped_differs": current.definition != shipped_plan,
                    "version": int(current.version),
                }
            )
            continue
        published, view = publish(defn.id, shipped_plan, actor=actor, shipped=True)
        results.append({"category_id": defn.id, "published": published, "version": view["current_version"]})
    return results
