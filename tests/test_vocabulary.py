"""Patient-vocabulary expansion: lay words searched together with physicians' words."""

from __future__ import annotations

import pytest

from assistant.index.terms import content_terms
from assistant.search.fusion import FusionMode
from assistant.search.vocabulary import SYNONYM_GROUPS, expansion_terms


def stem(word: str) -> str:
    (term,) = content_terms(word)
    return term


@pytest.mark.parametrize(
    "message, physicians_word",
    [
        ("Can Botox for jaw slimming affect my smile?", "masseter"),
        ("My doctor never warned me about the risks", "informed"),
        ("Should I get more Botox to even out my smile?", "asymmetry"),  # "even out" is all stop words
        ("Is there an antidote?", "reverse"),
        ("Could my filler be the cause?", "Radiesse"),
    ],
)
def test_lay_phrases_bring_in_the_physicians_words(message, physicians_word):
    assert stem(physicians_word) in expansion_terms(message)


def test_expansion_adds_only_new_terms_and_needs_whole_phrases_in_order():
    terms = expansion_terms("masseter and jaw")
    assert stem("masseter") not in terms and stem("jaw") not in terms  # already in the message
    assert expansion_terms("effect on the side of my face") == []  # not "side effect"
    assert expansion_terms("out even") == []  # not "even out"


def test_background_words_are_not_expanded():
    assert stem("Dysport") in expansion_terms("Botox lip")
    assert expansion_terms("Botox lip", is_background=lambda term: term == stem("Botox")) == []


def test_every_group_has_synonyms_and_no_phrase_is_in_two_groups():
    phrases = [p for group in SYNONYM_GROUPS for p in group]
    assert all(len(group) >= 2 for group in SYNONYM_GROUPS)
    assert len(phrases) == len(set(phrases))


def test_lexical_search_ranks_first_the_answers_that_use_the_physicians_word(fake_assistant):
    # Two answers say "informed" or "advised ... consent"; no answer says "warned" (only a
    # patient's question does, which ties every answer of that thread on its own).
    turn = fake_assistant.reply(["Should my doctor have warned me?"], mode=FusionMode.LEXICAL)
    first_two = [q.answer.text for q in turn.quotes[:2]]
    assert len(first_two) == 2
    assert all(any(w in text for w in ("informed", "advised", "consent")) for text in first_two)
