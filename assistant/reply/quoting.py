"""Choosing the exact words to quote from an answer: a span of its own text, never a rewrite.

The sentence that answers what the message asks is found with the evidence the search
already has: each sentence's vector compared with the asking words (question_focus.py)
and with the whole search query, and the asking words themselves (with their synonyms)
in the sentence. Its neighbours join it only when they score nearly as well, so a quote
carries one point. Weights chosen on bench/quotes_dev.json and quotes_dev_b.json
(`python -m assistant eval` prints the comparison); quotes_heldout.json was never tuned on.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from assistant.index.terms import term_set
from assistant.models import Hit, QuestionFocus

# An answer this short is quoted whole: cutting it would lose more than it saves.
QUOTE_WHOLE_MAX_CHARS = 400
QUOTE_MAX_SENTENCES = 3
# A window is only widened while it stays readable in a chat card.
QUOTE_MAX_CHARS = 600
# A lone sentence shorter than this ("Hope this helps.") is given its neighbour for context.
QUOTE_MIN_CHARS = 80
# A neighbouring sentence joins the quote when it scores within this margin of the best
# one: it continues the same point rather than starting another.
NEIGHBOUR_MARGIN = 0.04
# A sentence's vector is compared with the asking words (most of the evidence) and with
# the whole query, whose situation and conversation tell apart two sentences that
# answer the ask equally ("how long?" about the chin, not the forehead).
FOCUS_WEIGHT = 0.9
# Weight of the asking words found in the sentence (a rarity-weighted share, synonyms
# counting as the word): "is there anything to speed it up?" is answered by "there is
# nothing you can do to speed up the process", which the small model ranks below a
# sentence about how quickly it wears off.
LEXICAL_WEIGHT = 0.5
# The asking words are looked for in the sentences the vectors rank highest only: a long
# answer (a health page of 40 sentences) costs no more than a short one.
LEXICAL_CANDIDATES = 8
# A "sentence" of fewer words is a greeting, a sign-off or a piece split off at an
# abbreviation ("Hi lhas.", "Dr.", "P", "newscasters)."): never the one a quote is built
# around ("Dr." is the closest of all to "can my doctor fix it?").
MIN_WORDS_TO_LEAD = 4
# A sentence that opens by pointing back ("This muscle pulls back on the corner of the
# mouth") is quoted with the sentence it points to ("... probably affected the risorius.").
_POINTS_BACK = re.compile(r"(?:this|that|these|those|such|they)\b", re.IGNORECASE)

Idf = Callable[[str], float]


@dataclass(frozen=True)
class QuoteEvidence:
    """What is known of the message when its quotes are chosen."""

    focus: QuestionFocus
    searched_terms: tuple[str, ...]  # the lexical terms the answers were searched with (synonyms included)
    idf: Idf


Scorer = Callable[[Hit, QuoteEvidence], list[float]]
Chooser = Callable[[Hit, QuoteEvidence], tuple[int, int]]  # (start, end) in the hit's answer text


def dense_scores(hit: Hit, evidence: QuoteEvidence) -> list[float]:
    return [FOCUS_WEIGHT * s.focus_cosine + (1 - FOCUS_WEIGHT) * s.query_cosine for s in hit.sentences]


def lexical_scores(hit: Hit, evidence: QuoteEvidence, only: Iterable[int] | None = None) -> list[float]:
    """Share of the asking words' rarity found in each sentence (1 at most); with only, in
    those sentences (the others score 0)."""
    idf, focus = evidence.idf, evidence.focus
    weights = {t: idf(t) for t in (*focus.synonyms, *focus.terms)}
    total = sum(idf(t) for t in set(focus.terms)) or 1.0
    text, sentences = hit.answer.text, hit.sentences
    shares = [0.0] * len(sentences)
    for i in range(len(sentences)) if only is None else only:
        found = term_set(text[sentences[i].start : sentences[i].end]) & weights.keys()
        shares[i] = min(1.0, sum(weights[t] for t in found) / total)
    return shares


def fused_scores(hit: Hit, evidence: QuoteEvidence) -> list[float]:
    dense = dense_scores(hit, evidence)
    candidates = sorted(range(len(dense)), key=lambda i: -dense[i])[:LEXICAL_CANDIDATES]
    lexical = lexical_scores(hit, evidence, candidates)
    return [d + LEXICAL_WEIGHT * w for d, w in zip(dense, lexical)]


def choose_span(hit: Hit, evidence: QuoteEvidence, scorer: Scorer = fused_scores) -> tuple[int, int]:
    """(start, end) in hit.answer.text of the 1-3 consecutive sentences that best answer the
    message (the whole answer when it is short), never longer than QUOTE_MAX_CHARS (a
    longer sentence is cut at a word)."""
    text = hit.answer.text
    if len(text) <= QUOTE_WHOLE_MAX_CHARS or len(hit.sentences) <= 1:
        return cap_span(text, *trim_span(text, 0, len(text)))
    return cap_span(text, *span_around_best(hit, scorer(hit, evidence)))


def span_around_best(
    hit: Hit, scores: list[float], margin: float = NEIGHBOUR_MARGIN, sentence_rules: bool = True
) -> tuple[int, int]:
    """The best-scoring sentence (with the one before it, if it points back to it), widened
    by neighbours that score within margin of it (or any neighbour while the span is
    shorter than QUOTE_MIN_CHARS). sentence_rules off: no pointing back, fragments may
    lead (the chooser before quote quality was measured)."""
    sentences, text = hit.sentences, hit.answer.text
    leads = [i for i, s in enumerate(sentences) if len(text[s.start : s.end].split()) >= MIN_WORDS_TO_LEAD]
    best = max((sentence_rules and leads) or range(len(scores)), key=lambda i: (scores[i], -i))
    lo = hi = best
    if sentence_rules and best > 0 and _POINTS_BACK.match(text, sentences[best].start):
        if sentences[best].end - sentences[best - 1].start <= QUOTE_MAX_CHARS:
            lo = best - 1
    while hi - lo + 1 < QUOTE_MAX_SENTENCES:
        options = [j for j in (lo - 1, hi + 1) if 0 <= j < len(scores)]
        if not options:
            break
        j = max(options, key=lambda j: scores[j])
        span_chars = sentences[max(hi, j)].end - sentences[min(lo, j)].start
        short = sentences[hi].end - sentences[lo].start < QUOTE_MIN_CHARS
        if span_chars > QUOTE_MAX_CHARS or not (short or scores[j] >= scores[best] - margin):
            break
        lo, hi = min(lo, j), max(hi, j)
    return trim_span(text, sentences[lo].start, sentences[hi].end)


def cap_span(text: str, start: int, end: int) -> tuple[int, int]:
    """Cut a span longer than QUOTE_MAX_CHARS at the last word boundary that fits (or at
    the limit itself, for a "word" that long); the card then ends it with "…"."""
    if end - start <= QUOTE_MAX_CHARS:
        return start, end
    limit = start + QUOTE_MAX_CHARS
    space = text.rfind(" ", start, limit + 1)
    return trim_span(text, start, space if space > start else limit)


def trim_span(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
