"""Canned reply texts: only known placeholders are saved, and filling one touches nothing else."""

from __future__ import annotations

import pytest

from complaintdesk.notify.canned import PLACEHOLDERS, CannedTextError, fill, placeholders
from complaintdesk.schemas import CannedReplyCreate, CommentIn, parse


def test_the_names_a_text_uses_in_order_each_once() -> None:
    text = "Dear {customer_name}, ticket {ticket_id} is due {due_date}. Again: {ticket_id}. {{literal}}"
    assert placeholders(text) == ["customer_name", "ticket_id", "due_date"]
    assert placeholders("No placeholders at all.") == []
    assert set(PLACEHOLDERS) == {"customer_name", "ticket_id", "due_date", "complaint_subject"}


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("Your order {order_no} is on its way", "unknown placeholder {order_no}"),
        ("{customer_name.__class__}", "unknown placeholder {customer_name.__class__}"),
        ("{ticket_id[0]}", "unknown placeholder {ticket_id[0]}"),
        ("{0}", "unknown placeholder {0}"),
        ("{}", "empty placeholder"),
        ("{due_date:%Y}", "takes no format or conversion"),
        ("{customer_name!r}", "takes no format or conversion"),
        ("a lone { brace", "literal brace"),
        ("a lone } brace", "literal brace"),
    ],
)
def test_anything_but_a_known_name_is_refused_naming_it(text: str, named: str) -> None:
    with pytest.raises(CannedTextError, match=named.replace("{", r"\{").replace("[", r"\[")):
        placeholders(text)


def test_filling_puts_in_the_values_as_they_are() -> None:
    text = "Sayın {customer_name}, {ticket_id} numaralı şikâyetiniz {due_date} tarihine kadar. {{x}}"
    values = {
        "customer_name": "Ayşe {ticket_id}",
        "ticket_id": "C-2026-000123",
        "due_date": "27 Kasım 2026 15:00",
    }

    assert fill(text, values) == (
        "Sayın Ayşe {ticket_id}, C-2026-000123 numaralı şikâyetiniz 27 Kasım 2026 15:00 tarihine kadar. {x}"
    )


def test_a_value_the_text_needs_but_the_ticket_lacks_is_named() -> None:
    with pytest.raises(KeyError, match="due_date"):
        fill("Due {due_date}", {"due_date": None})
    assert fill("No date here", {"due_date": None}) == "No date here"


def test_the_api_model_refuses_an_unknown_placeholder_naming_field_language_and_name() -> None:
    from complaintdesk.errors import InvalidInput

    with pytest.raises(InvalidInput) as caught:
        parse(CannedReplyCreate, {"title": "Refund", "texts": {"en": "ok", "tr": "Sipariş {siparis_no}"}})
    (detail,) = caught.value.details
    assert detail["field"] == "texts" and "tr: unknown placeholder {siparis_no}" in detail["message"]
    with pytest.raises(InvalidInput, match="at least one language"):
        parse(CannedReplyCreate, {"title": "Refund", "texts": {}})
    with pytest.raises(InvalidInput):
        parse(CannedReplyCreate, {"title": "Refund", "texts": {"de": "Hallo"}})


def test_a_comment_has_a_body_or_a_canned_reply_not_both() -> None:
    from complaintdesk.errors import InvalidInput

    assert parse(CommentIn, {"canned_reply_id": "refund", "visibility": "public"}).body is None
    for wrong in ({"visibility": "public"}, {"body": "Hi", "canned_reply_id": "refund"}):
        with pytest.raises(InvalidInput, match="give body or canned_reply_id"):
            parse(CommentIn, wrong)
    with pytest.raises(InvalidInput, match="leave out from_customer"):
        parse(CommentIn, {"canned_reply_id": "refund", "from_customer": True})
