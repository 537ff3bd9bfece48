"""The customer's pages in a real browser: headless Chromium (Debian's ``chromium-headless-shell``, or
``chromium``: tests/support/browser.py), driven by Playwright, against the running local stack over
HTTP.

For a Turkish, an English and a Latvian customer it opens the status page, answers the survey by
clicking the form, and opens a tampered link; it reads the rendered text (the customer's words, no
raw codes, no ISO or UTC times) and saves a screenshot of each page under build/screenshots/.

Chromium is the system's (``make test`` installs Debian's package when it can), never a browser
Playwright downloads. Without it the tests skip, saying why — unless COMPLAINTDESK_REQUIRE_BROWSER=1
(CI), then they fail.
"""

from __future__ import annotations

import email
import re
from email import policy
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import REPO, RunningStack, acknowledgement_text, signed_token, wait_for
from tests.support.browser import shared_chromium

pytestmark = pytest.mark.e2e

SCREENSHOTS = REPO / "build" / "screenshots"
ISO = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}|\bUTC\b|\bZ\b")
# What a page must never print: event codes and status words as stored.
RAW = re.compile(
    r"\b(ticket\.\w+|notification\.\w+|comment\.public|survey\.answered|waiting_customer|resolved_at|"
    r"first_response_by|forbidden)\b"
)

CUSTOMERS = {
    "tr": {
        "customer": {"name": "Elif Demir", "email": "elif.demir@example.com", "language": "tr"},
        "subject": "Fatura iki kez kesildi",
        "reply": "Faturanızı inceliyoruz; iade için muhasebeye ilettik.",
        "status": ["Sayın Elif Demir,", "Durum", "Şimdiye kadar olanlar", "Şikâyetinizi aldık.", "Mesajlar"],
        "survey": ["Nasıldık?", "Çok memnunum"],
        "thanks": "Bize 5 üzerinden 4 puan verdiniz.",
        "answered": "Bu anketi zaten yanıtladınız",
        "refused": "Bu bağlantı çalışmıyor",
    },
    "en": {
        "customer": {"name": "Oliver Smith", "email": "oliver.smith@example.com", "language": "en"},
        "subject": "Charged twice",
        "reply": "We are checking your invoice with our billing team.",
        "status": ["Dear Oliver Smith,", "Status", "What has happened so far", "We received your complaint."],
        "survey": ["How did we do?", "Very satisfied"],
        "thanks": "You rated us 4 out of 5.",
        "answered": "You have already answered this survey",
        "refused": "This link does not work",
    },
    "lv": {
        "customer": {"name": "Anna Bērziņa", "email": "anna.berzina@example.com", "language": "lv"},
        "subject": "Divreiz iekasēta maksa",
        "reply": "Mēs pārbaudām jūsu rēķinu kopā ar grāmatvedību.",
        "status": ["Cien. Anna Bērziņa,", "Statuss", "Kas līdz šim noticis", "Mēs saņēmām jūsu sūdzību."],
        "survey": ["Kā mums veicās?", "Ļoti apmierināts"],
        "thanks": "Jūs mūs novērtējāt ar 4 no 5.",
        "answered": "Jūs jau esat atbildējis uz šo aptauju",
        "refused": "Šī saite nedarbojas",
    },
}


@pytest.fixture
def chromium() -> Any:
    """Debian's Chromium, headless, through Playwright (the test process's one: tests/support/browser.py);
    skipped (or failed in CI) when absent."""
    return shared_chromium()


@pytest.fixture(scope="module")
def screenshots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


def signed_link(stack: RunningStack, purpose: str, ticket_id: str) -> str:
    """A link signed with the stack's own key (the survey mail comes only after a resolution)."""
    return f"{stack.url}/{purpose}/{signed_token(stack, purpose, ticket_id)}"


def status_link(stack: RunningStack, ticket_id: str) -> str:
    """The status link of the acknowledgement the customer received (from the outbox)."""
    text = acknowledgement_text(stack, ticket_id)
    return re.search(r"https?://\S+/status/[A-Za-z0-9._~=-]+", text).group(0)


@pytest.fixture(scope="module")
def tickets(running_stack: RunningStack) -> dict[str, dict[str, str]]:
    """One categorised ticket per language, with a public reply from the agent."""
    made = {}
    for language, case in CUSTOMERS.items():
        status, ticket = running_stack.call(
            "POST",
            "/tickets",
            {
                "channel": "web",
                "subject": case["subject"],
                "description": "November's invoice was charged twice.",
                "category": "billing-error",
                "customer": case["customer"],
                "fields": {
                    "invoice_number": f"INV-2026-{language}",
                    "disputed_amount": 1250.5,
                    "currency": "EUR",
                    "error_type": "double_charge",
                },
            },
        )
        assert status == 201, ticket
        tid = ticket["ticket_id"]
        status, _ = running_stack.call(
            "POST", f"/tickets/{tid}/comments", {"body": case["reply"], "visibility": "public"}
        )
        assert status == 201
        made[language] = {"ticket_id": tid, "status": status_link(running_stack, tid)}
    return made


def visible_text(page: Any) -> str:
    return " ".join(page.inner_text("body").split())


def assert_customer_words(text: str) -> None:
    assert not ISO.search(text), ISO.search(text)
    assert not RAW.search(text), RAW.search(text)


@pytest.mark.parametrize("language", list(CUSTOMERS))
def test_status_page_in_a_browser(chromium, tickets, screenshots, language):
    case, ticket = CUSTOMERS[language], tickets[language]
    # A browser that prefers another language: the customer's own still wins
    context = chromium.new_context(locale="de-DE", java_script_enabled=False)
    page = context.new_page()
    try:
        response = page.goto(ticket["status"])
        assert response.status == 200
        assert page.get_attribute("html", "lang") == language
        text = visible_text(page)
        for words in [*case["status"], case["subject"], case["reply"]]:
            assert words in text, (language, words)
        assert_customer_words(text)
        assert page.locator("h1").count() == 1 and page.locator("h2").count() >= 3
        page.screenshot(path=str(screenshots / f"status-{language}.png"), full_page=True)
    finally:
        context.close()


@pytest.mark.parametrize("language", list(CUSTOMERS))
def test_survey_answered_by_clicking_the_form(chromium, running_stack, tickets, screenshots, language):
    case = CUSTOMERS[language]
    link = signed_link(running_stack, "survey", tickets[language]["ticket_id"])
    context = chromium.new_context(locale="en-US", java_script_enabled=False)  # the form needs no script
    page = context.new_page()
    try:
        assert page.goto(link).status == 200
        assert page.get_attribute("html", "lang") == language
        text = visible_text(page)
        for words in case["survey"]:
            assert words in text, (language, words)
        # Every radio button is named by its label (what a screen reader reads out)
        for n in range(1, 6):
            assert page.get_by_role("radio", name=re.compile(rf"^{n} – ")).count() == 1
        page.screenshot(path=str(screenshots / f"survey-{language}.png"), full_page=True)
        # When the customer clicks "4", writes a comment and sends the form
        page.get_by_role("radio", name=re.compile(r"^4 – ")).check()
        page.locator("textarea#comment").fill("Hızlı / fast / ātri — <b>ok</b>")
        with page.expect_navigation():
            page.locator("button[type=submit]").click()
        # Then they are thanked in their language
        text = visible_text(page)
        assert case["thanks"] in text, text
        assert_customer_words(text)
        page.screenshot(path=str(screenshots / f"survey-thanks-{language}.png"), full_page=True)
        # And the link, opened again, says it is answered (no second form)
        assert page.goto(link).status == 200
        assert case["answered"] in visible_text(page) and page.locator("form").count() == 0
    finally:
        context.close()
    # The answer is on the ticket, as typed
    status, timeline = running_stack.call("GET", f"/tickets/{tickets[language]['ticket_id']}/timeline")
    assert status == 200
    [entry] = [e for e in timeline["events"] if e["type"] == "survey.answered"]
    assert entry["data"]["score"] == 4 and entry["data"]["comment"] == "Hızlı / fast / ātri — <b>ok</b>"


@pytest.mark.parametrize("language", list(CUSTOMERS))
def test_a_tampered_link_gets_a_friendly_page(chromium, tickets, screenshots, language):
    # The ticket is not known from a link that does not verify: the browser's language is used
    context = chromium.new_context(locale={"tr": "tr-TR", "en": "en-GB", "lv": "lv-LV"}[language])
    page = context.new_page()
    try:
        response = page.goto(tickets[language]["status"][:-4] + "AAAA")
        assert response.status == 403
        assert page.get_attribute("html", "lang") == language
        text = visible_text(page)
        assert CUSTOMERS[language]["refused"] in text
        assert_customer_words(text)
        page.screenshot(path=str(screenshots / f"refused-{language}.png"), full_page=True)
    finally:
        context.close()


DECISIONS = {
    "tr": ("reject", ["Bu karar sorununuzu çözüyor mu?", "Hayır, kabul etmiyorum"], "yeniden inceliyoruz"),
    "en": ("accept", ["Does this decision solve your problem?", "Yes, I accept the decision"], "is closed"),
    "lv": ("accept", ["Vai šis lēmums atrisina jūsu problēmu?", "Jā, es pieņemu lēmumu"], "ir slēgta"),
}


RESOLVED = {"tr": "Çözüldü", "en": "Resolved", "lv": "Atrisināta"}
RESOLUTIONS = {
    "tr": "İkinci çekimi kartınıza iade ettik.",
    "en": "We refunded the second charge to your card.",
    "lv": "Otro maksājumu atmaksājām uz jūsu karti.",
}


def decision_link(stack: RunningStack, ticket_id: str) -> str:
    """The accept/reject link of the resolution e-mail the customer received (from the outbox)."""

    def found() -> str | None:
        for path in sorted(stack.outbox.glob(f"*{ticket_id}*.eml")):
            message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
            text = message.get_body(preferencelist=("plain",)).get_content()
            match = re.search(r"https?://\S+/decision/[A-Za-z0-9._~=-]+", text)
            if match:
                return match.group(0)
        return None

    return wait_for(found, 30, "the resolution e-mail with its decision link")


@pytest.mark.parametrize("language", list(DECISIONS))
def test_decision_accepted_or_rejected_by_clicking(chromium, running_stack, screenshots, language):
    stack, (choice, asked, told) = running_stack, DECISIONS[language]
    customer = {**CUSTOMERS[language]["customer"], "email": f"decision-{language}@example.com"}
    body = {
        "channel": "web",
        "subject": CUSTOMERS[language]["subject"],
        "description": "Charged twice.",
        "customer": customer,
    }
    status, ticket = stack.call("POST", "/tickets", body)
    assert status == 201, ticket
    tid = ticket["ticket_id"]
    resolution = {"resolution": RESOLUTIONS[language], "root_cause": "misunderstanding"}
    status, answer = stack.call("POST", f"/tickets/{tid}/resolve", resolution, role="manager")
    assert status == 200, answer
    link = decision_link(stack, tid)
    context = chromium.new_context(locale="de-DE", java_script_enabled=False)
    page = context.new_page()
    try:
        # The status page says it is resolved and leads to the decision
        assert page.goto(status_link(stack, tid)).status == 200
        text = visible_text(page)
        assert RESOLVED[language] in text and RESOLUTIONS[language] in text, text
        assert_customer_words(text)
        page.screenshot(path=str(screenshots / f"status-resolved-{language}.png"), full_page=True)
        assert page.locator("a[href*='/decision/']").count() == 1
        assert page.goto(link).status == 200
        assert page.get_attribute("html", "lang") == language
        text = visible_text(page)
        for words in [*asked, resolution["resolution"]]:
            assert words in text, (language, words)
        assert_customer_words(text)
        page.screenshot(path=str(screenshots / f"decision-{language}.png"), full_page=True)
        # When the customer clicks their answer (a reason typed in the labelled box when rejecting)
        if choice == "reject":
            page.get_by_label(re.compile("Hâlâ sorun olan nedir")).fill("Para kartıma gelmedi.")
        with page.expect_navigation():
            page.locator(f"form:has(input[name=decision][value={choice}]) button").click()
        # Then the page thanks them and says what happens now
        text = visible_text(page)
        assert told in text and page.locator("form").count() == 0, text
        assert_customer_words(text)
        page.screenshot(path=str(screenshots / f"decision-{choice}ed-{language}.png"), full_page=True)
    finally:
        context.close()
    status, view = stack.call("GET", f"/tickets/{tid}")
    assert status == 200 and view["status"] == ("open" if choice == "reject" else "closed")
