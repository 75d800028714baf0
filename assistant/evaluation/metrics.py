"""The measures every evaluation uses, in one place."""

from __future__ import annotations

import math
from collections.abc import Iterable


def ndcg(ranked: list[str], gains: dict[str, float], k: int, exponential: bool = True) -> float:
    """nDCG@k of a ranking of ids, the ideal ranking taken from every labelled gain.
    exponential: a grade g counts 2^g - 1 (the bundled sets' 0/1/2 grades); otherwise g
    itself (MEDIQA's gains, as NLM's task scored them)."""
    gain = (lambda g: 2**g - 1) if exponential else (lambda g: g)
    dcg = sum(gain(gains.get(a, 0)) / math.log2(i + 2) for i, a in enumerate(ranked[:k]))
    ideal = sorted((g for g in gains.values() if g > 0), reverse=True)[:k]
    idcg = sum(gain(g) / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / idcg if idcg else 0.0


def recall_at_k(ranked: list[str], relevance: dict[str, int], k: int) -> float:
    """Relevant ids (grade >= 1) in the first k, over min(k, number relevant)."""
    relevant = {a for a, g in relevance.items() if g > 0}
    if not relevant:
        return 0.0
    return len(relevant & set(ranked[:k])) / min(k, len(relevant))


def mean(values: Iterable) -> float:
    values = [float(v) for v in values]
    return sum(values) / len(values) if values else 0.0
