"""Powertools Idempotency, built lazily: one persistence layer per protected operation."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

from complaintdesk.settings import get_settings


@cache
def protected(
    name: str, operation: Callable[..., Any], *, key: str, validate: str | None = None
) -> Callable[..., Any]:
    """``operation(payload=...)`` run at most once per value of ``key`` (a JMESPath into the payload).

    With ``validate``, a repeat whose validated part differs raises IdempotencyValidationError
    instead of returning the first result.
    """
    from aws_lambda_powertools.utilities.idempotency import (
        DynamoDBPersistenceLayer,
        IdempotencyConfig,
        idempotent_function,
    )

    from complaintdesk.store.models import connection

    settings = get_settings()
    # The store's DynamoDB client (one per process): a second client is ~15 ms more of a cold start.
    persistence = DynamoDBPersistenceLayer(
        table_name=settings.idempotency_table_name, boto3_client=connection().client
    )
    config = IdempotencyConfig(
        event_key_jmespath=key,
        payload_validation_jmespath=validate,
        raise_on_no_idempotency_key=True,
        expires_after_seconds=settings.idempotency_expiry_seconds,
    )
    guarded = idempotent_function(
        data_keyword_argument="payload", persistence_store=persistence, config=config, key_prefix=name
    )(operation)
    guarded.__wrapped_config__ = config  # type: ignore[attr-defined]
    return guarded


def run(
    name: str,
    operation: Callable[..., Any],
    payload: dict[str, Any],
    *,
    key: str,
    validate: str | None = None,
    lambda_context: Any = None,
) -> Any:
    """Call ``operation`` through its idempotency guard; the Lambda context lets Powertools bound
    an in-progress record by the invocation's remaining time."""
    guarded = protected(name, operation, key=key, validate=validate)
    if lambda_context is not None and hasattr(lambda_context, "get_remaining_time_in_millis"):
        guarded.__wrapped_config__.register_lambda_context(lambda_context)  # type: ignore[attr-defined]
    return guarded(payload=payload)


def reset() -> None:
    protected.cache_clear()
