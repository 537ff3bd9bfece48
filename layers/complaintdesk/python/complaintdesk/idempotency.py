"""Powertools Idempotency, built lazily: one persistence layer per protected operation."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import TYPE_CHECKING, Any, TypeVar, cast

from complaintdesk.settings import get_settings

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.idempotency import IdempotencyConfig

_R = TypeVar("_R")


def protected(
    name: str, operation: Callable[..., Any], *, key: str, validate: str | None = None
) -> Callable[..., Any]:
    """``operation(payload=...)`` run at most once per value of ``key`` (a JMESPath into the payload).

    With ``validate``, a repeat whose validated part differs raises IdempotencyValidationError
    instead of returning the first result.
    """
    return _guarded(name, operation, key=key, validate=validate)[0]


@cache
def _guarded(
    name: str, operation: Callable[..., Any], *, key: str, validate: str | None
) -> tuple[Callable[..., Any], IdempotencyConfig]:
    """The guarded operation and its config (which takes the Lambda context of each invocation)."""
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
        payload_validation_jmespath=validate or "",  # Powertools' "no validation"
        raise_on_no_idempotency_key=True,
        expires_after_seconds=settings.idempotency_expiry_seconds,
    )
    guarded: Callable[..., Any] = idempotent_function(
        data_keyword_argument="payload", persistence_store=persistence, config=config, key_prefix=name
    )(operation)
    return guarded, config


def run(
    name: str,
    operation: Callable[..., _R],
    payload: dict[str, Any],
    *,
    key: str,
    validate: str | None = None,
    lambda_context: Any = None,
) -> _R:
    """Call ``operation`` through its idempotency guard; the Lambda context lets Powertools bound
    an in-progress record by the invocation's remaining time."""
    guarded, config = _guarded(name, operation, key=key, validate=validate)
    if lambda_context is not None and hasattr(lambda_context, "get_remaining_time_in_millis"):
        config.register_lambda_context(lambda_context)
    # A repeat returns the first run's stored result: the same value, read back from its JSON.
    return cast(_R, guarded(payload=payload))


def reset() -> None:
    _guarded.cache_clear()
