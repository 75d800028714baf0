"""Filters on who answered (specialty, rating): every quote under a filter satisfies it,
what the filter keeps is still found, and the reply says what it was filtered to."""

from __future__ import annotations

import json

import numpy as np
import pytest

from assistant import wording
from assistant.errors import SettingsError
from assistant.index import vector_index
from assistant.models import AnswerFilter, Author, Urgency

from .conftest import GOLDEN, run_cli

# The bundled pages' answers as the golden files record them (independent of the parser
# and of the filter code): id -> author.
AUTHORS = {
    a["id"]: a["author"] for path in GOLDEN.glob("*.json") for a in json.loads(path.read_text(encoding="utf-8"))["answers"]
}
QUESTIONS = [
    "Will my lip paralysis from Botox go away?",
    "Can Botox in my forehead spread to my upper lip?",
    "masseter injection smile corner of mouth",
    "how long until Botox wears off?",
]


def satisfies(author: dict, specialty: str | None, min_rating: float | None) -> bool:
    title = (author["title"] or "").lower()
    if specialty and not all(word in title for word in specialty.lower().split()):
        return False
    return min_rating is None or (author["rating"] is not None and author["rating"] >= min_rating)


@pytest.mark.parametrize(
    "specialty, min_rating",
    [("dermatologic", None), ("facial plastic", None), (None, 4.8), ("plastic surgeon", 4.5), ("Beverly Hills", None)],
)
def test_every_quote_under_a_filter_is_from_a_physician_it_keeps(fake_assistant, specialty, min_rating):
    answer_filter = AnswerFilter.of(specialty, min_rating)
    kept = {a for a, author in AUTHORS.items() if satisfies(author, specialty, min_rating)}
    assert kept and len(kept) < len(AUTHORS)  # each case keeps some answers and drops others
    quoted = set()
    for question in QUESTIONS:
        turn = fake_assistant.reply([question], k=10, answer_filter=answer_filter)
        assert all(q.answer.id in kept for q in turn.quotes), question
        assert all(q.text in q.answer.text for q in turn.quotes)
        quoted |= {q.answer.id for q in turn.quotes}
        if turn.quotes:
            assert turn.notices[0] == wording.FILTERED_TO.format(filter=answer_filter.describe())
    assert quoted  # the physicians it keeps are still found


def test_a_filter_finds_what_an_unfiltered_search_ranks_lower(fake_assistant):
    """A filter searches the answers it keeps, not only the unfiltered top k."""
    question = ["Will my lip paralysis from Botox go away?"]
    unfiltered = [q.answer.id for q in fake_assistant.reply(question, k=2).quotes]
    specialty = "dermatologic"
    filtered = fake_assistant.reply(question, k=2, answer_filter=AnswerFilter.of(specialty))
    assert [q.answer.id for q in filtered.quotes] != unfiltered
    assert filtered.quotes and all(satisfies(AUTHORS[q.answer.id], specialty, None) for q in filtered.quotes)


def test_a_filter_no_physician_passes_says_so_and_quotes_nothing(fake_assistant):
    answer_filter = AnswerFilter.of("orthopedic")
    turn = fake_assistant.reply(["Will my lip paralysis from Botox go away?"], answer_filter=answer_filter)
    assert turn.abstained and turn.quotes == ()
    assert turn.notices[0] == wording.NO_PHYSICIAN_MATCHES.format(filter='specialty "orthopedic"')


def test_an_off_topic_question_under_a_filter_says_the_filter_may_be_why(fake_assistant):
    turn = fake_assistant.reply(["How do I change the oil in my car engine?"], answer_filter=AnswerFilter.of(None, 4.5))
    assert turn.abstained
    assert wording.NO_ANSWER_FILTERED.format(filter="rating at least 4.5") in turn.notices


def test_a_filter_never_hides_the_urgent_notice(fake_assistant):
    message = "I had Botox yesterday and now I have trouble swallowing and breathing"
    for answer_filter in (AnswerFilter.of("dermatologic", 4.9), AnswerFilter.of("orthopedic")):
        turn = fake_assistant.reply([message], answer_filter=answer_filter)
        assert turn.urgency is Urgency.EMERGENCY and turn.notices[0] == wording.URGENT_CARE_NOTICE


def test_unknown_rating_or_title_never_passes_a_filter_on_it():
    unknown = Author(name="A. Person, MD")
    assert AnswerFilter.of().accepts(unknown)
    assert not AnswerFilter.of(None, 1).accepts(unknown)
    assert not AnswerFilter.of("surgeon").accepts(unknown)
    assert AnswerFilter.of(None, 0).accepts(unknown)  # 0 is "any rating", unrated included


def test_specialty_words_match_the_beginnings_of_title_words_in_any_case():
    author = Author(title="Manhattan Dermatologic Surgeon", rating=4.9)
    assert AnswerFilter.of("dermatolog").accepts(author)
    assert AnswerFilter.of("SURGEON manhattan").accepts(author)
    assert not AnswerFilter.of("plastic surgeon").accepts(author)
    assert not AnswerFilter.of("hattan").accepts(author)  # inside a word, not its beginning
    assert AnswerFilter.of(None, 4.9).accepts(author) and not AnswerFilter.of(None, 4.95).accepts(author)


@pytest.mark.parametrize(
    "specialty, min_rating, message",
    [(None, 5.5, "between 0 and 5"), (None, float("nan"), "between 0 and 5"), (None, "4", "must be a number"),
     ("x" * 101, None, "at most 100"), (7, None, "must be text")],
)
def test_a_filter_that_makes_no_sense_is_refused_with_its_reason(specialty, min_rating, message):
    with pytest.raises(SettingsError, match=message):
        AnswerFilter.of(specialty, min_rating)


def test_blank_filter_values_mean_no_filter():
    assert AnswerFilter.of("  ", None).is_empty and AnswerFilter.of("", 0).is_empty


@pytest.mark.parametrize("hnsw", [False, True])
@pytest.mark.parametrize("share", [0.002, 0.3])  # few enough to decode, and many (a selector)
def test_filtered_vector_search_returns_the_nearest_kept_vectors(hnsw, share, monkeypatch):
    monkeypatch.setattr(vector_index, "FILTERED_EXACT_MAX", 100)
    rng = np.random.default_rng(0)
    vectors = rng.standard_normal((6000, 32)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    index = vector_index.build_vector_index(vectors, exact_max=100 if hnsw else 10**6)
    assert vector_index.is_exact(index) is not hnsw
    allowed = rng.random(len(vectors)) < share
    for q in vectors[:20]:
        _, ids = vector_index.search(index, q, 10, allowed)
        assert allowed[ids].all() and len(ids) == min(10, int(allowed.sum()))
        truth = np.flatnonzero(allowed)[np.argsort(-(vectors[allowed] @ q))[:10]]
        assert len(set(ids) & set(truth)) >= 9  # 8-bit codes may swap a near tie


def test_ask_command_filters_and_refuses_a_bad_rating(tmp_path):
    from .conftest import CORPUS

    env = {"ASSISTANT_CORPUS_PATHS": str(CORPUS), "ASSISTANT_INDEX_DIR": str(tmp_path / "index")}
    bad = run_cli("ask", "--min-rating", "9", "Will my lip paralysis from Botox go away?", env=env)
    assert bad.returncode != 0 and "min_rating must be between 0 and 5" in bad.stderr
    result = run_cli("ask", "--json", "--specialty", "facial plastic", "Will my lip paralysis from Botox go away?", env=env)
    assert result.returncode == 0, result.stderr
    turn = json.loads(result.stdout)["turns"][0]
    assert turn["filter"] == {"specialty": "facial plastic", "min_rating": None}
    assert turn["quotes"] and all(satisfies(AUTHORS[q["answer_id"]], "facial plastic", None) for q in turn["quotes"])

