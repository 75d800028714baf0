"""Quote quality on a span-labelled set: does the quote hold the words that answer?

A set (bench/quotes_dev.json and quotes_dev_b.json: tuned on; bench/quotes_heldout.json:
written blind by two more authors, never tuned on) lists conversations and, for every
answer that answers the last message, the sentences of it that do. The metrics, over
the labelled answers that the replies quote:

- span precision: the quote holds a whole answering sentence;
- answer first: the quote opens with an answering sentence (what the patient reads first);
- first quote answers: per conversation, the reply's first quote is of a labelled answer
  and holds an answering sentence (ranking and quote choice together);
- mean characters per quote, over every quote of those replies.

Each row scores sentences differently on the same retrieved answers: by the asking
words (lexical), by sentence vectors (dense), by both (fused: what the assistant
uses), and as the assistant did before quotes were measured (baseline).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from assistant.index.terms import content_terms
from assistant.models import Hit, Turn
from assistant.reply.quoting import (
    QUOTE_WHOLE_MAX_CHARS,
    Chooser,
    QuoteEvidence,
    cap_span,
    choose_span,
    dense_scores,
    lexical_scores,
    span_around_best,
    trim_span,
)

K = 5


def baseline_chooser(hit: Hit, evidence: QuoteEvidence) -> tuple[int, int]:
    """The chooser before quote quality was measured, kept to compare with: each sentence's
    cosine to the whole query plus 0.15 x the rarity-weighted share of every searched term
    it contains; the best sentence widened by neighbours within 0.08, no sentence rules."""
    text = hit.answer.text
    if len(text) <= QUOTE_WHOLE_MAX_CHARS or len(hit.sentences) <= 1:
        return cap_span(text, *trim_span(text, 0, len(text)))
    wanted = {t: evidence.idf(t) for t in set(evidence.searched_terms)}
    total = sum(wanted.values()) or 1.0
    scores = []
    for s in hit.sentences:
        shared = set(content_terms(text[s.start : s.end])) & wanted.keys()
        scores.append(s.query_cosine + 0.15 * sum(wanted[t] for t in shared) / total)
    return cap_span(text, *span_around_best(hit, scores, margin=0.08, sentence_rules=False))


CHOOSERS: tuple[tuple[str, Chooser], ...] = (
    ("lexical (asking words)", partial(choose_span, scorer=lexical_scores)),
    ("dense (sentence vectors)", partial(choose_span, scorer=dense_scores)),
    ("fused (the assistant's)", choose_span),
    ("baseline (before)", baseline_chooser),
)


@dataclass(frozen=True)
class LabelledPair:
    answer_id: str
    spans: tuple[tuple[int, int], ...]  # the answering sentences, as offsets in the answer's text


@dataclass(frozen=True)
class LabelledItem:
    id: str
    messages: tuple[str, ...]
    pairs: dict[str, LabelledPair]


@dataclass
class QuoteRow:
    set: str
    chooser: str
    conversations: int
    pairs: int
    quoted: int  # labelled answers that the replies quote
    span_precision: float
    answer_first: float
    first_quote_answers: float
    mean_quote_chars: float
    misses: list[str]


def read_quote_set(path: Path, answers: dict[str, str]) -> list[LabelledItem]:
    """The items of a set; answers maps answer id to text. A label that names no answer of
    the index, or a sentence not in its answer, is an error naming the item."""
    data = json.loads(path.read_text(encoding="utf-8"))
    items = []
    for raw in data["items"]:
        pairs = {}
        for pair in raw["pairs"]:
            text = answers.get(pair["answer"])
            if text is None:
                raise ValueError(f"{path}: item {raw['id']}: answer {pair['answer']} is not in the index")
            spans = []
            for sentence in pair["sentences"]:
                at = text.find(sentence)
                if at < 0:
                    raise ValueError(f"{path}: item {raw['id']}: {sentence!r} is not in answer {pair['answer']}")
                spans.append((at, at + len(sentence)))
            pairs[pair["answer"]] = LabelledPair(pair["answer"], tuple(spans))
        items.append(LabelledItem(raw["id"], tuple(raw["messages"]), pairs))
    return items


def evaluate_quotes(assistant, name: str, items: list[LabelledItem], mode=None) -> list[QuoteRow]:
    """Every chooser on the answers the assistant ranks (mode: a fusion mode, for choosers
    compared on a fixed ranking; None: the assistant's own)."""
    return [
        _evaluate(name, label, [assistant.reply(list(i.messages), k=K, chooser=chooser, mode=mode) for i in items], items)
        for label, chooser in CHOOSERS
    ]


def _evaluate(name: str, chooser: str, turns: list[Turn], items: list[LabelledItem]) -> QuoteRow:
    quoted = holds = first = first_quote_answers = 0
    lengths, misses = [], []
    for item, turn in zip(items, turns):
        for rank, quote in enumerate(turn.quotes):
            lengths.append(quote.end - quote.start)
            pair = item.pairs.get(quote.answer.id)
            if pair is None:
                continue
            quoted += 1
            held = any(quote.start <= s and e <= quote.end for s, e in pair.spans)
            holds += held
            first += any(s <= quote.start < e for s, e in pair.spans)
            first_quote_answers += rank == 0 and held
            if not held:
                misses.append(f"{item.id} {quote.answer.id}: quoted {quote.text[:90]!r}")
    return QuoteRow(
        set=name,
        chooser=chooser,
        conversations=len(items),
        pairs=sum(len(i.pairs) for i in items),
        quoted=quoted,
        span_precision=holds / quoted if quoted else 0.0,
        answer_first=first / quoted if quoted else 0.0,
        first_quote_answers=first_quote_answers / len(items) if items else 0.0,
        mean_quote_chars=sum(lengths) / len(lengths) if lengths else 0.0,
        misses=misses,
    )
