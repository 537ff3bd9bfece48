"""Permissions from evidence: the AWS calls each Lambda function makes, checked against its role.

Three parts, used by the pytest plugin ``tests.support.iam_evidence`` and by the unit tests:

``needs``
    What one API call requires of IAM: ``[Need(action, resource, context)]`` from the service, the
    operation and the parameters the code passed. Mostly ``<prefix>:<Operation>`` on the ARN named
    by the parameters (table, queue URL, topic, state machine, execution, bucket/key, identity), with
    the cases where IAM differs from the API: a ``TransactWriteItems`` is authorized per item
    (``PutItem``/``UpdateItem``/``DeleteItem``/``ConditionCheckItem`` on each item's table, AWS
    "Using IAM with DynamoDB transactions"), ``ListObjectsV2`` is ``s3:ListBucket`` on the bucket,
    ``HeadObject`` is ``s3:GetObject``, a presigned POST (no call: botocore builds it from
    ``CreateBucket``'s model) is the ``s3:PutObject`` of its key that the URL lets its holder make
    with the role's credentials, creating a state machine passes its role (``iam:PassRole``,
    ``iam:PassedToService``) and tags it (``states:TagResource``). Where a call names no resource
    IAM can scope (a task token, an SMS phone number), the resource is ``*``: only a grant on every
    resource covers it.

``CallRecorder``
    Hooks every botocore client created while it runs (``before-parameter-build``: the API
    parameters as the code passed them) and attributes each call to the Lambda function whose code
    made it, by the call stack: a frame of a handler module of template.yaml (``functions/<fn>/app.py``),
    of the API's request path (``complaintdesk/webapi.py``, ``complaintdesk/routes/``), or of a local
    event-source mapping (``infra/local/pollers.py``, ``infra/local/streams.py``: on AWS the mapping
    polls with the function's role). moto's Step Functions executor (its own threads) acts as the
    role the template's state machines run as (``WorkflowRole (state machine)``). A call with none
    of those on its stack (test setup, moto emulating a service) belongs to no one. Local
    resources are named per stage, so the recorder also notes the ``LocalResources`` that were
    current when the call was made, to resolve the role's ``!Ref``/``!GetAtt``/``!Sub`` with.

``check``
    Translates template.yaml with aws-sam-translator (policy templates expanded; the AWS-managed
    policies SAM attaches are known here by content), resolves each function role's statements with
    the stack's values, and evaluates each need: explicit Deny, then Allow with ``Action``/``NotAction``,
    ``Resource``/``NotResource`` (``*``/``?`` wildcards, actions case-insensitive) and simple
    ``StringEquals``/``StringLike`` conditions. A call also needs what the template's own
    resources ask of it (publishing to a topic under a key of the template: ``kms:GenerateDataKey``
    and ``kms:Decrypt`` on that key). Returns the refused calls (with the statement that would have
    allowed them), the per-function counts and, per statement, the actions and resources no call used.
"""

from __future__ import annotations

import copy
import json
import os
import re
import sys
import threading
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import botocore.session

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_ACCOUNT = "123456789012"  # moto's account

# IAM service prefixes that differ from botocore's service names.
SERVICE_PREFIX = {"stepfunctions": "states", "sesv2": "ses", "dynamodbstreams": "dynamodb"}

# The AWS-managed policies SAM attaches to function roles, by content (AWS managed policy reference).
# A role naming one not listed here makes the check fail rather than guess.
MANAGED_POLICIES: dict[str, list[dict[str, Any]]] = {
    "service-role/AWSLambdaBasicExecutionRole": [
        {
            "Effect": "Allow",
            "Action": ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
            "Resource": "*",
        }
    ],
    "AWSXrayWriteOnlyAccess": [
        {
            "Effect": "Allow",
            "Action": [
                "xray:PutTraceSegments",
                "xray:PutTelemetryRecords",
                "xray:GetSamplingRules",
                "xray:GetSamplingTargets",
                "xray:GetSamplingStatisticSummaries",
            ],
            "Resource": "*",
        }
    ],
    "service-role/AWSLambdaSQSQueueExecutionRole": [
        {
            "Effect": "Allow",
            "Action": ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"],
            "Resource": "*",
        },
        {
            "Effect": "Allow",
            "Action": ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
            "Resource": "*",
        },
    ],
    "service-role/AWSLambdaDynamoDBExecutionRole": [
        {
            "Effect": "Allow",
            "Action": [
                "dynamodb:DescribeStream",
                "dynamodb:GetRecords",
                "dynamodb:GetShardIterator",
                "dynamodb:ListStreams",
            ],
            "Resource": "*",
        },
        {
            "Effect": "Allow",
            "Action": ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
            "Resource": "*",
        },
    ],
}


# ---------------------------------------------------------------------------- what a call needs


@dataclass(frozen=True)
class Need:
    """One IAM authorization an API call requires."""

    action: str
    resource: str
    context: tuple[tuple[str, str], ...] = ()

    def __str__(self) -> str:
        extra = "".join(f" [{k}={v}]" for k, v in self.context)
        return f"{self.action} on {self.resource}{extra}"


def _queue_arn(url: str, region: str, account: str) -> str:
    parts = [p for p in urlparse(url).path.split("/") if p]
    if len(parts) >= 2:
        account, name = parts[-2], parts[-1]
    else:
        name = parts[-1] if parts else url
    return f"arn:aws:sqs:{region}:{account}:{name}"


def _table_arn(name: str, region: str, account: str) -> str:
    if name.startswith("arn:"):
        return name
    return f"arn:aws:dynamodb:{region}:{account}:table/{name}"


def _s3_object(bucket: str, key: str) -> str:
    return f"arn:aws:s3:::{bucket}/{key}"


# DynamoDB TransactWriteItems: the action each item is authorized as.
_TRANSACT_ITEM_ACTION = {
    "Put": "dynamodb:PutItem",
    "Update": "dynamodb:UpdateItem",
    "Delete": "dynamodb:DeleteItem",
    "ConditionCheck": "dynamodb:ConditionCheckItem",
}

# S3 operations whose IAM action has another name.
_S3_ACTION = {
    "HeadObject": "s3:GetObject",
    "ListObjectsV2": "s3:ListBucket",
    "ListObjects": "s3:ListBucket",
    "HeadBucket": "s3:ListBucket",
    "DeleteObjects": "s3:DeleteObject",
}


def needs(service: str, operation: str, params: Mapping[str, Any], region: str, account: str) -> list[Need]:
    """What IAM must allow for one API call (see the module docstring)."""
    prefix = SERVICE_PREFIX.get(service, service)
    action = f"{prefix}:{operation}"
    if service == "dynamodb":
        return _dynamodb_needs(operation, params, region, account)
    if service == "dynamodbstreams":
        stream = params.get("StreamArn") or "*"
        return [Need(action, stream if operation != "GetRecords" else "*")]
    if service == "sqs":
        url = params.get("QueueUrl")
        if operation in ("DeleteMessageBatch", "SendMessageBatch", "ChangeMessageVisibilityBatch"):
            action = (
                f"sqs:{operation.removesuffix('Batch')}"  # batch calls are authorized as the single action
            )
        return [Need(action, _queue_arn(url, region, account) if url else "*")]
    if service == "sns":
        target = params.get("TopicArn") or params.get("TargetArn")
        return [Need(action, target or "*")]  # a phone number is not a resource IAM can name
    if service == "stepfunctions":
        return _states_needs(operation, params, region, account)
    if service == "s3":
        return _s3_needs(operation, params)
    if service in ("ses", "sesv2"):
        source = params.get("Source") or params.get("FromEmailAddress") or ""
        identity = source.rpartition("<")[2].rstrip(">").strip() if source else "*"
        return [Need(f"ses:{operation}", f"arn:aws:ses:{region}:{account}:identity/{identity}")]
    if service == "cognito-idp" and "UserPoolId" in params:
        return [Need(action, f"arn:aws:cognito-idp:{region}:{account}:userpool/{params['UserPoolId']}")]
    if service == "ssm" and "Name" in params:
        name = str(params["Name"]).lstrip("/")
        return [Need(action, f"arn:aws:ssm:{region}:{account}:parameter/{name}")]
    if service == "secretsmanager" and "SecretId" in params:
        return [Need(action, str(params["SecretId"]))]
    return [Need(action, "*")]


def _dynamodb_needs(operation: str, params: Mapping[str, Any], region: str, account: str) -> list[Need]:
    if operation == "TransactWriteItems":
        found = []
        for item in params.get("TransactItems", []):
            for kind, body in item.items():
                found.append(
                    Need(_TRANSACT_ITEM_ACTION[kind], _table_arn(body["TableName"], region, account))
                )
        return sorted(set(found), key=str)
    if operation == "TransactGetItems":
        tables = {item["Get"]["TableName"] for item in params.get("TransactItems", [])}
        return [Need("dynamodb:GetItem", _table_arn(t, region, account)) for t in sorted(tables)]
    if operation in ("BatchGetItem", "BatchWriteItem"):
        return [
            Need(f"dynamodb:{operation}", _table_arn(t, region, account))
            for t in sorted(params["RequestItems"])
        ]
    table = params.get("TableName")
    if not table:
        return [Need(f"dynamodb:{operation}", "*")]
    resource = _table_arn(table, region, account)
    if params.get("IndexName"):
        resource += f"/index/{params['IndexName']}"
    return [Need(f"dynamodb:{operation}", resource)]


def _states_needs(operation: str, params: Mapping[str, Any], region: str, account: str) -> list[Need]:
    action = f"states:{operation}"
    if operation in ("SendTaskSuccess", "SendTaskFailure", "SendTaskHeartbeat"):
        return [Need(action, "*")]  # a task token names no resource
    if operation == "CreateStateMachine":
        arn = f"arn:aws:states:{region}:{account}:stateMachine:{params['name']}"
        found = [Need(action, arn)]
        if params.get("tags"):
            found.append(Need("states:TagResource", arn))
        if params.get("roleArn"):
            found.append(
                Need("iam:PassRole", params["roleArn"], (("iam:PassedToService", "states.amazonaws.com"),))
            )
        return found
    resource = params.get("stateMachineArn") or params.get("executionArn") or params.get("resourceArn") or "*"
    found = [Need(action, resource)]
    if operation == "UpdateStateMachine" and params.get("roleArn"):
        found.append(
            Need("iam:PassRole", params["roleArn"], (("iam:PassedToService", "states.amazonaws.com"),))
        )
    return found


def _s3_needs(operation: str, params: Mapping[str, Any]) -> list[Need]:
    bucket = params.get("Bucket", "*")
    action = _S3_ACTION.get(operation, f"s3:{operation}")
    if operation == "CopyObject":
        source = params["CopySource"]
        if isinstance(source, Mapping):
            source_arn = _s3_object(source["Bucket"], source["Key"])
        else:
            source_arn = "arn:aws:s3:::" + str(source).lstrip("/").split("?")[0]
        return [Need("s3:GetObject", source_arn), Need("s3:PutObject", _s3_object(bucket, params["Key"]))]
    if operation == "DeleteObjects":
        keys = [o["Key"] for o in params.get("Delete", {}).get("Objects", [])]
        return [Need(action, _s3_object(bucket, key)) for key in keys]
    if "Key" in params:
        return [Need(action, _s3_object(bucket, params["Key"]))]
    return [Need(action, f"arn:aws:s3:::{bucket}")]


# ---------------------------------------------------------------------------- IAM evaluation


@cache
def _pattern(text: str, case_insensitive: bool) -> re.Pattern[str]:
    body = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in text)
    return re.compile(f"^{body}$", re.DOTALL | (re.IGNORECASE if case_insensitive else 0))


def action_matches(pattern: str, action: str) -> bool:
    """IAM action matching: case-insensitive, ``*`` and ``?`` wildcards."""
    return bool(_pattern(pattern, True).match(action))


def resource_matches(pattern: str, resource: str) -> bool:
    """IAM resource matching: case-sensitive, ``*`` and ``?`` wildcards (a need on ``*`` is covered
    only by a pattern that matches the literal ``*``: a grant on every resource)."""
    return bool(_pattern(pattern, False).match(resource))


def _listed(value: Any) -> list[str]:
    if value is None:
        return []
    return [str(v) for v in (value if isinstance(value, list) else [value])]


_CONDITIONS = {
    "StringEquals": lambda pattern, value: pattern == value,
    "StringLike": lambda pattern, value: resource_matches(pattern, value),
}


@dataclass(frozen=True)
class Grant:
    """One (action pattern, resource pattern) pair of one statement: the unit of "used"."""

    function: str
    statement: str  # which policy/statement it comes from
    action: str
    resource: str

    def __str__(self) -> str:
        return f"{self.action} on {self.resource}  ({self.statement})"


@dataclass
class Statement:
    effect: str
    actions: list[str]
    not_actions: list[str]
    resources: list[str]
    not_resources: list[str]
    condition: dict[str, Any]
    origin: str
    symbolic_resources: list[str] = field(default_factory=list)

    @classmethod
    def parse(
        cls, raw: Mapping[str, Any], origin: str, symbolic: Mapping[str, Any] | None = None
    ) -> Statement:
        symbolic = symbolic or raw
        return cls(
            effect=str(raw.get("Effect", "Allow")),
            actions=_listed(raw.get("Action")),
            not_actions=_listed(raw.get("NotAction")),
            resources=_listed(raw.get("Resource")),
            not_resources=_listed(raw.get("NotResource")),
            condition=dict(raw.get("Condition") or {}),
            origin=origin,
            symbolic_resources=_listed(symbolic.get("Resource")) or _listed(symbolic.get("NotResource")),
        )

    def action_patterns(self, action: str) -> list[str]:
        if self.actions:
            return [p for p in self.actions if action_matches(p, action)]
        if self.not_actions and not any(action_matches(p, action) for p in self.not_actions):
            return [f"NotAction {self.not_actions}"]
        return []

    def resource_patterns(self, resource: str) -> list[int]:
        """Indexes of the resource patterns that cover ``resource`` (NotResource: index 0 when none excludes it)."""
        if self.resources:
            return [i for i, p in enumerate(self.resources) if resource_matches(p, resource)]
        if self.not_resources and not any(resource_matches(p, resource) for p in self.not_resources):
            return [0]
        return []

    def condition_holds(self, context: Mapping[str, str]) -> bool:
        for operator, tests in self.condition.items():
            compare = _CONDITIONS.get(operator)
            if compare is None:
                return False  # an operator this checker does not evaluate: the statement is not counted on
            for key, expected in tests.items():
                value = context.get(key)
                if value is None or not any(compare(str(e), value) for e in _listed(expected)):
                    return False
        return True

    def grants(self, function: str) -> list[Grant]:
        actions = self.actions or [f"NotAction {self.not_actions}"]
        shown = self.symbolic_resources or self.resources or [f"NotResource {self.not_resources}"]
        if self.not_resources:
            shown = [f"NotResource {self.symbolic_resources or self.not_resources}"]
        return [Grant(function, self.origin, a, r) for a in actions for r in shown]


@dataclass
class Decision:
    allowed: bool
    used: list[Grant]
    denied_by: str | None = None


class Policy:
    """The statements of one role (inline and managed), resolved to concrete ARNs."""

    def __init__(self, function: str, statements: list[Statement]) -> None:
        self.function, self.statements = function, statements

    def decide(self, need: Need) -> Decision:
        context = dict(need.context)
        used: list[Grant] = []
        for statement in self.statements:
            actions = statement.action_patterns(need.action)
            if not actions:
                continue
            resources = statement.resource_patterns(need.resource)
            if not resources or not statement.condition_holds(context):
                continue
            if statement.effect == "Deny":
                return Decision(False, [], denied_by=statement.origin)
            shown = statement.symbolic_resources or statement.resources
            for action in actions:
                if statement.not_resources:
                    used.append(Grant(self.function, statement.origin, action, f"NotResource {shown}"))
                else:
                    used.extend(
                        Grant(
                            self.function,
                            statement.origin,
                            action,
                            shown[i] if i < len(shown) else statement.resources[i],
                        )
                        for i in resources
                    )
        return Decision(bool(used), used)

    def grants(self) -> list[Grant]:
        return [g for s in self.statements if s.effect == "Allow" for g in s.grants(self.function)]


# ---------------------------------------------------------------------------- the template's roles


class _NoManagedPolicyLookup:
    """The translator may ask IAM for managed policy ARNs by name; the template names none."""

    def load(self) -> dict[str, str]:
        return {}


@lru_cache(maxsize=4)
def translated_template(template_path: str | None = None) -> dict[str, Any]:
    """template.yaml through aws-sam-translator, offline (S3 URIs stand in for the local folders)."""
    from samtranslator.translator.transform import transform

    from infra.local.template import TEMPLATE_PATH, load_template

    template = copy.deepcopy(load_template(Path(template_path) if template_path else TEMPLATE_PATH))
    for logical_id, resource in template["Resources"].items():
        if resource["Type"] == "AWS::Serverless::Function":
            resource["Properties"]["CodeUri"] = f"s3://artifacts/{logical_id}.zip"
        elif resource["Type"] == "AWS::Serverless::LayerVersion":
            resource["Properties"]["ContentUri"] = f"s3://artifacts/{logical_id}.zip"
    saved = os.environ.get("AWS_DEFAULT_REGION")
    os.environ["AWS_DEFAULT_REGION"] = saved or "us-east-1"
    try:
        import logging

        logging.getLogger("samtranslator").setLevel(logging.ERROR)
        return transform(template, {}, _NoManagedPolicyLookup())
    finally:
        if saved is None:
            os.environ.pop("AWS_DEFAULT_REGION", None)


def role_statements(translated: Mapping[str, Any], function: str) -> list[tuple[str, dict[str, Any]]]:
    """(origin, raw statement) of the role a function of the translated template runs as (or of a
    role itself, given its logical id)."""
    resources = translated["Resources"]
    if resources[function]["Type"] == "AWS::IAM::Role":
        role_id: str | None = function
    else:
        role_ref = resources[function]["Properties"]["Role"]
        role_id = (
            role_ref["Fn::GetAtt"][0] if isinstance(role_ref, dict) and "Fn::GetAtt" in role_ref else None
        )
    if role_id is None:
        raise ValueError(f"{function}: its role is not a role of the template ({role_ref})")
    props = resources[role_id]["Properties"]
    found: list[tuple[str, dict[str, Any]]] = []
    for policy in props.get("Policies", []):
        statements = policy["PolicyDocument"]["Statement"]
        for index, statement in enumerate(statements if isinstance(statements, list) else [statements]):
            name = statement.get("Sid") or f"#{index}"
            found.append((f"{policy['PolicyName']}/{name}", statement))
    for arn in props.get("ManagedPolicyArns", []):
        text = arn if isinstance(arn, str) else json.dumps(arn)
        name = text.partition(":policy/")[2]
        if name not in MANAGED_POLICIES:
            raise ValueError(f"{function}: managed policy {text} is not known to tests/support/iam.py")
        found.extend((f"managed {name}", copy.deepcopy(s)) for s in MANAGED_POLICIES[name])
    return found


def functions_of(template: Mapping[str, Any]) -> list[str]:
    return [lid for lid, r in template["Resources"].items() if r["Type"] == "AWS::Lambda::Function"]


class _Symbolic:
    """Renders intrinsics as ``${Name}`` placeholders, for a readable report."""

    def resolve(self, value: Any) -> Any:
        if isinstance(value, list):
            return [self.resolve(v) for v in value]
        if not isinstance(value, dict):
            return value
        if len(value) == 1:
            ((key, arg),) = value.items()
            if key == "Ref":
                return "${" + str(arg) + "}"
            if key == "Fn::GetAtt":
                return "${" + (arg if isinstance(arg, str) else ".".join(map(str, arg))) + "}"
            if key == "Fn::Sub":
                text, variables = (arg[0], arg[1]) if isinstance(arg, list) else (arg, {})
                for name, v in variables.items():
                    text = text.replace("${" + name + "}", str(self.resolve(v)))
                return text.replace("${AWS::Partition}", "aws")
        return {k: self.resolve(v) for k, v in value.items()}


def policy_for(translated: Mapping[str, Any], function: str, intrinsics: Any) -> Policy:
    """A function's role with intrinsics resolved by ``intrinsics`` (a stack's ``Intrinsics``)."""
    symbolic = _Symbolic()
    statements = [
        Statement.parse(intrinsics.resolve(raw), origin, symbolic.resolve(raw))
        for origin, raw in role_statements(translated, function)
    ]
    return Policy(function, statements)


# ---------------------------------------------------------------------------- recording


@dataclass(frozen=True)
class Call:
    function: str  # logical id; "<Fn> (event source)" for what a mapping does with the function's role
    service: str
    operation: str
    needs: tuple[Need, ...]
    stack: int  # index into CallRecorder.stacks; -1 when no local stack existed yet


def principal(label: str) -> str:
    """The function or role a recorded caller label stands for ("X (event source)" → "X")."""
    return label.split(" (", 1)[0]


def workflow_role(template: Mapping[str, Any]) -> str | None:
    """The role the template's state machines run as (assumed by states.amazonaws.com), if one."""
    for lid, resource in template["Resources"].items():
        if resource["Type"] != "AWS::IAM::Role":
            continue
        document = json.dumps(resource.get("Properties", {}).get("AssumeRolePolicyDocument", {}))
        if "states.amazonaws.com" in document:
            return lid
    return None


def _entry_points(template: Mapping[str, Any]) -> tuple[dict[str, str], str | None]:
    """Handler module files → function logical id; the Chalice function (owns the API request path)."""
    files: dict[str, str] = {}
    chalice = None
    for lid, resource in template["Resources"].items():
        if resource["Type"] != "AWS::Serverless::Function":
            continue
        props = resource["Properties"]
        module, _, attr = str(props["Handler"]).rpartition(".")
        path = (REPO_ROOT / str(props["CodeUri"]) / (module.replace(".", "/") + ".py")).resolve()
        files[str(path)] = lid
        if attr == "app":
            chalice = lid
    return files, chalice


def _presigned_post_frame(frame: Any) -> Any:
    """botocore's ``generate_presigned_post`` frame on this stack, if any."""
    while frame is not None:
        code = frame.f_code
        if code.co_name == "generate_presigned_post" and code.co_filename.endswith("signers.py"):
            return frame
        frame = frame.f_back
    return None


class CallRecorder:
    """Records every AWS call each function makes (see the module docstring); start/stop or ``with``."""

    ESM_FILES = ("infra/local/pollers.py", "infra/local/streams.py")
    API_FILES = ("complaintdesk/webapi.py", "complaintdesk/routes/")

    def __init__(self, template: Mapping[str, Any] | None = None) -> None:
        from infra.local.template import load_template

        template = template or load_template()
        self.handler_files, self.api_function = _entry_points(template)
        self.workflow_role = workflow_role(template)
        self.functions = set(self.handler_files.values())
        self.calls: Counter[Call] = Counter()
        self.unattributed: Counter[tuple[str, str]] = Counter()
        self.stacks: list[Any] = []
        self._lock = threading.Lock()
        self._owners: dict[str, tuple[str, str] | None] = {}
        self._undo: list[Any] = []

    # ---- life

    def start(self) -> CallRecorder:
        original = botocore.session.Session.create_client
        recorder = self

        def create_client(session: Any, *args: Any, **kwargs: Any) -> Any:
            return recorder.attach(original(session, *args, **kwargs))

        botocore.session.Session.create_client = create_client  # type: ignore[method-assign]
        self._undo.append(lambda: setattr(botocore.session.Session, "create_client", original))

        import infra.local.resources as resources

        create = resources.create_local_resources

        def create_local_resources(*args: Any, **kwargs: Any) -> Any:
            made = create(*args, **kwargs)
            recorder.add_stack(made)
            return made

        resources.create_local_resources = create_local_resources  # type: ignore[assignment]
        self._undo.append(lambda: setattr(resources, "create_local_resources", create))
        return self

    def stop(self) -> None:
        while self._undo:
            self._undo.pop()()

    def __enter__(self) -> CallRecorder:
        return self.start()

    def __exit__(self, *_: Any) -> None:
        self.stop()

    def add_stack(self, resources: Any) -> None:
        with self._lock:
            self.stacks.append(resources)

    def attach(self, client: Any) -> Any:
        service = client.meta.service_model.service_name
        region = client.meta.region_name or "us-east-1"

        def record(params: Mapping[str, Any], model: Any, **_: Any) -> None:
            frame = sys._getframe(1)
            operation = model.name
            if service == "s3" and operation == "CreateBucket":
                # botocore builds a presigned POST from CreateBucket's model; no call is made, the
                # URL lets its holder PutObject the one key with this role's credentials.
                presign = _presigned_post_frame(frame)
                if presign is not None:
                    operation = "PutObject"
                    params = {"Bucket": params.get("Bucket"), "Key": presign.f_locals.get("key")}
            self._record(service, operation, params, region, frame)

        client.meta.events.register_first("before-parameter-build", record)
        return client

    # ---- attribution

    def _owner(self, filename: str) -> tuple[str, str] | None:
        """("handler"|"api"|"esm"|"moto", function or "") for a source file, cached."""
        if filename in self._owners:
            return self._owners[filename]
        path = os.path.realpath(filename)
        owner: tuple[str, str] | None = None
        if path in self.handler_files:
            owner = ("handler", self.handler_files[path])
        elif self.api_function and any(part in path.replace(os.sep, "/") for part in self.API_FILES):
            owner = ("api", self.api_function)
        elif any(path.replace(os.sep, "/").endswith(part) for part in self.ESM_FILES):
            owner = ("esm", "")
        elif f"{os.sep}moto{os.sep}stepfunctions{os.sep}parser{os.sep}" in path and self.workflow_role:
            owner = (
                "workflow",
                self.workflow_role,
            )  # moto's executor: the state machine's service integrations
        elif f"{os.sep}moto{os.sep}" in path:
            owner = ("moto", "")
        self._owners[filename] = owner
        return owner

    def function_of(self, frame: Any) -> str | None:
        """The function whose code is on this stack, innermost first; None for moto's or test code."""
        while frame is not None:
            owner = self._owner(frame.f_code.co_filename)
            if owner is not None:
                kind, function = owner
                if kind == "moto":
                    return None  # moto emulating a service calls other services itself
                if kind == "workflow":
                    return f"{function} (state machine)"
                if kind in ("handler", "api"):
                    return function
                this = frame.f_locals.get("self")
                name = getattr(this, "function_name", None)
                if name in self.functions:  # a test's own poller, named otherwise, is test code
                    return f"{name} (event source)"
            frame = frame.f_back
        return None

    def _record(
        self, service: str, operation: str, params: Mapping[str, Any], region: str, frame: Any
    ) -> None:
        function = self.function_of(frame)
        if function is None:
            with self._lock:
                self.unattributed[(service, operation)] += 1
            return
        with self._lock:
            index = len(self.stacks) - 1
        account = DEFAULT_ACCOUNT
        if index >= 0 and getattr(self.stacks[index], "intrinsics", None) is not None:
            account = self.stacks[index].intrinsics.pseudo.get("AWS::AccountId", DEFAULT_ACCOUNT)
        call = Call(
            function, service, operation, tuple(needs(service, operation, params, region, account)), index
        )
        with self._lock:
            self.calls[call] += 1


# ---------------------------------------------------------------------------- the check


@dataclass
class Refusal:
    function: str
    call: str
    need: Need
    shown: str  # the resource in template terms
    needed: dict[str, Any]  # the statement that would have allowed it
    count: int

    def __str__(self) -> str:
        return (
            f"{self.function}: {self.call} needs {self.need.action} on {self.shown}"
            f" ({self.count} call(s)); would need {json.dumps(self.needed)}"
        )


@dataclass
class Report:
    refused: list[Refusal]
    counts: dict[str, Counter[str]]  # function → "service:Operation" → calls
    unused: dict[str, list[Unused]]  # function → statements (parts) no observed call used
    unchecked: Counter[str]  # calls made before any local stack existed, or on a test's own resources
    unattributed: Counter[tuple[str, str]]

    @property
    def ok(self) -> bool:
        return not self.refused

    def lines(self) -> Iterator[str]:
        total = sum(sum(c.values()) for c in self.counts.values())
        yield f"AWS calls made by functions: {total} in {len(self.counts)} function(s)"
        for function in sorted(self.counts):
            calls = self.counts[function]
            yield f"  {function}: " + ", ".join(f"{op} x{n}" for op, n in sorted(calls.items()))
        if self.refused:
            yield f"REFUSED by the function's role in the transformed template.yaml: {len(self.refused)}"
            for refusal in self.refused:
                yield f"  {refusal}"
        else:
            yield "Every observed call is allowed by its function's role."
        if self.unchecked:
            yield "Not checked: " + ", ".join(f"{k} x{n}" for k, n in sorted(self.unchecked.items()))
        yield "Grants no observed call used (review; not a failure):"
        for function in sorted(self.unused):
            for unused in self.unused[function]:
                yield f"  {function}: {unused}"


@dataclass
class Unused:
    """What of one Allow statement no observed call used."""

    statement: str
    actions: list[str]
    resources: list[str]
    whole: bool

    def __str__(self) -> str:
        if self.whole:
            return f"{self.statement}: never used ({', '.join(self.actions)} on {', '.join(self.resources)})"
        parts = []
        if self.actions:
            parts.append(f"actions never used: {', '.join(self.actions)}")
        if self.resources:
            parts.append(f"resources never used: {', '.join(self.resources)}")
        return f"{self.statement}: " + "; ".join(parts)


def unused_grants(policy: Policy, used: set[Grant]) -> list[Unused]:
    """Per inline Allow statement: the actions and the resources no used grant names."""
    by_statement: dict[str, list[Grant]] = {}
    for grant in policy.grants():
        if not grant.statement.startswith("managed "):
            by_statement.setdefault(grant.statement, []).append(grant)
    found = []
    for statement, grants in by_statement.items():
        hits = [g for g in grants if g in used]
        actions = list(dict.fromkeys(g.action for g in grants))
        resources = list(dict.fromkeys(g.resource for g in grants))
        if not hits:
            found.append(Unused(statement, actions, resources, whole=True))
            continue
        idle_actions = [a for a in actions if not any(g.action == a for g in hits)]
        idle_resources = [r for r in resources if not any(g.resource == r for g in hits)]
        if idle_actions or idle_resources:
            found.append(Unused(statement, idle_actions, idle_resources, whole=False))
    return found


def _symbolize(resource: str, stack: Any) -> str:
    """A concrete local ARN in template terms: physical names → ${LogicalId}, the stage → ${Stage}."""
    if stack is None or getattr(stack, "intrinsics", None) is None:
        return resource
    names: list[tuple[str, str]] = []
    for lid, arn in stack.arns.items():
        names.append((arn, "${" + lid + ".Arn}"))
    for lid, physical in stack.physical.items():
        names.append((physical, "${" + lid + "}"))
        if physical.startswith("http"):
            names.append((physical.rstrip("/").rsplit("/", 1)[-1], "${" + lid + ".QueueName}"))
    for (lid, attr), value in stack.intrinsics.attributes.items():
        if isinstance(value, str) and len(value) > 6:
            names.append((value, "${" + f"{lid}.{attr}" + "}"))
    text = resource
    for value, placeholder in sorted(names, key=lambda item: -len(item[0])):
        if value and value in text:  # whole names only: a stack-named prefix is not the resource
            text = re.sub(rf"(?<![\w-]){re.escape(value)}(?![\w-])", placeholder.replace("\\", "\\\\"), text)
    stage = stack.intrinsics.parameters.get("Stage")
    if stage:
        text = re.sub(rf"(?<=[-/:]){re.escape(str(stage))}(?=[-/:]|$)", "${Stage}", text)
    pseudo = stack.intrinsics.pseudo
    text = text.replace(f":{pseudo['AWS::Region']}:", ":${AWS::Region}:")
    return text.replace(f":{pseudo['AWS::AccountId']}:", ":${AWS::AccountId}:")


# What using an encrypted topic or queue asks of its customer managed key (AWS docs, "Encryption at
# rest" for SNS and SQS): the sender generates a data key and decrypts it, the receiver decrypts.
_KMS_FOR = {
    "sns:Publish": ("kms:GenerateDataKey", "kms:Decrypt"),
    "sqs:SendMessage": ("kms:GenerateDataKey", "kms:Decrypt"),
    "sqs:ReceiveMessage": ("kms:Decrypt",),
}


def _of_a_stack(resource: str, stack: Any) -> bool:
    """Whether ``resource`` is (or is inside) a resource the stack created from template.yaml."""
    names = [*stack.arns.values(), *stack.physical.values()]
    return any(name and (resource == name or resource.startswith(name + "/")) for name in names)


def implied_needs(need: Need, stack: Any) -> list[Need]:
    """Needs a call brings along through the template's own resources: the KMS key of an encrypted
    topic or queue (``KmsMasterKeyId`` naming a key of the template)."""
    actions = _KMS_FOR.get(need.action)
    if not actions or stack is None or getattr(stack, "intrinsics", None) is None:
        return []
    resources = stack.template.get("Resources", {})
    for lid, arn in stack.arns.items():
        if arn != need.resource:
            continue
        key = resources.get(lid, {}).get("Properties", {}).get("KmsMasterKeyId")
        key_id = key.get("Ref") if isinstance(key, dict) else None
        if key_id is None and isinstance(key, dict) and "Fn::GetAtt" in key:
            key_id = key["Fn::GetAtt"][0]
        if key_id in stack.arns and resources.get(key_id, {}).get("Type") == "AWS::KMS::Key":
            return [Need(action, stack.arns[key_id]) for action in actions]
    return []


def check(recorder: CallRecorder, template_path: str | None = None) -> Report:
    """Every recorded call against its function's role (see the module docstring)."""
    translated = translated_template(template_path)
    known = set(functions_of(translated)) | {
        lid for lid, r in translated["Resources"].items() if r["Type"] == "AWS::IAM::Role"
    }
    policies: dict[tuple[str, int], Policy] = {}

    def policy(function: str, index: int) -> Policy:
        if (function, index) not in policies:
            policies[(function, index)] = policy_for(translated, function, recorder.stacks[index].intrinsics)
        return policies[(function, index)]

    counts: dict[str, Counter[str]] = {}
    used: set[Grant] = set()
    refused: dict[tuple[str, str, Need], Refusal] = {}
    unchecked: Counter[str] = Counter()
    for call, count in recorder.calls.items():
        function = principal(call.function)
        label = f"{call.service}:{call.operation}"
        counts.setdefault(call.function, Counter())[label] += count
        if call.function.endswith(" (state machine)") and not any(
            _of_a_stack(n.resource, s) for n in call.needs for s in recorder.stacks
        ):
            # A state machine a test built on resources of its own (tests/integration/workflow):
            # not one of the template's, so not the template role's business.
            unchecked[f"{call.function} {label} (resources not from template.yaml)"] += count
            continue
        if function not in known:
            raise ValueError(f"calls attributed to {function}, which is not a function of the template")
        if call.stack < 0:
            unchecked[f"{call.function} {label} (before any local stack)"] += count
            continue
        stack = recorder.stacks[call.stack]
        for need in [n for own in call.needs for n in (own, *implied_needs(own, stack))]:
            decision = policy(function, call.stack).decide(need)
            if not decision.allowed:
                # A test may hold two stacks at once: the resource may belong to an earlier one.
                for other in range(len(recorder.stacks) - 1, -1, -1):
                    if other != call.stack and (alt := policy(function, other).decide(need)).allowed:
                        decision = alt
                        break
            if decision.allowed:
                used.update(decision.used)
                continue
            shown = _symbolize(need.resource, recorder.stacks[call.stack])
            key = (call.function, label, Need(need.action, shown, need.context))
            if key in refused:
                refused[key].count += count
                continue
            needed: dict[str, Any] = {"Effect": "Allow", "Action": need.action, "Resource": shown}
            for name, value in need.context:
                needed.setdefault("Condition", {"StringEquals": {}})["StringEquals"][name] = value
            refused[key] = Refusal(call.function, label, need, shown, needed, count)
    unused: dict[str, list[Unused]] = {}
    for function in sorted({principal(c.function) for c in recorder.calls} & known):
        index = max(c.stack for c in recorder.calls if principal(c.function) == function)
        if index >= 0:
            unused[function] = unused_grants(policy(function, index), used)
    return Report(list(refused.values()), counts, unused, unchecked, recorder.unattributed)


def write_report(report: Report, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(report.lines()) + "\n", encoding="utf-8")
