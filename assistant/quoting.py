"""Choosing the exact words to quote from an answer: a span of its own text, never a rewrite."""

from __future__ import annotations

from collections.abc import Callable

from .models import Hit
from .terms import content_terms

# An answer this short is quoted whole: cutting it would lose more than it saves.
QUOTE_WHOLE_MAX_CHARS = 400
QUOTE_MAX_SENTENCES = 3
# A window is only widened while it stays readable in a chat card.
QUOTE_MAX_CHARS = 600
# A lone sentence shorter than this ("Hope this helps.") is given its neighbour for context.
QUOTE_MIN_CHARS = 80
# A neighbouring sentence joins the quote when it scores within this margin of the best
# one: it continues the same point rather than starting another.
NEIGHBOUR_MARGIN = 0.08
# Weight of shared query words (rarity-weighted share of the query) next to the
# sentence's cosine: enough to break near-ties in favour of the sentence that names
# what was asked ("masseter", "antidote"), too little to outvote meaning.
LEXICAL_WEIGHT = 0.15


def choose_span(hit: Hit, query_terms: list[str], idf: Callable[[str], float]) -> tuple[int, int]:
    """(start, end) in hit.answer.text of the 1-3 consecutive sentences that best answer the
    query, never longer than QUOTE_MAX_CHARS (a longer sentence is cut at a word)."""
    start, end = _best_sentences(hit, query_terms, idf)
    return _cap(hit.answer.text, start, end)


def _best_sentences(hit: Hit, query_terms: list[str], idf: Callable[[str], float]) -> tuple[int, int]:
    text = hit.answer.text
    if len(text) <= QUOTE_WHOLE_MAX_CHARS or len(hit.sentences) <= 1:
        return _trim(text, 0, len(text))
    wanted = {t: idf(t) for t in set(query_terms)}
    total = sum(wanted.values()) or 1.0
    scores = []
    for start, end, cosine in hit.sentences:
        shared = set(content_terms(text[start:end])) & wanted.keys()
        scores.append(cosine + LEXICAL_WEIGHT * sum(wanted[t] for t in shared) / total)

    best = max(range(len(scores)), key=lambda i: (scores[i], -i))
    lo = hi = best
    while hi - lo + 1 < QUOTE_MAX_SENTENCES:
        options = [j for j in (lo - 1, hi + 1) if 0 <= j < len(scores)]
        if not options:
            break
        j = max(options, key=lambda j: scores[j])
        span_chars = hit.sentences[max(hi, j)][1] - hit.sentences[min(lo, j)][0]
        short = hit.sentences[hi][1] - hit.sentences[lo][0] < QUOTE_MIN_CHARS
        if span_chars > QUOTE_MAX_CHARS or not (short or scores[j] >= scores[best] - NEIGHBOUR_MARGIN):
            break
        lo, hi = min(lo, j), max(hi, j)
    return _trim(text, hit.sentences[lo][0], hit.sentences[hi][1])


def _cap(text: str, start: int, end: int) -> tuple[int, int]:
    """Cut a span longer than QUOTE_MAX_CHARS at the last word boundary that fits (or at
    the limit itself, for a "word" that long); the card then ends it with "…"."""
    if end - start <= QUOTE_MAX_CHARS:
        return start, end
    limit = start + QUOTE_MAX_CHARS
    space = text.rfind(" ", start, limit + 1)
    return _trim(text, start, space if space > start else limit)


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
