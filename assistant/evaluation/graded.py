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
from dataclasses import asdict, dataclass
from pathlib import Path

from assistant.evaluation.metrics import ndcg
from assistant.evaluation.search import best_evidence
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


def score_rankings(split: str, system: str, queries: list[GradedQuery], rankings: list[list[str]]) -> GradedRow:
    """rankings: the answer ids quoted for each query, best first (empty: abstained)."""
    n = len(queries) or 1
    return GradedRow(
        split=split,
        system=system,
        questions=len(queries),
        ndcg10=sum(ndcg(r, q.gains, K, exponential=False) for q, r in zip(queries, rankings)) / n,
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
    return {
        split: round(min(best_evidence(assistant, [q.question]) for q in queries if q.set in sets), 4)
        for split, sets in SPLITS.items()
    }


def abstention_accuracy(assistant, messages: list[str]) -> float:
    return sum(assistant.reply([m]).abstained for m in messages) / (len(messages) or 1)


@dataclass
class GradedEvaluation:
    folder: str
    questions: int
    answers: int
    rows: list[GradedRow]
    relevance_floor: dict  # per corpus: the floor and what everyday messages reach there
    lowest_evidence: dict[str, float]
    off_topic_path: str | None = None
    off_topic_messages: int = 0
    off_topic_abstention: dict[str, float] | None = None  # per corpus


def evaluate_graded_corpus(assistant, folder: Path, index_dir: Path, off_topic_path: Path | None) -> GradedEvaluation:
    """The graded corpus at folder (indexed into index_dir, sharing assistant's encoder),
    and abstention on off-topic messages there and on assistant's own corpus."""
    from assistant.service import Assistant

    settings = assistant.settings.with_(corpus_paths=(str(folder / "threads.jsonl.gz"),), index_dir=index_dir)
    other = Assistant(settings, embedder=assistant.embedder)
    queries = read_graded_queries(folder / "queries.json")
    result = GradedEvaluation(
        folder=str(folder),
        questions=len(queries),
        answers=len(other.index.answers),
        rows=evaluate_graded(other, queries),
        relevance_floor={"graded corpus": asdict(other.relevance_floor), "bundled corpus": asdict(assistant.relevance_floor)},
        lowest_evidence=lowest_evidence(other, queries),
    )
    if off_topic_path is not None:
        messages = json.loads(off_topic_path.read_text(encoding="utf-8"))["messages"]
        result.off_topic_path, result.off_topic_messages = str(off_topic_path), len(messages)
        result.off_topic_abstention = {"graded corpus": abstention_accuracy(other, messages),
                                       "bundled corpus": abstention_accuracy(assistant, messages)}
    return result
