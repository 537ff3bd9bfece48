"""Intake from the API: validate, then create at most once per Idempotency-Key."""

from __future__ import annotations

from typing import Any

from complaintdesk import idempotency
from complaintdesk.errors import Conflict, InvalidInput
from complaintdesk.observability import bind_ticket, logger
from complaintdesk.schemas import TicketCreate, parse
from complaintdesk.services import tickets

MAX_KEY_LENGTH = 255


def _create(payload: dict[str, Any]) -> dict[str, Any]:
    data = TicketCreate.model_validate(payload["body"])
    view = tickets.create_ticket(data, actor=payload["actor"])
    bind_ticket(view["ticket_id"])
    logger().info(
        "ticket created",
        extra={"channel": data.channel, "category": data.category, "customer_id": view["customer_id"]},
    )
    return view


def create_from_api(
    body: Any, *, idempotency_key: str | None, actor: str, lambda_context: Any = None
) -> dict[str, Any]:
    parse(TicketCreate, body)  # bad input is refused before anything is written or remembered
    payload = {"key": idempotency_key, "body": body, "actor": actor}
    if not idempotency_key:
        return _create(payload)
    if len(idempotency_key) > MAX_KEY_LENGTH:
        raise InvalidInput(f"Idempotency-Key is longer than {MAX_KEY_LENGTH} characters")
    from aws_lambda_powertools.utilities.idempotency.exceptions import (
        IdempotencyAlreadyInProgressError,
        IdempotencyValidationError,
    )

    try:
        return idempotency.run(
            "create-ticket", _create, payload, key="key", validate="body", lambda_context=lambda_context
        )
    except IdempotencyValidationError:
        raise Conflict("this Idempotency-Key was already used with a different request body") from None
    except IdempotencyAlreadyInProgressError:
        raise Conflict(
            "a request with this Idempotency-Key is still being processed; retry shortly"
        ) from None
