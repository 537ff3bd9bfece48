"""Storage operations on the single table. No Scan anywhere: every read is a Get or a Query."""

from __future__ import annotations

import base64
import binascii
import json
import re
import uuid
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter
from pynamodb.exceptions import DoesNotExist, PutError, QueryError, TransactWriteError
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

from complaintdesk import clock
from complaintdesk.errors import Conflict, InvalidInput, NotFound
from complaintdesk.lifecycle import PlanStart
from complaintdesk.store.models import (
    ContactLookup,
    Counter,
    Item,
    MessageLink,
    OutboxEvent,
    TimelineEvent,
    bind_models,
    connection,
)

if TYPE_CHECKING:
    from complaintdesk.events import DomainEvent

M = TypeVar("M", bound=Model)
T = TypeVar("T", bound=Item)  # an item of the single table: it has PK and SK
# Outbox items outlive every stream retry (stream records live 24 hours), then TTL removes them.
OUTBOX_TTL_SECONDS = 3 * 24 * 3600


def ready() -> None:
    """Bind models to the configured table (cheap after the first call)."""
    bind_models()


def reset() -> None:
    bind_models(force=True)


def transaction() -> TransactWrite:
    return TransactWrite(connection=connection())


def is_condition_failure(error: Exception) -> bool:
    reasons = getattr(error, "cancellation_reasons", None) or []
    if any(r is not None and r.code == "ConditionalCheckFailed" for r in reasons):
        return True
    cause = getattr(error, "cause_response_code", None)
    return cause in ("ConditionalCheckFailedException", "TransactionCanceledException")


# --- cursors ------------------------------------------------------------------------------
#
# A cursor is the LastEvaluatedKey of a page, base64url-encoded JSON. It comes back from a client,
# so it is read defensively: DynamoDB refuses (ValidationException, a 500 for us) a start key whose
# attributes are not exactly the table's key plus the queried index's key, or whose partition is not
# the one queried; moto accepts both. Anything but a key of this very list is a 400.

_CURSOR_CHARS = re.compile(r"^[A-Za-z0-9_-]{1,2048}={0,2}$")


class _KeyValue(BaseModel):
    """One key attribute in DynamoDB's wire form; every key of this table is a string."""

    model_config = ConfigDict(extra="forbid", strict=True, defer_build=True)

    S: str = Field(min_length=1, max_length=2048)


_START_KEY: TypeAdapter[dict[str, _KeyValue]] = TypeAdapter(
    dict[str, _KeyValue], config=ConfigDict(defer_build=True)
)


def invalid_cursor(why: str) -> InvalidInput:
    return InvalidInput(
        "cursor is not valid: send the next_cursor of the previous page of this same list, unchanged",
        details=[{"field": "cursor", "message": why}],
    )


def encode_cursor(key: dict[str, Any] | None) -> str | None:
    if not key:
        return None
    return base64.urlsafe_b64encode(json.dumps(key, separators=(",", ":")).encode()).decode().rstrip("=")


def key_attributes(source: Any) -> tuple[str, str | None, frozenset[str]]:
    """(partition attribute, sort attribute, every key attribute) of a start key for a query of
    ``source``: a model (the table's key) or one of its indexes (the index's key plus the table's)."""
    model = getattr(source, "_model", None) or source
    table = [a for a in model.get_attributes().values() if a.is_hash_key or a.is_range_key]
    own = (
        table
        if model is source
        else [a for a in source.Meta.attributes.values() if a.is_hash_key or a.is_range_key]
    )
    partition = next(a.attr_name for a in own if a.is_hash_key)
    sort = next((a.attr_name for a in own if a.is_range_key), None)
    return partition, sort, frozenset(a.attr_name for a in own + table)


def decode_cursor(
    cursor: str | None, source: Any, partition: str, *, sort_prefix: str | None = None
) -> dict[str, Any] | None:
    """The start key a cursor carries, checked to be a key of the query of ``source`` (a model or an
    index) in ``partition``; else InvalidInput (400) naming the cursor."""
    if not cursor:
        return None
    if not _CURSOR_CHARS.match(cursor):
        raise invalid_cursor("is not base64url text")
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        key = _START_KEY.validate_json(raw)
    except (ValueError, binascii.Error):  # ValidationError is a ValueError
        raise invalid_cursor("is not a key this list gave out") from None
    partition_name, sort_name, names = key_attributes(source)
    if set(key) != names:
        raise invalid_cursor("is a key of another list")
    if partition != key[partition_name].S:
        raise invalid_cursor("belongs to another list")
    if sort_prefix and sort_name and not key[sort_name].S.startswith(sort_prefix):
        raise invalid_cursor("belongs to another list")
    return {name: {"S": value.S} for name, value in key.items()}


def page(results: Any, limit: int, *, cursor: str | None = None) -> tuple[list[Any], str | None]:
    """Read one page; a start key DynamoDB itself refuses is still the client's bad cursor (400)."""
    try:
        items = list(results)
    except QueryError as exc:
        if cursor and exc.cause_response_code == "ValidationException":
            raise invalid_cursor("is not a key this list gave out") from None
        raise
    next_cursor = encode_cursor(results.last_evaluated_key) if len(items) >= limit else None
    return items, next_cursor


# --- counters and lookups -----------------------------------------------------------------


def next_number(name: str) -> int:
    ready()
    counter = Counter(f"COUNTER#{name}", "COUNTER")
    counter.update(actions=[Counter.value.add(1)])
    return int(counter.value)


def get(model: type[M], key: tuple[str, str], what: str) -> M:
    ready()
    try:
        return model.get(*key, consistent_read=True)
    except DoesNotExist:
        raise NotFound(f"{what} not found") from None


def find(model: type[M], key: tuple[str, str]) -> M | None:
    ready()
    try:
        return model.get(*key, consistent_read=True)
    except DoesNotExist:
        return None


def find_many(model: type[T], keys: Iterable[tuple[str, str]]) -> list[T]:
    """The items of ``keys`` that exist (BatchGetItem, 100 keys a request; eventually consistent)."""
    ready()
    wanted = list(dict.fromkeys(keys))
    return list(model.batch_get(wanted)) if wanted else []


def customer_for_contact(kind: str, value: str) -> str | None:
    lookup = find(ContactLookup, ContactLookup.key(kind, value))
    return lookup.customer_id if lookup else None


def ticket_for_message(message_id: str) -> str | None:
    key, legacy = MessageLink.key(message_id), MessageLink.legacy_key(message_id)
    link = find(MessageLink, key) or (find(MessageLink, legacy) if legacy != key else None)
    return link.ticket_id if link else None


# --- queries --------------------------------------------------------------------------------


def query_index(
    index: Any,
    partition: str,
    *,
    limit: int,
    cursor: str | None,
    filter_condition: Any = None,
    range_condition: Any = None,
    sort_prefix: str | None = None,
    newest_first: bool = True,
) -> tuple[list[Any], str | None]:
    """One page of ``index`` in ``partition``. ``sort_prefix``: the sort keys of this list start with
    it (pass it with a begins_with ``range_condition`` so a cursor from elsewhere is refused)."""
    ready()
    results = index.query(
        partition,
        range_key_condition=range_condition,
        filter_condition=filter_condition,
        scan_index_forward=not newest_first,
        limit=limit,
        page_size=limit if filter_condition is None else max(limit, 50),
        last_evaluated_key=decode_cursor(cursor, index, partition, sort_prefix=sort_prefix),
    )
    return page(results, limit, cursor=cursor)


def query_index_base(
    model: type[T],
    partition: str,
    *,
    prefix: str | None,
    limit: int,
    newest_first: bool = False,
    cursor: str | None = None,
) -> tuple[list[T], str | None]:
    """Items of one partition of the base table, optionally those whose SK starts with ``prefix``."""
    ready()
    results = model.query(
        partition,
        model.SK.startswith(prefix) if prefix else None,
        scan_index_forward=not newest_first,
        limit=limit,
        page_size=limit,
        last_evaluated_key=decode_cursor(cursor, model, partition, sort_prefix=prefix),
    )
    return page(results, limit, cursor=cursor)


def timeline(ticket_id: str, *, limit: int, cursor: str | None) -> tuple[list[TimelineEvent], str | None]:
    ready()
    results = TimelineEvent.query(
        f"TICKET#{ticket_id}",
        TimelineEvent.SK.startswith("EVENT#"),
        scan_index_forward=True,
        limit=limit,
        page_size=limit,
        last_evaluated_key=decode_cursor(cursor, TimelineEvent, f"TICKET#{ticket_id}", sort_prefix="EVENT#"),
    )
    return page(results, limit, cursor=cursor)


def customer_interactions(customer_id: str, *, limit: int) -> list[TimelineEvent]:
    """The customer's interactions across tickets and channels, newest first (the 360 view's GSI4)."""
    items, _ = query_index(
        TimelineEvent.customer_index,
        f"CUSTOMER#{customer_id}",
        limit=limit,
        cursor=None,
        range_condition=TimelineEvent.GSI4SK.startswith("EVENT#"),
    )
    return items


def outbox(
    ticket_id: str, events: Iterable[DomainEvent] = (), start: PlanStart | None = None
) -> list[OutboxEvent]:
    """The outbox items that carry ``events`` (and a plan start) out through the table's stream."""
    ready()
    now = clock.now()
    created, expires = clock.iso(now), int(now.timestamp()) + OUTBOX_TTL_SECONDS
    items = []
    if start is not None:
        pk, sk = OutboxEvent.key(ticket_id, f"start#{start.name}#{uuid.uuid4().hex[:8]}")
        plan = {"state_machine_arn": start.state_machine_arn, "name": start.name, "input": start.input}
        items.append(
            OutboxEvent(pk, sk, ticket_id=ticket_id, start=plan, created_at=created, expires_at=expires)
        )
    for event in events:
        pk, sk = OutboxEvent.key(event.ticket_id or ticket_id, f"{event.occurred_at}#{event.event_id}")
        envelope = event.model_dump(mode="json")
        items.append(
            OutboxEvent(
                pk, sk, ticket_id=event.ticket_id, event=envelope, created_at=created, expires_at=expires
            )
        )
    return items


def save_all(
    items: Iterable[tuple[Model, Any]],
    *,
    events: Iterable[DomainEvent] = (),
    start: PlanStart | None = None,
    ticket_id: str = "",
) -> None:
    """Write items in one transaction; each pair is (item, condition or None).

    ``events`` (and a plan ``start``) go in the same transaction as outbox items: they leave only if
    the change is saved, and they always leave once it is (the publisher reads the table's stream).
    """
    writes = list(items)
    events = list(events)
    if events or start:
        owner = ticket_id or (events[0].ticket_id if events else "")
        writes += [(item, None) for item in outbox(owner, events, start)]
    try:
        with transaction() as tx:
            for item, condition in writes:
                tx.save(item, condition=condition)
    except TransactWriteError as exc:
        if is_condition_failure(exc):
            conflict = Conflict("the ticket was changed by someone else; read it again and retry")
            conflict.failed_items = failed_items(exc)
            raise conflict from exc
        raise


def failed_items(error: Exception) -> set[int]:
    """Positions (in write order) of the items whose condition failed or that met a concurrent
    transaction; empty when DynamoDB did not say."""
    reasons = getattr(error, "cancellation_reasons", None) or []
    return {
        i
        for i, reason in enumerate(reasons)
        if reason is not None and reason.code in ("ConditionalCheckFailed", "TransactionConflict")
    }


def save(item: Model, condition: Any = None) -> None:
    ready()
    try:
        item.save(condition=condition)
    except PutError as exc:
        if is_condition_failure(exc):
            raise Conflict("the item was changed by someone else; read it again and retry") from exc
        raise
