"""Search quality on a labelled set: bench/devset.json (development: tuned on) or
bench/heldout.json (held out: written before the last round of ranking work, not tuned on);
and red-flag triage on bench/redflags_dev.json (tuned on) and bench/redflags_heldout.json
(written blind by a third author, never tuned on; bench/redflags_dev_b.json was the
first held-out set and is development data since its failures were read); quote choice
is measured in quote_quality.py.

Metrics:
- nDCG@5 with graded gains (2^grade - 1), the ideal ranking taken from all labels;
- Recall@5: relevant answers (grade >= 1) in the top 5, over min(5, number relevant);
- follow-up nDCG@5: the last turn of each two-turn conversation;
- abstention accuracy: off-topic messages that get no quote;
- false-abstention rate: on-topic messages that get no quote.

Red flags, per set: emergency recall (emergencies that get the urgent notice), false-alarm
rate (other messages that get it), the same for the same-day tier, and the recall of each
kind of evidence on its own (patterns, semantic similarity).
"""

from __future__ import annotations

import functools
import json
import math
import platform
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from assistant import wording
from assistant.search.fusion import FusionMode
from assistant.settings import Settings

K = 5


def ndcg_at_k(ranked: list[str], relevance: dict[str, int], k: int = K) -> float:
    dcg = sum((2 ** relevance.get(a, 0) - 1) / math.log2(i + 2) for i, a in enumerate(ranked[:k]))
    ideal = sorted(relevance.values(), reverse=True)[:k]
    idcg = sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(ideal))
    return dcg / idcg if idcg else 0.0


def recall_at_k(ranked: list[str], relevance: dict[str, int], k: int = K) -> float:
    relevant = {a for a, g in relevance.items() if g > 0}
    if not relevant:
        return 0.0
    return len(relevant & set(ranked[:k])) / min(k, len(relevant))


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
                ndcg5=_mean(ndcg_at_k(ranked(t), r) for t, r in zip(q_turns, labels)),
                recall5=_mean(recall_at_k(ranked(t), r) for t, r in zip(q_turns, labels)),
                followup_ndcg5=_mean(ndcg_at_k(ranked(t), r) for t, r in zip(c_turns, c_labels)),
                abstention_accuracy=_mean(t.abstained for t in off_turns),
                false_abstention_rate=_mean(t.abstained for t in on_topic),
            )
        )
    emergencies = [assistant.reply([m]) for m in devset["emergencies"]]
    on_topic_messages = [q["message"] for q in devset["questions"]]
    safety = {
        "emergency_notice_first": _mean(t.notices[0] == wording.URGENT_CARE_NOTICE for t in emergencies),
        "urgent_notice_on_non_emergencies": _mean(
            wording.URGENT_CARE_NOTICE in assistant.reply([m]).notices for m in on_topic_messages
        ),
    }
    return rows, safety


def best_evidence(assistant, messages: list[str]) -> float:
    """The best semantic evidence any answer has for the last message of a conversation."""
    from assistant.reply.conversation import resolve

    query = resolve(messages, assistant.index.passage_lexical.knows)[-1]
    return assistant.retriever.search(query, K, FusionMode.DENSE).best_relevance


def relevance_margins(assistant, devset: dict) -> dict:
    """Best cosine evidence for on-topic vs off-topic messages: where the threshold can sit."""
    best = functools.partial(best_evidence, assistant)
    on = [best([q["message"]]) for q in devset["questions"]] + [best(c["messages"]) for c in devset["conversations"]]
    off = [best([m]) for m in devset["off_topic"]] + [best(c) for c in devset["off_topic_conversations"]]
    return {"lowest_on_topic": round(min(on), 4), "highest_off_topic": round(max(off), 4)}


@dataclass
class RedFlagRow:
    set: str
    messages: int
    emergencies: int
    emergency_recall: float
    false_alarm_rate: float  # non-emergencies that got the urgent notice
    same_day_recall: float
    same_day_false_alarm_rate: float  # messages expected "none" that got the same-day notice
    pattern_only_recall: float
    semantic_only_recall: float
    recall_by_kind: dict[str, str]  # "found/of" per kind of emergency
    failures: list[str]  # empty for a blind set: only its summary is printed (BLIND-SETS.md)


def message_kind(message: dict) -> str:
    """A labelled message's kind: its own, or the earlier sets' category as one."""
    if message.get("kind"):
        return message["kind"]
    category, expected = message.get("category", ""), message["expected"]
    if expected == "none":
        return "lookalike"
    if category.startswith("spread"):
        return "toxin_spread"
    if category.startswith("vascular"):
        return "vascular_occlusion"
    return {"allergy": "anaphylaxis"}.get(category, category or expected)


def evaluate_red_flags(detector, name: str, messages: list[dict], blind: bool = False) -> RedFlagRow:
    from assistant.models import Urgency
    from assistant.red_flags import RedFlagDetector

    patterns_only = RedFlagDetector(None)
    failures = []
    got, by_pattern, by_semantic = [], [], []
    for m in messages:
        triage = detector.assess(m["text"])
        urgency = triage.urgency.value if triage.urgency else "none"
        got.append(urgency)
        by_pattern.append(patterns_only.assess(m["text"]).urgency is Urgency.EMERGENCY)
        by_semantic.append(any(f.evidence == "semantic" for f in triage.flags))
        if urgency != m["expected"] and not blind:
            why = "; ".join(f"{f.sign} ({f.evidence}: {f.words!r})" for f in triage.flags) or "no red flag"
            failures.append(f"expected {m['expected']}, got {urgency} [{m.get('category', '')}]: {m['text']!r} <- {why}")
    expected = [m["expected"] for m in messages]
    emergency = [i for i, e in enumerate(expected) if e == "emergency"]
    other = [i for i, e in enumerate(expected) if e != "emergency"]
    same_day = [i for i, e in enumerate(expected) if e == "same_day"]
    none = [i for i, e in enumerate(expected) if e == "none"]
    return RedFlagRow(
        set=name,
        messages=len(messages),
        emergencies=len(emergency),
        emergency_recall=_mean(got[i] == "emergency" for i in emergency),
        false_alarm_rate=_mean(got[i] == "emergency" for i in other),
        same_day_recall=_mean(got[i] == "same_day" for i in same_day),
        same_day_false_alarm_rate=_mean(got[i] == "same_day" for i in none),
        pattern_only_recall=_mean(by_pattern[i] for i in emergency),
        semantic_only_recall=_mean(by_semantic[i] for i in emergency),
        recall_by_kind={
            kind: f"{sum(got[i] == 'emergency' for i in emergency if message_kind(messages[i]) == kind)}/"
                  f"{sum(message_kind(messages[i]) == kind for i in emergency)}"
            for kind in sorted({message_kind(messages[i]) for i in emergency})
        },
        failures=failures,
    )


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


@dataclass
class GradedConversationRow:
    set: str
    system: str
    conversations: int
    ndcg5: float  # of the reply to the last message, every answer graded 0/1/2
    first_quote_answers: float  # the first quote is of a grade-2 answer and holds an answering sentence
    false_abstention_rate: float


def evaluate_graded_conversations(assistant, name: str, items: list[dict]) -> list[GradedConversationRow]:
    """A set whose items are conversations with every answer graded for the last message and
    the answering sentences of each grade-2 answer (bench/blind/search_*.json). Summary only:
    nothing of a blind set's failures is printed (BLIND-SETS.md)."""
    rows = []
    for system, mode in (("fused (weighted)", FusionMode.WEIGHTED), ("learned (LambdaRank)", FusionMode.LEARNED)):
        ndcgs, firsts, silent = [], [], []
        for item in items:
            turn = assistant.reply(item["messages"], k=K, mode=mode)
            grades = {a: int(g) for a, g in item["relevance"].items()}
            ndcgs.append(ndcg_at_k([q.answer.id for q in turn.quotes], grades))
            silent.append(not turn.quotes)
            first = turn.quotes[0] if turn.quotes else None
            sentences = item.get("answering_sentences", {}).get(first.answer.id, []) if first else []
            firsts.append(bool(first) and grades.get(first.answer.id) == 2 and any(s in first.text for s in sentences))
        rows.append(GradedConversationRow(name, system, len(items), _mean(ndcgs), _mean(firsts), _mean(silent)))
    return rows


def format_graded_conversations(rows: list[GradedConversationRow]) -> str:
    lines = ["| set | system | conversations | nDCG@5 | first quote answers | false-abstention rate |",
             "|---|---|---|---|---|---|"]
    lines += [f"| {r.set} | {r.system} | {r.conversations} | {r.ndcg5:.3f} | {r.first_quote_answers:.3f} | "
              f"{r.false_abstention_rate:.3f} |" for r in rows]
    return "\n".join(lines)


def format_table(rows: list[Row]) -> str:
    head = "| system | nDCG@5 | Recall@5 | follow-up nDCG@5 | abstention accuracy | false-abstention rate |"
    lines = [head, "|---|---|---|---|---|---|"]
    for r in rows:
        lines.append(
            f"| {r.system} | {r.ndcg5:.3f} | {r.recall5:.3f} | {r.followup_ndcg5:.3f} | "
            f"{r.abstention_accuracy:.3f} | {r.false_abstention_rate:.3f} |"
        )
    return "\n".join(lines)


def run_evaluation(
    devset_path: Path | None,
    settings: Settings,
    json_out: Path | None = None,
    assistant=None,
    red_flag_paths: list[Path] = (),
    quote_paths: list[Path] = (),
    graded_dir: Path | None = None,
    graded_index: Path | None = None,
    off_topic_path: Path | None = None,
    graded_conversation_paths: list[Path] = (),
) -> dict:
    """Search quality on devset_path (None: skip it), red-flag triage on each of
    red_flag_paths, quote quality on each of quote_paths, and search quality on a corpus
    with graded questions (graded_dir: threads.jsonl.gz and queries.json, indexed into
    graded_index), with abstention on the off-topic messages of off_topic_path."""
    from assistant.service import Assistant

    assistant = assistant or Assistant(settings)
    started = time.perf_counter()
    result = {"machine": platform.platform(), "precision": getattr(assistant.embedder, "precision", None)}
    if devset_path is not None:
        devset = json.loads(devset_path.read_text(encoding="utf-8"))
        rows, safety = evaluate(assistant, devset)
        margins = {**relevance_margins(assistant, devset), "floor": asdict(assistant.relevance_floor)}
        print(
            f"{devset_path}: {len(devset['questions'])} questions, {len(devset['conversations'])} follow-up "
            f"conversations, {len(devset['off_topic']) + len(devset['off_topic_conversations'])} off-topic, "
            f"{len(devset['emergencies'])} emergencies; encoder {result['precision'] or '?'}"
        )
        print(format_table(rows))
        print(f"Safety: {json.dumps(safety)}")
        print(f"Relevance margins (dense cosine evidence): {json.dumps(margins)}")
        result.update(rows=[asdict(r) for r in rows], safety=safety, margins=margins)
    red_flag_rows = [
        evaluate_red_flags(assistant.red_flags, str(path), json.loads(path.read_text(encoding="utf-8"))["messages"],
                           blind="blind" in path.parts)
        for path in red_flag_paths
    ]
    if red_flag_rows:
        print("Red-flag triage:")
        print(format_red_flag_table(red_flag_rows))
        result["red_flags"] = [asdict(r) for r in red_flag_rows]
    if quote_paths:
        from assistant.evaluation.quotes import evaluate_quotes, format_quote_table, read_quote_set

        answers = {a.id: a.text for a in assistant.index.answers}
        quote_rows = [
            row
            for path in quote_paths
            for row in evaluate_quotes(assistant, path.stem, read_quote_set(path, answers))
        ]
        print("Quote choice:")
        print(format_quote_table(quote_rows))
        result["quotes"] = [asdict(r) for r in quote_rows]
    if graded_conversation_paths:
        graded_rows = [
            row
            for path in graded_conversation_paths
            for row in evaluate_graded_conversations(assistant, str(path), json.loads(path.read_text(encoding="utf-8"))["items"])
        ]
        print("Graded conversations:")
        print(format_graded_conversations(graded_rows))
        result["graded_conversations"] = [asdict(r) for r in graded_rows]
    if graded_dir is not None:
        result["graded"] = _graded(assistant, settings, graded_dir, graded_index, off_topic_path)
    print(f"({time.perf_counter() - started:.1f} s)", file=sys.stderr)
    if json_out:
        json_out.parent.mkdir(parents=True, exist_ok=True)
        json_out.write_text(json.dumps(result, indent=2))
    return result


def _graded(assistant, settings: Settings, folder: Path, index_dir: Path | None, off_topic_path: Path | None) -> dict:
    from assistant.evaluation.graded import (
        abstention_accuracy,
        evaluate_graded,
        format_graded_table,
        lowest_evidence,
        read_graded_queries,
    )
    from assistant.service import Assistant

    corpus = folder / "threads.jsonl.gz"
    index_dir = index_dir or settings.index_dir / f"graded-{folder.name}"
    other = Assistant(settings.with_(corpus_paths=(str(corpus),), index_dir=index_dir), embedder=assistant.embedder)
    queries = read_graded_queries(folder / "queries.json")
    rows = evaluate_graded(other, queries)
    print(f"{folder}: {len(queries)} graded questions over {len(other.index.answers)} answers")
    print(format_graded_table(rows))
    floors = {"graded corpus": asdict(other.relevance_floor), "bundled corpus": asdict(assistant.relevance_floor)}
    lowest = lowest_evidence(other, queries)
    print(f"Relevance floor per corpus (off-topic probes): {json.dumps(floors)}")
    print(f"Lowest best evidence of a graded question: {json.dumps(lowest)}")
    out = {"rows": [asdict(r) for r in rows], "relevance_floor": floors, "lowest_evidence": lowest}
    if off_topic_path is not None:
        messages = json.loads(off_topic_path.read_text(encoding="utf-8"))["messages"]
        out["off_topic_abstention"] = {
            "graded corpus": abstention_accuracy(other, messages),
            "bundled corpus": abstention_accuracy(assistant, messages),
        }
        print(f"Abstention on {len(messages)} off-topic messages ({off_topic_path}): {json.dumps(out['off_topic_abstention'])}")
    return out


def _mean(values) -> float:
    values = [float(v) for v in values]
    return sum(values) / len(values) if values else 0.0
