"""The relevance floor is measured on each corpus: everyday messages that half-match a
corpus raise it there, and only there."""

from __future__ import annotations

import json

from assistant.search.relevance import MAX_FLOOR, calibrate
from assistant.search.retrieval import MIN_RELEVANCE
from assistant.service import Assistant
from assistant.settings import Settings

# A health page that shares words with everyday household questions (as a general health
# corpus does: mold, ants, cleaning products), beside one on a cosmetic complication.
HOUSEHOLD_HEALTH = {
    "id": "mold",
    "title": "Mold in the shower and kitchen ants",
    "question": "How do I remove mold from the grout in my shower and get rid of ants in the kitchen?",
    "answers": [{"id": "mold#1", "text": "Mold in shower grout and ants in the kitchen can trigger allergies. "
                 "Remove mold with a diluted cleaner and keep the kitchen dry so ants stay away."}],
}
EYELID = {
    "id": "lid",
    "title": "Droopy eyelid after Botox",
    "question": "My eyelid droops after Botox between my brows. How long will it last?",
    "answers": [{"id": "lid#1", "text": "A droopy eyelid after Botox usually lasts a few weeks. "
                 "Apraclonidine eye drops can lift the eyelid while the Botox wears off."}],
}


def _assistant(tmp_path, embedder, threads) -> Assistant:
    corpus = tmp_path / "threads.jsonl"
    corpus.write_text("\n".join(json.dumps(t) for t in threads) + "\n", encoding="utf-8")
    settings = Settings(index_dir=tmp_path / "index", corpus_paths=(str(corpus),))
    return Assistant(settings, embedder=embedder, log=lambda m: None)


def test_a_corpus_that_half_matches_everyday_questions_gets_a_higher_floor(tmp_path, fake_embedder):
    assistant = _assistant(tmp_path, fake_embedder, [HOUSEHOLD_HEALTH, EYELID])
    floor = assistant.relevance_floor
    assert floor.probe_best > MIN_RELEVANCE
    assert MIN_RELEVANCE < floor.threshold <= MAX_FLOOR
    assert assistant.retriever.min_relevance == floor.threshold
    # An everyday question like the probes is no longer answered from the health page ...
    assert assistant.reply(["what is the best way to get ants out of my kitchen"]).abstained
    # ... while a real question about the corpus still is.
    reply = assistant.reply(["how long will my droopy eyelid from Botox last?"])
    assert [q.answer.id for q in reply.quotes][:1] == ["lid#1"]


def test_the_floor_never_rises_above_the_cap(tmp_path, fake_embedder):
    # A corpus that answers the probes themselves (a household Q&A) would otherwise abstain on everything.
    assistant = _assistant(tmp_path, fake_embedder, [HOUSEHOLD_HEALTH, EYELID])
    floor = calibrate(assistant.retriever, probes=(HOUSEHOLD_HEALTH["question"],))
    assert floor.probe_best > MAX_FLOOR
    assert floor.threshold == MAX_FLOOR
