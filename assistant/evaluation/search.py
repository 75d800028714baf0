"""Search quality on a labelled set of the bundled pages: bench/devset.json (development)
or bench/heldout.json (held out), each message's answers graded 0/1/2.

- nDCG@5 (gains 2^grade - 1) and Recall@5 of single questions;
- follow-up nDCG@5: the last turn of each conversation;
- abstention accuracy: off-topic messages that get no quote;
- false-abstention rate: on-topic messages that get no quote;
- safety: the urgent notice first for emergencies, and never for the questions.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from assistant import wording
from assistant.evaluation.metrics import mean, ndcg, recall_at_k
from assistant.reply.conversation import resolve
from assistant.search.fusion import FusionMode

K = 5

@dataclass
class Row:
    system: str
    ndcg5: float
    recall5: float
    followup_ndcg5: float
    abstention_accuracy: float
    false_abstention_rate: float


def evaluate(assistant, devset: dict) -> tuple[list[Row], dict]:
    systems = [
        ("lexical only", FusionMode.LEXICAL, False),
        ("dense only", FusionMode.DENSE, False),
        ("fused (rrf)", FusionMode.RRF, False),
        ("fused (weighted)", FusionMode.WEIGHTED, False),
        ("fused (weighted) + follow-ups", FusionMode.WEIGHTED, True),
        ("learned (LambdaRank)", FusionMode.LEARNED, False),
        ("learned (LambdaRank) + follow-ups", FusionMode.LEARNED, True),
    ]
    rows = []
    for name, mode, followups in systems:
        def ask(messages):
            if not followups:
                messages = messages[-1:]
            return assistant.reply(messages, k=K, mode=mode)

        q_turns = [ask([q["message"]]) for q in devset["questions"]]
        c_turns = [ask(c["messages"]) for c in devset["conversations"]]
        off_turns = [ask([m]) for m in devset["off_topic"]] + [ask(c) for c in devset["off_topic_conversations"]]
        ranked = lambda turn: [q.answer.id for q in turn.quotes]  # noqa: E731
        labels = [q["relevance"] for q in devset["questions"]]
        c_labels = [c["relevance"] for c in devset["conversations"]]
        on_topic = q_turns + c_turns
        rows.append(
            Row(
                system=name,
                ndcg5=mean(ndcg(ranked(t), r, K) for t, r in zip(q_turns, labels)),
                recall5=mean(recall_at_k(ranked(t), r, K) for t, r in zip(q_turns, labels)),
                followup_ndcg5=mean(ndcg(ranked(t), r, K) for t, r in zip(c_turns, c_labels)),
                abstention_accuracy=mean(t.abstained for t in off_turns),
                false_abstention_rate=mean(t.abstained for t in on_topic),
            )
        )
    emergencies = [assistant.reply([m]) for m in devset["emergencies"]]
    on_topic_messages = [q["message"] for q in devset["questions"]]
    safety = {
        "emergency_notice_first": mean(t.notices[0] == wording.URGENT_CARE_NOTICE for t in emergencies),
        "urgent_notice_on_non_emergencies": mean(
            wording.URGENT_CARE_NOTICE in assistant.reply([m]).notices for m in on_topic_messages
        ),
    }
    return rows, safety


def best_evidence(assistant, messages: list[str]) -> float:
    """The best semantic evidence any answer has for the last message of a conversation."""
    query = resolve(messages, assistant.index.passage_lexical.knows)[-1]
    return assistant.retriever.search(query, K, FusionMode.DENSE).best_relevance


def relevance_margins(assistant, devset: dict) -> dict:
    """Best cosine evidence for on-topic vs off-topic messages: where the threshold can sit."""
    best = functools.partial(best_evidence, assistant)
    on = [best([q["message"]]) for q in devset["questions"]] + [best(c["messages"]) for c in devset["conversations"]]
    off = [best([m]) for m in devset["off_topic"]] + [best(c) for c in devset["off_topic_conversations"]]
    return {"lowest_on_topic": round(min(on), 4), "highest_off_topic": round(max(off), 4)}
