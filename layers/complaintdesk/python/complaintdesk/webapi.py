"""The HTTP edge shared by every API route: authenticate, authorize, parse, map errors, observe.

Handlers in functions/api/app.py stay thin: they declare a path, the roles allowed and one call
into a service. Everything a request needs besides that happens here, once.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from complaintdesk.auth import Principal, authenticate, require
from complaintdesk.errors import DomainError, InvalidInput, PayloadTooLarge, Unauthenticated
from complaintdesk.observability import bind_ticket, logger, metrics

MAX_BODY_BYTES = 256 * 1024
# Deeper than any body the API reads (a category definition is 7 levels), far below both
# Python's recursion limit and DynamoDB's 32 levels of nested attributes.
MAX_JSON_DEPTH = 20
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")
_FORM_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass
class Call:
    """What a view needs of the request."""

    principal: Principal | None
    params: dict[str, str]
    query: Mapping[str, str]
    headers: Mapping[str, str]
    raw_body: bytes = b""
    lambda_context: Any = None
    # The validated body and query, when the route declares their models (complaintdesk.routes).
    body: Any = None
    args: Any = None
    _json: Any = field(default=None, repr=False)

    def _within_size(self) -> None:
        """At most MAX_BODY_BYTES, whatever the media type (else 413)."""
        if len(self.raw_body) > MAX_BODY_BYTES:
            raise PayloadTooLarge(
                f"the request body is larger than {MAX_BODY_BYTES} bytes",
                details=[{"field": "body", "message": f"is larger than {MAX_BODY_BYTES} bytes"}],
            )

    def json(self) -> Any:
        """The body as JSON: at most MAX_BODY_BYTES (else 413), UTF-8 text, nested at most
        MAX_JSON_DEPTH deep, every string valid Unicode (no lone surrogate such as ``"\\ud800"``)."""
        if self._json is None:
            if not self.raw_body:
                raise _bad_body("the request body is empty; send a JSON object", "is empty")
            self._within_size()
            try:
                text = self.raw_body.decode("utf-8")
            except UnicodeDecodeError:
                raise _bad_body("the request body is not UTF-8 text", "is not UTF-8 text") from None
            try:
                data = json.loads(text, parse_constant=_not_json)
            except RecursionError:
                raise _too_deep() from None
            except ValueError as exc:
                raise _bad_body(f"the request body is not valid JSON: {exc}", "is not valid JSON") from None
            _check_json(data)
            self._json = data
        return self._json

    def form(self) -> dict[str, str]:
        """The body as a plain HTML form (``application/x-www-form-urlencoded``): at most
        MAX_BODY_BYTES, UTF-8, each field once, no control characters but line ends and tabs."""
        from urllib.parse import parse_qsl

        self._within_size()
        try:
            text = self.raw_body.decode("utf-8")
            pairs = parse_qsl(text, keep_blank_values=True, encoding="utf-8", errors="strict")
        except (UnicodeDecodeError, ValueError):
            raise _bad_body("the form is not URL-encoded UTF-8 text", "is not URL-encoded text") from None
        fields: dict[str, str] = {}
        for name, value in pairs:
            if name in fields:
                raise _bad_body(f"the form gives {name} more than once", "is given more than once", name)
            if _FORM_CONTROL.search(value) or _FORM_CONTROL.search(name):
                raise _bad_body(f"{name} contains control characters", "contains control characters", name)
            fields[name] = value
        return fields

    @property
    def actor(self) -> str:
        return self.principal.actor if self.principal else "customer"

    @property
    def signed_in(self) -> Principal:
        """The caller of a route that takes a token (every route but the signed-link pages): the
        edge has authenticated it before the view runs."""
        if self.principal is None:
            raise Unauthenticated("this route needs a signed-in caller")
        return self.principal


def _bad_body(message: str, problem: str, where: str = "body") -> InvalidInput:
    """A 400 whose one detail names the part of the body at fault."""
    return InvalidInput(message, details=[{"field": where, "message": problem}])


def _too_deep(where: str = "body") -> InvalidInput:
    return _bad_body(
        f"the request body is nested deeper than {MAX_JSON_DEPTH} levels",
        f"is nested deeper than {MAX_JSON_DEPTH} levels",
        where,
    )


def _not_json(constant: str) -> Any:
    """Python's parser takes NaN and Infinity, which JSON has not (and a response could not carry)."""
    raise ValueError(f"{constant} is not a JSON value")


def _check_json(data: Any) -> None:
    """Refuse what JSON allows but nothing downstream can keep: deep nesting, lone surrogates,
    numbers too large for a float (1e400 reads as infinity)."""
    pending: list[tuple[Any, int, str]] = [(data, 1, "body")]
    while pending:
        value, depth, where = pending.pop()
        if isinstance(value, str):
            if _LONE_SURROGATE.search(value):
                raise _bad_body(
                    f"{where} contains a lone UTF-16 surrogate (\\ud800-\\udfff), which is not text",
                    "contains a lone surrogate",
                    where,
                )
            continue
        if isinstance(value, float) and not math.isfinite(value):
            raise _bad_body(f"{where} is a number too large to keep", "is a number too large to keep", where)
        if not isinstance(value, dict | list):
            continue
        if depth > MAX_JSON_DEPTH:
            raise _too_deep(where)
        if isinstance(value, dict):
            for key, item in value.items():
                name = f"{where}.{key}" if where != "body" else key
                if _LONE_SURROGATE.search(key):
                    raise _bad_body(
                        f"a field name in {where} contains a lone UTF-16 surrogate, which is not text",
                        "a field name contains a lone surrogate",
                        where,
                    )
                pending.append((item, depth + 1, name))
        else:
            pending.extend((item, depth + 1, f"{where}[{i}]") for i, item in enumerate(value))


def json_response(status: int, body: Any, headers: Mapping[str, str] | None = None) -> Any:
    from chalice.app import Response

    text = json.dumps(body, default=str, ensure_ascii=False)
    if _LONE_SURROGATE.search(text):  # an echoed input that is not text: escaped, still valid JSON
        text = json.dumps(body, default=str)
    return Response(
        body=text,
        status_code=status,
        headers={"Content-Type": "application/json; charset=utf-8", **(headers or {})},
    )


def _browser(headers: Mapping[str, str]) -> bool:
    """A request that asks for a page (``Accept: text/html``), as a browser following a link does."""
    from complaintdesk.pages import wants_html

    return wants_html(headers)


def is_response(result: Any) -> bool:
    from chalice.app import Response

    return isinstance(result, Response)


def handle(
    request: Any, view: Callable[[Call], Any], params: dict[str, str], roles: frozenset[str] | None
) -> Any:
    """Run one view. ``roles=None`` marks a public route (signed-link pages)."""
    log = logger()
    log.clear_state()
    log.append_keys(method=request.method, path=request.path)
    if "ticket_id" in params:
        params["ticket_id"] = params["ticket_id"].upper()
        bind_ticket(params["ticket_id"])
    headers: dict[str, str] = {}
    try:
        headers = {k.lower(): v for k, v in (request.headers or {}).items()}
        principal = None
        if roles is not None:
            principal = authenticate(headers, request.context)
            require(principal, roles)
            log.append_keys(actor=principal.username)
        call = Call(
            principal=principal,
            params=params,
            query=request.query_params or {},
            headers=headers,
            raw_body=request.raw_body or b"",
            lambda_context=getattr(request, "lambda_context", None),
        )
        result = view(call)
        if is_response(result):  # a view that shapes its own response (an HTML page) returns it as is
            log.info("request handled", extra={"status": result.status_code})
            return result
        status, body = result if isinstance(result, tuple) else (200, result)
        log.info("request handled", extra={"status": status})
        return json_response(status, body)
    except DomainError as error:
        log.info("request refused", extra={"status": error.status, "reason": error.message})
        if roles is None and _browser(headers):  # a customer's signed link: a page, not JSON
            from complaintdesk.pages import error_page

            return error_page(error.status, headers)
        return json_response(error.status, error.to_body())
    except Exception:
        log.exception("request failed")
        if roles is None and _browser(headers):
            from complaintdesk.pages import error_page

            return error_page(500, headers)
        return json_response(
            500, {"error": {"code": "internal_error", "message": "an internal error occurred"}}
        )
    finally:
        recorder = metrics()
        if recorder.metric_set:
            recorder.flush_metrics()
