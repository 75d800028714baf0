"""Search quality on a corpus whose questions have graded answers: the MEDIQA 2019 format.

A folder holds `threads.jsonl.gz` (the corpus, in thread JSONL) and `queries.json`:
`{"queries": [{"qid", "set", "question", "grades": {answer id: 1-4}}]}`, graded by NLM
4 Excellent, 3 Correct but incomplete, 2 Related, 1 Incorrect. Gain is grade - 1; an
answer not graded for a question counts 0.

- nDCG@10: linear gains, the ideal ranking taken from the question's grades;
- avgScore@1: the mean gain of the first quote (0 when nothing is quoted);
- false abstention: questions that get no quote (every question here is on topic);
- abstention accuracy: off-topic messages (a JSON list) that get no quote.

Questions are reported by split: development (`alexa`, `validation`: tuned on) and held
out (`test`: never tuned on).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path

from assistant.search.fusion import FusionMode

K = 10
SPLITS = {"development": ("alexa", "validation"), "held out": ("test",)}
SYSTEMS = (
    ("lexical only", FusionMode.LEXICAL),
    ("dense only", FusionMode.DENSE),
    ("fused (rrf)", FusionMode.RRF),
    ("fused (weighted)", FusionMode.WEIGHTED),
    ("learned (LambdaRank)", FusionMode.LEARNED),
)


@dataclass(frozen=True)
class GradedQuery:
    qid: str
    set: str
    question: str
    gains: dict[str, int]  # answer id -> grade - 1


@dataclass
class GradedRow:
    split: str
    system: str
    questions: int
    ndcg10: float
    avg_score1: float
    false_abstention_rate: float


def read_graded_queries(path: Path) -> list[GradedQuery]:
    data = json.loads(path.read_text(encoding="utf-8"))
    return [
        GradedQuery(str(q["qid"]), q["set"], q["question"], {a: int(g) - 1 for a, g in q["grades"].items()})
        for q in data["queries"]
    ]


def ndcg(ranked: list[str], gains: dict[str, int], k: int = K) -> float:
    dcg = sum(gains.get(a, 0) / math.log2(i + 2) for i, a in enumerate(ranked[:k]))
    ideal = sorted((g for g in gains.values() if g > 0), reverse=True)[:k]
    idcg = sum(g / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / idcg if idcg else 0.0


def score_rankings(split: str, system: str, queries: list[GradedQuery], rankings: list[list[str]]) -> GradedRow:
    """rankings: the answer ids quoted for each query, best first (empty: abstained)."""
    n = len(queries) or 1
    return GradedRow(
        split=split,
        system=system,
        questions=len(queries),
        ndcg10=sum(ndcg(r, q.gains) for q, r in zip(queries, rankings)) / n,
        avg_score1=sum(q.gains.get(r[0], 0) if r else 0 for q, r in zip(queries, rankings)) / n,
        false_abstention_rate=sum(not r for r in rankings) / n,
    )


def evaluate_graded(assistant, queries: list[GradedQuery]) -> list[GradedRow]:
    rows = []
    for split, sets in SPLITS.items():
        chosen = [q for q in queries if q.set in sets]
        for system, mode in SYSTEMS:
            rankings = [[quote.answer.id for quote in assistant.reply([q.question], k=K, mode=mode).quotes] for q in chosen]
            rows.append(score_rankings(split, system, chosen, rankings))
    return rows


def lowest_evidence(assistant, queries: list[GradedQuery]) -> dict[str, float]:
    """Per split, the lowest best semantic evidence of any question (all are on topic):
    how far the corpus's relevance floor sits below the weakest real question."""
    from assistant.evaluation.search import best_evidence

    return {
        split: round(min(best_evidence(assistant, [q.question]) for q in queries if q.set in sets), 4)
        for split, sets in SPLITS.items()
    }


def abstention_accuracy(assistant, messages: list[str]) -> float:
    return sum(assistant.reply([m]).abstained for m in messages) / (len(messages) or 1)


def format_graded_table(rows: list[GradedRow]) -> str:
    lines = ["| questions | system | n | nDCG@10 | avgScore@1 | false abstention |", "|---|---|---|---|---|---|"]
    for r in rows:
        lines.append(
            f"| {r.split} | {r.system} | {r.questions} | {r.ndcg10:.3f} | {r.avg_score1:.3f} | {r.false_abstention_rate:.3f} |"
        )
    return "\n".join(lines)
