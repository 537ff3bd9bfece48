"""The agent's console in a real browser (headless Chromium through Playwright) on the running local
stack: the queue and the ticket page worked the way a person would, with the mouse and with the
keyboard alone.

One agent sign-in works a ticket created through the API from the queue to resolved and back: found
by search and filters, taken, answered with a canned reply (the customer's e-mail lands in the
stack's outbox), an internal note (never e-mailed), a file uploaded through the presigned POST, the
step completed, the customer waited for, resolved with a root cause and a recovery action, reopened.
"""

from __future__ import annotations

import email
import time
import uuid
from email import policy
from typing import Any

import pytest
import requests

from tests.e2e.conftest import RunningStack, once_its_plan_waits, wait_for

pytestmark = pytest.mark.e2e

AGENT = "agent@complaintdesk.local"
MANAGER = "manager@complaintdesk.local"
CATEGORY = "billing-error"
TEAM = "billing"
RECEIPT = b"%PDF-1.4\n% receipt for the console test\n%%EOF\n"


# ------------------------------------------------------------------ what the tests share


def ensure_members(stack: RunningStack, team: str, *people: str) -> None:
    """The people in ``team`` (kept with whoever is there already), as an admin would set them."""
    status, found = stack.call("GET", f"/teams/{team}", role="admin")
    assert status == 200, found
    members = {m if isinstance(m, str) else m["email"] for m in found.get("members", [])}
    if set(people) <= members:
        return
    status, answer = stack.call(
        "PUT", f"/teams/{team}/members", {"members": sorted(members | set(people))}, role="admin"
    )
    assert status == 200, answer


def api_ticket(
    stack: RunningStack, subject: str, *, name: str, language: str = "en", category: str = CATEGORY
) -> dict[str, Any]:
    """A billing complaint received through the API (in ``category``, the shipped billing plan or one
    made from it), once its plan waits on the first step (tests/e2e/conftest.py)."""
    address = f"{name.split()[0].lower()}.{uuid.uuid4().hex[:8]}@example.com"
    status, ticket = stack.call(
        "POST",
        "/tickets",
        {
            "channel": "api",
            "category": category,
            "subject": subject,
            "description": f"{subject}: the invoice shows the same charge twice.",
            "customer": {"name": name, "email": address, "language": language},
            "fields": {
                "invoice_number": f"INV-{uuid.uuid4().hex[:6]}",
                "disputed_amount": 150,
                "currency": "TRY",
                "error_type": "double_charge",
            },
        },
        role="integration",
    )
    assert status == 201, ticket
    return once_its_plan_waits(stack, ticket["ticket_id"])


def canned_reply(stack: RunningStack) -> dict[str, Any]:
    reply_id = f"console-{uuid.uuid4().hex[:8]}"
    status, reply = stack.call(
        "POST",
        f"/categories/{CATEGORY}/canned-replies",
        {
            "id": reply_id,
            "title": "We are checking the invoice",
            "texts": {
                "en": "Dear {customer_name}, we are checking the invoice of {ticket_id} with our billing team.",
                "tr": "Sayın {customer_name}, {ticket_id} numaralı kaydın faturasını inceliyoruz.",
                "lv": "Cien. {customer_name}, mēs pārbaudām pieteikuma {ticket_id} rēķinu.",
            },
        },
        role="admin",
    )
    assert status == 201, reply
    return reply


def mails_about(stack: RunningStack, ticket_id: str) -> list[str]:
    """The plain text of every mail the stack sent about the ticket (the outbox's .eml files)."""
    texts = []
    for path in sorted(stack.outbox.glob("*.eml")):
        message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
        body = message.get_body(preferencelist=("plain",))
        text = str(body.get_content()) if body is not None else ""
        if ticket_id in str(message["Subject"]) or ticket_id in text or ticket_id in path.name:
            texts.append(text)
    return texts


def settled(page: Any) -> None:
    """The ticket page is not being drawn again (it is aria-busy while it reloads after an action)."""
    page.wait_for_function("() => !document.querySelector('main [aria-busy=true]')", timeout=60_000)


def until(page: Any, selector: str, timeout: float = 60, what: str = "", refresh: bool = True) -> Any:
    """Wait for ``selector`` on the ticket page, pressing its Refresh button while the plan moves on
    in the stack's pollers (bounded; never a bare sleep). A timeout says what the page's forms said."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        settled(page)
        found = page.locator(selector)
        if found.count():
            return found
        button = page.get_by_test_id("ticket-refresh")
        if refresh and button.count():
            button.click()
        page.wait_for_timeout(700)
    said = page.locator(".form-error, .field-error, .toast").all_inner_texts()
    raise AssertionError(f"timed out after {timeout}s waiting for {what or selector}; the page said {said}")


# ------------------------------------------------------------------ the flows


def test_an_agent_works_a_ticket_from_the_queue_to_resolved_and_reopens_it(
    running_stack: RunningStack, signed_in: Any, screenshot: Any
) -> None:
    stack = running_stack
    ensure_members(stack, TEAM, AGENT, MANAGER)
    ensure_members(stack, "finance", AGENT)  # the second step's owner team: members complete steps
    reply = canned_reply(stack)
    word = f"zeta{uuid.uuid4().hex[:6]}"
    ticket = api_ticket(stack, f"Double charge {word}", name="Oliver Brown")
    ticket_id = ticket["ticket_id"]
    page = signed_in("agent", "en")

    # Given the queue, when the agent searches for a word of the subject and filters by category
    page.goto(page.url.split("#")[0] + "#/queue")
    page.get_by_test_id("queue-search").fill(word)
    page.get_by_test_id("queue-category").select_option(CATEGORY)
    page.get_by_test_id("queue-apply").click()
    page.wait_for_function(
        "() => document.querySelector('[data-testid=queue-count]').textContent === '1 shown'"
    )
    row = page.get_by_test_id(f"queue-row-{ticket_id}")
    # Then the ticket is there, its due state in words beside the icon, and a filter that does not
    # fit (another channel) leaves it out
    badge = row.get_by_test_id("due-badge").inner_text()
    assert any(words in badge for words in ("On time", "At risk", "Breached")), badge
    page.get_by_test_id("queue-channel").select_option("phone")
    page.get_by_test_id("queue-apply").click()
    page.get_by_test_id(f"queue-row-{ticket_id}").wait_for(state="detached")
    page.get_by_test_id("queue-channel").select_option("api")
    page.get_by_test_id("queue-apply").click()
    row.wait_for()
    screenshot(page, "queue", "agent", "en")

    # When the agent takes it from the queue
    page.get_by_test_id(f"queue-take-{ticket_id}").click()
    page.wait_for_function(
        "([id, who]) => (document.querySelector(`[data-testid=queue-assignee-${id}]`) || {}).textContent === who",
        arg=[ticket_id, AGENT],
    )
    _, stored = stack.call("GET", f"/tickets/{ticket_id}")
    assert stored["assignee"] == AGENT

    # and opens the ticket page from its row
    page.get_by_test_id(f"queue-link-{ticket_id}").click()
    page.get_by_test_id("ticket-title").wait_for()
    assert ticket_id in page.get_by_test_id("ticket-title").inner_text()
    assert page.get_by_test_id("ticket-assignee").inner_text() == AGENT
    # the customer 360 and the plan as a progress line: the current step, its team, what is next
    assert "Oliver Brown" in page.get_by_test_id("ticket-customer").inner_text()
    assert ticket_id in page.get_by_test_id("customer-tickets").inner_text()
    current = page.locator("[data-testid=ticket-plan] li[aria-current=step]")
    assert current.get_attribute("data-step") == "investigate"
    assert "Billing team" in current.inner_text()
    assert "Correcting the invoice" in page.get_by_test_id("plan-next").inner_text()
    assert page.get_by_test_id("ticket-reassign").count() == 0  # agents do not reassign to others
    screenshot(page, "ticket", "agent", "en")

    # When the agent picks the canned reply: it is filled for this ticket in the customer's language
    page.get_by_test_id("reply-canned").select_option(reply["reply_id"])
    page.wait_for_function(
        "() => document.querySelector('[data-testid=reply-body]').value.includes('Oliver Brown')"
    )
    filled = page.get_by_test_id("reply-body").input_value()
    assert filled == f"Dear Oliver Brown, we are checking the invoice of {ticket_id} with our billing team."
    page.get_by_test_id("reply-send").click()
    page.get_by_test_id("toast-success").first.wait_for()
    settled(page)
    # Then the customer's e-mail appears in the outbox with those words
    wait_for(
        lambda: any(filled in text for text in mails_about(stack, ticket_id)), 60, "the reply in the outbox"
    )

    # When the agent adds an internal note: it is on the timeline, marked internal, never e-mailed
    note = f"Checked the ledger {word}: the second charge is a duplicate."
    page.get_by_test_id("note-body").fill(note)
    page.get_by_test_id("note-add").click()
    entry = page.locator("[data-testid=ticket-timeline] li", has_text=note)
    entry.wait_for()
    assert "Internal" in entry.inner_text()
    settled(page)

    # When the agent uploads a file: it goes to S3 through the presigned POST and is confirmed
    page.get_by_test_id("file-input").set_input_files(
        {"name": "receipt.pdf", "mimeType": "application/pdf", "buffer": RECEIPT}
    )
    page.get_by_test_id("file-upload").click()
    link = page.get_by_test_id("file-receipt.pdf")
    link.wait_for()
    settled(page)
    assert requests.get(link.get_attribute("href"), timeout=30).content == RECEIPT

    # An API error is shown next to its field: resolving without words says what is missing
    page.get_by_test_id("resolve-do").click()
    problem = page.locator("[data-testid=resolve-form] [data-error-for=resolution] .field-error")
    problem.wait_for(state="visible")
    assert problem.inner_text().strip()

    # A change made meanwhile elsewhere (a manager raises the priority): completing the step with the
    # version the page read is refused (409), the page says so and reloads the ticket
    _, now = stack.call("GET", f"/tickets/{ticket_id}")
    status, _ = stack.call(
        "PATCH", f"/tickets/{ticket_id}", {"version": now["version"], "priority": "urgent"}, role="manager"
    )
    assert status == 200
    page.get_by_test_id("step-complete").click()
    page.get_by_test_id("toast-warning").first.wait_for()
    page.wait_for_function("() => document.body.innerText.includes('Urgent')")
    settled(page)

    # When the agent completes the step, the plan moves on to the next one
    page.get_by_test_id("step-notes").fill("Duplicate charge confirmed in the ledger.")
    page.get_by_test_id("step-complete").click()
    until(page, "[data-testid=ticket-plan] li[aria-current=step][data-step=correct]", what="the next step")
    assert page.locator("[data-testid=ticket-plan] li[data-step=investigate]").inner_text().count("Done") == 1

    # and sets it to wait for the customer: the clock stops
    until(page, "[data-testid=step-wait]", what="the step form of the next step")
    page.get_by_test_id("step-notes").fill("Please send the bank statement of March.")
    page.get_by_test_id("step-wait").click()
    until(
        page,
        "[data-testid=ticket-status]:has-text('Waiting for the customer')",
        what="waiting for the customer",
    )

    # When the agent resolves it with a root cause of the category and a compensation
    page.get_by_test_id("resolve-resolution").fill(f"We refunded the duplicate charge {word}.")
    page.get_by_test_id("resolve-root-cause").select_option("payment_captured_twice")
    page.get_by_test_id("resolve-recovery").select_option("compensation")
    page.get_by_test_id("resolve-compensation-type").fill("refund")
    page.get_by_test_id("resolve-amount").fill("150.00")
    page.get_by_test_id("resolve-currency").fill("TRY")
    page.get_by_test_id("resolve-do").click()
    until(page, "[data-testid=ticket-status]:has-text('Resolved')", what="the resolution")
    _, resolved = stack.call("GET", f"/tickets/{ticket_id}")
    assert resolved["root_cause"] == "payment_captured_twice"
    wait_for(
        lambda: any(f"We refunded the duplicate charge {word}." in t for t in mails_about(stack, ticket_id)),
        60,
        "the resolution in the outbox",
    )
    # The internal note never left the desk
    assert not any(note in text for text in mails_about(stack, ticket_id))

    # When the agent reopens it (once the plan waits in its follow-up), the last step starts again
    deadline = time.monotonic() + 60
    while True:
        page.get_by_test_id("reopen-reason").fill("The customer was charged again.")
        page.get_by_test_id("reopen-do").click()
        page.wait_for_function(
            "() => document.querySelector('[data-testid=ticket-status]').textContent === 'Open' || "
            "document.querySelector('[data-testid=reopen-form] .form-error').textContent !== ''"
        )
        settled(page)
        if page.get_by_test_id("ticket-status").inner_text() == "Open":
            break
        assert time.monotonic() < deadline, page.locator("[data-testid=reopen-form] .form-error").inner_text()
        page.wait_for_timeout(1000)
        page.get_by_test_id("ticket-refresh").click()
        settled(page)
    _, reopened = stack.call("GET", f"/tickets/{ticket_id}")
    assert reopened["status"] == "open"


def test_the_queue_and_the_ticket_page_work_with_the_keyboard_alone(
    running_stack: RunningStack, signed_in: Any
) -> None:
    stack = running_stack
    ensure_members(stack, TEAM, AGENT, MANAGER)
    word = f"kappa{uuid.uuid4().hex[:6]}"
    ticket = api_ticket(stack, f"Late invoice {word}", name="Ayla Kaya")
    ticket_id = ticket["ticket_id"]
    page = signed_in("agent", "en")
    page.goto(page.url.split("#")[0] + "#/queue")
    page.get_by_test_id("queue-search").wait_for()

    def tab_to(testid: str, limit: int = 80) -> None:
        for _ in range(limit):
            page.keyboard.press("Tab")
            if (
                page.evaluate("() => document.activeElement && document.activeElement.dataset.testid")
                == testid
            ):
                assert_focus_visible()
                return
        raise AssertionError(f"Tab never reached {testid}")

    def assert_focus_visible() -> None:
        ring = page.evaluate(
            "() => { const s = getComputedStyle(document.activeElement);"
            " return {style: s.outlineStyle, width: parseFloat(s.outlineWidth), shadow: s.boxShadow}; }"
        )
        assert (ring["style"] != "none" and ring["width"] > 0) or ring["shadow"] != "none", ring

    # Given the queue, the agent reaches the search with Tab, types and submits with Enter
    tab_to("queue-search")
    page.keyboard.type(word)
    page.keyboard.press("Enter")
    page.get_by_test_id(f"queue-row-{ticket_id}").wait_for()
    # Every control of the queue is reachable with Tab
    every_control_reachable(page, "main")
    # Space presses the row's Take button; Enter opens the ticket from its link
    page.locator("main").focus()
    tab_to(f"queue-take-{ticket_id}")
    page.keyboard.press("Space")
    page.wait_for_function(
        "([id, who]) => (document.querySelector(`[data-testid=queue-assignee-${id}]`) || {}).textContent === who",
        arg=[ticket_id, AGENT],
    )
    page.locator("main").focus()
    tab_to(f"queue-link-{ticket_id}")
    page.keyboard.press("Enter")
    page.get_by_test_id("ticket-title").wait_for()
    assert ticket_id in page.get_by_test_id("ticket-title").inner_text()

    # On the ticket page every control is reachable with Tab, each with a visible focus ring
    every_control_reachable(page, "main")
    # and a note is written and added with the keyboard alone (Space on the button)
    page.locator("main").focus()
    tab_to("note-body")
    page.keyboard.type(f"Keyboard note {word}")
    tab_to("note-add")
    page.keyboard.press("Space")
    page.locator("[data-testid=ticket-timeline] li", has_text=f"Keyboard note {word}").wait_for()
    # the focus stays on the button it pressed (the page drew itself again around it)
    assert page.evaluate("() => document.activeElement.dataset.testid") == "note-add"
    status, _ = stack.call("GET", f"/tickets/{ticket_id}")
    assert status == 200


def every_control_reachable(page: Any, scope: str) -> None:
    """Tab from the top of ``scope`` to its end: every visible, enabled control gets the focus, each
    with a visible focus indicator."""
    total = page.evaluate(
        """(scope) => {
            const root = document.querySelector(scope);
            const controls = [...root.querySelectorAll('a[href], button, input, select, textarea, [tabindex]:not([tabindex="-1"])')]
              .filter((el) => !el.disabled && el.offsetParent !== null && el.getAttribute('tabindex') !== '-1');
            controls.forEach((el, i) => el.setAttribute('data-kbd', String(i)));
            return controls.length;
        }""",
        scope,
    )
    assert total > 0
    page.locator(scope).focus()
    seen: set[str] = set()
    for _ in range(total * 3 + 20):
        page.keyboard.press("Tab")
        state = page.evaluate(
            """(scope) => {
                const el = document.activeElement;
                if (!el || !document.querySelector(scope).contains(el)) return {inside: false};
                const s = getComputedStyle(el);
                return {inside: true, kbd: el.getAttribute('data-kbd'), ring: (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0) || s.boxShadow !== 'none'};
            }""",
            scope,
        )
        if not state["inside"]:
            if seen:
                break
            continue
        assert state["ring"], f"no visible focus on control {state['kbd']}"
        if state["kbd"] is not None:
            seen.add(state["kbd"])
    missing = page.evaluate(
        "([scope, seen]) => [...document.querySelectorAll(`${scope} [data-kbd]`)]"
        ".filter((el) => !seen.includes(el.getAttribute('data-kbd')))"
        ".map((el) => el.dataset.testid || el.outerHTML.slice(0, 80))",
        [scope, sorted(seen)],
    )
    assert not missing, f"never reached with Tab: {missing}"
