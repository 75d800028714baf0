"""Red-flag triage on a labelled set of messages (bench/redflags_*.json, bench/blind/...):
emergency recall (emergencies that get the urgent notice), false alarms (other messages
that get it), the same for the same-day tier, each kind of emergency on its own, and
the recall of the patterns alone and of decisions made without a pattern."""

from __future__ import annotations

from dataclasses import dataclass

from assistant.evaluation.metrics import mean
from assistant.models import Urgency
from assistant.red_flags import RedFlagDetector


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
        emergency_recall=mean(got[i] == "emergency" for i in emergency),
        false_alarm_rate=mean(got[i] == "emergency" for i in other),
        same_day_recall=mean(got[i] == "same_day" for i in same_day),
        same_day_false_alarm_rate=mean(got[i] == "same_day" for i in none),
        pattern_only_recall=mean(by_pattern[i] for i in emergency),
        semantic_only_recall=mean(by_semantic[i] for i in emergency),
        recall_by_kind={
            kind: f"{sum(got[i] == 'emergency' for i in emergency if message_kind(messages[i]) == kind)}/"
                  f"{sum(message_kind(messages[i]) == kind for i in emergency)}"
            for kind in sorted({message_kind(messages[i]) for i in emergency})
        },
        failures=failures,
    )
