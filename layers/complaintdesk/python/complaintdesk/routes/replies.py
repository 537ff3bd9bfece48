"""Canned replies (``services/canned_replies.py``): kept per category by admins, listed and filled for a ticket by staff."""

from __future__ import annotations

from typing import TYPE_CHECKING

from complaintdesk.routes import ADMINS, STAFF, Answer, Routes

if TYPE_CHECKING:
    from complaintdesk.webapi import Call


routes = Routes("replies")


@routes.endpoint(
    "/categories/{category_id}/canned-replies",
    roles=STAFF,
    query="schemas:CannedReplyQuery",
    response="responses:CannedReplyPage",
)
def list_canned_replies(call: Call) -> Answer:
    """The category's canned replies, by id: ?language= (only those written in it), ?limit=, ?cursor=."""
    from complaintdesk.services.canned_replies import list_replies

    q = call.args
    return list_replies(call.params["category_id"], language=q.language, limit=q.limit, cursor=q.cursor)


@routes.endpoint(
    "/categories/{category_id}/canned-replies",
    "POST",
    roles=ADMINS,
    body="schemas:CannedReplyCreate",
    status=201,
    response="responses:CannedReply",
)
def create_canned_reply(call: Call) -> Answer:
    """A new canned reply: a title and a text per language; an unknown placeholder is 400, an id in use 409."""
    from complaintdesk.services.canned_replies import create_reply

    return create_reply(call.params["category_id"], call.body, actor=call.actor)


@routes.endpoint(
    "/categories/{category_id}/canned-replies/{reply_id}", roles=STAFF, response="responses:CannedReply"
)
def get_canned_reply(call: Call) -> Answer:
    """One canned reply with its texts, the placeholders they use and its version."""
    from complaintdesk.services.canned_replies import get_reply

    return get_reply(call.params["category_id"], call.params["reply_id"])


@routes.endpoint(
    "/categories/{category_id}/canned-replies/{reply_id}",
    "PUT",
    roles=ADMINS,
    body="schemas:CannedReplyUpdate",
    response="responses:CannedReply",
)
def update_canned_reply(call: Call) -> Answer:
    """Replace the title and texts; send the version you read (stale → 409)."""
    from complaintdesk.services.canned_replies import update_reply

    return update_reply(call.params["category_id"], call.params["reply_id"], call.body, actor=call.actor)


@routes.endpoint(
    "/categories/{category_id}/canned-replies/{reply_id}",
    "DELETE",
    roles=ADMINS,
    response="responses:CannedReplyDeleted",
)
def delete_canned_reply(call: Call) -> Answer:
    """Remove a canned reply (comments already sent from it keep their words)."""
    from complaintdesk.services.canned_replies import delete_reply

    return delete_reply(call.params["category_id"], call.params["reply_id"])


@routes.endpoint(
    "/tickets/{ticket_id}/canned-replies/{reply_id}",
    roles=STAFF,
    query="schemas:CannedReplyRenderQuery",
    response="responses:CannedReplyRendered",
)
def render_canned_reply(call: Call) -> Answer:
    """A canned reply of the ticket's category filled for it (customer's name, ticket number, due date)
    in the customer's language, or ?language=; post the text as a public comment, edited or not."""
    from complaintdesk.services.canned_replies import render_for_ticket

    return render_for_ticket(call.params["ticket_id"], call.params["reply_id"], call.args.language)
