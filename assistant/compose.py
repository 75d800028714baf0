"""Turning retrieval hits into a reply: fixed notices and verbatim quotes, in that order."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict

from . import wording
from .models import Hit, Quote, SearchQuery, Turn
from .quoting import choose_span
from .safety import describes_emergency


def compose_turn(
    message: str, query: SearchQuery, hits: list[Hit], terms: list[str], idf: Callable[[str], float]
) -> Turn:
    """terms: the lexical terms the hits were searched with (synonyms included), which
    help choose the sentences to quote."""
    notices = []
    if describes_emergency(message):
        notices.append(wording.URGENT_CARE_NOTICE)
    quotes = []
    for hit in hits:
        start, end = choose_span(hit, terms, idf)
        quotes.append(Quote(hit.answer, hit.thread, start, end, hit.score, hit.relevance))
    abstained = not quotes
    if abstained:
        notices.append(wording.NO_ANSWER)
    notices.append(wording.SOURCE_DISCLAIMER)
    return Turn(message=message, search_query=query, abstained=abstained, notices=tuple(notices), quotes=tuple(quotes))


def turn_to_dict(turn: Turn) -> dict:
    """The `ask --json` shape (DESIGN §5), extended with offsets and the follow-up flag."""
    return {
        "message": turn.message,
        "search_query": turn.search_query.text,
        "is_followup": turn.search_query.is_followup,
        "abstained": turn.abstained,
        "notices": list(turn.notices),
        "quotes": [
            {
                "answer_id": q.answer.id,
                "thread_id": q.thread.id,
                "text": q.text,
                "start": q.start,
                "end": q.end,
                "starts_inside": q.starts_inside,  # the answer goes on before the quote
                "ends_inside": q.ends_inside,  # ... and after it
                "score": q.score,
                "relevance": q.relevance,
                "author": asdict(q.answer.author),
                "headline": q.answer.headline,
                "thread_title": q.thread.title,
                "source": q.thread.source,
            }
            for q in turn.quotes
        ],
    }
