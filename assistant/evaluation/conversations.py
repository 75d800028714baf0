"""Conversations with every answer graded for the last message and the answering
sentences of each grade-2 answer (bench/blind/search_*.json): nDCG@5, whether the first
quote answers, and how often nothing is quoted. Summary only: nothing of a blind set's
failures is returned (BLIND-SETS.md)."""

from __future__ import annotations

from dataclasses import dataclass

from assistant.evaluation.metrics import mean, ndcg
from assistant.search.fusion import FusionMode

K = 5

@dataclass
class GradedConversationRow:
    set: str
    system: str
    conversations: int
    ndcg5: float  # of the reply to the last message, every answer graded 0/1/2
    first_quote_answers: float  # the first quote is of a grade-2 answer and holds an answering sentence
    false_abstention_rate: float


def evaluate_graded_conversations(assistant, name: str, items: list[dict]) -> list[GradedConversationRow]:
    rows = []
    for system, mode in (("fused (weighted)", FusionMode.WEIGHTED), ("learned (LambdaRank)", FusionMode.LEARNED)):
        ndcgs, firsts, silent = [], [], []
        for item in items:
            turn = assistant.reply(item["messages"], k=K, mode=mode)
            grades = {a: int(g) for a, g in item["relevance"].items()}
            ndcgs.append(ndcg([q.answer.id for q in turn.quotes], grades, K))
            silent.append(not turn.quotes)
            first = turn.quotes[0] if turn.quotes else None
            sentences = item.get("answering_sentences", {}).get(first.answer.id, []) if first else []
            firsts.append(bool(first) and grades.get(first.answer.id) == 2 and any(s in first.text for s in sentences))
        rows.append(GradedConversationRow(name, system, len(items), mean(ndcgs), mean(firsts), mean(silent)))
    return rows
