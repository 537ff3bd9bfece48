"""Canned replies: texts prepared per category and language, kept by admins, filled for a ticket by agents.

- Admins create, replace and delete a category's replies (``/categories/{id}/canned-replies``). A
  text may name only the placeholders of ``notify/canned.py``; any other is refused (400) when it is
  saved, naming it, so a reply never fails when an agent uses it. Replace sends the version read
  (stale → 409); a new id that exists is 409.
- Staff list them (one Query of the category's partition) and fill one for a ticket: the ticket's
  customer's language unless another is asked for; a reply without a text in it is 404 naming the
  languages it has. ``{due_date}`` is the current step's due time, in that language and the
  category calendar's time zone (Babel); a ticket with no step running has none (409).
- A public comment may name a canned reply instead of a body (``CommentIn.canned_reply_id``): the
  text filled here is what the customer receives (``services/tickets.add_comment``).
"""

from __future__ import annotations

import re
import secrets
from typing import Any

from complaintdesk import clock
from complaintdesk.errors import Conflict, NotFound
from complaintdesk.lifecycle import ACTIVE_STATUSES
from complaintdesk.notify.canned import fill, placeholders
from complaintdesk.schemas import CANNED_REPLY_ID
from complaintdesk.store import repository as repo
from complaintdesk.store.models import CannedReply, Customer, Ticket

LANGUAGE_NAMES = {"tr": "Turkish", "en": "English", "lv": "Latvian"}


def reply_view(reply: CannedReply) -> dict[str, Any]:
    texts = dict(reply.texts or {})
    used: list[str] = []
    for text in texts.values():
        used += [name for name in placeholders(text) if name not in used]
    return {
        "category_id": reply.category_id,
        "reply_id": reply.reply_id,
        "title": reply.title,
        "texts": texts,
        "languages": sorted(texts),
        "placeholders": used,
        "updated_at": reply.updated_at,
        "updated_by": reply.updated_by,
        "version": int(reply.version or 0),
    }


def _category(category_id: str) -> None:
    """404 unless the category is published (or a shipped default)."""
    from complaintdesk.services.categories import definition

    definition(category_id)


def _load(category_id: str, reply_id: str) -> CannedReply:
    if not re.fullmatch(CANNED_REPLY_ID, reply_id):  # no such id was ever saved (nor fits a key)
        raise NotFound(f"no canned reply {reply_id[:80]!r}: ids are lower-case letters, digits and dashes")
    return repo.get(
        CannedReply,
        CannedReply.key(category_id, reply_id),
        f"canned reply {reply_id!r} of category {category_id!r}",
    )


def list_replies(
    category_id: str, *, language: str | None = None, limit: int = 100, cursor: str | None = None
) -> dict[str, Any]:
    _category(category_id)
    pk, _ = CannedReply.key(category_id, "")
    items, next_cursor = repo.query_index_base(
        CannedReply, pk, prefix=CannedReply.SK_PREFIX, limit=limit, cursor=cursor
    )
    return {
        "category_id": category_id,
        "replies": [reply_view(r) for r in items if language is None or language in (r.texts or {})],
        "next_cursor": next_cursor,
    }


def get_reply(category_id: str, reply_id: str) -> dict[str, Any]:
    return reply_view(_load(category_id, reply_id))


def create_reply(category_id: str, data: Any, *, actor: str) -> dict[str, Any]:
    _category(category_id)
    at = clock.iso(clock.now())
    reply_id = data.id or f"r-{secrets.token_hex(4)}"
    pk, sk = CannedReply.key(category_id, reply_id)
    reply = CannedReply(
        pk,
        sk,
        category_id=category_id,
        reply_id=reply_id,
        title=data.title,
        texts=dict(data.texts),
        created_at=at,
        updated_at=at,
        updated_by=actor,
    )
    try:
        repo.save(reply, CannedReply.PK.does_not_exist())
    except Conflict:
        raise Conflict(
            f"category {category_id!r} already has a canned reply {reply_id!r}; replace it with PUT"
        ) from None
    return reply_view(reply)


def update_reply(category_id: str, reply_id: str, data: Any, *, actor: str) -> dict[str, Any]:
    reply = _load(category_id, reply_id)
    if data.version is not None and data.version != reply.version:
        raise Conflict(
            f"canned reply {reply_id!r} is at version {reply.version}, not {data.version}; read it again"
        )
    reply.title, reply.texts = data.title, dict(data.texts)
    reply.updated_at, reply.updated_by = clock.iso(clock.now()), actor
    repo.save(reply)  # the version attribute makes a concurrent change a 409
    return reply_view(reply)


def delete_reply(category_id: str, reply_id: str) -> dict[str, Any]:
    reply = _load(category_id, reply_id)
    repo.ready()
    reply.delete()
    return {"category_id": category_id, "reply_id": reply_id, "deleted": True}


# --- filling one for a ticket ------------------------------------------------------------------------


def _timezone(ticket: Ticket) -> str:
    from complaintdesk.services.categories import category_definition
    from complaintdesk.services.promises import zone_of

    version = int(ticket.category_version) if ticket.category_version else None
    defn = category_definition(ticket.category, version)
    return zone_of(defn) if defn is not None else "UTC"


def fill_for_ticket(ticket: Ticket, reply_id: str, language: str | None = None) -> dict[str, Any]:
    """The canned reply ``reply_id`` of the ticket's category, filled for it in ``language`` (default:
    the customer's)."""
    from complaintdesk.services.recipients import customer_language

    if not ticket.category:
        raise NotFound(
            f"ticket {ticket.ticket_id} has no category, so no canned replies; set its category first"
        )
    reply = _load(ticket.category, reply_id)
    customer = repo.get(Customer, Customer.key(ticket.customer_id), "customer")
    language = language or customer_language(customer, ticket.language)
    texts = reply.texts or {}
    if language not in texts:
        has = ", ".join(f"{LANGUAGE_NAMES.get(code, code)} ({code})" for code in sorted(texts))
        raise NotFound(
            f"canned reply {reply_id!r} has no {LANGUAGE_NAMES.get(language, language)} ({language}) text; "
            f"it has {has or 'none'}: add one, or ask for ?language="
        )
    text = texts[language]
    due = None
    if "due_date" in placeholders(text) and ticket.step_due_at and ticket.status in ACTIVE_STATUSES:
        from complaintdesk.notify.templates import format_moment

        due = format_moment(clock.parse_iso(ticket.step_due_at), language, _timezone(ticket))
    values = {
        "customer_name": customer.name,
        "ticket_id": ticket.ticket_id,
        "complaint_subject": ticket.subject,
        "due_date": due,
    }
    try:
        filled = fill(text, values)
    except KeyError as exc:
        raise Conflict(
            f"canned reply {reply_id!r} names {{{exc.args[0]}}}, but ticket {ticket.ticket_id} has no "
            "step running, so no due date; write the reply yourself"
        ) from None
    return {
        "ticket_id": ticket.ticket_id,
        "category_id": ticket.category,
        "reply_id": reply_id,
        "title": reply.title,
        "language": language,
        "text": filled,
    }


def render_for_ticket(ticket_id: str, reply_id: str, language: str | None = None) -> dict[str, Any]:
    from complaintdesk.store.tickets import load

    return fill_for_ticket(load(ticket_id), reply_id, language)
