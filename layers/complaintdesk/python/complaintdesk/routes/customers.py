"""Customers: the 360 view across channels."""

from __future__ import annotations

from typing import TYPE_CHECKING

from complaintdesk.routes import Answer, Routes

if TYPE_CHECKING:
    from complaintdesk.webapi import Call


routes = Routes("customers")


@routes.endpoint("/customers", query="schemas:CustomerLookupQuery", response="responses:Customer360")
def find_customer(call: Call) -> Answer:
    """The customer 360 view found by ?email= or ?phone= (any format; national ones read in ?country=)."""
    from complaintdesk.services.customers import find_customer

    return find_customer(email=call.args.email, phone=call.args.phone)


@routes.endpoint("/customers/{customer_id}", response="responses:Customer360")
def get_customer(call: Call) -> Answer:
    """The customer 360 view: profile, every ticket and every interaction across channels."""
    from complaintdesk.services.customers import customer_360

    return customer_360(call.params["customer_id"])
