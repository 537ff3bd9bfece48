"""Lazy, cached AWS clients. Nothing is built at import time.

Endpoints come from the standard environment (``AWS_ENDPOINT_URL`` points every client at the
local moto server); the same code runs unchanged on AWS.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from complaintdesk.settings import get_settings


@cache
def client(service: str) -> Any:
    import boto3  # deferred: boto3 costs ~250 ms to import

    return boto3.session.Session(region_name=get_settings().region).client(service)


def reset_clients() -> None:
    """Forget cached clients (tests switch moto on and off)."""
    client.cache_clear()
