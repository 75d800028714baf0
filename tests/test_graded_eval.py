"""Scoring a corpus with graded questions (MEDIQA format), on hand-made rankings."""

from __future__ import annotations

import json
import math

import pytest

from assistant.evaluation.graded import GradedQuery, read_graded_queries, score_rankings
from assistant.evaluation.metrics import ndcg


def test_queries_are_read_with_gain_grade_minus_one(tmp_path):
    path = tmp_path / "queries.json"
    path.write_text(json.dumps({"queries": [{"qid": 7, "set": "test", "question": "What is flu?", "grades": {"a#1": 4, "b#1": 1}}]}))
    [query] = read_graded_queries(path)
    assert query == GradedQuery("7", "test", "What is flu?", {"a#1": 3, "b#1": 0})


def test_ndcg_uses_linear_gains_and_the_ideal_order_of_the_grades():
    gains = {"a": 3, "b": 1, "c": 2}
    assert ndcg(["a", "c", "b"], gains, 10, exponential=False) == pytest.approx(1.0)
    # b then a: (1 + 3/log2 3) / (3 + 2/log2 3 + 1/2)
    assert ndcg(["b", "a"], gains, 10, exponential=False) == pytest.approx((1 + 3 / math.log2(3)) / (3 + 2 / math.log2(3) + 0.5))
    assert ndcg(["x", "y"], gains, 10, exponential=False) == 0.0  # unjudged answers gain nothing


def test_rows_count_abstentions_and_the_first_quote_gain():
    queries = [GradedQuery("1", "test", "q1", {"a": 3}), GradedQuery("2", "test", "q2", {"b": 2})]
    row = score_rankings("held out", "x", queries, [["a"], []])
    assert row.avg_score1 == pytest.approx(1.5) and row.false_abstention_rate == 0.5
    assert row.ndcg10 == pytest.approx(0.5)
