"""Follow-up resolution without a language model."""

from __future__ import annotations

import pytest

from assistant.reply.conversation import is_followup, resolve, strip_topic_change

KNOWN = {"botox", "perman", "muscl", "hit", "mani", "week", "lip", "filler", "caus", "long", "wear", "masset", "smile", "exercis", "dysport", "paralys", "eyelid"}


def known(term):
    return term in KNOWN


@pytest.mark.parametrize(
    "message",
    [
        "how long will that last?",
        "could the filler be the cause instead?",
        "Is it permanent?",
        "why?",
        "What about Dysport?",
        # No pronoun, but too bare to name a subject of its own.
        "which muscle was hit?",
        "how many weeks?",
        # Points back at the topic; "fix" is simply a word the corpus does not use.
        "will it fix itself?",
    ],
)
def test_messages_leaning_on_the_conversation_are_follow_ups(message):
    assert is_followup(message, known)


@pytest.mark.parametrize(
    "message",
    [
        "Different question: does filler cause lumps?",
        "New topic - masseter Botox and my smile",
        "Can Botox in the masseter change my smile and make my lip droop and my eyelid sag?",
        "what about car insurance?",
        "What is a good recipe for banana bread?",
    ],
)
def test_new_subjects_are_not_follow_ups(message):
    assert not is_followup(message, known)


def test_follow_up_query_keeps_the_topic_and_weighs_recent_turns_more():
    queries = resolve(["My lip is paralysed after Botox", "how long will it last?", "and exercise?"], known)
    assert [q.is_followup for q in queries] == [False, True, True]
    assert queries[1].text == "My lip is paralysed after Botox how long will it last?"
    parts = dict(queries[2].parts)
    assert parts["and exercise?"] == 1.0
    assert parts["how long will it last?"] > parts["My lip is paralysed after Botox"] >= 0.5


def test_topic_change_starts_over_and_drops_the_marker():
    queries = resolve(["My lip is paralysed after Botox", "Different question: can filler cause swelling?"], known)
    assert not queries[1].is_followup
    assert queries[1].text == "can filler cause swelling?"
    assert strip_topic_change("another question, why?") == "why?"


def test_long_conversations_keep_only_recent_context_and_the_topic():
    messages = ["Botox lip paralysis", "how long?", "and then?", "is it permanent?", "why?"]
    last = resolve(messages, known)[-1]
    texts = [t for t, _ in last.parts]
    assert texts[0] == "Botox lip paralysis" and texts[-1] == "why?"
    assert len(texts) <= 3


def test_a_request_encodes_each_text_once_however_many_turns_read_it(fake_assistant):
    """Issue 22 #1: every follow-up re-encoded the messages it was read with, so 50 turns
    of 2,000 characters encoded each long message up to three times."""
    seen: list[str] = []
    inner = fake_assistant.embedder.encode
    fake_assistant.embedder.encode = lambda texts, **kw: seen.extend(texts) or inner(texts, **kw)
    long = "My lower lip has been weak since Botox in my chin three weeks ago and it is not better yet"
    turns = fake_assistant.converse([long, "how long will it last?", "and why?", "is that normal?"])
    assert len(turns) == 4 and turns[3].search_query.is_followup
    assert len(seen) == len(set(seen))  # one encoder call, each text in it once
    assert seen.count(long) == 1

