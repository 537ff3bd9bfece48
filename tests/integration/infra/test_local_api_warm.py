"""The local API's first requests find the table's DynamoDB client built (infra/local/stack.py
``warm_table_client``): the local API serves each connection in a thread of its own, and eight first
requests at once each built a client of their own, each parsing the service model again."""

from __future__ import annotations

import threading
from typing import Any

import botocore.session


def test_first_requests_at_once_build_no_client_once_the_stack_warmed_it(stack: Any, monkeypatch) -> None:
    from complaintdesk.store.models import connection
    from infra.local.stack import warm_table_client

    warm_table_client()
    built: list[str] = []
    create_client = botocore.session.Session.create_client

    def counted(self: Any, service_name: str, *args: Any, **kwargs: Any) -> Any:
        built.append(service_name)
        return create_client(self, service_name, *args, **kwargs)

    monkeypatch.setattr(botocore.session.Session, "create_client", counted)
    together = threading.Barrier(8)
    clients: list[Any] = []

    def first_request() -> None:
        together.wait(10)
        clients.append(connection().client)

    threads = [threading.Thread(target=first_request) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert len(clients) == 8 and len({id(client) for client in clients}) == 1
    assert built == []
    # and it is the table's client, answering for the stage's table
    assert clients[0].describe_table(TableName=stack.physical["TicketsTable"])["Table"]["ItemCount"] >= 0
