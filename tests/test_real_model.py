"""The real bundled model, end to end through `python -m assistant` and in-process."""

from __future__ import annotations

import json

import numpy as np
import pytest

from assistant import wording
from assistant.encoders.bundled import WEIGHTS_SHA256, verify_weights
from assistant.errors import ModelError
from assistant.evaluation.red_flags import evaluate_red_flags
from assistant.evaluation.search import evaluate
from assistant.models import Urgency
from assistant.red_flags import RedFlagDetector
from assistant.search.fusion import FusionMode

from .conftest import REPO, run_cli

pytestmark = pytest.mark.real_model

# Proxies that lead nowhere: any attempt to reach the network fails loudly.
NO_NETWORK = {"HTTPS_PROXY": "http://127.0.0.1:9", "HTTP_PROXY": "http://127.0.0.1:9", "HF_HUB_OFFLINE": ""}


def corpus_answers():
    from assistant.corpus.reader import read_corpus

    return {a.id: a for t in read_corpus([REPO / "corpus"]).threads for a in t.answers}


def test_first_ask_builds_the_index_offline_and_prints_the_json_contract(tmp_path):
    proc = run_cli("ask", "--index-dir", str(tmp_path / "idx"), "--json", "Will my lip paralysis from Botox go away?", env=NO_NETWORK)
    assert proc.returncode == 0, proc.stderr
    assert f"rebuilding it from {REPO / 'corpus'}" in proc.stderr
    [turn] = json.loads(proc.stdout)["turns"]
    assert set(turn) >= {"message", "search_query", "abstained", "notices", "quotes"}
    assert not turn["abstained"] and 1 <= len(turn["quotes"]) <= 5
    answers = corpus_answers()
    for quote in turn["quotes"]:
        assert set(quote) >= {"answer_id", "thread_id", "text", "score", "author", "thread_title", "source"}
        answer = answers[quote["answer_id"]]
        assert quote["text"] in answer.text
        assert answer.text[quote["start"] : quote["end"]] == quote["text"]
        assert quote["author"]["name"] == answer.author.name
        assert quote["thread_id"] == quote["answer_id"].split("#")[0]
        assert quote["source"] == f"corpus/{quote['thread_id']}.txt"  # never the server's path
    assert len({q["answer_id"] for q in turn["quotes"]}) == len(turn["quotes"])
    assert turn["notices"][-1] == wording.SOURCE_DISCLAIMER


def test_conversation_and_batch_on_the_command_line(tmp_path):
    index = str(tmp_path / "idx")
    batch = tmp_path / "batch.jsonl"
    batch.write_bytes(
        (json.dumps(["Will my lip paralysis from Botox go away?", "how long until it wears off?"]) + "\n"
         + "not json\n").encode()
        + b'["caf\xe9 in Latin-1, not UTF-8"]\n'  # issue 10: this line stopped the whole batch
        + b'["a lone surrogate \\ud800"]\n'
        + (json.dumps(["What's a good recipe for banana bread?"]) + "\n").encode()
    )
    proc = run_cli("ask", "--index-dir", index, "--json", "--batch", str(batch))
    assert proc.returncode == 1  # lines were skipped
    first, error, latin1, surrogate, third = [json.loads(line) for line in proc.stdout.splitlines()]
    assert "batch.jsonl:3: not UTF-8" in latin1["error"] and "batch.jsonl:4" in surrogate["error"]
    assert "Traceback" not in proc.stderr
    followup = first["turns"][1]
    assert followup["search_query"].startswith("Will my lip paralysis from Botox go away?")
    assert followup["quotes"] and not followup["abstained"]
    assert "batch.jsonl:2" in error["error"] and "batch.jsonl:2: error" in proc.stderr
    assert third["turns"][0]["abstained"] and third["turns"][0]["quotes"] == []

    bad_argument = run_cli("ask", "--index-dir", index, "lip \udcff paralysis")  # bytes that are not UTF-8
    assert bad_argument.returncode == 2 and bad_argument.stderr.strip() == "ask: MESSAGE 1 is not valid UTF-8 text"

    text = run_cli("ask", "--index-dir", index, "-k", "2", "Can Botox in my forehead move to my upper lip?")
    assert text.returncode == 0
    assert text.stdout.rstrip().endswith("Searched for: Can Botox in my forehead move to my upper lip?")
    assert "[1] \u201c" in text.stdout and "[3]" not in text.stdout
    assert wording.SOURCE_DISCLAIMER.split()[0] in text.stdout


def test_development_set_quality_holds(real_assistant):
    devset = json.loads((REPO / "bench" / "devset.json").read_text())
    rows, safety = evaluate(real_assistant, devset)
    by = {r.system: r for r in rows}
    fused, lexical, dense = by["fused (weighted)"], by["lexical only"], by["dense only"]
    followups = by["fused (weighted) + follow-ups"]
    assert fused.ndcg5 >= 0.80 and fused.ndcg5 > lexical.ndcg5 and fused.ndcg5 > dense.ndcg5
    assert followups.followup_ndcg5 >= 0.80 and followups.followup_ndcg5 > fused.followup_ndcg5
    assert fused.abstention_accuracy == 1.0 and followups.abstention_accuracy == 1.0
    assert followups.false_abstention_rate == 0.0
    assert safety == {"emergency_notice_first": 1.0, "urgent_notice_on_non_emergencies": 0.0}


def quote_of(turn, answer_id):
    return next(q for q in turn.quotes if q.answer.id == answer_id)


def test_each_answer_is_quoted_at_the_sentence_that_answers_what_was_asked(real_assistant):
    """Issue 14's examples: each was quoted at a sentence about something else."""
    turn = real_assistant.reply(["my smile went lopsided after jaw botox - what muscle did the injector hit?"])
    quote = quote_of(turn, "004_52f1e9b741cd2cdd#2").text
    # The answering sentence, led by itself or by the one before it, which names the cause
    # ("... but the placement of the injection"; with the int8 encoder it is within the
    # neighbour margin). Before issue 14 the quote opened on "The good news is that ...".
    assert "Some of the Botox was placed a bit too far anteriorly" in quote
    assert quote.startswith(("Some of the Botox was placed", "The reason this happened this time is not due to the amount"))
    turn = real_assistant.reply(["my lip is paralysed from botox and my doctor never warned me this could happen"])
    assert "be advised via consent" in quote_of(turn, "000_89d5e1cb873fd9a3#1").text
    _, followup = real_assistant.converse(["my lower lip got paralysed after botox in my chin", "can my doctor fix it?"])
    assert quote_of(followup, "000_89d5e1cb873fd9a3#1").text.startswith("I would go in and speak with your physician")
    assert not followup.quotes[0].text.startswith("Yes, by all means you should exercise")


def test_quote_choice_meets_its_target_on_the_development_sets(real_assistant):
    """The chooser of the words to quote, on the answers a fixed ranking (the hand-set
    blend it was tuned with) puts in the top five; the learned ranking's effect is the
    next test's."""
    from assistant.evaluation.quotes import evaluate_quotes, read_quote_set

    answers = {a.id: a.text for a in real_assistant.index.answers}
    for name in ("quotes_dev", "quotes_dev_b"):
        items = read_quote_set(REPO / "bench" / f"{name}.json", answers)
        rows = {r.chooser: r for r in evaluate_quotes(real_assistant, name, items, mode=FusionMode.WEIGHTED)}
        ours, before = rows["fused (the assistant's)"], rows["baseline (before)"]
        assert ours.quoted >= 30 and ours.span_precision > before.span_precision
        assert ours.mean_quote_chars <= before.mean_quote_chars  # not bought with longer quotes
        if name == "quotes_dev":
            assert ours.span_precision >= 0.95


def test_the_learned_ranking_quotes_more_answering_answers_and_no_fewer_first(real_assistant):
    """Issue 24: the shipped ranking against the hand-set blend, with the same chooser, on
    the development quote sets (which it was trained on, among other questions)."""
    from assistant.evaluation.quotes import evaluate_quotes, read_quote_set

    answers = {a.id: a.text for a in real_assistant.index.answers}
    for name in ("quotes_dev", "quotes_dev_b"):
        items = read_quote_set(REPO / "bench" / f"{name}.json", answers)
        chosen = "fused (the assistant's)"
        learned = next(r for r in evaluate_quotes(real_assistant, name, items) if r.chooser == chosen)
        weighted = next(r for r in evaluate_quotes(real_assistant, name, items, FusionMode.WEIGHTED) if r.chooser == chosen)
        assert learned.first_quote_answers >= weighted.first_quote_answers
        assert learned.quoted > weighted.quoted  # more of the answering answers in the top five


def test_a_message_that_finds_nothing_alone_is_read_with_its_conversation(real_assistant):
    """Issue 24: a message with words of its own and none pointing back reads as a question
    of its own, and alone finds nothing; with the conversation it is answered. A new
    subject still finds nothing. (From bench/quotes_dev_b.json, development data.)"""
    from assistant.reply.conversation import resolve

    first = "right side of my face is semi paralysed after masseter botox, cant lift the corner of my mouth"
    alone = "she used 30 units this time, last time was 25 and i was totally fine. was it just too much??"
    assert not resolve([first, alone], real_assistant.index.passage_lexical.knows)[1].is_followup
    assert real_assistant.reply([alone]).abstained
    turn = real_assistant.reply([first, alone])
    assert not turn.abstained and turn.search_query.is_followup and turn.search_query.parts[0][0] == first
    for new_subject in ("What's a good recipe for banana bread?", "Different question: how do I change a flat tire?"):
        assert real_assistant.reply([first, new_subject]).abstained


def test_held_out_set_abstains_exactly_on_the_off_topic_messages(real_assistant):
    # The held-out set is never tuned on; its ranking numbers are reported, not pinned.
    heldout = json.loads((REPO / "bench" / "heldout.json").read_text())
    rows, safety = evaluate(real_assistant, heldout)
    followups = {r.system: r for r in rows}["fused (weighted) + follow-ups"]
    assert followups.abstention_accuracy == 1.0 and followups.false_abstention_rate == 0.0
    assert safety["emergency_notice_first"] == 1.0


def test_everyday_questions_stay_far_from_the_bundled_pages_so_their_floor_is_the_fixed_one(real_assistant):
    from assistant.search.relevance import PROBE_MARGIN
    from assistant.search.retrieval import MIN_RELEVANCE

    floor = real_assistant.relevance_floor
    assert floor.probe_best + PROBE_MARGIN < MIN_RELEVANCE
    assert real_assistant.retriever.min_relevance == MIN_RELEVANCE


def test_emergency_and_off_topic_with_the_real_model(real_assistant):
    urgent = real_assistant.reply(["Two days after Botox I have trouble breathing and swallowing"])
    assert urgent.notices[0] == wording.URGENT_CARE_NOTICE
    off = real_assistant.reply(["Who won the football match last night?"])
    assert off.abstained and not off.quotes


def test_red_flag_triage_meets_its_targets_on_the_development_sets(real_assistant):
    # Tuned on these two sets; the held-out set's figures are reported by `eval`, not pinned.
    for name in ("redflags_dev.json", "redflags_dev_b.json"):
        messages = json.loads((REPO / "bench" / name).read_text())["messages"]
        row = evaluate_red_flags(real_assistant.red_flags, name, messages)
        assert row.emergency_recall >= 0.95 and row.false_alarm_rate <= 0.05, row.failures
        assert row.same_day_recall >= 0.95 and row.same_day_false_alarm_rate == 0.0, row.failures


def test_semantic_evidence_finds_an_emergency_no_pattern_knows(real_assistant):
    # No word group of the patterns covers a tongue that "feels enormous"; the encoder
    # relates it to a swelling tongue. And it does not raise the alarm for ordinary effects.
    message = "my tongue feels enormous like it does not fit in my mouth since the injection"
    assert RedFlagDetector(None).assess(message).urgency is None
    triage = real_assistant.red_flags.assess(message)
    assert triage.urgency is Urgency.EMERGENCY and triage.flags[0].evidence == "semantic"
    for ordinary in ("my lip feels a little weak since the Botox", "i have a small lump in my lip after filler"):
        assert real_assistant.red_flags.assess(ordinary).urgency is None


def test_the_triage_model_applies_what_scikit_learn_fitted():
    """model.py computes the logistic regressions with numpy from model.json; scikit-learn's
    own predict_proba on the same coefficients gives the same probabilities."""
    from sklearn.linear_model import LogisticRegression

    from assistant.red_flags.features import FEATURES
    from assistant.red_flags.model import TriageModel

    model = TriageModel.load()
    rng = np.random.default_rng(0)
    values = rng.normal(size=(50, len(FEATURES)))
    for classifier in (model.emergency, model.same_day):
        fitted = LogisticRegression()
        fitted.classes_ = np.array([0, 1])
        fitted.coef_ = classifier.coef[None, :]
        fitted.intercept_ = np.array([classifier.intercept])
        expected = fitted.predict_proba((values - classifier.mean) / classifier.scale)[:, 1]
        assert np.allclose([classifier.probability(v) for v in values], expected)


def test_damaged_model_weights_are_refused(tmp_path):
    (tmp_path / "model.safetensors").write_bytes(b"not the weights")
    with pytest.raises(ModelError, match=WEIGHTS_SHA256):
        verify_weights(tmp_path)
    with pytest.raises(ModelError, match="missing"):
        verify_weights(tmp_path / "nowhere")
