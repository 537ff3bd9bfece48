"""The API's routes, one Chalice blueprint per area (tickets, customers, categories, ...).

A view declares its path, the roles allowed (``None``: a public, signed-link route), what it takes
and what it answers, and makes one service call; authentication, parsing, error mapping and
observability happen once, in ``complaintdesk.webapi.handle``. Services are imported inside the
views, so a cold start pays only for what the first request needs. ``functions/api/app.py``
registers every module of this package (``blueprints()``): a new area is a new module here.

The declarations are the API's contract: ``complaintdesk.openapi`` builds the OpenAPI document
from them (``endpoints()``). Models are named, not imported, as ``"module:Name"`` under the
``complaintdesk`` package (``"schemas:TicketPatch"``, ``"responses:Ticket"``), so importing the
routes stays cheap; the body and query models are imported by the first request that needs them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeAlias

from complaintdesk.auth import ANY_ROLE, STAFF

if TYPE_CHECKING:
    from chalice.app import Response

    from complaintdesk.webapi import Call

MANAGERS = frozenset({"manager", "admin"})
ADMINS = frozenset({"admin"})

# Other media types a route may answer with on its success status (besides JSON).
HTML = "text/html"
CSV = "text/csv"
# A plain HTML form's body, which a route declared with ``forms=True`` takes besides JSON.
FORM = "application/x-www-form-urlencoded"

# What a view answers: a JSON body (sent with the route's status), ``(status, JSON body)`` for one
# of the route's other answers, or a response it shaped itself (an HTML page, a CSV file).
Answer: TypeAlias = "dict[str, Any] | list[Any] | tuple[int, Any] | Response"
View: TypeAlias = "Callable[[Call], Answer]"


def _modules() -> list[Any]:
    import importlib
    import pkgutil

    return [
        importlib.import_module(f"{__name__}.{name}")
        for name in sorted(m.name for m in pkgutil.iter_modules(__path__))
    ]


def blueprints() -> list[Any]:
    """The blueprint of every module in this package (each defines ``routes = Routes(...)``)."""
    return [module.routes.blueprint for module in _modules()]


def endpoints() -> list[Endpoint]:
    """Every declared endpoint of every module, in registration order."""
    return [endpoint for module in _modules() for endpoint in module.routes.endpoints]


def model(reference: str | type) -> Any:
    """The class a ``"module:Name"`` reference names (a class is returned as is)."""
    if not isinstance(reference, str):
        return reference
    import importlib

    module, _, name = reference.partition(":")
    if not name:
        raise ValueError(f"a model reference is 'module:Name', got {reference!r}")
    return getattr(importlib.import_module(f"complaintdesk.{module}"), name)


__all__ = [
    "ADMINS",
    "ANY_ROLE",
    "CSV",
    "FORM",
    "HTML",
    "MANAGERS",
    "STAFF",
    "Answer",
    "Endpoint",
    "Routes",
    "View",
    "blueprints",
    "endpoints",
    "model",
]


@dataclass(frozen=True)
class Endpoint:
    """One route as the contract sees it.

    ``body``/``query``: request models (validated at the edge; the view reads ``call.body`` and
    ``call.args``). ``response``: the model of the success answer, sent with ``status`` (a view may
    still return ``(status, body)`` for one of ``also``, e.g. 200 for an unchanged publish).
    ``media``: other content types of the success answer (HTML page, CSV file).
    ``validate=False``: the body model is the contract, but the service validates it (in its own
    terms: a category plan's problems are named by their place in the plan); the view reads ``call.json()``.
    ``forms=True``: the body may also come from a plain HTML form (``application/x-www-form-urlencoded``),
    read into the same body model (``schemas.parse_form``); every other route takes JSON only (415).
    """

    area: str
    method: str
    path: str
    roles: frozenset[str] | None
    view: View
    body: str | type | None = None
    query: str | type | None = None
    status: int = 200
    response: str | type | dict[str, Any] | None = None  # a model, or a JSON schema as it is
    also: Mapping[int, str | type] = field(default_factory=dict)
    media: tuple[str, ...] = ()
    headers: Mapping[str, str] = field(default_factory=dict)
    validate: bool = True
    forms: bool = False

    @property
    def public(self) -> bool:
        return self.roles is None

    @property
    def path_params(self) -> list[str]:
        return re.findall(r"\{(\w+)\}", self.path)


class Routes:
    def __init__(self, name: str) -> None:
        from chalice.app import Blueprint

        self.name = name
        self.blueprint = Blueprint(name)
        self.endpoints: list[Endpoint] = []

    def endpoint(
        self,
        path: str,
        method: str = "GET",
        roles: frozenset[str] | None = ANY_ROLE,
        *,
        body: str | type | None = None,
        query: str | type | None = None,
        status: int = 200,
        response: str | type | dict[str, Any] | None = None,
        also: Mapping[int, str | type] | None = None,
        media: tuple[str, ...] = (),
        headers: Mapping[str, str] | None = None,
        validate: bool = True,
        forms: bool = False,
    ) -> Callable[[View], View]:
        """Register ``view(call)`` at ``method path``.

        ``headers``: request headers the route reads (name → description), for the contract.
        """

        def register(view: View) -> View:
            spec = Endpoint(
                area=self.name,
                method=method.upper(),
                path=path,
                roles=roles,
                view=view,
                body=body,
                query=query,
                status=status,
                response=response,
                also=dict(also or {}),
                media=media,
                headers=dict(headers or {}),
                validate=validate,
                forms=forms,
            )

            def route(**params: str) -> Any:
                from complaintdesk.webapi import handle

                return handle(self.blueprint.current_request, lambda call: run(spec, call), params, roles)

            route.__name__ = view.__name__
            route.__doc__ = view.__doc__
            # Every content type reaches the view (Chalice's own 415 is not in the error shape); a
            # route with a body refuses anything but JSON itself (run).
            self.blueprint.route(path, methods=[spec.method], content_types=["*/*"])(route)
            self.endpoints.append(spec)
            return view

        return register


def run(spec: Endpoint, call: Call) -> Answer:
    """Validate what the endpoint declares, run its view, answer with its declared status."""
    if spec.query is not None:
        from complaintdesk.schemas import parse_query

        _once(call.query)
        call.args = parse_query(model(spec.query), call.query)
    if spec.body is not None and spec.forms and _media(call.headers.get("content-type")) == FORM:
        from complaintdesk.schemas import parse_form

        call.body = parse_form(model(spec.body), call.form())
    elif spec.body is not None:
        _json_only(call.headers.get("content-type"))
        if spec.validate:
            from complaintdesk.schemas import parse

            call.body = parse(model(spec.body), call.json())
    result = spec.view(call)
    if isinstance(result, tuple):
        return result
    from complaintdesk.webapi import is_response

    return result if is_response(result) else (spec.status, result)


def _media(content_type: str | None) -> str:
    """The media type of a Content-Type header, without parameters (none given: JSON)."""
    return (content_type or "application/json").split(";")[0].strip().lower()


def _json_only(content_type: str | None) -> None:
    """A body is JSON: ``application/json`` (any parameters), or no Content-Type at all."""
    media = _media(content_type)
    if media != "application/json":
        from complaintdesk.errors import UnsupportedMediaType

        raise UnsupportedMediaType(f"send the body as application/json, not {media or 'an empty type'}")


def _once(query: Any) -> None:
    """A query parameter is one value: ``?to=&to=2026-13-45`` is refused, not read as its last value."""
    getlist = getattr(query, "getlist", None)  # Chalice's MultiDict (API Gateway's multi-value query)
    repeated = sorted(name for name in query if getlist is not None and len(getlist(name)) > 1)
    if repeated:
        from complaintdesk.errors import InvalidInput

        details = [{"field": name, "message": "is given more than once"} for name in repeated]
        raise InvalidInput(
            f"invalid request: {', '.join(repeated)}: give each query parameter once", details=details
        )
