"""Lazy, cached AWS clients. Nothing is built at import time.

Endpoints come from the standard environment (``AWS_ENDPOINT_URL`` points every client at the
local moto server); the same code runs unchanged on AWS.
"""

from __future__ import annotations

import threading
from functools import cache
from typing import Any

from complaintdesk.settings import get_settings

_sessions = threading.local()


def botocore_session() -> Any:
    """This thread's botocore session: one per thread, shared by every client the thread builds.

    A fresh session parses the service models again (endpoints, the DynamoDB API ...), resolves
    credentials again and registers its handlers again: ~150 ms of CPU per client on a cold start,
    and PynamoDB builds one connection per model, each with a new session (store/models.py hands
    it this function instead). botocore clients must not be created from one session by two
    threads at once, which is why PynamoDB keeps a session per thread; so does this.
    """
    session = getattr(_sessions, "session", None)
    if session is None:
        import botocore.session

        session = _sessions.session = botocore.session.get_session()
    return session


def boto3_session() -> Any:
    """This thread's boto3 session over :func:`botocore_session`.

    One per thread, never one per client: each boto3 Session registers its customizations (S3's
    ``upload_file`` among them) on the botocore session it wraps, and a second registration makes
    the next S3 client fail with "Cannot inject class attribute".
    """
    session = getattr(_sessions, "boto3", None)
    if session is None:
        import boto3  # deferred: boto3 costs ~250 ms to import

        session = _sessions.boto3 = boto3.session.Session(
            botocore_session=botocore_session(), region_name=get_settings().region
        )
    return session


@cache
def client(service: str) -> Any:
    return boto3_session().client(service)


def reset_clients() -> None:
    """Forget cached clients and this thread's session (tests switch moto on and off)."""
    client.cache_clear()
    _sessions.session = None
    _sessions.boto3 = None
