"""Intake from the API: validate, then create at most once per Idempotency-Key.

Two guards, one durable: Powertools Idempotency answers a repeat from its record while the first
request runs or after it finished; and the key → ticket link (``IntakeKey``) is written in the
ticket's own transaction, so whatever fails after the commit (the response, the idempotency
record's completion, the function itself), the same key with the same body finds the same ticket
and never creates a second one.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from complaintdesk import idempotency
from complaintdesk.errors import Conflict, InvalidInput
from complaintdesk.observability import bind_ticket, logger
from complaintdesk.schemas import TicketCreate, parse
from complaintdesk.services import tickets
from complaintdesk.store import repository as repo
from complaintdesk.store.models import IntakeKey

MAX_KEY_LENGTH = 255


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _intake_key(payload: dict[str, Any]) -> IntakeKey | None:
    if not payload.get("key"):
        return None
    from complaintdesk import clock
    from complaintdesk.settings import get_settings

    now = clock.now()
    pk, sk = IntakeKey.key(_digest(payload["key"]))
    return IntakeKey(
        pk,
        sk,
        ticket_id="",
        body_hash=_digest(json.dumps(payload["body"], sort_keys=True, default=str)),
        created_at=clock.iso(now),
        expires_at=int(now.timestamp()) + get_settings().idempotency_expiry_seconds,
    )


def _replay(payload: dict[str, Any]) -> dict[str, Any] | None:
    """The ticket an earlier request with this key created, if one did (409 if its body differs)."""
    wanted = _intake_key(payload)
    if wanted is None:
        return None
    found = repo.find(IntakeKey, IntakeKey.key(_digest(payload["key"])))
    if found is None:
        return None
    if found.body_hash != wanted.body_hash:
        raise Conflict("this Idempotency-Key was already used with a different request body")
    bind_ticket(found.ticket_id)
    logger().info("ticket create replayed", extra={"ticket_id": found.ticket_id})
    view = tickets.get_ticket(found.ticket_id)
    if (payload["body"] or {}).get("attachments"):
        from complaintdesk.services import attachments

        view["uploads"] = attachments.pending_uploads(found.ticket_id)  # fresh URLs for what is still due
    return view


def _create(payload: dict[str, Any]) -> dict[str, Any]:
    data = TicketCreate.model_validate(payload["body"])
    declared: list[Any] = []
    ticket_id = None
    if data.attachments:
        # Files declared with the complaint are written pending in the ticket's own transaction,
        # so a saved ticket always has them; the answer carries a presigned upload for each.
        from complaintdesk import clock
        from complaintdesk.services import attachments

        at = clock.now()
        ticket_id = tickets.allocate_ticket_id(at)
        declared = attachments.declare(
            ticket_id, data.attachments, actor=payload["actor"], source="api", at=at
        )
    try:
        view = tickets.create_ticket(
            data,
            actor=payload["actor"],
            intake_key=_intake_key(payload),
            ticket_id=ticket_id,
            extra_writes=[(item, None) for item in declared] or None,
        )
    except Conflict:
        replayed = _replay(payload)  # a concurrent request with the same key won the race
        if replayed is None:
            raise
        return replayed
    if declared:
        view["uploads"] = [
            {**attachments.upload_view(i), "upload": attachments.upload_for(i)} for i in declared
        ]
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
    replayed = _replay(payload)
    if replayed is not None:
        return replayed
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
        replayed = _replay(payload)  # the first request committed but never marked its record done
        if replayed is not None:
            return replayed
        raise Conflict(
            "a request with this Idempotency-Key is still being processed; retry shortly"
        ) from None
