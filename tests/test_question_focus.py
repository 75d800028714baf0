"""What a message asks, told apart from the situation it describes (no model needed)."""

from __future__ import annotations

import pytest

from assistant.index.terms import stem
from assistant.reply.question_focus import asking_words, focus_of


@pytest.mark.parametrize(
    "message, ask",
    [
        # the situation first, the question after a comma, a dash or a full stop
        ("my upper eyelid is droopy after botox between my eyebrows, how long does that last?", "how long does that last?"),
        ("my smile went lopsided after jaw botox - what muscle did the injector hit?", "what muscle did the injector hit?"),
        (
            "had botox in my forehead with eyelid surgery, now i cant smile. can botox really travel from the forehead to my lip?",
            "can botox really travel from the forehead to my lip?",
        ),
        # the question first, the story after it
        ("why did this happen?? ive had masseter botox before with no problems", "why did this happen??"),
        # a question that opens with a conjunction
        ("so what do i do now, just wait?", "so what do i do now, just wait?"),
        # a question without a question word, known by its "?"
        ("the injector put botox in my lower cheek without asking me, is that even allowed?", "is that even allowed?"),
        ("my lip, permanent?", "permanent?"),
    ],
)
def test_the_asking_clauses_are_found(message, ask):
    assert asking_words(message) == ask


def test_a_statement_is_all_ask():
    message = "my lip is paralysed from botox and my doctor never warned me this could happen"
    assert asking_words(message) == message


def test_a_question_word_inside_a_sentence_counts_only_when_nothing_else_asks():
    assert asking_words("if it wasnt the botox what else could have caused my upper lip to stop working") == (
        "what else could have caused my upper lip to stop working"
    )
    # Beside a real question, "when" is a conjunction: the situation is not asked about.
    message = "the corner of my mouth wont lift when i smile, i look awful. is there a shot that reverses botox?? id pay anything"
    assert asking_words(message) == "is there a shot that reverses botox??"


def test_the_focus_leaves_out_background_words_but_keeps_their_terms():
    background = {stem("botox")}
    focus = focus_of("my lip is weird. will botox ever work to even out my face?", background.__contains__)
    assert focus.text == "will ever work to even out my face?"
    assert "botox" in focus.terms and "face" in focus.terms and "lip" not in focus.terms
    assert "asymmetr" in focus.synonyms  # "even out" is the vocabulary's asymmetry


def test_a_focus_of_background_words_only_keeps_them():
    focus = focus_of("botox?", lambda term: True)
    assert focus.text == "botox?"
