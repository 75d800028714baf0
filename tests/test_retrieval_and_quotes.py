"""Retrieval and replies with the fake embedder: the verbatim and attribution invariants."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant import wording
from assistant.models import Urgency
from assistant.search.fusion import FusionMode

from .conftest import PAGE_IDS


def check_invariants(assistant, turn):
    answers = {a.id: (a, t) for t in assistant.index.threads for a in t.answers}
    seen = set()
    for quote in turn.quotes:
        answer, thread = answers[quote.answer.id]
        assert quote.answer == answer and quote.thread == thread  # attribution is that answer's own
        assert answer.text[quote.start : quote.end] == quote.text  # verbatim, exact offsets
        assert quote.text.strip() == quote.text and quote.text
        assert quote.answer.id not in seen  # one quote per answer
        seen.add(quote.answer.id)
    assert [q.score for q in turn.quotes] == sorted((q.score for q in turn.quotes), reverse=True)
    if turn.abstained:
        disclaimer = wording.NO_QUOTES_DISCLAIMER
    elif turn.urgency is Urgency.EMERGENCY:
        disclaimer = wording.EMERGENCY_DISCLAIMER
    else:
        disclaimer = wording.SOURCE_DISCLAIMER
    assert turn.notices[-1] == disclaimer
    urgent = {Urgency.EMERGENCY: wording.URGENT_CARE_NOTICE, Urgency.SAME_DAY: wording.SAME_DAY_NOTICE}
    if turn.urgency:
        assert turn.notices[0] == urgent[turn.urgency]  # the urgent notice leads the reply
    assert set(turn.notices) <= {disclaimer, wording.NO_ANSWER, *urgent.values()}


@pytest.mark.parametrize("mode", list(FusionMode))
def test_quotes_are_exact_substrings_with_their_own_attribution(fake_assistant, mode):
    turn = fake_assistant.reply(["Does exercising the muscles help Botox wear off faster?"], mode=mode)
    assert turn.quotes and not turn.abstained
    check_invariants(fake_assistant, turn)


def test_masseter_question_finds_the_masseter_thread_first(fake_assistant):
    turn = fake_assistant.reply(["masseter injection smile corner of mouth"])
    assert turn.quotes[0].thread.id == PAGE_IDS[2]


def test_off_topic_question_abstains_and_quotes_nothing(fake_assistant):
    turn = fake_assistant.reply(["How do I change the oil in my car engine?"])
    assert turn.abstained and turn.quotes == ()
    # The disclaimer fits a reply that quotes nothing: it does not speak of quoted answers.
    assert turn.notices == (wording.NO_ANSWER, wording.NO_QUOTES_DISCLAIMER)


def test_k_limits_the_number_of_quotes(fake_assistant):
    fake_assistant.retriever.min_relevance = 0.0  # every answer is a candidate: only k can stop the list
    answers = sum(len(t.answers) for t in fake_assistant.index.threads)
    for k in (1, 2, 5):
        assert len(fake_assistant.reply(["Botox lip paralysis temporary"], k=k).quotes) == k
    assert len(fake_assistant.reply(["Botox lip paralysis temporary"], k=answers + 10).quotes) <= answers


def test_emergency_message_gets_the_urgent_notice_first(fake_assistant):
    turn = fake_assistant.reply(["After Botox I have trouble swallowing and my lip is paralysed"])
    assert turn.urgency is Urgency.EMERGENCY and turn.quotes
    assert turn.notices[0] == wording.URGENT_CARE_NOTICE
    assert turn.notices[-1] == wording.EMERGENCY_DISCLAIMER


def test_empty_message_abstains(fake_assistant):
    turn = fake_assistant.reply(["   "])
    assert turn.abstained and not turn.quotes


def test_follow_up_is_searched_with_the_earlier_turn(fake_assistant):
    first, second = fake_assistant.converse(["My smile is crooked after Botox in the masseter", "how long will it last?"])
    alone = fake_assistant.reply(["how long will it last?"])
    assert second.search_query.is_followup and not alone.search_query.is_followup
    assert "masseter" in second.search_query.text and "how long will it last?" in second.search_query.text
    # Alone the message is about nothing; with the conversation it finds answers.
    assert alone.abstained and second.quotes and not second.abstained


words = st.sampled_from(
    "botox lip paralysis masseter smile weeks exercise filler radiesse migrate forehead eyelid "
    "permanent temporary injector muscle car recipe the it how long why <script> ![x](y) 911 "
    "no cannot breathe swallow throat swelling fever pus , - ? . what can is there should".split()
)


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(st.lists(st.lists(words, min_size=0, max_size=8).map(" ".join), min_size=1, max_size=3))
def test_every_reply_to_any_conversation_is_verbatim(fake_assistant, messages):
    for turn in fake_assistant.converse(messages):
        check_invariants(fake_assistant, turn)
        assert turn.abstained == (not turn.quotes)


def test_a_huge_one_sentence_answer_is_quoted_in_part_at_a_word_boundary(fake_settings, fake_embedder):
    """Issue 10: a 4 MB single-sentence answer came back as a 4,079,999-character quote."""
    import json

    from assistant.reply.quoting import QUOTE_MAX_CHARS
    from assistant.service import Assistant

    words = " ".join(f"masseter{n % 97}" for n in range(200_000))
    text = f"Masseter Botox smile asymmetry {words} and it recovers"
    thread = {"id": "huge", "title": "Masseter Botox smile asymmetry", "answers": [{"id": "huge#1", "text": text}]}
    corpus = fake_settings.corpus_paths[0]
    with open(f"{corpus}/huge.jsonl", "w", encoding="utf-8") as f:
        f.write(json.dumps(thread) + "\n")
    assistant = Assistant(fake_settings, embedder=fake_embedder, log=lambda message: None)
    assistant.retriever.min_relevance = 0.0
    quote = next(q for q in assistant.reply(["masseter botox smile asymmetry"], k=50).quotes if q.answer.id == "huge#1")
    assert quote.text == text[quote.start : quote.end] and quote.start == 0
    assert 0 < len(quote.text) <= QUOTE_MAX_CHARS and quote.ends_inside
    assert text[quote.end] == " "  # cut between words, not inside one
