"""A complaint category, as data: how its complaints are handled, decided in advance (ISO 10002).

``parse_category(data)`` is the edge: it turns a JSON-like dict into a ``CategoryDefinition`` or
raises ``CategoryError`` whose ``details`` name every problem with its location
(``steps[1].escalation[0].notify[0].value: unknown team 'billing-leads'``), so an admin sees
exactly what to fix and nothing is published.
"""

from __future__ import annotations

import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from complaintdesk.calendars.business import validate_hours
from complaintdesk.calendars.registry import UnknownCalendar, get_calendar
from complaintdesk.categories.durations import Duration, DurationError, parse_duration
from complaintdesk.errors import InvalidInput

SLUG = r"^[a-z][a-z0-9_]{0,23}$"
CATEGORY_ID = r"^[a-z][a-z0-9-]{1,47}$"
_EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# Characters Step Functions refuses (or that read badly) in state names.
_NAME_FORBIDDEN = re.compile(r"[\x00-\x1f\x7f<>{}\[\]?*\"#%\\^|~`$&,;:/]")

Priority = Literal["low", "normal", "high", "urgent"]
Clock = Literal["business", "calendar"]
FieldType = Literal["string", "text", "integer", "number", "boolean", "date", "email", "enum"]


class CategoryError(InvalidInput):
    """An invalid category definition; ``details`` lists every problem as {"field", "loc", "message"}.

    ``field`` is the API's name for the location (every 400 names its field); ``loc`` stays for readers.
    """

    code = "invalid_category"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True, defer_build=True)


def _check_label(value: str, what: str) -> str:
    if _NAME_FORBIDDEN.search(value):
        raise ValueError(f"{what} {value!r} contains a character not allowed in workflow state names")
    return value


# Every name a customer or staff message prints exists in each of these (checked at publish).
LANGUAGES = ("tr", "en", "lv")
ROOT_CAUSE_CODE = r"^[a-z][a-z0-9_]{1,47}$"


class Names(_Strict):
    """Display names; Turkish and English are required here, Latvian too when a version is published
    (``incomplete_names``); a stored older version without Latvian still loads."""

    tr: str = Field(min_length=1, max_length=120)
    en: str = Field(min_length=1, max_length=120)
    lv: str | None = Field(default=None, min_length=1, max_length=120)


class Instructions(_Strict):
    tr: str = Field(default="", max_length=4000)
    en: str = Field(min_length=1, max_length=4000)
    lv: str = Field(default="", max_length=4000)


class Team(_Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9-]{1,39}$")
    name: str = Field(min_length=1, max_length=30, description="short English name used in state names")
    names: Names | None = None
    hours: dict[str, list[str]] | None = None  # the team's own working hours; else the category calendar's
    email: str | None = None
    # Who hears about escalations aimed at this team's manager; else <team>-lead@<sender domain>.
    manager_email: str | None = None

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        return _check_label(value, "team name")

    @field_validator("hours")
    @classmethod
    def _hours(cls, value: dict[str, list[str]] | None) -> dict[str, list[str]] | None:
        return None if value is None else validate_hours(value)

    @field_validator("email", "manager_email")
    @classmethod
    def _email(cls, value: str | None) -> str | None:
        if value is not None and not _EMAIL_RE.match(value):
            raise ValueError(f"bad e-mail address {value!r}")
        return value


class NotifyTarget(_Strict):
    """Who hears about an escalation: a role, a team, a team's manager, or a plain address."""

    kind: Literal["role", "team", "manager", "email"]
    value: str = Field(min_length=1, max_length=120)

    @model_validator(mode="after")
    def _email(self) -> NotifyTarget:
        if self.kind == "email" and not _EMAIL_RE.match(self.value):
            raise ValueError(f"bad e-mail address {self.value!r}")
        return self


class EscalationLevel(_Strict):
    label: str = Field(min_length=1, max_length=30, description="who, as the state name shows it")
    names: Names | None = Field(default=None, description="the label as messages print it, per language")
    notify: list[NotifyTarget] = Field(min_length=1)
    extra: str = Field(description="extra time granted at this level, e.g. '4h'")

    @field_validator("label")
    @classmethod
    def _label(cls, value: str) -> str:
        return _check_label(value, "escalation label")

    @field_validator("extra")
    @classmethod
    def _extra(cls, value: str) -> str:
        return str(parse_duration(value))

    @property
    def extra_duration(self) -> Duration:
        return parse_duration(self.extra)


class Step(_Strict):
    id: str = Field(pattern=SLUG)
    title: str = Field(min_length=1, max_length=40)
    names: Names | None = Field(default=None, description="the title as messages print it, per language")
    owner_team: str
    instructions: Instructions
    sla: str = Field(description="e.g. '4h', '2d', '1d4h'")
    clock: Clock = "business"
    notify_customer_on_start: bool = False
    notify_customer_on_end: bool = False
    escalation: list[EscalationLevel] = Field(default_factory=list, max_length=9)

    @field_validator("title")
    @classmethod
    def _title(cls, value: str) -> str:
        return _check_label(value, "step title")

    @field_validator("sla")
    @classmethod
    def _sla(cls, value: str) -> str:
        return str(parse_duration(value))

    @property
    def sla_duration(self) -> Duration:
        return parse_duration(self.sla)


class RootCause(_Strict):
    """One cause a resolution can name (ISO 10002 improvement: causes are counted, so they are coded)."""

    code: str = Field(pattern=ROOT_CAUSE_CODE)
    names: Names


class CustomField(_Strict):
    name: str = Field(pattern=SLUG)
    type: FieldType
    required: bool = False
    allowed: list[str] | None = Field(default=None, min_length=1)
    max_length: int | None = Field(default=None, ge=1, le=20000)
    labels: Names | None = None

    @model_validator(mode="after")
    def _allowed(self) -> CustomField:
        if self.type == "enum" and not self.allowed:
            raise ValueError(f"field {self.name!r} is an enum: list its allowed values")
        if self.allowed is not None and self.type not in ("enum", "string"):
            raise ValueError(f"field {self.name!r}: allowed values only apply to enum or string fields")
        if self.allowed is not None and len(set(self.allowed)) != len(self.allowed):
            raise ValueError(f"field {self.name!r}: allowed values repeat")
        if self.max_length is not None and self.type not in ("string", "text"):
            raise ValueError(f"field {self.name!r}: max_length only applies to string or text fields")
        return self


class Closing(_Strict):
    resolution_required: bool = True
    survey_after_days: int | None = Field(default=3, ge=1, le=60)
    auto_close_after_days: int = Field(default=14, ge=1, le=180)

    @model_validator(mode="after")
    def _order(self) -> Closing:
        if self.survey_after_days is not None and self.auto_close_after_days <= self.survey_after_days:
            raise ValueError(
                f"auto_close_after_days ({self.auto_close_after_days}) must be later than "
                f"survey_after_days ({self.survey_after_days}): the survey goes out before the ticket closes"
            )
        return self


class CustomerWait(_Strict):
    """What happens while a step waits for the customer (ISO 10002: keep the complainant informed).

    Like a pending ticket elsewhere: after ``remind_after`` (working time on the category's
    calendar: ``3d`` = three working days) the customer gets a ``customer.reminder``, up to
    ``reminders`` times; when the wait after the last reminder also runs out, the ticket is closed
    (``then: close``) or the step escalates (``then: escalate``: the next escalation level, or the
    breach path from the top level).
    """

    remind_after: str = Field(default="3d", description="working time before each reminder, e.g. '3d'")
    reminders: int = Field(default=1, ge=0, le=3)
    then: Literal["close", "escalate"] = "close"

    @field_validator("remind_after")
    @classmethod
    def _remind_after(cls, value: str) -> str:
        duration = parse_duration(value)
        if duration.days == 0 and duration.minutes < 60:
            raise ValueError(f"remind_after {value!r} is shorter than one hour")
        if duration.days > 30:
            raise ValueError(f"remind_after {value!r} is longer than 30 days")
        return str(duration)

    @property
    def remind_after_duration(self) -> Duration:
        return parse_duration(self.remind_after)

    @property
    def waits(self) -> int:
        """How many customer waits one pause has: one before each reminder, plus the last."""
        return self.reminders + 1


class Recourse(_Strict):
    """Where a customer can take the complaint when they do not accept our answer (ISO 10002 asks
    to tell them): an internal appeal, or an external body (ombudsman, regulator, court)."""

    kind: Literal["internal", "external"] = "external"
    names: Names
    url: str | None = Field(default=None, pattern=r"^https?://\S+$", max_length=500)
    contact: str | None = Field(default=None, min_length=1, max_length=300)

    @model_validator(mode="after")
    def _reachable(self) -> Recourse:
        if not self.url and not self.contact:
            raise ValueError(f"recourse {self.names.en!r}: give a url or a contact")
        return self


class Review(_Strict):
    """Who reviews a resolution the customer rejected (default: the owner team of the plan's last
    step), and the recourse the customer is told about (default: the deployment's, settings)."""

    team: str | None = None
    recourse: list[Recourse] = Field(default_factory=list, max_length=10)


class CategoryDefinition(_Strict):
    id: str = Field(pattern=CATEGORY_ID)
    names: Names
    description: Names | None = None
    default_priority: Priority = "normal"
    calendar: str = "tr-istanbul"
    # The first reply promised to the customer, in business time of the first step's team calendar;
    # without it the acknowledgement promises the first step's due time (services/promises.py).
    first_response: str | None = Field(default=None, description="e.g. '4h', '1d' (business time)")
    teams: list[Team] = Field(min_length=1)
    steps: list[Step] = Field(min_length=1, max_length=12)
    fields: list[CustomField] = Field(default_factory=list, max_length=40)
    # The causes a resolution of this category may name (``POST /tickets/{id}/resolve`` root_cause).
    root_causes: list[RootCause] = Field(default_factory=list, max_length=60)
    closing: Closing = Field(default_factory=Closing)
    customer_wait: CustomerWait = Field(default_factory=CustomerWait)
    review: Review = Field(default_factory=Review)

    @field_validator("first_response")
    @classmethod
    def _first_response(cls, value: str | None) -> str | None:
        if value is None:
            return None
        duration = parse_duration(value)
        if duration.is_zero:
            raise ValueError("must be longer than zero (leave it out to promise the first step's due time)")
        return str(duration)

    @property
    def first_response_duration(self) -> Duration | None:
        return parse_duration(self.first_response) if self.first_response else None

    @field_validator("calendar")
    @classmethod
    def _calendar(cls, value: str) -> str:
        try:
            get_calendar(value)
        except UnknownCalendar as exc:
            raise ValueError(exc.message) from None
        return value

    @model_validator(mode="after")
    def _references(self) -> CategoryDefinition:
        problems: list[str] = []
        problems += _duplicates("team id", [t.id for t in self.teams], "teams")
        problems += _duplicates("step id", [s.id for s in self.steps], "steps")
        problems += _duplicates("step title", [s.title for s in self.steps], "steps")
        problems += _duplicates("field name", [f.name for f in self.fields], "fields")
        problems += _duplicates("root cause code", [c.code for c in self.root_causes], "root_causes")
        team_ids = {team.id for team in self.teams}
        for index, step in enumerate(self.steps):
            if step.owner_team not in team_ids:
                problems.append(
                    f"steps[{index}].owner_team: unknown team {step.owner_team!r} "
                    f"(teams of this category: {', '.join(sorted(team_ids))})"
                )
            for level, escalation in enumerate(step.escalation):
                for target_index, target in enumerate(escalation.notify):
                    if target.kind in ("team", "manager") and target.value not in team_ids:
                        problems.append(
                            f"steps[{index}].escalation[{level}].notify[{target_index}].value: "
                            f"unknown team {target.value!r}"
                        )
        if self.review.team is not None and self.review.team not in team_ids:
            problems.append(f"review.team: unknown team {self.review.team!r}")
        if problems:
            raise ValueError("; ".join(problems))
        return self

    # ---- lookups -------------------------------------------------------------------------

    def step(self, step_id: str) -> Step:
        for step in self.steps:
            if step.id == step_id:
                return step
        raise KeyError(f"category {self.id!r} has no step {step_id!r}")

    def team(self, team_id: str) -> Team:
        for team in self.teams:
            if team.id == team_id:
                return team
        raise KeyError(f"category {self.id!r} has no team {team_id!r}")

    def review_team(self, last_step: str | None = None) -> str:
        """Who reviews a rejected resolution: ``review.team``, else the owner team of ``last_step``
        (the step the ticket was resolved after), else of the plan's last step."""
        if self.review.team:
            return self.review.team
        for step in self.steps:
            if step.id == last_step:
                return step.owner_team
        return self.steps[-1].owner_team

    def root_cause(self, code: str) -> RootCause:
        for cause in self.root_causes:
            if cause.code == code:
                return cause
        raise KeyError(f"category {self.id!r} has no root cause {code!r}")

    def check_root_cause(self, code: str) -> str:
        """``code`` when this category lists it (or lists no causes at all); else a 400 on root_cause."""
        if not self.root_causes or any(cause.code == code for cause in self.root_causes):
            return code
        codes = ", ".join(cause.code for cause in self.root_causes)
        raise InvalidInput(
            f"root_cause {code!r} is not a root cause of category {self.id!r}; use one of: {codes}",
            details=[{"field": "root_cause", "message": f"unknown root cause {code!r}; one of: {codes}"}],
        )

    # ---- names as messages print them, in one language (English, then the state name, as fallback) ----

    def step_name(self, step_id: str, language: str) -> str:
        step = self.step(step_id)
        return _in(step.names, language) or step.title

    def team_name(self, team_id: str, language: str) -> str:
        team = self.team(team_id)
        return _in(team.names, language) or team.name

    def escalation_name(self, step_id: str, level: int, language: str) -> str:
        """Level ``level`` (1 = the first escalation) of a step, e.g. "Faturalama ekip lideri"."""
        escalation = self.step(step_id).escalation[level - 1]
        return _in(escalation.names, language) or escalation.label

    def root_cause_name(self, code: str, language: str) -> str:
        return _in(self.root_cause(code).names, language) or code

    def next_step(self, step_id: str) -> Step | None:
        ids = [step.id for step in self.steps]
        position = ids.index(self.step(step_id).id)
        return self.steps[position + 1] if position + 1 < len(self.steps) else None


def _in(names: Names | None, language: str) -> str:
    if names is None:
        return ""
    return str(getattr(names, language, None) or names.en)


def incomplete_names(defn: CategoryDefinition) -> list[str]:
    """Where a name a message may print is missing in one of ``LANGUAGES``: "steps[0].names.lv"."""
    found: list[tuple[str, Names | None]] = [("names", defn.names)]
    if defn.description is not None:
        found.append(("description", defn.description))
    found += [(f"teams[{i}].names", team.names) for i, team in enumerate(defn.teams)]
    for i, step in enumerate(defn.steps):
        found.append((f"steps[{i}].names", step.names))
        found += [(f"steps[{i}].escalation[{j}].names", e.names) for j, e in enumerate(step.escalation)]
    found += [(f"root_causes[{i}].names", cause.names) for i, cause in enumerate(defn.root_causes)]
    found += [(f"fields[{i}].labels", f.labels) for i, f in enumerate(defn.fields) if f.labels is not None]
    review = getattr(defn, "review", None)
    for i, recourse in enumerate(getattr(review, "recourse", None) or []):
        found.append((f"review.recourse[{i}].names", recourse.names))
    missing = []
    for path, names in found:
        if names is None:
            missing.append(path)
            continue
        missing += [f"{path}.{code}" for code in LANGUAGES if not getattr(names, code, None)]
    return missing


def require_complete_names(defn: CategoryDefinition) -> CategoryDefinition:
    """``defn`` when every printed name exists in tr, en and lv; else a CategoryError naming each gap."""
    missing = incomplete_names(defn)
    if not missing:
        return defn
    needed = ", ".join(LANGUAGES)
    details = [
        {"field": path, "loc": path, "message": f"{path}: missing (names are required in {needed})"}
        for path in missing
    ]
    more = f" (and {len(missing) - 5} more)" if len(missing) > 5 else ""
    raise CategoryError(
        f"invalid category definition: names missing at {', '.join(missing[:5])}{more}; "
        f"every name a message prints must be given in {needed}",
        details=details,
    )


def _duplicates(what: str, values: list[str], where: str) -> list[str]:
    seen: set[str] = set()
    problems = []
    for index, value in enumerate(values):
        if value in seen:
            problems.append(f"{where}[{index}]: duplicate {what} {value!r}")
        seen.add(value)
    return problems


def _loc(parts: tuple[int | str, ...]) -> str:
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _details(error: ValidationError) -> list[dict[str, str]]:
    details = []
    for item in error.errors(include_url=False):
        message = str(item["msg"]).removeprefix("Value error, ")
        if item["type"] == "extra_forbidden":
            message = "unknown property"
        loc = _loc(tuple(p for p in item["loc"] if not str(p).startswith("function-")))
        if item["type"] == "value_error" and "; " in message and not loc:
            for part in message.split("; "):
                where = part.split(":", 1)[0]
                details.append({"field": where, "loc": where, "message": part})
            continue
        details.append(
            {"field": loc or "body", "loc": loc, "message": f"{loc}: {message}" if loc else message}
        )
    return details


def parse_category(data: Any) -> CategoryDefinition:
    """Validate a definition (a dict from JSON). Raises CategoryError listing every problem."""
    try:
        return CategoryDefinition.model_validate(data)
    except ValidationError as exc:
        details = _details(exc)
        summary = "; ".join(d["message"] for d in details[:5])
        more = f" (and {len(details) - 5} more)" if len(details) > 5 else ""
        raise CategoryError(f"invalid category definition: {summary}{more}", details=details) from None
    except DurationError as exc:  # pragma: no cover - durations are checked inside validators
        raise CategoryError(f"invalid category definition: {exc}") from None
