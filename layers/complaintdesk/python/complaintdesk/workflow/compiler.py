"""category → ASL: one Standard state machine per published category version, no Lambda inside.

Per step (title T, owner team N, escalation levels 1..n) the compiler emits:

    "T — N"                    callback (kind "step", level 0), TimeoutSecondsPath seconds[0]
      └ States.Timeout ─► "Escalate L1 — <who>" (sns step.escalated) ─► "T — N (after L1)" …
    "T — N (after Lk)"         callback (kind "escalation_wait", level k), TimeoutSecondsPath seconds[k]
      └ timeout at the top ─► "Mark breached — T" (dynamodb) ─► "Notify breach — T" (sns step.breached)
                              ─► "T — N (breached)" callback with no timeout (see ``unbounded_waits``)
    "Outcome — T[ (…)]"        Choice on $.reply.outcome: done → next step (or "Resolve");
                               waiting_for_customer → the customer wait (via "Customer clock — T[ (…)]"
                               when the answer lacks the customer clock); resume → the same-level
                               wait; resolved → closing; close → "Close"; else → re-wait
    "Wait for customer — T[ (…)]"  callback (kind "customer_wait"), TimeoutSecondsPath
                               seconds[n+1] (``schedule.customer_wait_clock`` lays the clock out)
      └ timeout ─► "Remind customer 1 — T[ (…)]" (sns customer.reminder)
                   ─► "Wait for customer (reminder 1) — T[ (…)]" seconds[n+2] … after the last:
                   "Close" (customer_wait.then = close) or, for escalate, the next "Escalate Lk+1",
                   "Mark breached — T" from the top level, "Notify breach — T" when already breached

Closing: "Resolve" (callback, no timeout) → "Wait for follow-up" (callback, timeout = survey time)
→ "Follow-up survey" (sns ticket.survey) → "Wait for reopen or auto-close" (callback, timeout =
auto-close) → "Close" (dynamodb status closed) → "Notify closed" (sns ticket.closed). A "reopen"
answer goes back to "Resolve", or to the step it names.

Retries (``TRANSIENT_ERRORS``, ``RETRY_POLICY``): every task — callback (its SQS send), SNS publish,
DynamoDB update — retries the transient errors of its service with exponential backoff (1 s × 2ⁿ,
at most 30 s) and full jitter, six times; never States.Timeout, States.ALL, States.TaskFailed or
DynamoDB.ConditionalCheckFailedException (``validate.NEVER_RETRIED``). A retried callback sends a
new message with a new token and the same ``entered_at``; ``attempt`` ($$.State.RetryCount) tells
the copies apart.

Checked against moto 5.2.5's executor (``moto/stepfunctions/parser``): it honours Retry —
ErrorEquals (States.TaskFailed there never matches States.Timeout), IntervalSeconds, BackoffRate,
MaxAttempts, MaxDelaySeconds and JitterStrategy FULL, sleeping for real between attempts — and
names integration errors the AWS way: "SNS.<code>Exception" from the error code, "DynamoDB.<code>",
"SQS.SdkClientException" for any SQS client error. A TimeoutSecondsPath that resolves to nothing
fails the execution with States.Runtime (as on AWS), hence the IsPresent guard before the customer
wait. ``tests/integration/workflow`` runs a publish that fails once and still finishes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from complaintdesk.categories.model import CategoryDefinition, Step
from complaintdesk.events import EventType
from complaintdesk.workflow import contract as c
from complaintdesk.workflow.schedule import customer_wait_index

CALLBACK = "arn:aws:states:::sqs:sendMessage.waitForTaskToken"
SNS_PUBLISH = "arn:aws:states:::sns:publish"
DDB_UPDATE = "arn:aws:states:::dynamodb:updateItem"
MAX_NAME = 80
RESOLUTION_STEP = "resolution"
RESOLVE = "Resolve"
OUTCOME_RESOLVE = "Outcome — Resolve"
FOLLOW_UP_WAIT = "Wait for follow-up"
OUTCOME_FOLLOW_UP = "Outcome — follow-up"
SURVEY = "Follow-up survey"
SURVEY_WAIT = "Wait for reopen or auto-close"
OUTCOME_SURVEY = "Outcome — reopen window"
CLOSE = "Close"
NOTIFY_CLOSED = "Notify closed"

# ---- retries --------------------------------------------------------------------------------------
# Step Functions names an optimized integration's errors "<Service>.<exception>": the service's own
# exception (DynamoDB.ResourceNotFoundException, SNS.InvalidParameterException), the SDK's generic
# service exception for anything unmodelled (DynamoDB.AmazonDynamoDBException, SQS.AmazonSQSException)
# and <Service>.SdkClientException when the request never got an answer. Only the transient ones
# are retried; the generic service exception is on the list because throttling and 5xx errors
# without a model of their own arrive as it (a permanent error under that name costs the bounded
# retries below, then fails the state as before). moto names errors from the error *code*
# ("DynamoDB.RequestLimitExceeded"), AWS from the SDK's class ("...RequestLimitExceededException"):
# both spellings are listed. Never retried: States.Timeout (on a callback that is the SLA running
# out, caught and routed), States.ALL / States.TaskFailed (they would also match a SendTaskFailure
# answer), DynamoDB.ConditionalCheckFailedException (the ticket item is gone: retrying cannot help).
TRANSIENT_ERRORS: dict[str, tuple[str, ...]] = {
    "sqs": (
        "SQS.SdkClientException",
        "SQS.AmazonSQSException",
        "SQS.RequestThrottledException",
        "SQS.KmsThrottledException",
    ),
    "sns": (
        "SNS.SdkClientException",
        "SNS.AmazonSNSException",
        "SNS.ThrottledException",
        "SNS.InternalErrorException",
        "SNS.KMSThrottlingException",
    ),
    "dynamodb": (
        "DynamoDB.SdkClientException",
        "DynamoDB.AmazonDynamoDBException",
        "DynamoDB.ProvisionedThroughputExceededException",
        "DynamoDB.ThrottlingException",
        "DynamoDB.RequestLimitExceeded",
        "DynamoDB.RequestLimitExceededException",
        "DynamoDB.InternalServerError",
        "DynamoDB.InternalServerErrorException",
        "DynamoDB.TransactionConflictException",
    ),
}
# 1, 2, 4, 8, 16, 30 s before "full jitter" (a random wait up to that), so executions throttled
# together do not retry together; at most about a minute in all, then the error stands.
RETRY_POLICY: dict[str, Any] = {
    "IntervalSeconds": 1,
    "BackoffRate": 2.0,
    "MaxAttempts": 6,
    "MaxDelaySeconds": 30,
    "JitterStrategy": "FULL",
}
# The breached wait and "Resolve" have no timeout on purpose (see ``unbounded_waits``).


def retry(service: str) -> list[dict[str, Any]]:
    """The Retry of a task on ``service`` ("sqs", "sns" or "dynamodb")."""
    return [{"ErrorEquals": list(TRANSIENT_ERRORS[service]), **RETRY_POLICY}]


@dataclass(frozen=True)
class WorkflowResources:
    callback_queue_url: str
    events_topic_arn: str
    table_name: str
    # The ticket item's optimistic-locking attribute; the state machine's own updates bump it so a
    # concurrent API save fails its version check instead of overwriting the flag.
    lock_attribute: str | None = "version"


def state_machine_name(category_id: str, version: int, prefix: str = "complaintdesk") -> str:
    """One immutable state machine per published version: ``<prefix>-<category>-v<version>``.

    The deployed stack's prefix carries its stage (``STATE_MACHINE_PREFIX``), so two stages in one
    account never share a name.
    """
    name = f"{prefix}-{category_id}-v{version}"
    if len(name) > MAX_NAME:
        raise ValueError(f"state machine name {name!r} is longer than {MAX_NAME} characters")
    return name


# ---- state names ------------------------------------------------------------------------------


def _fit(preferred: str, fallback: str) -> str:
    return preferred if len(preferred) <= MAX_NAME else fallback


def _suffix(level: int, breached: bool) -> str:
    if breached:
        return " (breached)"
    return f" (after L{level})" if level else ""


def wait_state(defn: CategoryDefinition, step: Step, level: int = 0, breached: bool = False) -> str:
    """The name of the state a ticket sits in while the team works on ``step`` at ``level``."""
    team = defn.team(step.owner_team).name
    suffix = _suffix(level, breached)
    return _fit(f"{step.title} — {team}{suffix}", f"{step.title}{suffix}")


def outcome_state(step: Step, level: int = 0, breached: bool = False) -> str:
    return f"Outcome — {step.title}{_suffix(level, breached)}"


def customer_wait_state(step: Step, level: int = 0, breached: bool = False, reminder: int = 0) -> str:
    """The customer wait of a phase; ``reminder`` r > 0 is the wait after the r-th reminder."""
    head = f"Wait for customer (reminder {reminder})" if reminder else "Wait for customer"
    suffix = _suffix(level, breached)
    return _fit(f"{head} — {step.title}{suffix}", f"{head} — {step.id}{suffix}")


def reminder_state(step: Step, level: int, breached: bool, reminder: int) -> str:
    suffix = _suffix(level, breached)
    return _fit(
        f"Remind customer {reminder} — {step.title}{suffix}",
        f"Remind customer {reminder} — {step.id}{suffix}",
    )


def customer_clock_state(step: Step, level: int = 0, breached: bool = False) -> str:
    suffix = _suffix(level, breached)
    return _fit(f"Customer clock — {step.title}{suffix}", f"Customer clock — {step.id}{suffix}")


def unbounded_waits(defn: CategoryDefinition) -> dict[str, str]:
    """The callback states compiled without a timeout, each with the reason.

    Every other wait has one. These wait for a person after the plan has done all it can: a
    timeout would have nowhere better to go (re-entering the breached wait records the breach
    again; closing an unresolved complaint is wrong). The Standard workflow's one-year limit bounds
    them; an execution that reaches it is recorded on the ticket by the watch_executions function
    (``workflow.failed``) and raises the ExecutionsFailed alarm.
    """
    reasons = {
        wait_state(defn, step, len(step.escalation), breached=True): (
            "breached: the top level ran out, the ticket is flagged and managers were told; "
            "the team must still complete the step"
        )
        for step in defn.steps
    }
    reasons[RESOLVE] = "every step is done; the resolution is written by a person (resolvable from any step)"
    return reasons


def _escalate_names(defn: CategoryDefinition) -> dict[tuple[str, int], str]:
    """The "Escalate Lk — <who>" names, qualified with the step only where two steps share a name."""
    plain: dict[tuple[str, int], str] = {}
    for step in defn.steps:
        for level, escalation in enumerate(step.escalation, start=1):
            plain[(step.id, level)] = f"Escalate L{level} — {escalation.label}"
    counts: dict[str, int] = {}
    for name in plain.values():
        counts[name] = counts.get(name, 0) + 1
    names = {}
    for (step_id, level), name in plain.items():
        if counts[name] > 1:
            title = defn.step(step_id).title
            name = _fit(f"{name} ({title})", f"{name} ({step_id})")
        names[(step_id, level)] = name
    return names


# ---- building blocks --------------------------------------------------------------------------


class _Builder:
    def __init__(self, defn: CategoryDefinition, version: int, resources: WorkflowResources) -> None:
        self.defn = defn
        self.version = version
        self.res = resources
        self.states: dict[str, dict[str, Any]] = {}
        self.escalate = _escalate_names(defn)

    def add(self, name: str, state: dict[str, Any]) -> None:
        if name in self.states:
            raise ValueError(f"two states would be named {name!r}")
        self.states[name] = state

    def callback(
        self,
        *,
        kind: str,
        step: str,
        team: str | None,
        level: int,
        breached: bool,
        next_state: str,
        timeout_index: int | None,
        on_timeout: str | None,
    ) -> dict[str, Any]:
        body: dict[str, Any] = {
            "task_token.$": "$$.Task.Token",
            "ticket_id.$": "$.ticket_id",
            "category.$": "$.category",
            "version.$": "$.version",
            "kind": kind,
            "step": step,
            "team": team,
            "level": level,
            "breached": breached,
            "clock.$": "$.reply.clock",
            "execution.$": "$$.Execution.Id",
            "state.$": "$$.State.Name",
            "entered_at.$": "$$.State.EnteredTime",
            # 0, or n when this message is the n-th retry of a send that failed (same entered_at)
            "attempt.$": "$$.State.RetryCount",
        }
        state: dict[str, Any] = {
            "Type": "Task",
            "Resource": CALLBACK,
            "Parameters": {"QueueUrl": self.res.callback_queue_url, "MessageBody": body},
            "ResultPath": "$.reply",
            "Retry": retry("sqs"),
            "Next": next_state,
        }
        if timeout_index is not None:
            state["TimeoutSecondsPath"] = f"$.reply.clock.seconds[{timeout_index}]"
        if on_timeout is not None:
            state["Catch"] = [
                {"ErrorEquals": ["States.Timeout"], "ResultPath": "$.timeout", "Next": on_timeout}
            ]
        return state

    def publish(self, event_type: EventType, extra: dict[str, Any], next_state: str) -> dict[str, Any]:
        # The same envelope as events published from code (complaintdesk.events): data inside "data".
        message = {
            "event_type": str(event_type),
            "event_id.$": "States.Format('{}/{}/{}', $$.Execution.Name, $$.State.Name, $$.State.EnteredTime)",
            "ticket_id.$": "$.ticket_id",
            "occurred_at.$": "$$.State.EnteredTime",
            "data": {
                "category.$": "$.category",
                "version.$": "$.version",
                "execution.$": "$$.Execution.Id",
                **extra,
            },
        }
        return {
            "Type": "Task",
            "Resource": SNS_PUBLISH,
            "Parameters": {
                "TopicArn": self.res.events_topic_arn,
                "Message": message,
                "MessageAttributes": {
                    "event_type": {"DataType": "String", "StringValue": str(event_type)},
                    "ticket_id": {"DataType": "String", "StringValue.$": "$.ticket_id"},
                },
            },
            "ResultPath": None,
            "Retry": retry("sns"),
            "Next": next_state,
        }

    def update_ticket(self, sets: dict[str, dict[str, Any]], next_state: str) -> dict[str, Any]:
        """dynamodb:updateItem on the ticket item: SET each attribute, bump the lock attribute."""
        names = {f"#a{i}": attr for i, attr in enumerate(sets)}
        values = {f":v{i}": value for i, value in enumerate(sets.values())}
        expression = "SET " + ", ".join(f"#a{i} = :v{i}" for i in range(len(sets)))
        if self.res.lock_attribute:
            names["#lock"] = self.res.lock_attribute
            values[":one"] = {"N": "1"}
            expression += " ADD #lock :one"
        return {
            "Type": "Task",
            "Resource": DDB_UPDATE,
            "Parameters": {
                "TableName": self.res.table_name,
                "Key": {"PK": {"S.$": "States.Format('TICKET#{}', $.ticket_id)"}, "SK": {"S": "TICKET"}},
                "UpdateExpression": expression,
                "ConditionExpression": "attribute_exists(PK)",
                "ExpressionAttributeNames": names,
                "ExpressionAttributeValues": values,
            },
            "ResultPath": None,
            "Retry": retry("dynamodb"),
            "Next": next_state,
        }

    # ---- routing --------------------------------------------------------------------------

    def reopen_rules(self) -> list[dict[str, Any]]:
        rules = [
            {
                "And": [
                    {"Variable": "$.reply.outcome", "StringEquals": c.REOPEN},
                    {"Variable": "$.reply.step", "IsPresent": True},
                    {"Variable": "$.reply.step", "IsString": True},
                    {"Variable": "$.reply.step", "StringEquals": step.id},
                ],
                "Next": wait_state(self.defn, step),
            }
            for step in self.defn.steps
        ]
        rules.append({"Variable": "$.reply.outcome", "StringEquals": c.REOPEN, "Next": RESOLVE})
        return rules

    def closing_entry(self) -> str:
        return FOLLOW_UP_WAIT if self.defn.closing.survey_after_days is not None else SURVEY_WAIT

    def outcome(self, rules: list[tuple[str, str]], default: str) -> dict[str, Any]:
        return {
            "Type": "Choice",
            "Choices": [{"Variable": "$.reply.outcome", "StringEquals": o, "Next": n} for o, n in rules],
            "Default": default,
        }

    # ---- steps ----------------------------------------------------------------------------

    def step(self, index: int, step: Step) -> None:
        following = self.defn.steps[index + 1] if index + 1 < len(self.defn.steps) else None
        after_done = wait_state(self.defn, following) if following else RESOLVE
        top = len(step.escalation)
        team = step.owner_team
        phases = [(level, False) for level in range(top + 1)] + [(top, True)]
        for level, breached in phases:
            wait = wait_state(self.defn, step, level, breached)
            route = outcome_state(step, level, breached)
            customer = customer_wait_state(step, level, breached)
            if breached:
                on_timeout, timeout_index = None, None
            elif level < top:
                on_timeout, timeout_index = self.escalate[(step.id, level + 1)], level
            else:
                on_timeout, timeout_index = f"Mark breached — {step.title}", level
            kind = "step" if level == 0 and not breached else "escalation_wait"
            self.add(
                wait,
                self.callback(
                    kind=kind,
                    step=step.id,
                    team=team,
                    level=level,
                    breached=breached,
                    next_state=route,
                    timeout_index=timeout_index,
                    on_timeout=on_timeout,
                ),
            )
            route_state = self.outcome(
                [
                    (c.DONE, after_done),
                    (c.WAITING_FOR_CUSTOMER, customer_clock_state(step, level, breached)),
                    (c.RESUME, wait),
                    (c.RESOLVED, self.closing_entry()),
                    (c.CLOSE, CLOSE),
                ],
                default=wait,
            )
            # An answer that carries the customer clock goes straight to the customer wait; one
            # without it (an older caller) gets the category's durations first (Customer clock).
            route_state["Choices"].insert(
                0,
                {
                    "And": [
                        {"Variable": "$.reply.outcome", "StringEquals": c.WAITING_FOR_CUSTOMER},
                        {
                            "Variable": f"$.reply.clock.seconds[{customer_wait_index(step, self.defn.customer_wait.reminders)}]",
                            "IsPresent": True,
                        },
                    ],
                    "Next": customer,
                },
            )
            self.add(route, route_state)
            self.customer_waits(step, level, breached, route)
        for level, escalation in enumerate(step.escalation, start=1):
            self.add(
                self.escalate[(step.id, level)],
                self.publish(
                    c.EVENT_ESCALATED,
                    {
                        "step": step.id,
                        "step_title": step.title,
                        "team": team,
                        "level": level,
                        "label": escalation.label,
                        "notify": [t.model_dump() for t in escalation.notify],
                        "clock.$": "$.reply.clock",
                    },
                    next_state=wait_state(self.defn, step, level),
                ),
            )
        notify_breach = f"Notify breach — {step.title}"
        self.add(
            f"Mark breached — {step.title}",
            self.update_ticket(
                {
                    "breached": {"BOOL": True},
                    "breached_step": {"S": step.id},
                    "breached_at": {"S.$": "$$.State.EnteredTime"},
                },
                next_state=notify_breach,
            ),
        )
        self.add(
            notify_breach,
            self.publish(
                c.EVENT_BREACHED,
                {
                    "step": step.id,
                    "step_title": step.title,
                    "team": team,
                    "level": top,
                    "clock.$": "$.reply.clock",
                },
                next_state=wait_state(self.defn, step, top, breached=True),
            ),
        )

    def customer_waits(self, step: Step, level: int, breached: bool, route: str) -> None:
        """Wait for customer → (timeout) Remind customer 1 → wait again … → close or escalate.

        Wait r reads ``seconds[customer_wait_index(step, r)]`` (see ``schedule.customer_wait_clock``).
        """
        policy = self.defn.customer_wait
        top = len(step.escalation)
        if policy.then == "close":
            last = CLOSE
        elif breached:
            last = f"Notify breach — {step.title}"  # managers hear again; the breached wait follows
        elif level < top:
            last = self.escalate[(step.id, level + 1)]
        else:
            last = f"Mark breached — {step.title}"
        self.add(
            customer_clock_state(step, level, breached),
            {
                "Type": "Pass",
                "Comment": "the customer clock is missing from the answer: the category's durations, "
                "calendar time, unscaled",
                "Result": fallback_customer_clock(self.defn, step, level),
                "ResultPath": "$.reply.clock",
                "Next": customer_wait_state(step, level, breached),
            },
        )
        for reminder in range(policy.waits):
            more = reminder < policy.reminders
            self.add(
                customer_wait_state(step, level, breached, reminder),
                self.callback(
                    kind="customer_wait",
                    step=step.id,
                    team=step.owner_team,
                    level=level,
                    breached=breached,
                    next_state=route,
                    timeout_index=customer_wait_index(step, reminder),
                    on_timeout=reminder_state(step, level, breached, reminder + 1) if more else last,
                ),
            )
            if more:
                self.add(
                    reminder_state(step, level, breached, reminder + 1),
                    self.publish(
                        c.EVENT_CUSTOMER_REMINDER,
                        {
                            "step": step.id,
                            "step_title": step.title,
                            "team": step.owner_team,
                            "level": level,
                            "breached": breached,
                            "reminder": reminder + 1,
                            "reminders": policy.reminders,
                            "then": policy.then,
                            "clock.$": "$.reply.clock",
                        },
                        next_state=customer_wait_state(step, level, breached, reminder + 1),
                    ),
                )

    # ---- closing --------------------------------------------------------------------------

    def closing(self) -> None:
        survey = self.defn.closing.survey_after_days is not None
        ending = [(c.CLOSE, CLOSE)]
        self.add(
            RESOLVE,
            self.callback(
                kind="resolution",
                step=RESOLUTION_STEP,
                team=None,
                level=0,
                breached=False,
                next_state=OUTCOME_RESOLVE,
                timeout_index=None,
                on_timeout=None,
            ),
        )
        resolve_route = self.outcome([(c.RESOLVED, self.closing_entry()), *ending], RESOLVE)
        resolve_route["Choices"] = self.reopen_rules() + resolve_route["Choices"]
        self.add(OUTCOME_RESOLVE, resolve_route)
        if survey:
            self.add(
                FOLLOW_UP_WAIT,
                self.callback(
                    kind="follow_up",
                    step=RESOLUTION_STEP,
                    team=None,
                    level=0,
                    breached=False,
                    next_state=OUTCOME_FOLLOW_UP,
                    timeout_index=0,
                    on_timeout=SURVEY,
                ),
            )
            route = self.outcome(ending, FOLLOW_UP_WAIT)
            route["Choices"] = self.reopen_rules() + route["Choices"]
            self.add(OUTCOME_FOLLOW_UP, route)
            self.add(
                SURVEY, self.publish(c.EVENT_SURVEY, {"clock.$": "$.reply.clock"}, next_state=SURVEY_WAIT)
            )
        self.add(
            SURVEY_WAIT,
            self.callback(
                kind="survey",
                step=RESOLUTION_STEP,
                team=None,
                level=0,
                breached=False,
                next_state=OUTCOME_SURVEY,
                timeout_index=1,
                on_timeout=CLOSE,
            ),
        )
        route = self.outcome(ending, SURVEY_WAIT)
        route["Choices"] = self.reopen_rules() + route["Choices"]
        self.add(OUTCOME_SURVEY, route)
        self.add(
            CLOSE,
            self.update_ticket(
                {
                    "status": {"S": "closed"},
                    "closed_at": {"S.$": "$$.State.EnteredTime"},
                },
                next_state=NOTIFY_CLOSED,
            ),
        )
        closed = self.publish(c.EVENT_CLOSED, {"last_outcome.$": "$.reply.outcome"}, next_state="")
        del closed["Next"]
        closed["End"] = True
        self.add(NOTIFY_CLOSED, closed)


def fallback_customer_clock(defn: CategoryDefinition, step: Step, level: int) -> dict[str, list[int]]:
    """What "Customer clock" puts in place of a missing customer clock: the same layout as
    ``customer_wait_clock``, from the category's durations read as calendar time (no working
    hours, no time scale). Only for answers that do not carry the clock computed in Python."""
    top = len(step.escalation)
    levels = [1] * (top + 1)
    for index in range(level + 1, top + 1):
        levels[index] = int(step.escalation[index - 1].extra_duration.as_calendar().total_seconds())
    wait = int(defn.customer_wait.remind_after_duration.as_calendar().total_seconds())
    return {"seconds": levels + [wait] * defn.customer_wait.waits}


def compile_category(defn: CategoryDefinition, version: int, resources: WorkflowResources) -> dict[str, Any]:
    """The ASL (as a dict) of ``defn`` published as ``version``."""
    if version < 1:
        raise ValueError("versions start at 1")
    builder = _Builder(defn, version, resources)
    for index, step in enumerate(defn.steps):
        builder.step(index, step)
    builder.closing()
    return {
        "Comment": f"complaintdesk category {defn.id} v{version}: {defn.names.en}",
        "StartAt": wait_state(defn, defn.steps[0]),
        "States": builder.states,
    }


def asl_json(asl: dict[str, Any]) -> str:
    """The definition text to give CreateStateMachine / UpdateStateMachine.

    Keep non-ASCII characters as they are (``ensure_ascii=False``): moto's ASL parser does not
    decode ``\\u2014`` escapes, so an escaped em dash would reach the state's name literally.
    """
    return json.dumps(asl, ensure_ascii=False, indent=2, sort_keys=False)
