"""Settings read from the environment when first needed, never at import time.

Tests start moto (and set variables) before the first call; ``reset_settings()`` drops the cache.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import lru_cache


def _env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


@dataclass(frozen=True)
class Settings:
    region: str = field(default_factory=lambda: _env("AWS_REGION", _env("AWS_DEFAULT_REGION", "us-east-1")))
    table_name: str = field(default_factory=lambda: _env("TABLE_NAME", "complaintdesk"))
    idempotency_table_name: str = field(
        default_factory=lambda: _env("IDEMPOTENCY_TABLE_NAME", "complaintdesk-idempotency")
    )
    events_topic_arn: str = field(default_factory=lambda: _env("EVENTS_TOPIC_ARN"))
    callback_queue_url: str = field(default_factory=lambda: _env("CALLBACK_QUEUE_URL"))
    workflow_role_arn: str = field(default_factory=lambda: _env("WORKFLOW_ROLE_ARN"))
    workflow_log_group_arn: str = field(default_factory=lambda: _env("WORKFLOW_LOG_GROUP_ARN"))
    state_machine_prefix: str = field(default_factory=lambda: _env("STATE_MACHINE_PREFIX", "complaintdesk"))
    # A customer may reopen a resolved ticket (by API or e-mail reply) this long after resolution.
    reopen_window_days: int = field(default_factory=lambda: int(_env("REOPEN_WINDOW_DAYS", "14")))
    # Where a customer who rejects a resolution can turn (ISO 10002 recourse), unless the category
    # names its own: a JSON list of {"kind": "internal"|"external", "names": {"tr","en","lv"},
    # "url" or "contact"} (categories.model.Recourse). Empty: only our own review is named.
    recourse_json: str = field(default_factory=lambda: _env("RECOURSE", ""))
    # Who acknowledgements and notifications come from, and where customers reply.
    sender_address: str = field(
        default_factory=lambda: _env("SENDER_ADDRESS", "support@complaintdesk.example")
    )
    # HMAC key of plus addresses, status and survey links: the Secrets Manager secret
    # SIGNING_SECRET_ARN names (template.yaml's SigningSecret; the local stack makes one in moto),
    # read by complaintdesk.signing. Only without an ARN (pure unit tests) does SIGNING_SECRET apply.
    signing_secret_arn: str = field(default_factory=lambda: _env("SIGNING_SECRET_ARN"))
    signing_secret: str = field(default_factory=lambda: _env("SIGNING_SECRET", "local-dev-secret-change-me"))
    public_base_url: str = field(default_factory=lambda: _env("PUBLIC_BASE_URL", "http://127.0.0.1:8000"))
    # The staff console's origin (scheme://host[:port]): API responses carry it as
    # Access-Control-Allow-Origin, like API Gateway's preflight and its own answers. Empty: no CORS.
    console_origin: str = field(default_factory=lambda: _env("CONSOLE_ORIGIN"))
    # "apigateway": trust the claims API Gateway's Cognito authorizer put in the request context.
    # "jwks": verify the bearer token here against the user pool's JWKS (local run, tests).
    auth_mode: str = field(default_factory=lambda: _env("AUTH_MODE", "apigateway"))
    jwks_url: str = field(default_factory=lambda: _env("JWKS_URL"))
    jwt_issuer: str = field(default_factory=lambda: _env("JWT_ISSUER"))
    jwt_audience: str = field(default_factory=lambda: _env("JWT_AUDIENCE"))
    # Shrinks every SLA for the local demo (1 SLA hour = 1 second at 3600). Never set in production.
    time_scale: float = field(default_factory=lambda: float(_env("TIME_SCALE", "1") or "1"))
    max_description_chars: int = field(default_factory=lambda: int(_env("MAX_DESCRIPTION_CHARS", "20000")))
    # Phones written without a country code are read in this region (ISO 3166 alpha-2), unless the
    # customer's country is given (complaintdesk.phones).
    default_phone_region: str = field(default_factory=lambda: _env("DEFAULT_PHONE_REGION", "TR"))
    # The desk's calendar where no category names one (uncategorised tickets): its working hours
    # count the default first-response promise, its time zone shows the customer's dates.
    default_calendar: str = field(default_factory=lambda: _env("DEFAULT_CALENDAR", "tr-istanbul"))
    # The first reply an uncategorised ticket is promised: a duration ('4h', '1d' = one working
    # day of the default calendar) in that calendar's business hours (services/promises.py).
    first_response_sla: str = field(default_factory=lambda: _env("FIRST_RESPONSE_SLA", "1d"))
    idempotency_expiry_seconds: int = field(
        default_factory=lambda: int(_env("IDEMPOTENCY_EXPIRY_SECONDS", str(24 * 3600)))
    )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()


def reset_settings() -> None:
    get_settings.cache_clear()
