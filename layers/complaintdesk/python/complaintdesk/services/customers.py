"""Customers: one record per person across channels, found by e-mail or phone."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import TYPE_CHECKING, Any

from complaintdesk import clock
from complaintdesk.services.ticket_views import ticket_summary
from complaintdesk.services.timeline import event_view
from complaintdesk.store import repository as repo
from complaintdesk.store import tickets as stored_tickets
from complaintdesk.store.models import ContactLookup, Customer

if TYPE_CHECKING:  # the API's model: queue and stream functions import this module without it
    from complaintdesk.schemas import CustomerIn

Write = tuple[Any, Any]


def resolve_customer(person: CustomerIn, channel: str, at: datetime) -> tuple[Customer, list[Write]]:
    """The customer this contact belongs to, and the writes that link any new contact to them.

    A known e-mail wins over a known phone; a contact not seen before is linked to the customer
    found (or to a new one), with a condition so two concurrent first contacts cannot both win.
    """
    found = {
        kind: repo.customer_for_contact(kind, value)
        for kind, value in (("email", person.email), ("phone", person.phone))
        if value
    }
    known = {kind: customer_id for kind, customer_id in found.items() if customer_id}
    customer_id = known.get("email") or known.get("phone")
    writes: list[Write] = []
    moment = clock.iso(at)
    customer = repo.find(Customer, Customer.key(customer_id)) if customer_id else None
    if customer is None:
        customer_id = "CU-" + uuid.uuid4().hex[:12].upper()
        pk, sk = Customer.key(customer_id)
        customer = Customer(
            pk,
            sk,
            customer_id=customer_id,
            name=person.name,
            email=person.email,
            phone=person.phone,
            language=person.language,
            sms_opt_in=person.sms_opt_in,
            channels={channel},
            created_at=moment,
            updated_at=moment,
        )
        writes.append((customer, Customer.PK.does_not_exist()))
    else:
        changed = False
        for kind in ("email", "phone"):
            if getattr(person, kind) and not getattr(customer, kind):
                setattr(customer, kind, getattr(person, kind))
                changed = True
        if channel not in (customer.channels or set()):
            customer.channels = {*(customer.channels or set()), channel}
            changed = True
        if person.sms_opt_in and not customer.sms_opt_in:
            customer.sms_opt_in = True
            changed = True
        if changed:
            customer.updated_at = moment
            writes.append((customer, None))
    for kind, value in (("email", person.email), ("phone", person.phone)):
        if value and kind not in known:
            pk, sk = ContactLookup.key(kind, value)
            writes.append(
                (ContactLookup(pk, sk, customer_id=customer.customer_id), ContactLookup.PK.does_not_exist())
            )
    return customer, writes


def customer_view(customer: Customer) -> dict[str, Any]:
    return {
        "customer_id": customer.customer_id,
        "name": customer.name,
        "email": customer.email,
        "phone": customer.phone,
        "language": customer.language,
        "sms_opt_in": customer.sms_opt_in,
        "email_status": customer.email_status,
        "channels": sorted(customer.channels or []),
        "created_at": customer.created_at,
        "version": customer.version,
    }


def customer_360(customer_id: str, *, limit: int = 100) -> dict[str, Any]:
    """The profile, every ticket and every interaction across channels, newest first."""
    customer = repo.get(Customer, Customer.key(customer_id), "customer")
    tickets = stored_tickets.of_customer(customer_id, limit=limit)
    interactions = repo.customer_interactions(customer_id, limit=limit)
    return {
        "customer": customer_view(customer),
        "tickets": [ticket_summary(t) for t in tickets],
        "interactions": [event_view(e) for e in interactions],
    }


def find_customer(*, email: str | None = None, phone: str | None = None) -> dict[str, Any]:
    """The 360 view of the customer with this contact. The route passes values its query model
    already normalized (a phone in E.164, read in ``?country=`` or the default region), which
    normalize again to themselves; other callers may pass any format."""
    from complaintdesk.schemas import CustomerLookupQuery, parse_query

    query = parse_query(CustomerLookupQuery, {"email": email, "phone": phone})  # exactly one, normalized
    kind, value = ("email", query.email) if query.email else ("phone", query.phone)
    customer_id = repo.customer_for_contact(kind, value)
    if customer_id is None:
        from complaintdesk.errors import NotFound

        raise NotFound(f"no customer with that {kind}")
    return customer_360(customer_id)
