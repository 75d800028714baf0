"""Turns as plain text for the terminal; shared display helpers for every front end."""

from __future__ import annotations

import textwrap

from assistant import wording
from assistant.models import Author, Quote, Turn, Urgency


def attribution_line(author: Author) -> str:
    """'Name · Specialty and city · 4.9 out of 5 stars (39 reviews)'; only the fields known."""
    parts = [p for p in (author.name, author.title) if p]
    if author.rating is not None:
        rating = f"{author.rating:.1f} out of 5 stars"
        if author.reviews is not None:
            rating += f" ({author.reviews} review{'s' if author.reviews != 1 else ''})"
        parts.append(rating)
    return " · ".join(parts) if parts else wording.NO_ATTRIBUTION


def quote_display_text(quote: Quote) -> str:
    """The quote with an ellipsis where it starts or ends inside the answer."""
    return (
        (wording.ELLIPSIS if quote.starts_inside else "")
        + quote.text
        + (wording.ELLIPSIS if quote.ends_inside else "")
    )


def turn_to_text(turn: Turn, width: int = 88) -> str:
    """A reply for the terminal: wrapped, with answer ids and what was searched."""
    return reply_text(turn, width=width, ids=True, searched=True)


def reply_text(turn: Turn, width: int | None = None, *, ids: bool = False, searched: bool = False) -> str:
    """A reply as plain text: notices first (an urgent one leads), then
    each quote with its physician and the question it answered, then the disclaimer.
    Unwrapped when width is None (for the clipboard)."""

    def wrap(text: str, indent: str = "") -> list[str]:
        if width is None:
            return [indent + line if line else "" for line in text.split("\n")]
        return [indent + line if line else "" for p in text.split("\n\n") for line in (textwrap.wrap(p, width - len(indent)) + [""])][:-1]

    lines: list[str] = []
    disclaimer = turn.notices[-1]
    for notice in turn.notices[:-1]:
        lines += [*wrap(notice), ""]
    if turn.urgency is Urgency.EMERGENCY and turn.quotes:
        lines += [*wrap(wording.OTHER_CASES.format(n=len(turn.quotes))), ""]
    for n, quote in enumerate(turn.quotes, start=1):
        body = wrap(quote_display_text(quote), "    ")
        body[0] = f"[{n}] \u201c" + body[0][4:]
        body[-1] += "\u201d"
        lines += body
        lines.append(f"    \u2014 {attribution_line(quote.answer.author)}")
        answered = f"    {wording.ANSWERED_QUESTION} {quote.thread.title}"
        lines.append(answered + (f" [{quote.answer.id}]" if ids else ""))
        lines.append("")
    lines += wrap(disclaimer)
    if searched:
        lines += ["", f"{wording.SEARCHED_FOR} {turn.search_query.text}"]
    return "\n".join(lines)
