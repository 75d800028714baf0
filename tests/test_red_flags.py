"""Red-flag triage as patients write: described symptoms, misspellings, negations, risk questions.

These run the patterns alone (no model); tests/test_real_model.py runs both kinds of
evidence on the labelled sets.
"""

from __future__ import annotations

import pytest

from assistant import wording
from assistant.models import Urgency
from assistant.red_flags import RedFlagDetector, read
from assistant.reply.compose import turn_to_dict

PATTERNS = RedFlagDetector(None)


def urgency(message: str) -> Urgency | None:
    return PATTERNS.assess(message).urgency


# Every one of these was missed by the detector this module replaced (issue 9).
@pytest.mark.parametrize(
    "message, sign",
    [
        ("My eyes wont focus and things look doubled since my Dysport", "double or blurred vision"),
        ("food keeps getting stuck when I swallow after the neck injections", "trouble swallowing"),
        ("my lips and tongue are puffing up and I feel dizzy after the injection", "throat or tongue swelling"),
        ("my left eye went dark right after the filler in my forehead", "a change of vision"),
        ("a patch near my filler went pale and blotchy and it really hurts", "skin turning white, blue, purple, grey or mottled"),
        ("my speech is garbled since botox", "trouble speaking"),
        ("I cannot lift my arms properly and my eyelids keep falling since botox for my neck",
         "weakness spreading beyond the treated area"),
    ],
)
def test_emergencies_described_in_everyday_words_are_recognised(message, sign):
    triage = PATTERNS.assess(message)
    assert triage.urgency is Urgency.EMERGENCY
    assert sign in {f.sign for f in triage.flags}


@pytest.mark.parametrize(
    "message",
    [
        "its really hard to swalow since my neck botox",  # misspelt
        "I have trouble breth since the injections",
        "my vison is blury since the xeomin",
        "breathing is hard work since my injections",  # the other word order
        "since my botox i keep wetting myself and cant hold my pee",
        "my throat is closing up after the filler",
        "hives all over my body after the filler",
        "I passed out an hour after my injections",
        "my voice has gone really hoarse since the neck botox",
        "the skin around my lip filler turned white and now it looks blue",
        "excruciating throbbing pain in my cheek since the filler",
        "it's not just my lip, now I can't swallow properly",  # "not just" adds, it does not deny
        "I'm not able to swallow since the Botox",  # "not able to" is a difficulty
    ],
)
def test_misspellings_word_order_and_other_signs(message):
    assert urgency(message) is Urgency.EMERGENCY


@pytest.mark.parametrize(
    "message",
    [
        "no trouble breathing, just my lip is weak",
        "I don't have double vision, but my brow drooped",
        "my vision is fine, no double vision, but my eyebrow drooped a bit",
        "i can swallow and breathe fine, its just that my smile looks crooked",
        "I'm not having any trouble speaking but my lip feels heavy",
        "without any trouble swallowing, only my lip is uneven",
    ],
)
def test_denied_symptoms_are_not_emergencies(message):
    assert urgency(message) is None


@pytest.mark.parametrize(
    "message",
    [
        "can botox spread and cause trouble swallowing?",
        "can botox travel to other parts of the body and make it hard to swallow?",
        "im scared of getting double vision from botox, does that happen",
        "what should i watch out for after botox, like difficulty breathing?",
        "is it possible to go blind from filler? how rare is it",
        "what should i do if i ever had an allergic reaction, like if my throat swelled up",
    ],
)
def test_questions_about_a_risk_are_not_emergencies(message):
    assert urgency(message) is None


@pytest.mark.parametrize(
    "message",
    [
        "my lower lip is weak and i drool a little when i drink since botox",
        "my eyebrow is drooping after botox in my forehead",
        "one eyelid looks a bit heavier than the other since my forehead botox",
        "i have a blue bruise where the needle went in on my lip",
        "my lip feels numb and tingly after the filler",
        "my lips are swollen and a bit lumpy the day after lip filler",
        "i cant whistle or drink through a straw since my lip flip",
        "had botox 3 days ago and honestly cant see any difference yet",
        "dark circles under my eyes after the tear trough filler",
        "I have a mild headache since my botox yesterday",
    ],
)
def test_ordinary_local_effects_are_not_emergencies(message):
    assert urgency(message) is None


@pytest.mark.parametrize(
    "message",
    [
        "i have a fever and the area where i had filler is red and hot",
        "theres pus coming out of one of the injection spots on my cheek",
        "the redness around my lip filler is spreading and getting bigger each day",
    ],
)
def test_signs_of_infection_get_the_same_day_tier(message):
    assert urgency(message) is Urgency.SAME_DAY


def test_an_emergency_sign_outranks_infection():
    triage = PATTERNS.assess("i have a fever and pus at the filler and now my throat is closing")
    assert triage.urgency is Urgency.EMERGENCY
    assert {f.urgency for f in triage.flags} == {Urgency.EMERGENCY, Urgency.SAME_DAY}
    assert triage.flags[0].urgency is Urgency.EMERGENCY


def test_semantic_evidence_reads_only_what_the_message_asserts():
    assert read("no trouble breathing, just my lip is weak").asserted_clauses == ("just my lip is weak",)
    assert read("can botox spread and cause trouble swallowing?").asserted_clauses == ()
    assert read("My eyes won't focus since Dysport").asserted_clauses == ("my eyes will not focus since dysport",)
    assert read("no difficulty with speech, swallowing or breathing").asserted_clauses == ()  # a denied list
    assert read("breathing fine, throat's fine, just a bit puffy").asserted_clauses == ("just a bit puffy",)
    assert read("I had double vision for a week in 2019, it went away").asserted_clauses == ()  # over
    assert read("I had filler in 2019 and now my lip is turning white").asserted_clauses != ()  # ... unless now


def test_messages_read_together_take_the_most_urgent():
    assert PATTERNS.assess("how long will it last?").urgency is None
    assert PATTERNS.assess("my throat is closing up after the filler", "how long will it last?").urgency is Urgency.EMERGENCY


def test_a_follow_up_keeps_the_urgent_notice_of_its_conversation(fake_assistant):
    first, second, fresh = fake_assistant.converse(
        ["I have trouble swallowing since the Botox in my masseter", "is that normal?", "Different question: how long does Botox last?"]
    )
    assert second.search_query.is_followup
    assert first.urgency is second.urgency is Urgency.EMERGENCY
    assert second.notices[0] == wording.URGENT_CARE_NOTICE
    assert fresh.urgency is None and wording.URGENT_CARE_NOTICE not in fresh.notices


def test_ask_json_carries_the_urgency_for_programs(fake_assistant):
    urgent = turn_to_dict(fake_assistant.reply(["my throat is closing after the Botox in my masseter"]))
    assert urgent["urgency"] == "emergency" and urgent["notices"][0] == wording.URGENT_CARE_NOTICE
    assert {"urgency": "emergency", "sign": "throat or tongue swelling", "evidence": "pattern",
            "words": "throat is closing"} in urgent["red_flags"]
    ordinary = turn_to_dict(fake_assistant.reply(["How long does Botox in the masseter last?"]))
    assert ordinary["urgency"] is None and ordinary["red_flags"] == []
    infection = turn_to_dict(fake_assistant.reply(["pus and a fever after the filler in my lip"]))
    assert infection["urgency"] == "same_day" and infection["notices"][0] == wording.SAME_DAY_NOTICE


def test_a_clause_looks_back_a_bounded_way_so_triage_is_linear_in_the_message():
    """Issue 22 #1: each clause was matched against every earlier clause of its sentence, so
    a 2,000-character "w,w,w,..." took 155 ms (quadratic); now each looks back at most
    EARLIER_REACH_CHARS, whatever the message's shape."""
    from assistant.red_flags.reading import EARLIER_REACH_CHARS

    for unit in ("w,", "c,e,h,", "what if, ", "no, "):
        message = (unit * 2000)[:1999] + "?"
        parts = read(message).clauses
        assert len(parts) > 200
        assert max(c.start - c.earlier_from for c in parts) <= EARLIER_REACH_CHARS
    # ... while framing words a few clauses back still count
    framed = read("what should I watch for after Botox, like trouble breathing, or swallowing?").asserted_clauses
    assert not any("breath" in c or "swallow" in c for c in framed)
