"""The API's own contract: the OpenAPI 3.1 document built from these routes (public)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from complaintdesk.routes import Answer, Routes

if TYPE_CHECKING:
    from complaintdesk.webapi import Call


routes = Routes("contract")

# The document is OpenAPI itself; its schema is the OpenAPI 3.1 specification's, not repeated here.
OPENAPI_DOCUMENT = {
    "type": "object",
    "required": ["openapi", "info", "paths"],
    "properties": {"openapi": {"type": "string", "pattern": "^3\\.1\\."}},
}


@routes.endpoint("/openapi.json", roles=None, response=OPENAPI_DOCUMENT)
def openapi_document(call: Call) -> Answer:
    """This document: every route, its parameters, bodies, answers and errors."""
    from complaintdesk.openapi import served

    return served()
