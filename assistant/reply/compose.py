"""Turning retrieval hits into a reply: fixed notices and verbatim quotes, in that order."""

from __future__ import annotations

from dataclasses import asdict

from assistant import wording
from assistant.models import NO_FILTER, AnswerFilter, Hit, Quote, SearchQuery, Triage, Turn, Urgency
from assistant.reply.quoting import Chooser, QuoteEvidence, choose_span

URGENCY_NOTICES = {Urgency.EMERGENCY: wording.URGENT_CARE_NOTICE, Urgency.SAME_DAY: wording.SAME_DAY_NOTICE}


def compose_turn(
    message: str,
    query: SearchQuery,
    hits: list[Hit],
    evidence: QuoteEvidence | None,
    triage: Triage = Triage(None),
    chooser: Chooser = choose_span,
    answer_filter: AnswerFilter = NO_FILTER,
    filter_keeps_none: bool = False,
) -> Turn:
    """evidence: what is known of the message, to choose each hit's words to quote with
    (None only when there are no hits). The urgent notice, if any, comes first; then, with
    a filter on who answered, what it keeps. filter_keeps_none: no answer in the corpus
    passes the filter."""
    notices = [URGENCY_NOTICES[triage.urgency]] if triage.urgency else []
    filtered = not answer_filter.is_empty
    if filtered and not filter_keeps_none:
        notices.append(wording.FILTERED_TO.format(filter=answer_filter.describe()))
    quotes = []
    for hit in hits:
        start, end = chooser(hit, evidence)
        quotes.append(Quote(hit.answer, hit.thread, start, end, hit.score, hit.relevance))
    abstained = not quotes
    if abstained:
        notices.append(_no_answer(answer_filter, filter_keeps_none))
    notices.append(_disclaimer(abstained, triage.urgency))
    return Turn(message, query, abstained, tuple(notices), tuple(quotes), triage, answer_filter if filtered else None)


def _no_answer(answer_filter: AnswerFilter, keeps_none: bool) -> str:
    if answer_filter.is_empty:
        return wording.NO_ANSWER
    template = wording.NO_PHYSICIAN_MATCHES if keeps_none else wording.NO_ANSWER_FILTERED
    return template.format(filter=answer_filter.describe())


def _disclaimer(abstained: bool, urgency: Urgency | None) -> str:
    if abstained:
        return wording.NO_QUOTES_DISCLAIMER
    if urgency is Urgency.EMERGENCY:
        return wording.EMERGENCY_DISCLAIMER
    return wording.SOURCE_DISCLAIMER


def turn_to_dict(turn: Turn) -> dict:
    """The `ask --json` shape (DESIGN §5), extended with offsets and the follow-up flag."""
    return {
        "message": turn.message,
        "search_query": turn.search_query.text,
        "is_followup": turn.search_query.is_followup,
        # the earlier messages a follow-up was read together with, oldest first
        "context": [text for text, _ in turn.search_query.parts[:-1]],
        "abstained": turn.abstained,
        # "emergency", "same_day" or None; a program shows notices[0] first and, for an
        # emergency, keeps the quotes out of the way as the chat does.
        "urgency": turn.urgency.value if turn.urgency else None,
        "red_flags": [{**asdict(f), "urgency": f.urgency.value} for f in turn.triage.flags],
        "notices": list(turn.notices),
        # the filter on who answered ({"specialty", "min_rating"}), or None
        "filter": asdict(turn.answer_filter) if turn.answer_filter else None,
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
                "url": q.thread.url,
            }
            for q in turn.quotes
        ],
    }
