"""Chunking, fusion modes, settings and metrics."""

from __future__ import annotations

import math

import numpy as np
import pytest

from assistant.errors import SettingsError
from assistant.evaluation.metrics import ndcg, recall_at_k
from assistant.index.chunking import PASSAGE_MAX_CHARS, chunk_answer, sentence_spans
from assistant.models import Answer
from assistant.search.fusion import FusionMode, fuse
from assistant.settings import Settings


def test_sentence_spans_cover_every_word_in_order():
    text = "First one. Second one!  Third?\n\nNew paragraph without end"
    spans = sentence_spans(text)
    assert [text[s:e] for s, e in spans] == ["First one.", "Second one!", "Third?", "New paragraph without end"]


def test_chunks_are_exact_offsets_overlap_and_bounded():
    text = " ".join(f"Sentence number {i} talks about Botox and lips for a while." for i in range(30))
    chunks = chunk_answer(Answer("a#1", text))
    assert len(chunks) > 2
    for c in chunks:
        assert text[c.start : c.end] == c.text
        assert len(c.text) <= PASSAGE_MAX_CHARS
    for a, b in zip(chunks, chunks[1:]):
        assert b.start < a.end  # consecutive passages share a sentence
    assert chunks[0].start == 0 and chunks[-1].end == len(text)


def test_a_single_long_sentence_is_still_one_passage():
    text = "word " * 400
    [chunk] = chunk_answer(Answer("a#1", text.strip()))
    assert chunk.text == text.strip()


def test_unknown_fusion_mode_lists_the_choices():
    with pytest.raises(SettingsError, match="dense, lexical, weighted, rrf, learned"):
        FusionMode.parse("magic")


HAND_SET = [m for m in FusionMode if m is not FusionMode.LEARNED]


def rr(*ranks):
    """Each list's reciprocal rank of one candidate (None: absent from that list)."""
    return [np.array([0.0 if r is None else 1 / (61 + r)]) for r in ranks]


@pytest.mark.parametrize("mode", HAND_SET)
def test_every_hand_set_fusion_mode_handles_missing_evidence_and_ranks_stronger_evidence_higher(mode):
    none = fuse(mode, np.zeros(1), np.zeros(1), rr(None, None, None, None))
    assert none.tolist() == [0.0]
    strong = fuse(mode, np.array([0.9]), np.array([1.0]), rr(0, 0, 0, 0))
    weak = fuse(mode, np.array([0.1]), np.array([0.2]), rr(None, 9, None, None))
    assert strong[0] > weak[0] > none[0]


def test_rrf_rewards_agreement():
    both = fuse(FusionMode.RRF, np.zeros(1), np.zeros(1), rr(0, 0, None, None))
    one = fuse(FusionMode.RRF, np.zeros(1), np.zeros(1), rr(0, None, None, None))
    assert both[0] == pytest.approx(2 / 61) and one[0] == pytest.approx(1 / 61)


def test_the_learned_mode_is_not_a_hand_set_blend():
    with pytest.raises(ValueError, match="LEARNED is not a hand-set fusion mode"):
        fuse(FusionMode.LEARNED, np.zeros(1), np.zeros(1), rr(None, None, None, None))


def test_settings_from_environment_and_overrides():
    s = Settings.from_env({"ASSISTANT_TOP_K": "3", "ASSISTANT_PORT": "9000", "ASSISTANT_REBUILD": "false"}, port=9100)
    assert (s.top_k, s.port, s.rebuild) == (3, 9100, False)


@pytest.mark.parametrize(
    "env", [{"ASSISTANT_TOP_K": "many"}, {"ASSISTANT_PRECISION": "int4"}, {"ASSISTANT_FUSION": "x"}, {"ASSISTANT_TOP_K": "0"},
            {"ASSISTANT_MAX_TURNS": "0"}, {"ASSISTANT_INDEX_BACKEND": "qdrant"}]
)
def test_bad_settings_are_refused_with_the_variable_named(env):
    [(variable, value)] = env.items()
    with pytest.raises(SettingsError, match=f"^{variable}={value!r}"):
        Settings.from_env(env)


def test_ndcg_and_recall_by_hand():
    relevance = {"a": 2, "b": 1}
    assert ndcg(["a", "b"], relevance, 5) == pytest.approx(1.0)
    # b first: DCG = 1/log2(2) + 3/log2(3); ideal = 3 + 1/log2(3)
    assert ndcg(["b", "a"], relevance, 5) == pytest.approx((1 + 3 / math.log2(3)) / (3 + 1 / math.log2(3)))
    assert ndcg(["x", "y"], relevance, 5) == 0.0
    assert recall_at_k(["a", "x"], relevance, 5) == 0.5
    # MEDIQA's gains count as they are: b first, DCG = 1 + 2/log2(3); ideal = 2 + 1/log2(3)
    assert ndcg(["b", "a"], relevance, 10, exponential=False) == pytest.approx((1 + 2 / math.log2(3)) / (2 + 1 / math.log2(3)))


def test_answering_keeps_numpys_blas_to_one_thread(fake_assistant):
    # Idle BLAS threads spin after each product and take the cores the encoder needs for
    # the next message (reply p95 36 -> 27 ms on MEDIQA with one thread).
    from threadpoolctl import threadpool_info

    fake_assistant.reply(["Will my lip paralysis from Botox go away?"])
    blas = [pool["num_threads"] for pool in threadpool_info() if pool["user_api"] == "blas"]
    assert blas and all(n == 1 for n in blas)


@pytest.mark.parametrize("leaves", [3, 7])
def test_the_learned_ranking_scores_exactly_as_lightgbm_predicts(tmp_path, leaves):
    """ranking.LearnedRanker evaluates LightGBM's exported trees with numpy (serving loads
    neither LightGBM nor scikit-learn); its scores must be LightGBM's own."""
    import json
    from dataclasses import fields

    lightgbm = pytest.importorskip("lightgbm")
    from assistant.search.ranking import CandidateFeatures, LearnedRanker

    rng = np.random.default_rng(leaves)

    def features(n):
        return CandidateFeatures(**{f.name: rng.normal(size=n) for f in fields(CandidateFeatures)})

    queries = [features(int(rng.integers(5, 40))) for _ in range(60)]
    x = np.concatenate([q.matrix() for q in queries])
    y = rng.integers(0, 3, size=len(x))
    model = lightgbm.LGBMRanker(objective="lambdarank", n_estimators=80, num_leaves=leaves, min_child_samples=5,
                                verbose=-1).fit(x, y, group=[len(q.passage) for q in queries],
                                                feature_name=list(CandidateFeatures.names()))
    path = tmp_path / "ranker.json"
    path.write_text(json.dumps(model.booster_.dump_model()))
    ranker = LearnedRanker(path)
    for q in queries[:10]:
        assert np.allclose(ranker.scores(q), model.booster_.predict(q.matrix()), atol=1e-9)


def test_the_committed_ranking_model_loads_and_scores():
    from dataclasses import fields

    from assistant.search.ranking import CandidateFeatures, LearnedRanker

    ranker = LearnedRanker()
    rng = np.random.default_rng(0)
    scores = ranker.scores(CandidateFeatures(**{f.name: rng.random(12) for f in fields(CandidateFeatures)}))
    assert scores.shape == (12,) and np.isfinite(scores).all() and scores.std() > 0
