"""Turns as plain text for the terminal; shared display helpers for every front end."""

from __future__ import annotations

import textwrap

from . import wording
from .models import Author, Quote, Turn, Urgency


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
    """Notices first (an urgent one leads), then the quotes, the disclaimer, what was searched."""
    lines = []
    disclaimer = turn.notices[-1]
    for notice in turn.notices[:-1]:
        lines += [*textwrap.wrap(notice, width), ""]
    if turn.urgency is Urgency.EMERGENCY and turn.quotes:
        lines += [*textwrap.wrap(wording.OTHER_CASES.format(n=len(turn.quotes)), width), ""]
    for n, quote in enumerate(turn.quotes, start=1):
        body = quote_display_text(quote)
        wrapped = []
        for paragraph in body.split("\n\n"):
            wrapped += textwrap.wrap(paragraph, width - 6) + [""]
        lines.append(f"[{n}] \u201c" + (wrapped[0] if wrapped else ""))
        lines += ["    " + w if w else "" for w in wrapped[1:-1]]
        lines[-1] += "\u201d"
        lines.append(f"    \u2014 {attribution_line(quote.answer.author)}")
        lines.append(f"    {wording.ANSWERED_QUESTION} {quote.thread.title} [{quote.answer.id}]")
        lines.append("")
    lines += [*textwrap.wrap(disclaimer, width), "", f"{wording.SEARCHED_FOR} {turn.search_query.text}"]
    return "\n".join(lines)
