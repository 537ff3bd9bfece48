"""Bad input through the API gets a 400 that names the field — never a 5xx, never a silent 2xx.

Every route that reads a body or a query string has a table of bad inputs below; each must come back
400 in the documented error shape with the field in ``details``. The findings of the fuzzer run on an
older main (issue 10) are regression tests at the end: SLAs of 10^20 days, a preview start in year
9999, malformed cursors, lone surrogates, deeply nested JSON, and the bodies that used to be accepted.
"""

from __future__ import annotations

import base64
import json

import pytest

from tests.integration.test_tickets_api import complaint
from tests.integration.test_workflow_api import plan

# A ticket id nobody has: validation comes first, so a bad body is a 400 before the lookup's 404.
NOBODY = "C-2026-999999"


def b64(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def refused(status, body, field):
    """A 400 in the documented shape, naming ``field`` (as the API spells it) in its details."""
    assert status == 400, (status, body)
    error = body["error"]
    assert set(error) >= {"code", "message", "details"}, error
    named = [d.get("field") or d.get("loc") for d in error["details"]]
    assert field in named, (field, error)
    return error


def customer(**changes):
    return {"name": "Ayşe Yılmaz", "email": "ayse@example.com", **changes}


# (case id, method, path, body, role, field)
BODIES = [
    # POST /tickets
    ("create-channel", "POST", "/tickets", complaint(channel="fax"), "agent", "channel"),
    ("create-subject-number", "POST", "/tickets", complaint(subject=5), "agent", "subject"),
    ("create-unknown-field", "POST", "/tickets", complaint(colour="red"), "agent", "colour"),
    ("create-email", "POST", "/tickets", complaint(customer=customer(email="x@")), "agent", "customer.email"),
    (
        "create-sms-opt-in-text",
        "POST",
        "/tickets",
        complaint(customer=customer(sms_opt_in="yes")),
        "agent",
        "customer.sms_opt_in",
    ),
    ("create-priority", "POST", "/tickets", complaint(priority="asap"), "agent", "priority"),
    ("create-fields-list", "POST", "/tickets", complaint(fields=[1]), "agent", "fields"),
    # PATCH /tickets/{id}
    (
        "patch-version-text",
        "PATCH",
        f"/tickets/{NOBODY}",
        {"version": "1", "priority": "high"},
        "agent",
        "version",
    ),
    (
        "patch-version-zero",
        "PATCH",
        f"/tickets/{NOBODY}",
        {"version": 0, "priority": "high"},
        "agent",
        "version",
    ),
    (
        "patch-priority",
        "PATCH",
        f"/tickets/{NOBODY}",
        {"version": 1, "priority": "asap"},
        "agent",
        "priority",
    ),
    ("patch-unknown", "PATCH", f"/tickets/{NOBODY}", {"version": 1, "status": "closed"}, "agent", "status"),
    # POST /tickets/{id}/comments
    ("comment-body-object", "POST", f"/tickets/{NOBODY}/comments", {"body": {"a": 1}}, "agent", "body"),
    (
        "comment-visibility",
        "POST",
        f"/tickets/{NOBODY}/comments",
        {"body": "x", "visibility": "all"},
        "agent",
        "visibility",
    ),
    (
        "comment-from-customer-text",
        "POST",
        f"/tickets/{NOBODY}/comments",
        {"body": "x", "from_customer": "yes"},
        "agent",
        "from_customer",
    ),
    # POST /tickets/{id}/steps/{step}/complete
    (
        "complete-notes-object",
        "POST",
        f"/tickets/{NOBODY}/steps/triage/complete",
        {"notes": {"a": 1}},
        "agent",
        "notes",
    ),
    (
        "complete-notes-number",
        "POST",
        f"/tickets/{NOBODY}/steps/triage/complete",
        {"notes": 7},
        "agent",
        "notes",
    ),
    (
        "complete-outcome",
        "POST",
        f"/tickets/{NOBODY}/steps/triage/complete",
        {"outcome": "finished"},
        "agent",
        "outcome",
    ),
    (
        "complete-version-text",
        "POST",
        f"/tickets/{NOBODY}/steps/triage/complete",
        {"version": "2"},
        "agent",
        "version",
    ),
    (
        "complete-unknown",
        "POST",
        f"/tickets/{NOBODY}/steps/triage/complete",
        {"notes": "x", "by": "me"},
        "agent",
        "by",
    ),
    (
        "complete-notes-too-long",
        "POST",
        f"/tickets/{NOBODY}/steps/triage/complete",
        {"notes": "x" * 4001},
        "agent",
        "notes",
    ),
    # POST /tickets/{id}/resolve
    (
        "resolve-number",
        "POST",
        f"/tickets/{NOBODY}/resolve",
        {"resolution": 5, "root_cause": "x"},
        "agent",
        "resolution",
    ),
    (
        "resolve-object",
        "POST",
        f"/tickets/{NOBODY}/resolve",
        {"resolution": {"a": 1}, "root_cause": "x"},
        "agent",
        "resolution",
    ),
    (
        "resolve-blank",
        "POST",
        f"/tickets/{NOBODY}/resolve",
        {"resolution": "  ", "root_cause": "x"},
        "agent",
        "resolution",
    ),
    (
        "resolve-no-root-cause",
        "POST",
        f"/tickets/{NOBODY}/resolve",
        {"resolution": "Refunded."},
        "agent",
        "root_cause",
    ),
    (
        "resolve-unknown",
        "POST",
        f"/tickets/{NOBODY}/resolve",
        {"resolution": "Refunded.", "root_cause": "x", "notify": False},
        "agent",
        "notify",
    ),
    # POST /tickets/{id}/reopen
    ("reopen-reason-object", "POST", f"/tickets/{NOBODY}/reopen", {"reason": {"a": 1}}, "agent", "reason"),
    (
        "reopen-unknown",
        "POST",
        f"/tickets/{NOBODY}/reopen",
        {"reason": "again", "force": True},
        "agent",
        "force",
    ),
    # POST /tickets/{id}/recovery-actions
    ("recovery-type", "POST", f"/tickets/{NOBODY}/recovery-actions", {"type": "gift"}, "agent", "type"),
    (
        "recovery-amount-text",
        "POST",
        f"/tickets/{NOBODY}/recovery-actions",
        {"type": "compensation", "compensation_type": "refund", "amount": "lots", "currency": "EUR"},
        "agent",
        "amount",
    ),
    (
        "recovery-amount-bool",
        "POST",
        f"/tickets/{NOBODY}/recovery-actions",
        {"type": "compensation", "compensation_type": "refund", "amount": True, "currency": "EUR"},
        "agent",
        "amount",
    ),
    (
        "recovery-currency",
        "POST",
        f"/tickets/{NOBODY}/recovery-actions",
        {"type": "compensation", "compensation_type": "refund", "amount": 10, "currency": "euro"},
        "agent",
        "currency",
    ),
    (
        "recovery-unknown",
        "POST",
        f"/tickets/{NOBODY}/recovery-actions",
        {"type": "apology", "to": "x"},
        "agent",
        "to",
    ),
    # POST /survey/{token} (the token is checked after the body)
    ("survey-score-text", "POST", "/survey/not-a-token", {"score": "5"}, None, "score"),
    ("survey-score-six", "POST", "/survey/not-a-token", {"score": 6}, None, "score"),
    ("survey-unknown", "POST", "/survey/not-a-token", {"score": 5, "name": "x"}, None, "name"),
    # POST /decision/{token} (the token is checked after the body)
    ("decision-maybe", "POST", "/decision/not-a-token", {"decision": "maybe"}, None, "decision"),
    (
        "decision-reason-object",
        "POST",
        "/decision/not-a-token",
        {"decision": "reject", "reason": {"a": 1}},
        None,
        "reason",
    ),
    # POST /categories/{id}/preview
    (
        "preview-year-9999",
        "POST",
        "/categories/wf-demo/preview",
        {"start": "9999-12-31T23:00:00+00:00"},
        "agent",
        "start",
    ),
    (
        "preview-year-1",
        "POST",
        "/categories/wf-demo/preview",
        {"start": "0001-01-01T00:00:00+14:00"},
        "agent",
        "start",
    ),
    (
        "preview-no-zone",
        "POST",
        "/categories/wf-demo/preview",
        {"start": "2026-11-27T16:30:00"},
        "agent",
        "start",
    ),
    ("preview-not-a-time", "POST", "/categories/wf-demo/preview", {"start": "tomorrow"}, "agent", "start"),
    ("preview-number", "POST", "/categories/wf-demo/preview", {"start": 1795796725}, "agent", "start"),
    ("preview-missing", "POST", "/categories/wf-demo/preview", {}, "agent", "start"),
    (
        "preview-definition-text",
        "POST",
        "/categories/wf-demo/preview",
        {"start": "2026-11-27T16:30:00Z", "definition": "mine"},
        "agent",
        "definition",
    ),
    (
        "preview-unknown",
        "POST",
        "/categories/wf-demo/preview",
        {"start": "2026-11-27T16:30:00Z", "at": 1},
        "agent",
        "at",
    ),
]


@pytest.mark.parametrize(
    ("method", "path", "body", "role", "field"),
    [pytest.param(*case[1:], id=case[0]) for case in BODIES],
)
@pytest.mark.reads_only
def test_a_bad_body_is_a_400_naming_the_field(api, method, path, body, role, field):
    status, answer = api.call(method, path, body, role=role)
    refused(status, answer, field)


# (case id, path, role, field)
QUERIES = [
    ("tickets-status-bogus", "/tickets?status=bogus", "agent", "status"),
    ("tickets-limit-zero", "/tickets?limit=0", "agent", "limit"),
    ("tickets-limit-101", "/tickets?limit=101", "agent", "limit"),
    ("tickets-limit-text", "/tickets?limit=ten", "agent", "limit"),
    ("tickets-category", "/tickets?category=Not%20A%20Slug", "agent", "category"),
    ("tickets-team", "/tickets?team=%2Fetc", "agent", "team"),
    ("tickets-customer", "/tickets?customer=someone", "agent", "customer"),
    ("tickets-cursor-not-base64", "/tickets?cursor=!!!", "agent", "cursor"),
    ("quarantine-month", "/quarantine?month=2026-13", "agent", "month"),
    ("quarantine-limit", "/quarantine?limit=1000", "agent", "limit"),
    ("quarantine-cursor", f"/quarantine?cursor={b64('not json')}", "agent", "cursor"),
    ("customers-email", "/customers?email=not-an-address", "agent", "email"),
    ("customers-phone", "/customers?phone=12", "agent", "phone"),
    ("customers-neither", "/customers", "agent", "query"),
    ("customers-both", "/customers?email=a%40example.com&phone=%2B905321234567", "agent", "query"),
    ("summary-group-by", "/reports/summary?group_by=colour", "manager", "group_by"),
    ("summary-from", "/reports/summary?from=2026-13-01", "manager", "from"),
    ("summary-year-1", "/reports/summary?to=0001-01-01", "manager", "to"),
    ("summary-year-9999", "/reports/summary?from=9999-01-01", "manager", "from"),
    ("summary-order", "/reports/summary?from=2026-03-02&to=2026-03-01", "manager", "query"),
    ("trend-metric", "/reports/trend?metric=happiness", "manager", "metric"),
    ("trend-interval", "/reports/trend?interval=year", "manager", "interval"),
    ("trend-group-by", "/reports/trend?group_by=colour", "manager", "group_by"),
    ("sla-to", "/reports/sla?to=31.03.2026", "manager", "to"),
]


@pytest.mark.parametrize(("path", "role", "field"), [pytest.param(*case[1:], id=case[0]) for case in QUERIES])
@pytest.mark.reads_only
def test_a_bad_query_value_is_a_400_naming_the_parameter(api, path, role, field):
    status, answer = api.get(path, role=role)
    refused(status, answer, field)


@pytest.mark.reads_only
def test_unknown_query_parameters_are_ignored(api):
    status, answer = api.get("/tickets?colour=red&status=open")
    assert status == 200 and answer["tickets"] == []


# --- the fuzzer's findings --------------------------------------------------------------------


@pytest.mark.parametrize("part", ["sla", "extra"])
@pytest.mark.parametrize("length", ["100000000000000000000d", "9" * 5000 + "h", "367d", "527041m"])
@pytest.mark.reads_only
def test_an_sla_longer_than_a_year_is_refused_not_an_overflow(api, part, length):
    definition = plan()
    step = next(s for s in definition["steps"] if s["escalation"])
    index = definition["steps"].index(step)
    if part == "sla":
        step["sla"], field = length, f"steps[{index}].sla"
    else:
        step["escalation"][0]["extra"], field = length, f"steps[{index}].escalation[0].extra"
    status, answer = api.put("/categories/wf-demo", definition, role="admin")
    error = refused(status, answer, field)
    assert "longer than 366 days" in error["message"]
    # The same plan is refused by the dry run too (a proposed definition)
    status, answer = api.post(
        "/categories/wf-demo/preview", {"start": "2026-11-27T16:30:00+03:00", "definition": definition}
    )
    refused(status, answer, field)


@pytest.mark.reads_only
def test_a_preview_at_the_edges_of_the_sane_range_still_answers(api):
    # The longest plan there may be: every SLA and escalation a year, starting on the last day allowed.
    definition = plan()
    for step in definition["steps"]:
        step["sla"] = "366d"
        for level in step["escalation"]:
            level["extra"] = "366d"
    for start in ("2000-01-01T00:00:00+14:00", "2100-12-31T23:59:00-12:00"):
        status, answer = api.post("/categories/wf-demo/preview", {"start": start, "definition": definition})
        assert status == 200, answer
        assert answer["proposed"] is True and len(answer["steps"]) == len(definition["steps"])


@pytest.mark.parametrize(
    "field",
    ["subject", "description", "customer.name"],
)
@pytest.mark.reads_only
def test_a_lone_surrogate_in_a_string_is_a_400(api, field):
    # "\ud800" escaped in JSON is valid JSON but not text; it used to drop the connection
    body = complaint()
    raw = json.dumps(body)
    if field == "customer.name":
        raw = raw.replace(json.dumps(body["customer"]["name"]), '"\\ud800 Ay\\u015fe"')
    else:
        raw = raw.replace(json.dumps(body[field]), '"broken \\ud800"')
    status, answer = api.post("/tickets", raw=raw)
    refused(status, answer, field)


@pytest.mark.parametrize(
    ("path", "raw", "field"),
    [
        (f"/tickets/{NOBODY}/resolve", '{"resolution": "\\udfff", "root_cause": "x"}', "resolution"),
        (f"/tickets/{NOBODY}/comments", '{"body": "ok \\ud83d"}', "body"),
        (f"/tickets/{NOBODY}/reopen", '{"reason": "\\ud800\\ud800"}', "reason"),
        ("/tickets", '{"fields": {"\\ud800": 1}}', "fields"),
    ],
)
@pytest.mark.reads_only
def test_lone_surrogates_are_refused_on_every_body(api, path, raw, field):
    status, answer = api.post(path, raw=raw)
    refused(status, answer, field)


def test_a_real_surrogate_pair_is_text(api):
    # "\ud83d\ude00" is one emoji, spelt as a pair: fine
    raw = json.dumps(complaint()).replace('"Parcel never arrived"', '"Parcel never arrived \\ud83d\\ude00"')
    status, created = api.post("/tickets", raw=raw)
    assert status == 201 and created["subject"] == "Parcel never arrived \U0001f600"


@pytest.mark.parametrize("depth", [21, 900, 100_000])
@pytest.mark.reads_only
def test_deeply_nested_json_is_a_400(api, depth):
    # Python's parser gives up (RecursionError) around 1,000 levels; DynamoDB keeps 32
    nested = "[" * depth + "]" * depth
    raw = json.dumps(complaint(fields={"x": "PLACEHOLDER"})).replace('"PLACEHOLDER"', nested)
    for body, where in ((nested, "body"), (raw, "fields.x")):
        status, answer = api.post("/tickets", raw=body)
        assert status == 400 and "nested deeper than 20 levels" in answer["error"]["message"], answer
        if depth < 1000:  # parsed, then measured: the details say where (past that, the parser gave up)
            (detail,) = answer["error"]["details"]
            assert detail["field"].startswith(where + "[0]"), detail


def test_nesting_within_the_limit_is_not_refused_for_its_depth(api):
    # A body 20 levels deep is read; it is then only as good as its fields
    nested = {"a": 1}
    for _ in range(17):
        nested = {"a": nested}
    status, answer = api.post("/tickets", complaint(fields={"x": nested}))
    assert status == 201, answer


@pytest.mark.parametrize(("number", "field"), [("NaN", "body"), ("Infinity", "body"), ("1e400", "fields.x")])
@pytest.mark.reads_only
def test_numbers_json_has_not_are_a_400(api, number, field):
    # Python's parser reads NaN and Infinity (and 1e400 as infinity); stored, they came back as invalid JSON
    raw = json.dumps(complaint(fields={"x": "PLACEHOLDER"})).replace('"PLACEHOLDER"', number)
    refused(*api.post("/tickets", raw=raw), field)


@pytest.mark.reads_only
def test_a_body_that_is_not_utf8_or_too_large(api):
    status, answer = api.post("/tickets", raw=b'{"subject": "\xff\xfe"}')
    assert status == 400 and "UTF-8" in answer["error"]["message"]
    status, answer = api.post("/tickets", raw=json.dumps(complaint(description="x" * (300 * 1024))))
    assert status == 413 and answer["error"]["code"] == "payload_too_large"


def test_the_bodies_once_accepted_with_2xx_are_refused(api):
    """The fuzzer's 13 silent 2xx, on a real ticket: each bad body leaves it as it was."""
    status, ticket = api.post("/tickets", complaint())
    assert status == 201
    tid = ticket["ticket_id"]
    bad = [
        (f"/tickets/{tid}/resolve", {"resolution": 5, "root_cause": "x"}, "resolution"),
        (f"/tickets/{tid}/resolve", {"resolution": {"text": "x"}, "root_cause": "x"}, "resolution"),
        (f"/tickets/{tid}/resolve", {"resolution": ["x"], "root_cause": "x"}, "resolution"),
        (f"/tickets/{tid}/resolve", {"resolution": "ok", "root_cause": 7}, "root_cause"),
        (f"/tickets/{tid}/resolve", {"resolution": "ok", "root_cause": "x", "close": True}, "close"),
        (f"/tickets/{tid}/steps/x/complete", {"notes": {"a": 1}}, "notes"),
        (f"/tickets/{tid}/steps/x/complete", {"notes": "x", "skip": True}, "skip"),
        (f"/tickets/{tid}/reopen", {"reason": "x", "extra": 1}, "extra"),
        (f"/tickets/{tid}/reopen", {"reason": 12}, "reason"),
    ]
    for path, body, field in bad:
        status, answer = api.post(path, body)
        refused(status, answer, field)
    status, again = api.get(f"/tickets/{tid}")
    assert again["status"] == "open" and again["version"] == ticket["version"]
    # and the list filter that used to answer 200 with nothing
    refused(*api.get("/tickets?status=bogus"), "status")


# --- cursors ----------------------------------------------------------------------------------


def test_cursors_decode_defensively(api):
    # Given three open tickets and two pages of the open queue
    ids = [api.post("/tickets", complaint())[1]["ticket_id"] for _ in range(3)]
    status, first = api.get("/tickets?limit=2")
    assert status == 200 and len(first["tickets"]) == 2 and first["next_cursor"]
    cursor = first["next_cursor"]
    status, second = api.get(f"/tickets?limit=2&cursor={cursor}")
    assert status == 200
    assert {t["ticket_id"] for t in first["tickets"] + second["tickets"]} == set(ids)
    key = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    assert set(key) == {"PK", "SK", "GSI1PK", "GSI1SK"}

    other_index = dict(key)
    other_index["GSI3PK"], other_index["GSI3SK"] = other_index.pop("GSI1PK"), other_index.pop("GSI1SK")
    other_partition = {**key, "GSI1PK": {"S": "STATUS#closed"}}
    numbers = {name: {"N": "1"} for name in key}
    shapes = {
        "not base64": "%%%not-base64%%%",
        "base64 of non-JSON": b64("not json at all"),
        "JSON, not an object": b64("[1, 2]"),
        "JSON of the wrong shape": b64(json.dumps({"PK": "x"})),
        "keys of another index": b64(json.dumps(other_index)),
        "another partition": b64(json.dumps(other_partition)),
        "number keys": b64(json.dumps(numbers)),
        "too long": "A" * 5000,
        "a key with extra parts": b64(json.dumps({**key, "PK": {"S": "x", "N": "1"}})),
    }
    for what, bad in shapes.items():
        status, answer = api.get(f"/tickets?cursor={bad}")
        error = refused(status, answer, "cursor")
        assert error["message"].startswith(("cursor is not valid", "invalid request: cursor")), what
    # The open queue's cursor is not the closed queue's, nor a team's
    refused(*api.get(f"/tickets?status=closed&cursor={cursor}"), "cursor")
    refused(*api.get(f"/tickets?team=billing&cursor={cursor}"), "cursor")


def test_timeline_cursors_belong_to_their_ticket(api):
    first, second = (api.post("/tickets", complaint())[1]["ticket_id"] for _ in range(2))
    for tid in (first, second):
        assert api.post(f"/tickets/{tid}/comments", {"body": "checked the carrier"})[0] == 201
    status, page = api.get(f"/tickets/{first}/timeline?limit=1")
    assert status == 200 and page["next_cursor"]
    status, rest = api.get(f"/tickets/{first}/timeline?limit=1&cursor={page['next_cursor']}")
    assert status == 200 and rest["events"][0]["type"] != page["events"][0]["type"]
    refused(*api.get(f"/tickets/{second}/timeline?cursor={page['next_cursor']}"), "cursor")
    refused(*api.get(f"/tickets/{first}/timeline?cursor={b64('{}')}"), "cursor")
    refused(*api.get(f"/tickets/{first}/timeline?limit=501"), "limit")
