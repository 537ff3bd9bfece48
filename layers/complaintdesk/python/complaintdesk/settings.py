"""The settings of the desk: one validated model, and the only reader of the environment.

Every value a function is configured with comes from its environment (template.yaml's Globals and
Variables; the local stack's ``function_environment``) through ``get_settings()`` — no other module
of the package or of ``functions/`` reads ``os.environ``. They are read when first needed, never at
import time, so tests start moto (and set variables) before the first call. The model is rebuilt
when a variable it reads changes (tests change them mid-run); ``reset_settings()`` drops it anyway.

A value that cannot be right (a number that is not one, an unknown mode, no signing key outside
local mode) is an ``InvalidSettings`` error naming the variable, raised by the first read — at the
start of a function, not halfway through a request.

``COMPLAINTDESK_MODE`` says where the code runs: ``local`` (the local stack and the test suite set
it) or ``aws``. Unset, it is ``aws`` on Lambda (the runtime sets ``AWS_LAMBDA_FUNCTION_NAME``) and
``local`` elsewhere (offline tools, a shell). Only in local mode may the HMAC key of links and reply
addresses fall back to a built-in development key; in ``aws`` mode the key is the Secrets Manager
secret ``SIGNING_SECRET_ARN`` names (or an explicit ``SIGNING_SECRET``), and without one the
settings refuse to load.
"""

from __future__ import annotations

import math
import os
import threading
from collections.abc import Mapping
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

# The HMAC key of plus addresses and customer links in local mode only: it is public (it is here).
LOCAL_SIGNING_SECRET = "local-dev-secret-change-me"
MODE_VARIABLE = "COMPLAINTDESK_MODE"


class InvalidSettings(ValueError):
    """The environment does not configure a working desk; the message names the variable."""


class Settings(BaseModel):
    """What the functions are configured with. Each field's alias is its environment variable."""

    model_config = ConfigDict(frozen=True, extra="ignore", populate_by_name=True, defer_build=True)

    # "aws": deployed (no signing key is an error). "local": the local stack, tests, offline tools.
    mode: Literal["aws", "local"] = Field("aws", alias=MODE_VARIABLE)
    # AWS_REGION, else AWS_DEFAULT_REGION (``from_environ`` picks), else us-east-1.
    region: str = Field("us-east-1", alias="AWS_REGION")
    table_name: str = Field("complaintdesk", alias="TABLE_NAME")
    idempotency_table_name: str = Field("complaintdesk-idempotency", alias="IDEMPOTENCY_TABLE_NAME")
    events_topic_arn: str = Field("", alias="EVENTS_TOPIC_ARN")
    callback_queue_url: str = Field("", alias="CALLBACK_QUEUE_URL")
    workflow_role_arn: str = Field("", alias="WORKFLOW_ROLE_ARN")
    workflow_log_group_arn: str = Field("", alias="WORKFLOW_LOG_GROUP_ARN")
    state_machine_prefix: str = Field("complaintdesk", alias="STATE_MACHINE_PREFIX")
    # The bucket of inbound mail and of ticket attachments (services/attachments.py).
    mail_bucket: str = Field("", alias="MAIL_BUCKET")
    # A customer may reopen a resolved ticket (by API or e-mail reply) this long after resolution.
    reopen_window_days: int = Field(14, alias="REOPEN_WINDOW_DAYS")
    # Where a customer who rejects a resolution can turn (ISO 10002 recourse), unless the category
    # names its own: a JSON list of {"kind": "internal"|"external", "names": {"tr","en","lv"},
    # "url" or "contact"} (categories.model.Recourse). Empty: only our own review is named.
    recourse_json: str = Field("", alias="RECOURSE")
    # Who acknowledgements and notifications come from, and where customers reply.
    sender_address: str = Field("support@complaintdesk.example", alias="SENDER_ADDRESS")
    # HMAC key of plus addresses, status and survey links: the Secrets Manager secret
    # SIGNING_SECRET_ARN names (template.yaml's SigningSecret; the local stack makes one in moto),
    # read by complaintdesk.signing. Without an ARN, SIGNING_SECRET is the key; in local mode only,
    # LOCAL_SIGNING_SECRET when neither is set (pure unit tests).
    signing_secret_arn: str = Field("", alias="SIGNING_SECRET_ARN")
    signing_secret: str = Field("", alias="SIGNING_SECRET")
    public_base_url: str = Field("http://127.0.0.1:8000", alias="PUBLIC_BASE_URL")
    # The staff console's origin (scheme://host[:port]): API responses carry it as
    # Access-Control-Allow-Origin, like API Gateway's preflight and its own answers. Empty: no CORS.
    console_origin: str = Field("", alias="CONSOLE_ORIGIN")
    # "apigateway": trust the claims API Gateway's Cognito authorizer put in the request context.
    # "jwks": verify the bearer token here against the user pool's JWKS (local run, tests).
    auth_mode: str = Field("apigateway", alias="AUTH_MODE")
    jwks_url: str = Field("", alias="JWKS_URL")
    # The staff user pool: who may be a team member, and the staff list (services/teams.py).
    user_pool_id: str = Field("", alias="USER_POOL_ID")
    jwt_issuer: str = Field("", alias="JWT_ISSUER")
    jwt_audience: str = Field("", alias="JWT_AUDIENCE")
    # Shrinks every SLA for the local demo (1 SLA hour = 1 second at 3600). Never set in production.
    time_scale: float = Field(1.0, alias="TIME_SCALE", gt=0)
    max_description_chars: int = Field(20000, alias="MAX_DESCRIPTION_CHARS")
    # Phones written without a country code are read in this region (ISO 3166 alpha-2), unless the
    # customer's country is given (complaintdesk.phones).
    default_phone_region: str = Field("TR", alias="DEFAULT_PHONE_REGION")
    # The desk's calendar where no category names one (uncategorised tickets): its working hours
    # count the default first-response promise, its time zone shows the customer's dates.
    default_calendar: str = Field("tr-istanbul", alias="DEFAULT_CALENDAR")
    # The first reply an uncategorised ticket is promised: a duration ('4h', '1d' = one working
    # day of the default calendar) in that calendar's business hours (services/promises.py).
    first_response_sla: str = Field("1d", alias="FIRST_RESPONSE_SLA")
    idempotency_expiry_seconds: int = Field(24 * 3600, alias="IDEMPOTENCY_EXPIRY_SECONDS")
    # Mail intake (services/email_intake.py): tickets one sender may open per hour before their mail
    # is quarantined, and team notices of replies to one resolved ticket per UTC day.
    mail_sender_limit_per_hour: int = Field(20, alias="MAIL_SENDER_LIMIT_PER_HOUR")
    mail_late_reply_notices_per_day: int = Field(3, alias="MAIL_LATE_REPLY_NOTICES_PER_DAY")
    # The owner team is reminded this many minutes before a step is due (services/reminders.py).
    reminder_lead_minutes: float = Field(120.0, alias="REMINDER_LEAD_MINUTES")
    # Another folder of default category definitions instead of the shipped ones (categories/defaults.py).
    categories_dir: str = Field("", alias="CATEGORIES_DIR")
    # Powertools' service name and metrics namespace (complaintdesk.observability).
    service_name: str = Field("complaintdesk", alias="POWERTOOLS_SERVICE_NAME")
    metrics_namespace: str = Field("ComplaintDesk", alias="POWERTOOLS_METRICS_NAMESPACE")

    @field_validator("reminder_lead_minutes", mode="before")
    @classmethod
    def _minutes(cls, value: Any) -> Any:
        try:
            minutes = float(value)
        except (TypeError, ValueError):
            raise ValueError(f"REMINDER_LEAD_MINUTES must be a number of minutes, not {value!r}") from None
        if not math.isfinite(minutes) or minutes <= 0:
            raise ValueError(f"REMINDER_LEAD_MINUTES must be positive, not {value!r}")
        return minutes

    @model_validator(mode="after")
    def _signing_key_outside_local_mode(self) -> Settings:
        if self.mode != "local" and not (self.signing_secret_arn or self.signing_secret):
            raise ValueError(
                "no signing key: set SIGNING_SECRET_ARN (the Secrets Manager secret of template.yaml's "
                "SigningSecret) or SIGNING_SECRET; the built-in key is for local mode only "
                f"({MODE_VARIABLE}=local)"
            )
        return self

    @property
    def signing_key(self) -> str:
        """The key itself when it is not a secret to read (no ARN): SIGNING_SECRET, or the local one."""
        return self.signing_secret or LOCAL_SIGNING_SECRET

    @classmethod
    def from_environ(cls, environ: Mapping[str, str]) -> Settings:
        """The settings ``environ`` configures. An empty (or blank) variable counts as unset: the default."""
        values = {name: value for name, value in environ.items() if name in _VARIABLES and value.strip()}
        values.setdefault(MODE_VARIABLE, "aws" if environ.get("AWS_LAMBDA_FUNCTION_NAME") else "local")
        region = environ.get("AWS_REGION") or environ.get("AWS_DEFAULT_REGION")
        if region:
            values["AWS_REGION"] = region
        try:
            return cls.model_validate(values)
        except ValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(str(part) for part in error['loc']) or 'settings'}: {error['msg']}"
                for error in exc.errors()
            )
            raise InvalidSettings(f"invalid settings: {problems}") from None


# Every variable the model reads (its aliases), AWS_DEFAULT_REGION for the region, and the variable
# the Lambda runtime sets for the mode.
_VARIABLES: frozenset[str] = frozenset(
    {str(f.alias) for f in Settings.model_fields.values() if f.alias}
    | {"AWS_DEFAULT_REGION", "AWS_LAMBDA_FUNCTION_NAME"}
)
_NAMES: tuple[str, ...] = tuple(sorted(_VARIABLES))
_lock = threading.Lock()
_cached: tuple[tuple[str | None, ...], Settings] | None = None


def get_settings() -> Settings:
    """The settings of the current environment (validated once per change of the variables read)."""
    global _cached
    snapshot = tuple(os.environ.get(name) for name in _NAMES)
    cached = _cached
    if cached is not None and cached[0] == snapshot:
        return cached[1]
    with _lock:
        settings = Settings.from_environ(
            {n: v for n, v in zip(_NAMES, snapshot, strict=True) if v is not None}
        )
        _cached = (snapshot, settings)
    return settings


def reset_settings() -> None:
    global _cached
    _cached = None
