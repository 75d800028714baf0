"""Choosing the words to quote from one answer, on answers built by hand (no model needed)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from assistant.models import Answer, Chunk, Hit, QuestionFocus, SentenceMatch, Thread
from assistant.reply.quoting import QUOTE_MAX_CHARS, QUOTE_MAX_SENTENCES, QuoteEvidence, choose_span

FILLER = "Patients often ask about this after treatment in the lower face and the answer depends on the case."


def hit_of(sentences: list[str], focus: list[float], query: list[float] | None = None) -> Hit:
    """An answer made of sentences, each with its cosine to the asking words and to the query."""
    text = " ".join(sentences)
    matches, at = [], 0
    for i, sentence in enumerate(sentences):
        matches.append(SentenceMatch(at, at + len(sentence), (query or focus)[i], focus[i]))
        at += len(sentence) + 1
    answer = Answer("t#1", text)
    return Hit(answer, Thread("t", "title", (answer,)), Chunk("t#1", 0, len(text), text), 1.0, 1.0, tuple(matches))


def evidence(terms: tuple[str, ...] = (), synonyms: tuple[str, ...] = ()) -> QuoteEvidence:
    return QuoteEvidence(QuestionFocus("", terms, synonyms), terms, lambda term: 1.0)


def quoted(hit: Hit, ev: QuoteEvidence | None = None) -> str:
    start, end = choose_span(hit, ev or evidence())
    return hit.answer.text[start:end]


def test_the_sentence_that_answers_the_ask_leads_not_the_one_that_restates_the_situation():
    """ "my eyelid droops after botox between my eyebrows, how long does that last?" """
    restates = "Most commonly the upper eyelid becomes droopy after Botox injections in between the eyebrows."
    answers = "Muscle activity returns once the Botox activity is gone, which is usually three to four months."
    hit = hit_of(
        [FILLER, restates, FILLER, FILLER, answers, FILLER],
        focus=[0.1, 0.3, 0.1, 0.1, 0.6, 0.1],
        query=[0.2, 0.8, 0.2, 0.2, 0.5, 0.2],
    )
    assert quoted(hit) == answers


def test_the_asking_words_in_a_sentence_outweigh_a_small_lead_in_cosine():
    """ "is there anything to speed up botox wearing off?" """
    says_no = "Unfortunately, there is nothing you can do to speed up the process of recovery at all."
    wears_off = "My guess is that this should actually diminish rather quickly, maybe in three or four weeks."
    hit = hit_of([FILLER, says_no, FILLER, FILLER, wears_off, FILLER], focus=[0.1, 0.3, 0.1, 0.1, 0.5, 0.1])
    assert quoted(hit, evidence(terms=("speed",))) == says_no
    assert quoted(hit) == wears_off  # without the words, the cosine decides


def test_a_synonym_of_an_asking_word_counts_as_the_word():
    informed = "It is important that before any treatment the patient be advised of all risks and complications."
    other = "Botox is temporary and you should see improvement of motion back in the area within six weeks."
    hit = hit_of([FILLER, other, FILLER, FILLER, informed, FILLER], focus=[0.1, 0.5, 0.1, 0.1, 0.3, 0.1])
    assert quoted(hit, evidence(terms=("warn",), synonyms=("advis",))) == informed


def test_a_sentence_that_points_back_is_quoted_with_the_one_it_points_to():
    names = "The injection to the masseter probably affected the risorius."
    points_back = "This muscle pulls back on the corner of the mouth when you smile."
    hit = hit_of([FILLER, FILLER, names, points_back, FILLER, FILLER], focus=[0.1, 0.1, 0.2, 0.9, 0.1, 0.1])
    assert quoted(hit) == f"{names} {points_back}"


def test_a_fragment_never_leads_a_quote():
    """ "Dr." was the closest sentence of all to "can my doctor fix it?" """
    best_real = "Injecting Botox is an art, and patients should choose their injecting physician most carefully."
    hit = hit_of([FILLER] * 4 + [best_real, "Good luck and be well.", "Dr.", "P"], focus=[0.1] * 4 + [0.25, 0.04, 0.42, 0.0])
    assert quoted(hit) == best_real


def test_a_neighbour_joins_only_when_it_scores_nearly_as_well():
    first = "The weakness is temporary and should resolve over the next several months without treatment."
    second = "You may start to see improvement six or seven weeks after the injection in most patients."
    third = "You should make your surgeon aware of the results of your treatment and express your concerns."
    hit = hit_of([FILLER, first, second, third, FILLER], focus=[0.1, 0.6, 0.58, 0.2, 0.1])
    assert quoted(hit) == f"{first} {second}"


def test_a_short_answer_is_quoted_whole():
    hit = hit_of(["It is not permanent.", "Discuss with your doctor where it was placed."], focus=[0.1, 0.9])
    assert quoted(hit) == hit.answer.text


sentence_text = st.text(alphabet="abcdefgh ", min_size=1, max_size=150).map(lambda s: s.strip() or "x").map(lambda s: s + ".")


@given(st.lists(st.tuples(sentence_text, st.floats(-1, 1), st.floats(-1, 1)), min_size=1, max_size=12), st.booleans())
def test_any_quote_is_a_run_of_whole_sentences_of_the_answer(rows, with_terms):
    hit = hit_of([r[0] for r in rows], focus=[r[1] for r in rows], query=[r[2] for r in rows])
    start, end = choose_span(hit, evidence(terms=("abc",) if with_terms else ()))
    text = hit.answer.text
    assert 0 <= start < end <= len(text) and text[start:end].strip() == text[start:end]
    assert end - start <= QUOTE_MAX_CHARS
    starts = {s.start for s in hit.sentences}
    ends = {s.end for s in hit.sentences}
    assert start in starts  # it opens where a sentence opens
    inside = [s for s in hit.sentences if start <= s.start and s.end <= end]
    if len(text) > 400:
        assert len(inside) <= QUOTE_MAX_SENTENCES
    assert end in ends or text[end] == " "  # a whole sentence, or cut at a word

