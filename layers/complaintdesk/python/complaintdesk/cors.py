"""CORS for the staff console: the API's own responses allow the console's origin.

API Gateway answers preflights (OPTIONS, no authorizer) and its own errors with the same
``Access-Control-Allow-Origin`` (template.yaml: the Api's ``Cors`` and ``GatewayResponses``, both
from the ``ConsoleOrigin`` parameter, which the API function gets as ``CONSOLE_ORIGIN``). Chalice
adds these headers to every response of a route whose ``cors`` is set, its own 4xx included, and
``chalice.local`` answers preflights from them, so the local stack behaves the same.

The origin is read from settings when a response is made, never at import. No origin configured:
no CORS headers at all (a browser on another origin is then refused, as it should be).
"""

from __future__ import annotations

from chalice.app import CORSConfig

from complaintdesk.settings import get_settings

# What the console sends besides Chalice's defaults (Authorization and Content-Type among them).
ALLOW_HEADERS = ("Authorization", "Content-Type", "Idempotency-Key")
MAX_AGE_SECONDS = 600


class ConsoleCORS(CORSConfig):
    def __init__(self) -> None:
        super().__init__(allow_headers=list(ALLOW_HEADERS), max_age=MAX_AGE_SECONDS)

    def get_access_control_headers(self) -> dict[str, str]:
        origin = get_settings().console_origin
        if not origin:
            return {}
        return {**super().get_access_control_headers(), "Access-Control-Allow-Origin": origin}
