"""HTML for the browser. Every string that comes from the corpus or the user goes
through esc(): page text is data, never markup (DESIGN §6.7). The chat shows these
fragments with Markdown rendering off, so `![x](...)` or `[a](javascript:..)` in a
page is plain text too.
"""

from __future__ import annotations

import html

from assistant import wording
from assistant.models import Answer, Author, Quote, Thread, Turn, Urgency
from assistant.reply.render import attribution_line, quote_display_text, reply_text


def esc(text: str | None) -> str:
    return html.escape(text or "", quote=True)


def warning_panel_html() -> str:
    """The emergency warning signs, on every page from the first visit: the safety net for
    what the detector misses. A link fixed in a corner opens it from anywhere (assets.PAGE_JS)."""
    signs = "".join(f"<li>{esc(sign)}</li>" for sign in wording.WARNING_SIGNS)
    return (
        '<section id="warning-signs" class="pa-warning" aria-labelledby="warning-signs-title">'
        f'<details open><summary><h2 id="warning-signs-title">{esc(wording.WARNING_SIGNS_TITLE)}</h2></summary>'
        f"<p>{esc(wording.WARNING_SIGNS_INTRO)}</p><ul>{signs}</ul>"
        f'<p class="pa-warning-infection">{esc(wording.WARNING_SIGNS_INFECTION)}</p></details></section>'
        f'<a class="pa-warning-link" href="#warning-signs">{esc(wording.WARNING_SIGNS_LINK)}</a>'
    )


def user_message_html(message: str) -> str:
    return f'<div class="pa-user">{esc(message)}</div>'


NOTICE_CLASSES = {wording.URGENT_CARE_NOTICE: "pa-urgent", wording.SAME_DAY_NOTICE: "pa-same-day"}


def notice_html(notice: str, announce: bool = True) -> str:
    """A fixed notice; an urgent one is styled as such and, in a reply, announced at once
    (role="alert"); announce off where it repeats one already announced (the Sources panel)."""
    css = NOTICE_CLASSES.get(notice, "pa-notice")
    role = ' role="alert"' if css != "pa-notice" and announce else ""
    return f'<div class="{css}"{role}>{esc(notice)}</div>'


def reply_html(turn: Turn) -> str:
    """One assistant reply: notices (an urgent one first), quote cards, disclaimer, for a
    follow-up what it was read with, and its copy control. Under an emergency notice the
    cards are folded away behind a control saying they are other patients' cases, so
    nothing reassuring is read first."""
    notices = turn.notices
    disclaimer = notices[-1]
    parts = ['<div class="pa-reply">']
    parts += [notice_html(notice) for notice in notices[:-1]]
    cards = [_quote_card(n, quote) for n, quote in enumerate(turn.quotes, start=1)]
    if cards and turn.urgency is Urgency.EMERGENCY:
        summary = esc(wording.OTHER_CASES.format(n=len(cards)))
        cards = [f'<details class="pa-other-cases"><summary>{summary}</summary>{"".join(cards)}</details>']
    parts += cards
    parts.append(f'<div class="pa-disclaimer">{esc(disclaimer)}</div>')
    earlier_messages = [text for text, _ in turn.search_query.parts[:-1]]
    if earlier_messages:  # a follow-up: say, briefly, what it was read together with
        earlier = "".join(f'<div class="pa-context">{esc(shortened(m))}</div>' for m in earlier_messages)
        parts.append(f'<details class="pa-searched"><summary>{esc(wording.READ_TOGETHER)}</summary>{earlier}</details>')
    parts.append(f'<button type="button" class="pa-copy">{esc(wording.COPY_REPLY)}</button>')
    parts.append(f'<div class="pa-plain">{esc(plain_text(turn))}</div>')
    parts.append("</div>")
    return "".join(parts)


CONTEXT_MAX_CHARS = 160  # of each earlier message shown under "Read together with ..."


def shortened(message: str) -> str:
    if len(message) <= CONTEXT_MAX_CHARS:
        return message
    cut = message.rfind(" ", 0, CONTEXT_MAX_CHARS)
    return message[: cut if cut > 0 else CONTEXT_MAX_CHARS].rstrip() + wording.ELLIPSIS


def plain_text(turn: Turn) -> str:
    """What "Copy" puts on the clipboard: the question, then the reply as plain text."""
    return f"{wording.YOU_ASKED} {turn.message}\n\n{reply_text(turn)}"


def _quote_card(n: int, quote: Quote) -> str:
    return (
        f'<div class="pa-card" data-answer-id="{esc(quote.answer.id)}">'
        f'<div class="pa-cite">[{n}]</div>'
        f'<blockquote class="pa-quote">\u201c{esc(quote_display_text(quote))}\u201d</blockquote>'
        f'<div class="pa-author">{_author_html(quote.answer.author)}</div>'
        f'<div class="pa-for">{esc(wording.ANSWERED_QUESTION)} <em>{esc(quote.thread.title)}</em></div>'
        f'<div class="pa-links"><a class="pa-source-link" href="#pa-src-{n}">{esc(wording.SOURCE_IN_FULL)}</a>'
        f"{_original_link(quote.thread.url)}</div>"
        "</div>"
    )


def _original_link(url: str | None) -> str:
    """A link to the original page, opened in a new tab (the JSONL reader admits http(s) only)."""
    if not url or not url.startswith(("http://", "https://")):
        return ""
    return f'<a class="pa-original" href="{esc(url)}" target="_blank" rel="noopener noreferrer">{esc(wording.OPEN_ORIGINAL)}</a>'



def _author_html(author: Author) -> str:
    """The attribution line, the physician's name in bold."""
    line = attribution_line(author)
    name = author.name
    # <bdi>: a name or title in a right-to-left script is laid out apart from the rating
    # beside it, so it cannot reorder the figures (direction controls are already gone).
    if name and line.startswith(name):
        rest = line[len(name):]
        if author.title and rest.startswith(f" · {author.title}"):
            after = rest[len(f" · {author.title}"):]
            return f"<strong><bdi>{esc(name)}</bdi></strong> · <bdi>{esc(author.title)}</bdi>{esc(after)}"
        return f"<strong><bdi>{esc(name)}</bdi></strong>{esc(rest)}"
    return esc(line)


def sources_html(turn: Turn | None, reply_number: int | None) -> str:
    """Every answer cited by one reply, in full, the quoted span highlighted."""
    if not turn or not turn.quotes:
        empty = wording.NO_SOURCES_FOR_REPLY.format(n=reply_number) if turn else wording.NO_SOURCES
        return f'<div class="pa-sources"><p class="pa-empty">{esc(empty)}</p></div>'
    parts = [f'<div class="pa-sources"><h3>{esc(wording.SOURCES_TITLE)} [{reply_number}]</h3>']
    emergency = turn.urgency is Urgency.EMERGENCY
    if emergency:  # as in the reply: the notice first, the other patients' cases folded away
        parts.append(notice_html(wording.URGENT_CARE_NOTICE, announce=False))
        parts.append(f'<details class="pa-other-cases"><summary>{esc(wording.OTHER_CASES.format(n=len(turn.quotes)))}</summary>')
    for n, quote in enumerate(turn.quotes, start=1):
        thread, answer = quote.thread, quote.answer
        parts.append(
            f'<section class="pa-source" id="pa-src-{n}" data-answer-id="{esc(answer.id)}">'
            f'<div class="pa-cite">[{n}]{_original_link(thread.url)}</div>'
            f'<div class="pa-author">{_author_html(answer.author)}</div>'
            f'<details class="pa-asked"><summary><strong>{esc(wording.PATIENT_ASKED)}</strong> <em>{esc(thread.title)}</em></summary>'
            f'<div class="pa-question">{esc(thread.question)}</div></details>'
            f'<div class="pa-answer-full">{_highlighted(answer.text, quote.start, quote.end)}</div>'
            f"<details><summary>{esc(wording.OPEN_WHOLE_PAGE.format(n=len(thread.answers)))}</summary>"
            f"{page_html(thread, highlight=answer.id)}</details>"
            "</section>"
        )
    parts.append("</details></div>" if emergency else "</div>")
    return "".join(parts)


def _highlighted(text: str, start: int, end: int) -> str:
    return f"{esc(text[:start])}<mark>{esc(text[start:end])}</mark>{esc(text[end:])}"


def page_html(thread: Thread, highlight: str | None = None) -> str:
    """A whole page: the patient's question and every answer with its attribution."""
    parts = [
        f'<article class="pa-page" data-thread-id="{esc(thread.id)}">',
        f"<h3>{esc(thread.title)}</h3>",
        f'<div class="pa-question">{esc(thread.question)}</div>',
    ]
    for answer in thread.answers:
        parts.append(_page_answer(answer, answer.id == highlight))
    parts.append("</article>")
    return "".join(parts)


def _page_answer(answer: Answer, highlighted: bool) -> str:
    css = "pa-page-answer pa-cited" if highlighted else "pa-page-answer"
    headline = f'<div class="pa-headline">{esc(answer.headline)}</div>' if answer.headline else ""
    return (
        f'<div class="{css}" data-answer-id="{esc(answer.id)}">{headline}'
        f'<div class="pa-answer-text">{esc(answer.text)}</div>'
        f'<div class="pa-author">{_author_html(answer.author)}</div></div>'
    )
