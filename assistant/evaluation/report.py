"""Evaluation results as the markdown tables `python -m assistant eval` prints."""

from __future__ import annotations

import json

from assistant.evaluation.conversations import GradedConversationRow
from assistant.evaluation.graded import GradedRow
from assistant.evaluation.quotes import CHOOSERS, QuoteRow
from assistant.evaluation.red_flags import RedFlagRow
from assistant.evaluation.run import Evaluation
from assistant.evaluation.search import Row


def format_evaluation(result: Evaluation) -> str:
    """Every part that was evaluated, in order."""
    parts = []
    if result.search is not None:
        s = result.search
        parts += [
            f"{s.path}: {s.questions} questions, {s.conversations} follow-up conversations, {s.off_topic} off-topic, "
            f"{s.emergencies} emergencies; encoder {result.precision or '?'}",
            format_table(s.rows),
            f"Safety: {json.dumps(s.safety)}",
            f"Relevance margins (dense cosine evidence): {json.dumps(s.margins)}",
        ]
    if result.red_flags:
        parts += ["Red-flag triage:", format_red_flag_table(result.red_flags)]
    if result.quotes:
        parts += ["Quote choice:", format_quote_table(result.quotes)]
    if result.conversations:
        parts += ["Graded conversations:", format_graded_conversations(result.conversations)]
    if result.graded is not None:
        g = result.graded
        parts += [f"{g.folder}: {g.questions} graded questions over {g.answers} answers", format_graded_table(g.rows),
                  f"Relevance floor per corpus (off-topic probes): {json.dumps(g.relevance_floor)}",
                  f"Lowest best evidence of a graded question: {json.dumps(g.lowest_evidence)}"]
        if g.off_topic_abstention is not None:
            parts.append(f"Abstention on {g.off_topic_messages} off-topic messages ({g.off_topic_path}): "
                         f"{json.dumps(g.off_topic_abstention)}")
    return "\n".join(parts)


def format_table(rows: list[Row]) -> str:
    head = "| system | nDCG@5 | Recall@5 | follow-up nDCG@5 | abstention accuracy | false-abstention rate |"
    lines = [head, "|---|---|---|---|---|---|"]
    for r in rows:
        lines.append(
            f"| {r.system} | {r.ndcg5:.3f} | {r.recall5:.3f} | {r.followup_ndcg5:.3f} | "
            f"{r.abstention_accuracy:.3f} | {r.false_abstention_rate:.3f} |"
        )
    return "\n".join(lines)


def format_red_flag_table(rows: list[RedFlagRow]) -> str:
    lines = [
        "| set | messages | emergencies | emergency recall | false alarms | same-day recall | same-day false alarms "
        "| patterns alone | semantic alone |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r.set} | {r.messages} | {r.emergencies} | {r.emergency_recall:.3f} | {r.false_alarm_rate:.3f} | "
            f"{r.same_day_recall:.3f} | {r.same_day_false_alarm_rate:.3f} | {r.pattern_only_recall:.3f} | "
            f"{r.semantic_only_recall:.3f} |"
        )
    for r in rows:
        lines.append(f"{r.set}: emergency recall by kind {', '.join(f'{k} {v}' for k, v in r.recall_by_kind.items())}")
    for r in rows:
        lines += [f"{r.set}: {f}" for f in r.failures]
    return "\n".join(lines)


def format_graded_conversations(rows: list[GradedConversationRow]) -> str:
    lines = ["| set | system | conversations | nDCG@5 | first quote answers | false-abstention rate |",
             "|---|---|---|---|---|---|"]
    lines += [f"| {r.set} | {r.system} | {r.conversations} | {r.ndcg5:.3f} | {r.first_quote_answers:.3f} | "
              f"{r.false_abstention_rate:.3f} |" for r in rows]
    return "\n".join(lines)


def format_quote_table(rows: list[QuoteRow]) -> str:
    lines = [
        "| set | chooser | conversations | labelled pairs | quoted | span precision | answer first "
        "| first quote answers | mean chars per quote |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r.set} | {r.chooser} | {r.conversations} | {r.pairs} | {r.quoted} | {r.span_precision:.3f} | "
            f"{r.answer_first:.3f} | {r.first_quote_answers:.3f} | {r.mean_quote_chars:.0f} |"
        )
    for r in rows:
        if r.chooser == CHOOSERS[2][0]:
            lines += [f"{r.set}: miss {m}" for m in r.misses]
    return "\n".join(lines)


def format_graded_table(rows: list[GradedRow]) -> str:
    lines = ["| questions | system | n | nDCG@10 | avgScore@1 | false abstention |", "|---|---|---|---|---|---|"]
    for r in rows:
        lines.append(
            f"| {r.split} | {r.system} | {r.questions} | {r.ndcg10:.3f} | {r.avg_score1:.3f} | {r.false_abstention_rate:.3f} |"
        )
    return "\n".join(lines)
