"""Pure checks of the input edges: JSON bodies, durations, cursors and the request models' bounds."""

from __future__ import annotations

import base64
import json
from typing import get_args

import pytest

from complaintdesk.categories.durations import DurationError, parse_duration
from complaintdesk.errors import InvalidInput, PayloadTooLarge
from complaintdesk.schemas import (
    CategoryPreview,
    CounterMetric,
    ReportSummaryQuery,
    StepComplete,
    TicketListQuery,
    parse,
    parse_query,
)
from complaintdesk.store import repository as repo
from complaintdesk.store.models import Ticket, TimelineEvent
from complaintdesk.store.report_models import COUNTERS
from complaintdesk.webapi import MAX_BODY_BYTES, MAX_JSON_DEPTH, Call


def call(raw: bytes) -> Call:
    return Call(principal=None, params={}, query={}, headers={}, raw_body=raw)


@pytest.mark.parametrize(
    ("raw", "problem"),
    [
        (b"[" * 5000 + b"]" * 5000, "nested deeper"),
        (b'{"a": ' + b"[" * 20 + b"1" + b"]" * 20 + b"}", "nested deeper"),  # 21 levels
        (b'{"a": "\\ud800"}', "lone UTF-16 surrogate"),
        (b'{"\\udc00": 1}', "lone UTF-16 surrogate"),
        ('{"a": "\ud800"}'.encode("utf-8", "surrogatepass"), "not UTF-8"),
        (b"\xff\xfe{}", "not UTF-8"),
        (b"{'a': 1}", "not valid JSON"),
        (b'{"a": NaN}', "NaN is not a JSON value"),
        (b'{"a": -Infinity}', "Infinity is not a JSON value"),
        (b'{"a": [1e400]}', "a[0] is a number too large to keep"),
        (b"", "empty"),
    ],
)
def test_bodies_nothing_downstream_can_keep_are_refused(raw, problem):
    with pytest.raises(InvalidInput) as caught:
        call(raw).json()
    assert problem in caught.value.message


def test_a_body_over_the_limit_is_413_and_one_at_the_limit_is_read():
    with pytest.raises(PayloadTooLarge):
        call(b" " * (MAX_BODY_BYTES + 1)).json()
    padded = b'{"a": 1}'.ljust(MAX_BODY_BYTES, b" ")
    assert call(padded).json() == {"a": 1}


def test_nesting_up_to_the_limit_and_surrogate_pairs_are_fine():
    nested: object = 1
    for _ in range(MAX_JSON_DEPTH):
        nested = [nested]
    assert call(json.dumps(nested).encode()).json() == nested
    assert call(b'{"smile": "\\ud83d\\ude00"}').json() == {"smile": "\U0001f600"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [("366d", "366d"), ("8784h", "8784h"), ("527040m", "8784h"), ("0001h", "1h"), ("1d4h30m", "1d4h30m")],
)
def test_durations_up_to_a_year(text, expected):
    assert str(parse_duration(text)) == expected


@pytest.mark.parametrize(
    "text", ["100000000000000000000d", "9" * 5000 + "m", "367d", "8785h", "527041m", "366d1m"]
)
def test_durations_longer_than_a_year_are_errors_not_overflows(text):
    with pytest.raises(DurationError, match="longer than 366 days"):
        parse_duration(text)


def test_report_metrics_are_the_report_counters():
    assert get_args(CounterMetric) == COUNTERS


def test_models_name_the_field_and_pass_a_validated_model_through():
    with pytest.raises(InvalidInput) as caught:
        parse(StepComplete, {"notes": {"a": 1}, "outcome": "later", "who": 1})
    assert {d["field"] for d in caught.value.details} == {"notes", "outcome", "who"}
    done = parse(StepComplete, {})
    assert parse(StepComplete, done) is done
    assert (done.outcome, done.notes, done.version) == ("done", "", None)
    with pytest.raises(InvalidInput) as caught:
        parse(CategoryPreview, {"start": "2101-01-01T00:00:00Z"})
    assert caught.value.details == [
        {"field": "start", "message": "must be between 2000-01-01 and 2100-12-31"}
    ]


def test_queries_ignore_unknown_parameters_and_empty_values():
    query = parse_query(TicketListQuery, {"status": "", "limit": "5", "utm_source": "mail"})
    assert (query.status, query.limit) == (None, 5)
    with pytest.raises(InvalidInput) as caught:
        parse_query(ReportSummaryQuery, {"from": "2026-03-02", "to": "2026-03-01"})
    assert caught.value.details == [{"field": "query", "message": "from must not be after to"}]
    assert parse_query(ReportSummaryQuery, {"from": "2026-03-01"}).dates() == ("2026-03-01", None)


def cursor_of(key: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(key).encode()).decode().rstrip("=")


OPEN_KEY = {
    "PK": {"S": "TICKET#C-2026-000001"},
    "SK": {"S": "TICKET"},
    "GSI1PK": {"S": "STATUS#open"},
    "GSI1SK": {"S": "2026-11-27T10:00:00Z#C-2026-000001"},
}


def test_a_cursor_decodes_into_the_key_of_its_own_list():
    assert repo.decode_cursor(cursor_of(OPEN_KEY), Ticket.status_index, "STATUS#open") == OPEN_KEY
    assert repo.decode_cursor(None, Ticket.status_index, "STATUS#open") is None
    event = {"PK": {"S": "TICKET#C-2026-000001"}, "SK": {"S": "EVENT#2026-11-27T10:00:00Z#ab"}}
    assert (
        repo.decode_cursor(cursor_of(event), TimelineEvent, "TICKET#C-2026-000001", sort_prefix="EVENT#")
        == event
    )


@pytest.mark.parametrize(
    ("cursor", "why"),
    [
        ("not base64!", "is not base64url text"),
        (cursor_of({"x": 1})[:-1] + "*", "is not base64url text"),
        (base64.urlsafe_b64encode(b"not json").decode(), "is not a key this list gave out"),
        (cursor_of([1, 2]), "is not a key this list gave out"),
        (cursor_of({"PK": "TICKET#1"}), "is not a key this list gave out"),
        (cursor_of({k: {"N": "1"} for k in OPEN_KEY}), "is not a key this list gave out"),
        (cursor_of({k: {"S": ""} for k in OPEN_KEY}), "is not a key this list gave out"),
        (cursor_of({**OPEN_KEY, "extra": {"S": "x"}}), "is a key of another list"),
        (cursor_of({"PK": OPEN_KEY["PK"], "SK": OPEN_KEY["SK"]}), "is a key of another list"),
        (cursor_of({**OPEN_KEY, "GSI1PK": {"S": "STATUS#closed"}}), "belongs to another list"),
    ],
)
def test_a_cursor_that_is_not_one_of_this_list_is_a_400_naming_the_cursor(cursor, why):
    with pytest.raises(InvalidInput) as caught:
        repo.decode_cursor(cursor, Ticket.status_index, "STATUS#open")
    assert caught.value.message.startswith("cursor is not valid")
    assert caught.value.details == [{"field": "cursor", "message": why}]


def test_a_timeline_cursor_must_point_into_the_timeline():
    other = {"PK": {"S": "TICKET#C-2026-000001"}, "SK": {"S": "TICKET"}}
    with pytest.raises(InvalidInput):
        repo.decode_cursor(cursor_of(other), TimelineEvent, "TICKET#C-2026-000001", sort_prefix="EVENT#")
