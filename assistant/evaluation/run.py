"""One evaluation run: whichever labelled sets are named, against one assistant. Results
come back as records; the command line prints them (report.py). Every set is named
explicitly: none is looked for relative to the working directory."""

from __future__ import annotations

import json
import platform
from dataclasses import dataclass, field
from pathlib import Path

from assistant.evaluation.conversations import GradedConversationRow, evaluate_graded_conversations
from assistant.evaluation.graded import GradedEvaluation, evaluate_graded_corpus
from assistant.evaluation.quotes import QuoteRow, evaluate_quotes, read_quote_set
from assistant.evaluation.red_flags import RedFlagRow, evaluate_red_flags
from assistant.evaluation.search import Row, evaluate, relevance_margins


@dataclass
class SearchEvaluation:
    path: str
    questions: int
    conversations: int
    off_topic: int
    emergencies: int
    rows: list[Row]
    safety: dict[str, float]
    margins: dict


@dataclass
class Evaluation:
    machine: str
    precision: str | None
    search: SearchEvaluation | None = None
    red_flags: list[RedFlagRow] = field(default_factory=list)
    quotes: list[QuoteRow] = field(default_factory=list)
    conversations: list[GradedConversationRow] = field(default_factory=list)
    graded: GradedEvaluation | None = None


def run_evaluation(
    assistant,
    *,
    devset: Path | None = None,
    red_flags: list[Path] = (),
    quotes: list[Path] = (),
    conversations: list[Path] = (),
    graded: Path | None = None,
    graded_index: Path | None = None,
    off_topic: Path | None = None,
) -> Evaluation:
    """Search quality on devset, triage on each red-flag set (a set under a folder named
    "blind" keeps its failures to itself), quote choice on each quote set, the graded
    conversations, and a graded corpus (indexed into graded_index) with abstention on the
    off-topic messages."""
    result = Evaluation(platform.platform(), getattr(assistant.embedder, "precision", None))
    if devset is not None:
        labelled = _read(devset)
        rows, safety = evaluate(assistant, labelled)
        margins = {**relevance_margins(assistant, labelled), "floor": vars(assistant.relevance_floor)}
        result.search = SearchEvaluation(
            str(devset), len(labelled["questions"]), len(labelled["conversations"]),
            len(labelled["off_topic"]) + len(labelled["off_topic_conversations"]), len(labelled["emergencies"]),
            rows, safety, margins,
        )
    result.red_flags = [evaluate_red_flags(assistant.red_flags, str(p), _read(p)["messages"], blind="blind" in p.parts)
                        for p in red_flags]
    answers = {a.id: a.text for a in assistant.index.answers}
    result.quotes = [row for p in quotes for row in evaluate_quotes(assistant, p.stem, read_quote_set(p, answers))]
    result.conversations = [row for p in conversations for row in evaluate_graded_conversations(assistant, str(p), _read(p)["items"])]
    if graded is not None:
        index_dir = graded_index or assistant.settings.index_dir / f"graded-{graded.name}"
        result.graded = evaluate_graded_corpus(assistant, graded, index_dir, off_topic)
    return result


def _read(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))
