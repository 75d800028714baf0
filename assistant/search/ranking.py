"""The evidence about each candidate answer, and the ranking model that weighs it.

retrieval.py gathers candidates and their evidence (CandidateFeatures: one named array
per kind of evidence, a value per candidate); a fusion mode turns that into one score
per candidate (fusion.py for the hand-set modes, LearnedRanker for "learned": weights
learned from graded questions by bench/train_ranker.py, committed in ranker.json).

The evidence, none of it naming a topic:
- how close the answer is to the query by meaning: its best passage, its best sentence,
  its thread's question; and its sentence closest to what the message asks (the focus);
- by words: BM25 of its best passage and of its thread's question;
- where it stood in each ranked list (reciprocal ranks);
- whether it answers the kind of question asked (answer_types.py): a duration for "how
  long", a prognosis for "will it go away", a cause for "why", advice for "what can I do";
- each of these also relative to the best candidate of the same query, so that one set of
  weights serves a corpus where every cosine is high and one where every cosine is low.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, fields
from pathlib import Path

import numpy as np

from assistant.errors import first_line

RANKER_FILE = Path(__file__).with_name("ranker.json")
RRF_K = 60  # as in fusion.RRF_K
# Agreement among physicians is measured against the mean sentence vectors of this many
# best candidates by semantic evidence: an answer whose points others make too is more
# likely the answer than a lone aside.
AGREEMENT_PEERS = 5


@dataclass(frozen=True)
class CandidateFeatures:
    """One value per candidate answer for each kind of evidence (see the module docstring)."""

    passage: np.ndarray
    passage_top3: np.ndarray  # how much of the answer is about the query: its 3 best passages
    sentence: np.ndarray
    question: np.ndarray
    focus: np.ndarray
    semantic: np.ndarray  # the hand-set blend of passage, sentence and question (retrieval.py)
    lexical_passage: np.ndarray  # BM25, divided by the best of the query
    lexical_question: np.ndarray
    lexical: np.ndarray  # the hand-set blend of the two
    rank_dense: np.ndarray  # 1 / (RRF_K + 1 + rank) in each list, 0 when absent
    rank_lexical: np.ndarray
    rank_question_dense: np.ndarray
    rank_question_lexical: np.ndarray
    type_asked: np.ndarray  # 1 when the message asks for a kind of answer answer_types knows
    type_match: np.ndarray  # 1 when the answer's focus or best sentence makes that kind of statement
    type_match_focus: np.ndarray  # ... its focus sentence alone
    agreement: np.ndarray  # cosine of its sentences' mean to the best other candidates' means
    answer_length: np.ndarray  # log of the answer's characters

    RELATIVE = ("passage", "passage_top3", "sentence", "question", "focus", "semantic", "lexical")

    @classmethod
    def names(cls) -> tuple[str, ...]:
        return (*(f.name for f in fields(cls)), *(f"{n}_rel" for n in cls.RELATIVE))

    def matrix(self) -> np.ndarray:
        """(candidates, len(names())) in names() order, relative columns last."""
        columns = [np.nan_to_num(getattr(self, f.name).astype(np.float64), nan=0.0) for f in fields(self)]
        for name in self.RELATIVE:
            values = np.nan_to_num(getattr(self, name).astype(np.float64), nan=0.0)
            columns.append(values - (values.max() if len(values) else 0.0))
        return np.stack(columns, axis=1) if len(columns[0]) else np.zeros((0, len(columns)))


def agreement(vectors: np.ndarray, semantic: np.ndarray) -> np.ndarray:
    """For each candidate (a row of vectors, NaN rows for none), the cosine of its vector to
    the mean of the AGREEMENT_PEERS best other candidates' (by semantic)."""
    usable = ~np.isnan(vectors).any(axis=1)
    # Ties to 5 decimals in candidate order, as every store breaks them (vector_store.best_first).
    by_evidence = np.lexsort((np.arange(len(semantic)), -np.round(semantic, 5)))
    peers = [int(i) for i in by_evidence if usable[i]][: AGREEMENT_PEERS + 1]
    out = np.zeros(len(vectors))
    if len(peers) < 2:
        return out
    total = vectors[peers].sum(axis=0)
    for i in np.flatnonzero(usable):
        others = total - vectors[i] if i in peers else total - vectors[peers[-1]]
        norm = np.linalg.norm(others)
        out[i] = float(vectors[i] @ others / norm) if norm > 0 else 0.0
    return out


def reciprocal_ranks(ranks: dict[int, int], keys: np.ndarray) -> np.ndarray:
    return np.array([1.0 / (RRF_K + 1 + ranks[k]) if k in ranks else 0.0 for k in keys.tolist()])


class LearnedRanker:
    """LightGBM's LambdaRank over CandidateFeatures.matrix(), fitted by bench/train_ranker.py
    and exported as its trees (ranker.json: LightGBM's own dump_model). They are evaluated
    here with numpy, all trees at once, one level at a time: serving loads neither LightGBM
    nor the scikit-learn it imports (130 MB), and a test checks the scores equal LightGBM's
    own predict."""

    def __init__(self, path: Path = RANKER_FILE):
        from assistant.errors import ModelError

        try:
            model = json.loads(path.read_text(encoding="utf-8"))
            trees = [tree["tree_structure"] for tree in model["tree_info"]]
            names = tuple(model["feature_names"])
        except (OSError, ValueError, KeyError) as exc:
            raise ModelError(f"the ranking model {path} cannot be read ({first_line(exc)}); reinstall the package") from None
        if names != CandidateFeatures.names():
            raise ModelError(
                f"the ranking model {path} was trained on other evidence than this code gathers; retrain it: "
                "python -m bench.train_ranker --write"
            )
        self._flatten(trees)

    def _flatten(self, trees: list[dict]) -> None:
        """Every tree's nodes in flat arrays: node i splits on feature[i] at threshold[i]
        (x <= threshold goes left, as LightGBM's numerical decision "<=") into left[i] and
        right[i]; a child below 0 is leaf ~child of the leaf values."""
        feature, threshold, left, right, leaves, roots = [], [], [], [], [], []

        def add(node: dict) -> int:
            if "leaf_value" in node:
                leaves.append(node["leaf_value"])
                return ~(len(leaves) - 1)
            if node.get("decision_type", "<=") != "<=":
                raise ValueError(f"unsupported split {node.get('decision_type')}")
            at = len(feature)
            feature.append(node["split_feature"])
            threshold.append(node["threshold"])
            left.append(0)
            right.append(0)
            left[at], right[at] = add(node["left_child"]), add(node["right_child"])
            return at

        for tree in trees:
            roots.append(add(tree))
        self.feature, self.threshold = np.array(feature, np.int64), np.array(threshold, np.float64)
        self.left, self.right = np.array(left, np.int64), np.array(right, np.int64)
        self.leaf_value, self.roots = np.array(leaves, np.float64), np.array(roots, np.int64)

    def scores(self, features: CandidateFeatures) -> np.ndarray:
        x = features.matrix()
        if not len(x):
            return np.zeros(0)
        node = np.broadcast_to(self.roots, (len(x), len(self.roots))).copy()  # (candidates, trees)
        rows = np.arange(len(x))[:, None]
        while (inner := node >= 0).any():
            at = np.where(inner, node, 0)
            go_left = x[rows, self.feature[at]] <= self.threshold[at]
            node = np.where(inner, np.where(go_left, self.left[at], self.right[at]), node)
        return self.leaf_value[~node].sum(axis=1)
