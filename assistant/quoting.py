"""Choosing the exact words to quote from an answer: a span of its own text, never a rewrite."""

from __future__ import annotations

from collections.abc import Callable

from .chunking import sentence_spans
from .models import Chunk
from .terms import content_terms

# An answer this short is quoted whole: cutting it would lose more than it saves.
QUOTE_WHOLE_MAX_CHARS = 400
QUOTE_MAX_SENTENCES = 3
# A longer window is only chosen if it stays readable in a chat card.
QUOTE_MAX_CHARS = 600
# Per extra character, the score a window must gain to be preferred: small enough that a
# second matching sentence wins, large enough that padding with non-matching ones does not.
LENGTH_PENALTY = 0.002


def choose_span(
    answer_text: str, passage: Chunk, query_terms: list[str], idf: Callable[[str], float]
) -> tuple[int, int]:
    """(start, end) of the 1-3 consecutive sentences that best match the query.

    Windows are taken inside the passage that retrieval matched, so the quote is the
    part of the answer that made it relevant; within it, query words (weighted by their
    rarity) decide. With no shared word, the passage's opening sentences are quoted.
    """
    sentences = sentence_spans(answer_text)
    if len(answer_text) <= QUOTE_WHOLE_MAX_CHARS or len(sentences) <= 1:
        return _trim(answer_text, 0, len(answer_text))
    inside = [s for s in sentences if s[0] >= passage.start and s[1] <= passage.end] or sentences
    wanted = set(query_terms)
    sentence_terms = [set(content_terms(answer_text[s:e])) & wanted for s, e in inside]

    best, best_score = None, 0.0
    for i in range(len(inside)):
        matched: set[str] = set()
        for j in range(i, min(i + QUOTE_MAX_SENTENCES, len(inside))):
            start, end = inside[i][0], inside[j][1]
            if j > i and end - start > QUOTE_MAX_CHARS:
                break
            matched |= sentence_terms[j]
            score = sum(idf(t) for t in matched) - LENGTH_PENALTY * (end - start)
            if matched and (best is None or score > best_score + 1e-9):
                best, best_score = (start, end), score
    if best is None:  # nothing shared: open the passage, as much as fits
        start, end = inside[0]
        for s, e in inside[1:QUOTE_MAX_SENTENCES]:
            if e - start > QUOTE_MAX_CHARS:
                break
            end = e
        best = (start, end)
    return _trim(answer_text, *best)


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
