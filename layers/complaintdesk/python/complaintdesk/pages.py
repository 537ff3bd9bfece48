"""The customer's pages: small server-rendered HTML that reads like a letter, in the customer's language.

What a signed link opens in a browser — the status page, the survey form and its answers, the
accept/reject page of a resolution, and the friendly page of a refused link — is built here; the
services say what the page shows (``services/customer_pages.py``), the routes (``routes/public.py``)
choose between this HTML and JSON by the request's ``Accept`` header.

Every page:
- is in one language: the ticket's customer's, else the first of the request's ``Accept-Language``
  we speak, else English; the words are the ``PAGES`` section of ``notify/locales/<code>.py``;
- escapes every value, carries ``lang``, headings, labels bound to their inputs, and needs no
  JavaScript (plain links and form posts);
- is sent with the same CSP (``default-src 'none'; style-src 'unsafe-inline'; form-action 'self'``):
  no script, no remote resource, forms post only to this API;
- writes times with ``notify.templates.format_moment`` (Babel/CLDR), in the customer's time zone,
  never as ISO strings or UTC.
"""

from __future__ import annotations

import html
import importlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from chalice.app import Response

CSP = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'"
HEADERS = {
    "Content-Type": "text/html; charset=utf-8",
    "Content-Security-Policy": CSP,
    "Cache-Control": "no-store",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",  # the token in the address stays on this site
}
SCORES = (1, 2, 3, 4, 5)

_STYLE = (
    "body{margin:0;background:#f5f7fa;color:#1f2933;font:16px/1.55 system-ui,-apple-system,'Segoe UI',"
    "Roboto,Arial,sans-serif}"
    "main{max-width:40em;margin:0 auto;padding:1.5em 1.25em 2em;background:#fff;min-height:100vh;"
    "box-sizing:border-box}"
    "header p{margin:0;color:#52606d;font-size:.9em;letter-spacing:.02em}"
    "h1{font-size:1.5em;margin:.3em 0 .8em}h2{font-size:1.15em;margin:1.6em 0 .5em;"
    "border-bottom:1px solid #e4e7eb;padding-bottom:.2em}"
    "dl{display:grid;grid-template-columns:max-content 1fr;gap:.35em 1em;margin:0}"
    "dt{font-weight:600;color:#3e4c59}dd{margin:0}"
    "ol,ul{padding-left:1.2em}li{margin:.35em 0}li>time:first-child,.msg time{color:#52606d}"
    ".late{border-left:4px solid #d64545;padding:.4em .8em;background:#fdf2f2}"
    ".msg{border:1px solid #e4e7eb;border-radius:6px;padding:.6em .9em;margin:.7em 0}"
    ".msg.us{background:#f0f4f8}.msg p{margin:.3em 0 0;white-space:pre-wrap}"
    "fieldset{border:1px solid #cbd2d9;border-radius:6px;padding:.8em 1em}legend{font-weight:600}"
    "label{display:block;margin:.35em 0}textarea{width:100%;box-sizing:border-box;font:inherit}"
    "button{font:inherit;padding:.55em 1.2em;margin-top:1em;border:0;border-radius:6px;"
    "background:#1f5fbf;color:#fff;cursor:pointer}button.secondary{background:#52606d}"
    "footer{margin-top:2.5em;color:#616e7c;font-size:.85em;border-top:1px solid #e4e7eb;padding-top:.8em}"
)


# --- language ----------------------------------------------------------------------------------------


def accept_languages(header: str | None) -> list[str]:
    """The languages of an ``Accept-Language`` header, most wanted first (``q=0`` left out)."""
    ranked: list[tuple[float, int, str]] = []
    for index, part in enumerate((header or "").split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if tag.strip() and tag.strip() != "*" and quality > 0:
            ranked.append((-quality, index, tag.strip()))
    return [tag for _, _, tag in sorted(ranked)]


def page_language(preferred: str | None, accept_language: str | None) -> str:
    """The customer's own language when we speak it, else the browser's first we speak, else English."""
    from babel import negotiate_locale

    from complaintdesk.notify.templates import DEFAULT_LANGUAGE, LANGUAGES

    for wanted in ([preferred] if preferred else [], accept_languages(accept_language)):
        tags = [tag.replace("_", "-").lower() for tag in wanted]
        # "tr-TR" matches "tr" (Babel compares the language when the region is not offered)
        found = negotiate_locale(tags, list(LANGUAGES), sep="-")
        if found:
            return found
    return DEFAULT_LANGUAGE


def wants_html(headers: Mapping[str, str]) -> bool:
    """A browser (``Accept: text/html``) gets a page; an API client, JSON."""
    return "text/html" in (headers.get("accept") or "").lower()


@cache
def words(language: str) -> Mapping[str, str]:
    """The page words of ``language`` (its locale module's ``PAGES``)."""
    page_words: Mapping[str, str] = importlib.import_module(f"complaintdesk.notify.locales.{language}").PAGES
    return page_words


def say(language: str, key: str, **values: Any) -> str:
    """One sentence in ``language``, its values escaped (the result is HTML)."""
    return html.escape(words(language)[key], quote=False).format(
        **{name: html.escape(str(value)) for name, value in values.items()}
    )


def moment(value: datetime | str | None, language: str, zone: str) -> str:
    """A point in time as the customer's language writes it, in their zone (escaped HTML)."""
    if value is None or value == "":
        return ""
    from complaintdesk import clock
    from complaintdesk.notify.templates import format_moment

    at = clock.parse_iso(value) if isinstance(value, str) else value
    return f'<time datetime="{html.escape(at.isoformat())}">{html.escape(format_moment(at, language, zone))}</time>'


# --- the page ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Page:
    language: str
    title: str  # plain text
    body: str  # HTML
    status: int = 200

    def html(self) -> str:
        e = html.escape
        return (
            f'<!doctype html>\n<html lang="{e(self.language)}">\n<head>\n<meta charset="utf-8">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            '<meta name="referrer" content="no-referrer">\n'
            f"<title>{e(self.title)}</title>\n<style>{_STYLE}</style>\n</head>\n<body>\n<main>\n"
            f"<header><p>{say(self.language, 'brand')}</p></header>\n"
            f"<h1>{e(self.title)}</h1>\n{self.body}\n"
            f"<footer><p>{say(self.language, 'footer')}</p></footer>\n</main>\n</body>\n</html>\n"
        )

    def response(self) -> Response:
        from chalice.app import Response

        return Response(body=self.html(), status_code=self.status, headers=dict(HEADERS))


def _p(text: str, css: str = "") -> str:
    return f'<p class="{css}">{text}</p>' if css else f"<p>{text}</p>"


def _dl(rows: list[tuple[str, str]]) -> str:
    items = "".join(f"<dt>{label}</dt><dd>{value}</dd>" for label, value in rows if value)
    return f"<dl>{items}</dl>"


# --- status ------------------------------------------------------------------------------------------


def status_page(view: Any) -> Page:
    """The status link's page: where the complaint stands, what happens next and by when, the
    conversation and what has happened, as sentences. ``view``: ``customer_pages.StatusView``."""
    lang, zone, e = view.language, view.timezone, html.escape
    parts = [_p(say(lang, "greeting", name=view.customer_name))] if view.customer_name else []
    parts.append(_p(say(lang, f"status.intro.{view.status}")))
    parts.append(
        _dl(
            [
                (say(lang, "label.subject"), e(view.subject)),
                (say(lang, "label.status"), f"<strong>{say(lang, f'status.{view.status}')}</strong>"),
                (say(lang, "label.category"), e(view.category or "")),
                (say(lang, "label.step"), e(view.current_step or "")),
                (say(lang, "label.received"), moment(view.received_at, lang, zone)),
                (say(lang, "label.resolved"), moment(view.resolved_at, lang, zone)),
                (say(lang, "label.closed"), moment(view.closed_at, lang, zone)),
            ]
        )
    )
    if view.resolution:
        parts.append(f"<h2>{say(lang, 'label.resolution')}</h2>")
        parts.append(f'<p style="white-space:pre-wrap">{e(view.resolution)}</p>')
    parts.append(f"<h2>{say(lang, 'next.heading')}</h2>")
    key, values, late = view.next_step()
    if "due" in values:
        values["due"] = moment(values["due"], lang, zone)
    sentence = words(lang)[key]
    text = html.escape(sentence, quote=False).format(
        **{k: (v if k == "due" else html.escape(str(v))) for k, v in values.items()}
    )
    parts.append(_p(text, "late" if late else ""))
    if view.decision_url:
        parts.append(_p(f'<a href="{e(view.decision_url)}">{say(lang, "decision.link")}</a>'))
    parts.append(f"<h2>{say(lang, 'conversation.heading')}</h2>")
    if view.messages:
        for message in view.messages:
            who = "us" if message.from_us else "you"
            parts.append(
                f'<article class="msg {who}"><h3 style="font-size:1em;margin:0">'
                f"{say(lang, f'conversation.{who}')} · {moment(message.at, lang, zone)}</h3>"
                f"<p>{e(message.text)}</p></article>"
            )
    else:
        parts.append(_p(say(lang, "conversation.empty")))
    parts.append(f"<h2>{say(lang, 'timeline.heading')}</h2>")
    items = "".join(
        f"<li>{moment(item.at, lang, zone)} — {say(lang, item.key, **item.values)}</li>"
        for item in view.timeline
    )
    parts.append(f"<ol>{items}</ol>")
    return Page(lang, words(lang)["status.title"].format(ticket_id=view.ticket_id), "\n".join(parts))


# --- survey ------------------------------------------------------------------------------------------


def survey_form(language: str, ticket_id: str, action: str) -> Page:
    """The 1–5 question as radio buttons with their labels, a comment box and one button; a plain
    form post (``application/x-www-form-urlencoded``) to ``action``."""
    lang, e = language, html.escape
    radios = "".join(
        f'<label for="score-{n}"><input type="radio" id="score-{n}" name="score" value="{n}" required> '
        f"{say(lang, f'survey.score.{n}')}</label>"
        for n in SCORES
    )
    body = (
        _p(say(lang, "survey.intro", ticket_id=ticket_id))
        + f'<form method="post" action="{e(action)}" accept-charset="utf-8">'
        f"<fieldset><legend>{say(lang, 'survey.question')}</legend>{radios}</fieldset>"
        f'<p><label for="comment">{say(lang, "survey.comment")}</label>'
        '<textarea id="comment" name="comment" rows="5" maxlength="2000"></textarea></p>'
        f'<button type="submit">{say(lang, "survey.submit")}</button></form>'
    )
    return Page(lang, words(lang)["survey.title"], body)


def survey_done(language: str, score: int, *, just_now: bool, status_url: str | None = None) -> Page:
    """Thanks for the answer just sent (201), or the friendly page of a survey answered before."""
    key = "survey.thanks" if just_now else "survey.already"
    body = _p(say(language, key, score=score))
    if status_url:
        body += _p(f'<a href="{html.escape(status_url)}">{say(language, "link.status")}</a>')
    return Page(language, words(language)[f"{key}.title"], body, 201 if just_now else 200)


# --- the decision on a resolution ----------------------------------------------------------------------


def decision_page(
    view: Mapping[str, Any], language: str, zone: str, action: str, *, just_now: bool = False
) -> Page:
    """The decision link's page (``closure.decision_view``): the resolution, then either an accept
    form and a reject form (with an optional reason) or what the customer decided; their recourse."""
    lang, e = language, html.escape
    parts = [_p(say(lang, "decision.intro", subject=view["subject"]))]
    if view.get("resolution"):
        parts.append(
            f'<blockquote style="white-space:pre-wrap;margin:0 0 1em">{e(view["resolution"])}</blockquote>'
        )
    if view.get("resolved_at"):
        parts.append(_dl([(say(lang, "label.resolved"), moment(view["resolved_at"], lang, zone))]))
    if just_now:
        parts.append(_p(f"<strong>{say(lang, 'decision.thanks')}</strong>"))
    decided = view.get("decided")
    if decided in ("accepted", "rejected"):
        when = moment(view.get("decided_at"), lang, zone)
        parts.append(_p(html.escape(words(lang)[f"decision.{decided}"], quote=False).format(at=when)))
    elif view.get("status") == "resolved" and view.get("resolution"):
        question = say(lang, "decision.question")
        if view.get("answer_by"):
            due = moment(view["answer_by"], lang, zone)
            question += " " + html.escape(words(lang)["decision.answer_by"], quote=False).format(due=due)
        parts.append(f"<h2>{say(lang, 'decision.heading')}</h2>")
        parts.append(_p(question))
        parts.append(
            f'<form method="post" action="{e(action)}" accept-charset="utf-8">'
            '<input type="hidden" name="decision" value="accept">'
            f"<p>{say(lang, 'decision.accept.note')}</p>"
            f'<button type="submit">{say(lang, "decision.accept")}</button></form>'
        )
        parts.append(
            f'<form method="post" action="{e(action)}" accept-charset="utf-8">'
            '<input type="hidden" name="decision" value="reject">'
            f'<p><label for="reason">{say(lang, "decision.reason")}</label>'
            '<textarea id="reason" name="reason" rows="4" maxlength="2000"></textarea></p>'
            f"<p>{say(lang, 'decision.reject.note')}</p>"
            f'<button type="submit" class="secondary">{say(lang, "decision.reject")}</button></form>'
        )
    else:
        parts.append(_p(say(lang, "decision.closed")))
    recourse = list(view.get("recourse") or [])
    if recourse:
        parts.append(f"<h2>{say(lang, 'recourse.heading')}</h2>")
        items = []
        for item in recourse:
            where = item.get("url") or item.get("contact") or ""
            if item.get("url") and str(where).lower().startswith(("https://", "http://")):
                where_html = f'<a href="{e(str(where))}">{e(str(where))}</a>'
            else:
                where_html = e(str(where))
            kind = say(lang, f"recourse.{item.get('kind', 'internal')}")
            items.append(f"<li>{kind}: <strong>{e(str(item.get('name', '')))}</strong> — {where_html}</li>")
        parts.append(f"<ul>{''.join(items)}</ul>")
    title = words(lang)["decision.title"].format(ticket_id=view["ticket_id"])
    return Page(lang, title, "\n".join(parts))


# --- refused requests --------------------------------------------------------------------------------


def error_page(status: int, headers: Mapping[str, str], language: str | None = None) -> Any:
    """A refused request of a browser on a public page: a friendly page in the browser's language
    (the ticket is not known when its link does not verify), with the same status as the JSON."""
    lang = page_language(language, headers.get("accept-language"))
    key = f"error.{status}" if status in (400, 403, 404, 409) else "error.other"
    return Page(lang, words(lang)[f"{key}.title"], _p(say(lang, key)), status).response()
