"""The API's routes, one Chalice blueprint per area (tickets, customers, categories, ...).

A view declares its path, the roles allowed (``None``: a public, signed-link route) and makes one
service call; authentication, parsing, error mapping and observability happen once, in
``complaintdesk.webapi.handle``. Services are imported inside the views, so a cold start pays only
for what the first request needs. ``functions/api/app.py`` registers every module of this package
(``blueprints()``): a new area is a new module here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from complaintdesk.auth import ANY_ROLE, STAFF

MANAGERS = frozenset({"manager", "admin"})
ADMINS = frozenset({"admin"})


def blueprints() -> list[Any]:
    """The blueprint of every module in this package (each defines ``routes = Routes(...)``)."""
    import importlib
    import pkgutil

    found = []
    for module in sorted(m.name for m in pkgutil.iter_modules(__path__)):
        found.append(importlib.import_module(f"{__name__}.{module}").routes.blueprint)
    return found


__all__ = ["ADMINS", "ANY_ROLE", "MANAGERS", "STAFF", "Routes", "blueprints"]


class Routes:
    def __init__(self, name: str) -> None:
        from chalice import Blueprint

        self.blueprint = Blueprint(name)

    def endpoint(
        self, path: str, method: str = "GET", roles: frozenset[str] | None = ANY_ROLE
    ) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        """Register ``view(call)`` at ``method path``."""

        def register(view: Callable[..., Any]) -> Callable[..., Any]:
            def route(**params: str) -> Any:
                from complaintdesk.webapi import handle

                return handle(self.blueprint.current_request, view, params, roles)

            route.__name__ = view.__name__
            route.__doc__ = view.__doc__
            self.blueprint.route(path, methods=[method], content_types=["application/json"])(route)
            return view

        return register
