"""Keeping the customer informed: turn domain events into messages, each sent at most once.

The acknowledgement of a new ticket is the first of them (ISO 10002: acknowledge at once).
Every message sent, and every failure, is written on the ticket's timeline.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from complaintdesk import aws, clock, idempotency, signing
from complaintdesk.observability import bind_ticket, logger
from complaintdesk.services.timeline import new_event
from complaintdesk.settings import get_settings
from complaintdesk.store import repository as repo
from complaintdesk.store.models import Customer, MessageLink, Ticket

STATUS_LINK_TTL = int(timedelta(days=180).total_seconds())


def status_url(ticket_id: str) -> str:
    token = signing.sign_token("status", ticket_id, STATUS_LINK_TTL)
    return f"{get_settings().public_base_url.rstrip('/')}/status/{token}"


def send_email(
    ticket: Ticket, customer: Customer, template: str, context: dict[str, Any], *, event_id: str
) -> dict[str, Any]:
    """Render, send through SES, and record it (message link for threading + timeline) in one transaction."""
    from complaintdesk.notify.compose import build_email, new_message_id
    from complaintdesk.notify.templates import render

    settings = get_settings()
    rendered = render(template, customer.language or ticket.language, context)
    domain = settings.sender_address.partition("@")[2] or "complaintdesk.example"
    message_id = new_message_id(ticket.ticket_id, domain)
    message = build_email(
        rendered,
        to=customer.email or "",
        to_name=customer.name,
        sender=settings.sender_address,
        reply_to=signing.reply_address(ticket.ticket_id),
        ticket_id=ticket.ticket_id,
        message_id=message_id,
    )
    at = clock.now()
    try:
        response = aws.client("ses").send_raw_email(
            Source=settings.sender_address,
            Destinations=[customer.email],
            RawMessage={"Data": message.as_bytes()},
        )
    except Exception as exc:  # the failure is recorded, then re-raised so the queue retries
        repo.save(
            new_event(
                ticket.ticket_id,
                customer.customer_id,
                "notification.failed",
                f"{template} e-mail to the customer failed",
                actor="complaintdesk",
                at=at,
                channel="email",
                data={
                    "template": template,
                    "to": customer.email,
                    "error": str(exc)[:500],
                    "source_event": event_id,
                },
            )
        )
        raise
    link_pk, link_sk = MessageLink.key(message_id)
    link = MessageLink(link_pk, link_sk, ticket_id=ticket.ticket_id, at=clock.iso(at), direction="out")
    sent = new_event(
        ticket.ticket_id,
        customer.customer_id,
        "notification.sent",
        f"{template} e-mail sent to the customer",
        actor="complaintdesk",
        at=at,
        channel="email",
        visibility="public",
        data={
            "template": template,
            "to": customer.email,
            "subject": rendered.subject,
            "message_id": message_id,
            "ses_message_id": response.get("MessageId"),
            "source_event": event_id,
        },
    )
    repo.save_all([(link, None), (sent, None)])
    return {"template": template, "channel": "email", "message_id": message_id}


def _acknowledge(payload: dict[str, Any]) -> dict[str, Any]:
    event = payload["event"]
    ticket = repo.get(Ticket, Ticket.key(event["ticket_id"]), "ticket")
    customer = repo.get(Customer, Customer.key(ticket.customer_id), "customer")
    if not customer.email or customer.email_status != "ok":
        repo.save(
            new_event(
                ticket.ticket_id,
                customer.customer_id,
                "notification.skipped",
                "No e-mail acknowledgement: the customer has no deliverable e-mail address",
                actor="complaintdesk",
                data={"template": "ticket.acknowledged"},
            )
        )
        return {"template": "ticket.acknowledged", "channel": None}
    context = {
        "ticket_id": ticket.ticket_id,
        "customer_name": customer.name,
        "subject": ticket.subject,
        "first_response_due": clock.parse_iso(event["data"]["first_response_due"]),
        "status_url": status_url(ticket.ticket_id),
        "channel": ticket.channel,
    }
    return send_email(ticket, customer, "ticket.acknowledged", context, event_id=event["event_id"])


def handle_event(event: dict[str, Any], lambda_context: Any = None) -> dict[str, Any] | None:
    """One domain event from the events topic; a redelivered event sends nothing new."""
    bind_ticket(event["ticket_id"])
    handlers = {"ticket.created": ("acknowledge", _acknowledge)}
    entry = handlers.get(event["event_type"])
    if entry is None:
        return None
    name, operation = entry
    result = idempotency.run(
        f"notify-{name}", operation, {"event": event}, key="event.event_id", lambda_context=lambda_context
    )
    logger().info("notification handled", extra={"event_type": event["event_type"], "result": result})
    return result
