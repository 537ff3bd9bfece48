"""Lazy, cached AWS clients. Nothing is built at import time.

Endpoints come from the standard environment (``AWS_ENDPOINT_URL`` points every client at the
local moto server); the same code runs unchanged on AWS.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from complaintdesk.settings import get_settings


@cache
def _data_loader() -> Any:
    import botocore.loaders

    return botocore.loaders.create_loader()


def botocore_session() -> Any:
    """A new botocore session that shares the process's one data loader.

    Every session otherwise parses the service models (endpoints, the DynamoDB API ...) again:
    ~150 ms of CPU per client on a cold start, and PynamoDB builds one client per model
    (store/models.py hands it this function). The loader only reads bundled data files, so
    sharing it is safe across threads; each caller still gets its own session and client.
    """
    import botocore.session

    session = botocore.session.get_session()
    session.register_component("data_loader", _data_loader())
    return session


@cache
def client(service: str) -> Any:
    import boto3  # deferred: boto3 costs ~250 ms to import

    session = boto3.session.Session(botocore_session=botocore_session(), region_name=get_settings().region)
    return session.client(service)


def reset_clients() -> None:
    """Forget cached clients (tests switch moto on and off)."""
    client.cache_clear()
