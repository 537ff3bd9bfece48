"""Reports: per-day aggregates folded from the table stream, and the report queries over them.

Writing (``apply_stream_record``): each stream record of a ticket item is compared image to image
(OLD → NEW) and turned into counter changes on the day the thing happened (``created_at``,
``resolved_at``, ``first_response_at``, ``breached_at``, the survey's ``at``; otherwise the change's
``updated_at``), attributed to the ticket's values at that moment in every dimension. The counters and
a marker of the stream record go in one transaction; the marker's condition (does not exist) makes a
redelivered record a no-op. Definitions of every number: docs/operations.md.

Reading (``summary``, ``trend``, ``sla``): one Query per dimension over ``SK BETWEEN from AND to``
(a few pages at most); the items read grow with days × distinct values, never with tickets.
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any, get_args

from complaintdesk import clock
from complaintdesk.errors import InvalidInput
from complaintdesk.lifecycle import ACTIVE_STATUSES
from complaintdesk.schemas import (
    EARLIEST,
    LATEST,
    DerivedMetric,
    ReportGroup,
    ReportInterval,
    ReportSlaQuery,
    ReportSummaryQuery,
    ReportTrendQuery,
    parse_query,
)

# COUNTERS is also this service's to give: the report CLI names the counters through it.
from complaintdesk.store.report_models import COUNTERS as COUNTERS
from complaintdesk.store.report_models import DIMENSIONS, OpenGauge, ReportDay, StreamMarker

if TYPE_CHECKING:
    from pynamodb.expressions.update import Action

# Pseudo-steps of the closing phase (callback kinds resolution/follow_up/survey): not SLA steps.
CLOSING_STEPS = frozenset({"resolution"})
# Stream records live 24 hours; a marker outlives every possible redelivery.
MARKER_TTL_SECONDS = 3 * 24 * 3600
MAX_RANGE_DAYS = 731
DEFAULT_RANGE_DAYS = 30
GROUPS: tuple[str, ...] = get_args(ReportGroup)
INTERVALS: tuple[str, ...] = get_args(ReportInterval)
DERIVED: tuple[str, ...] = get_args(DerivedMetric)
TICKET_DIMENSIONS = ("category", "channel", "region", "product", "unit", "team", "root_cause")

Dims = tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Change:
    """Counter increments on one day for a set of (dimension, value) pairs."""

    day: str
    counts: Mapping[str, int]
    dims: Dims


# --------------------------------------------------------------------------- images → changes


def is_ticket(keys: Mapping[str, Any]) -> bool:
    """Only ticket items count; report items, markers, timeline events and the rest are ignored."""
    return keys.get("SK") == "TICKET" and str(keys.get("PK", "")).startswith("TICKET#")


def _text(image: Mapping[str, Any], name: str) -> str:
    value = image.get(name)
    return "none" if value in (None, "") else str(value)


def _int(image: Mapping[str, Any], name: str) -> int:
    value = image.get(name)
    return int(value) if value not in (None, "") else 0


def _day(moment: str) -> str:
    return clock.iso(clock.parse_iso(moment))[:10]


def _seconds(start: str, end: str) -> int:
    return max(0, round((clock.parse_iso(end) - clock.parse_iso(start)).total_seconds()))


def ticket_dims(image: Mapping[str, Any]) -> Dims:
    dims: list[tuple[str, str]] = [("all", "all")]
    for dimension in TICKET_DIMENSIONS:
        dims.append((dimension, _text(image, "owner_team" if dimension == "team" else dimension)))
    return tuple(dims)


def step_dims(image: Mapping[str, Any]) -> Dims:
    category = _text(image, "category")
    return (
        ("all", "all"),
        ("category", category),
        ("team", _text(image, "owner_team")),
        ("step", f"{category}/{image['current_step']}"),
    )


def _json(value: Any) -> Any:
    """PynamoDB's JSONAttribute is stored as a JSON string; the state machine may write a map."""
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return None
    return value


def _score(image: Mapping[str, Any]) -> int | None:
    survey = _json(image.get("survey"))
    if isinstance(survey, Mapping) and survey.get("score") not in (None, ""):
        return int(survey["score"])
    return None


def first_contact(image: Mapping[str, Any]) -> bool:
    """Resolved at first contact: never reopened, escalated or breached, and no reply to the customer
    before the resolution (the resolution was the first answer).

    An explicit ``first_contact_resolution`` attribute on the ticket, when present, decides instead.
    """
    explicit = image.get("first_contact_resolution")
    if isinstance(explicit, bool):
        return explicit
    if _int(image, "reopen_count") > 0 or _int(image, "escalation_level") > 0 or image.get("breached"):
        return False
    replied = image.get("first_response_at")
    return not replied or replied >= image["resolved_at"]


def ticket_changes(
    old: Mapping[str, Any] | None, new: Mapping[str, Any] | None, at: datetime
) -> list[Change]:
    """What one change of a ticket item adds to the daily counters (REMOVE adds nothing)."""
    if not new:
        return []
    old = old or {}
    dims = ticket_dims(new)
    changed_at = new.get("updated_at") if new.get("updated_at") != old.get("updated_at") else None
    fallback = changed_at or clock.iso(at)
    changes: list[Change] = []

    def add(when: Any, **counts: int) -> None:
        changes.append(Change(_day(str(when or fallback)), counts, dims))

    if not old:
        add(new.get("created_at"), opened=1)
    resolved_at = new.get("resolved_at")
    if resolved_at and resolved_at != old.get("resolved_at"):
        counts = {"resolved": 1, "resolution_seconds": _seconds(new["created_at"], resolved_at)}
        if first_contact(new):
            counts["first_contact_resolutions"] = 1
        add(resolved_at, **counts)
    responded = new.get("first_response_at")
    if responded and not old.get("first_response_at"):
        add(responded, first_responses=1, first_response_seconds=_seconds(new["created_at"], responded))
    if new.get("breached") and not old.get("breached"):
        add(new.get("breached_at"), breached=1)
    if (levels := _int(new, "escalation_level") - _int(old, "escalation_level")) > 0:
        add(None, escalated=levels)
    if (reopens := _int(new, "reopen_count") - _int(old, "reopen_count")) > 0:
        add(None, reopened=reopens)
    score = _score(new)
    if score is not None and _score(old) is None:
        survey = _json(new.get("survey")) or {}
        add(survey.get("at"), csat_sum=score, csat_count=1)
    step = old.get("current_step")
    if step and step not in CLOSING_STEPS and new.get("current_step") != step:
        breached_here = bool(old.get("breached")) and old.get("breached_step") in (None, step)
        on_time = _int(old, "escalation_level") == 0 and not breached_here
        changes.append(
            Change(_day(fallback), {"steps_completed": 1, "steps_on_time": int(on_time)}, step_dims(old))
        )
    return changes


def open_changes(old: Mapping[str, Any] | None, new: Mapping[str, Any] | None) -> dict[str, int]:
    """How the number of open tickets per category moves with this change."""
    moves: Counter[str] = Counter()
    was = old is not None and old.get("status") in ACTIVE_STATUSES
    now = new is not None and new.get("status") in ACTIVE_STATUSES
    before = _text(old or {}, "category")
    after = _text(new or {}, "category")
    if was and (not now or before != after):
        moves[before] -= 1
    if now and (not was or before != after):
        moves[after] += 1
    return {category: n for category, n in moves.items() if n}


def fold(changes: Iterable[Change]) -> dict[tuple[str, str, str], dict[str, int]]:
    """(dimension, value, day) → summed counters; one update per aggregate item."""
    folded: dict[tuple[str, str, str], Counter[str]] = defaultdict(Counter)
    for change in changes:
        for dimension, value in change.dims:
            folded[(dimension, value, change.day)].update(change.counts)
    return {key: dict(counts) for key, counts in folded.items()}


# --------------------------------------------------------------------------- writing


@dataclass
class Applied:
    written: bool
    category: str = "none"
    changes: list[Change] = field(default_factory=list)
    open_moved: bool = False


def apply_stream_record(
    event_id: str,
    keys: Mapping[str, Any],
    old: Mapping[str, Any] | None,
    new: Mapping[str, Any] | None,
    at: datetime,
) -> Applied:
    """Fold one stream record into the aggregates, exactly once per ``event_id``."""
    from pynamodb.exceptions import TransactWriteError

    from complaintdesk.store import repository as repo

    if not is_ticket(keys):
        return Applied(False)
    changes = ticket_changes(old, new, at)
    gauges = open_changes(old, new)
    if not changes and not gauges:
        return Applied(False)
    marker = StreamMarker(
        *StreamMarker.key(event_id), expires_at=int(clock.now().timestamp()) + MARKER_TTL_SECONDS
    )
    try:
        with repo.transaction() as tx:
            tx.save(marker, condition=StreamMarker.PK.does_not_exist())
            for (dimension, value, day), counts in fold(changes).items():
                actions: list[Action] = [
                    ReportDay.dimension.set(dimension),
                    ReportDay.value.set(value),
                    ReportDay.day.set(day),
                ]
                actions += [getattr(ReportDay, name).add(n) for name, n in sorted(counts.items())]
                tx.update(ReportDay(*ReportDay.key(dimension, day, value)), actions=actions)
            for category, n in sorted(gauges.items()):
                tx.update(
                    OpenGauge(*OpenGauge.key(category)),
                    actions=[OpenGauge.category.set(category), OpenGauge.open.add(n)],
                )
    except TransactWriteError as exc:
        reasons = getattr(exc, "cancellation_reasons", None) or []
        if reasons and reasons[0] is not None and reasons[0].code == "ConditionalCheckFailed":
            return Applied(False)  # this record was folded before: a redelivery
        raise
    return Applied(True, _text(new or {}, "category"), changes, bool(gauges))


def fold_record(
    event_id: str,
    keys: Mapping[str, Any],
    old: Mapping[str, Any] | None,
    new: Mapping[str, Any] | None,
    at: datetime,
) -> Applied:
    """``apply_stream_record``, then its ops metrics (only when it was committed: never twice)."""
    from complaintdesk.observability import emit

    applied = apply_stream_record(event_id, keys, old, new, at)
    for change in applied.changes if applied.written else []:
        if change.counts.get("first_responses"):
            emit("TimeToFirstResponse", change.counts["first_response_seconds"], category=applied.category)
        if change.counts.get("resolved"):
            emit("TimeToResolution", change.counts["resolution_seconds"], category=applied.category)
    return applied


def publish_open_tickets() -> dict[str, int]:
    """Emit the ``OpenTickets`` gauge of every category (the dashboard's "open tickets by category")."""
    from complaintdesk.observability import emit

    counts = open_now()
    for category, n in sorted(counts.items()):
        emit("OpenTickets", n, category=category)
    return counts


def open_now() -> dict[str, int]:
    """Tickets open now, per category (one Query of a small partition)."""
    from complaintdesk.store import repository as repo

    repo.ready()
    return {g.category or g.SK: int(g.open) for g in OpenGauge.query(OpenGauge.PK_VALUE)}


# --------------------------------------------------------------------------- reading


def parse_range(start: str | None, end: str | None, *, today: date | None = None) -> tuple[date, date]:
    """``from``/``to`` as YYYY-MM-DD (inclusive); default: the last 30 days up to today."""

    def parse(name: str, text: str) -> date:
        try:
            day = date.fromisoformat(text)
        except ValueError:
            raise InvalidInput(f"{name} must be a date like 2026-03-31") from None
        if not EARLIEST <= day <= LATEST:
            raise InvalidInput(f"{name} must be between {EARLIEST} and {LATEST}")
        return day

    last = parse("to", end) if end else (today or datetime.now(UTC).date())
    first = parse("from", start) if start else last - timedelta(days=DEFAULT_RANGE_DAYS - 1)
    if first > last:
        raise InvalidInput("from must not be after to")
    if (last - first).days >= MAX_RANGE_DAYS:
        raise InvalidInput(f"a report covers at most {MAX_RANGE_DAYS} days")
    return first, last


def read_days(dimension: str, first: date, last: date) -> list[ReportDay]:
    """Every aggregate item of one dimension in [first, last]: one Query (paged by DynamoDB)."""
    from complaintdesk.store import repository as repo

    if dimension not in DIMENSIONS:
        raise InvalidInput(f"unknown dimension {dimension}")
    repo.ready()
    pk = f"REPORT#{dimension}"
    return list(
        ReportDay.query(pk, ReportDay.SK.between(f"{first.isoformat()}#", f"{last.isoformat()}#\uffff"))
    )


def _counts(item: ReportDay) -> Counter[str]:
    return Counter({name: int(getattr(item, name) or 0) for name in COUNTERS})


def _ratio(numerator: float, denominator: float, scale: float = 1.0, digits: int = 2) -> float | None:
    return round(numerator * scale / denominator, digits) if denominator else None


def derived(counts: Mapping[str, int]) -> dict[str, float | None]:
    return {
        "first_contact_resolution_pct": _ratio(counts["first_contact_resolutions"], counts["resolved"], 100),
        "avg_first_response_hours": _ratio(
            counts["first_response_seconds"], counts["first_responses"], 1 / 3600
        ),
        "avg_resolution_hours": _ratio(counts["resolution_seconds"], counts["resolved"], 1 / 3600),
        "csat_avg": _ratio(counts["csat_sum"], counts["csat_count"]),
        "sla_compliance_pct": _ratio(counts["steps_on_time"], counts["steps_completed"], 100),
    }


def _row(value: str, counts: Counter[str]) -> dict[str, Any]:
    full = {name: counts.get(name, 0) for name in COUNTERS}
    return {"value": value, **full, **derived(full)}


def _group(items: Iterable[ReportDay]) -> dict[str, Counter[str]]:
    grouped: dict[str, Counter[str]] = defaultdict(Counter)
    for item in items:
        grouped[item.SK.partition("#")[2]].update(_counts(item))
    return grouped


def summary(group_by: str, start: str | None = None, end: str | None = None) -> dict[str, Any]:
    """Totals per value of one dimension over a date range, with the derived rates."""
    parse_query(ReportSummaryQuery, {"group_by": group_by, "from": start, "to": end})
    first, last = parse_range(start, end)
    grouped = _group(read_days(group_by, first, last))
    total: Counter[str] = Counter()
    for counts in grouped.values():
        total.update(counts)
    rows = sorted((_row(v, c) for v, c in grouped.items()), key=lambda r: (-r["opened"], r["value"]))
    return {
        "report": "summary",
        "from": first.isoformat(),
        "to": last.isoformat(),
        "group_by": group_by,
        "rows": rows,
        "total": _row("total", total),
    }


def _bucket(day: date, interval: str) -> str:
    if interval == "week":
        return (day - timedelta(days=day.weekday())).isoformat()
    if interval == "month":
        return day.isoformat()[:7]
    return day.isoformat()


def _periods(first: date, last: date, interval: str) -> list[str]:
    seen: list[str] = []
    day = first
    while day <= last:
        bucket = _bucket(day, interval)
        if not seen or seen[-1] != bucket:
            seen.append(bucket)
        day += timedelta(days=1)
    return seen


def trend(
    metric: str,
    interval: str = "day",
    group_by: str | None = None,
    start: str | None = None,
    end: str | None = None,
) -> dict[str, Any]:
    """One metric per period (day, ISO week starting Monday, or month), overall or per value."""
    given = {"metric": metric, "interval": interval, "group_by": group_by, "from": start, "to": end}
    parse_query(ReportTrendQuery, given)
    dimension = group_by or "all"
    first, last = parse_range(start, end)
    periods = _periods(first, last, interval)
    cells: dict[str, dict[str, Counter[str]]] = defaultdict(lambda: defaultdict(Counter))
    for item in read_days(dimension, first, last):
        day_text, _, value = item.SK.partition("#")
        cells[value][_bucket(date.fromisoformat(day_text), interval)].update(_counts(item))

    def measure(counts: Counter[str]) -> float | int | None:
        full = {name: counts.get(name, 0) for name in COUNTERS}
        return full[metric] if metric in COUNTERS else derived(full)[metric]

    series = [
        {"key": value, "values": [measure(by_period.get(p, Counter())) for p in periods]}
        for value, by_period in sorted(cells.items())
    ]
    return {
        "report": "trend",
        "metric": metric,
        "interval": interval,
        "group_by": dimension,
        "from": first.isoformat(),
        "to": last.isoformat(),
        "periods": periods,
        "series": series,
    }


def sla(start: str | None = None, end: str | None = None) -> dict[str, Any]:
    """SLA compliance: steps finished within their SLA (no escalation, no breach) per category, step, team."""
    parse_query(ReportSlaQuery, {"from": start, "to": end})
    first, last = parse_range(start, end)
    report: dict[str, Any] = {"report": "sla", "from": first.isoformat(), "to": last.isoformat()}
    for dimension in ("category", "step", "team"):
        rows = []
        for value, counts in sorted(_group(read_days(dimension, first, last)).items()):
            if not counts["steps_completed"] and not counts["breached"]:
                continue
            rows.append(
                {
                    "value": value,
                    "steps_completed": counts["steps_completed"],
                    "steps_on_time": counts["steps_on_time"],
                    "sla_compliance_pct": _ratio(counts["steps_on_time"], counts["steps_completed"], 100),
                    "breached": counts["breached"],
                    "escalated": counts["escalated"],
                }
            )
        report[f"by_{dimension}"] = rows
    return report


# --------------------------------------------------------------------------- CSV and tables


def table(report: Mapping[str, Any]) -> tuple[list[str], list[list[Any]]]:
    """Any report as one flat table (header, rows): the CSV export and the CLI print this."""
    kind = report["report"]
    if kind == "summary":
        header = [report["group_by"], *COUNTERS, *DERIVED]
        rows = [[r["value"], *(r[name] for name in header[1:])] for r in [*report["rows"], report["total"]]]
        return header, rows
    if kind == "trend":
        header = ["period", report["group_by"], report["metric"]]
        rows = [
            [period, s["key"], s["values"][i]]
            for s in report["series"]
            for i, period in enumerate(report["periods"])
        ]
        return header, rows
    header = [
        "level",
        "value",
        "steps_completed",
        "steps_on_time",
        "sla_compliance_pct",
        "breached",
        "escalated",
    ]
    rows = [
        [level, *(r[name] for name in header[1:])]
        for level in ("category", "step", "team")
        for r in report[f"by_{level}"]
    ]
    return header, rows


def to_csv(report: Mapping[str, Any]) -> str:
    header, rows = table(report)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([["" if cell is None else cell for cell in row] for row in rows])
    return out.getvalue()
