"""Train the on-topic decision (assistant/topicality.json) and say how well it transfers.

    python -m bench.train_abstention [--mediqa ../shared/data/mediqa] [--write]

Positives, real questions (development data only): the bundled development set's
questions and the quote sets' messages (bench/devset.json, quotes_dev.json,
quotes_dev_b.json), and MEDIQA's alexa + validation questions. Negatives: the everyday
messages of assistant/off_topic_probes.py (the usual ones and the harder ones that share
a health corpus's words) and the development set's off-topic messages, asked of both
corpora. Each message's Topicality is measured as the assistant measures it; for a probe,
"over_probes" uses the best evidence of the other probes (it is one of them).

Transfer is estimated across corpora: fitted on one corpus's messages, scored on the
other's. The threshold is chosen recall first: THRESHOLD_SHARE of the lowest probability
any real question gets from the model fitted on both, so that no development question is
silenced and unseen ones have room.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import StandardScaler

import assistant.service as service
from assistant.models import SearchQuery
from assistant.search.off_topic_probes import HARD_OFF_TOPIC_PROBES, OFF_TOPIC_PROBES
from assistant.search.topicality import MODEL_FILE, Topicality
from assistant.service import Assistant
from assistant.settings import Settings

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
# The threshold is this share of the lowest probability a development question gets:
# recall first (a real question silenced is worse than an everyday one answered), with
# room for unseen questions weaker than any development one.
THRESHOLD_SHARE = 0.75


def bundled_questions() -> list[str]:
    dev = json.loads((BENCH / "devset.json").read_text())
    out = [q["message"] for q in dev["questions"]] + [c["messages"][0] for c in dev["conversations"]]
    for name in ("quotes_dev.json", "quotes_dev_b.json"):
        out += [item["messages"][0] for item in json.loads((BENCH / name).read_text())["items"]]
    return list(dict.fromkeys(out))


def bundled_off_topic() -> list[str]:
    dev = json.loads((BENCH / "devset.json").read_text())
    return list(dev["off_topic"]) + [c[0] for c in dev["off_topic_conversations"]]


def topicality(assistant: Assistant, message: str) -> Topicality:
    vector = assistant.embedder.encode([message])
    result = assistant.retriever.search(SearchQuery(message, ((message, 1.0),)), 1, part_vectors=vector)
    return result.topicality


def measure(assistant: Assistant, positives: list[str], negatives: list[str], probes: tuple[str, ...]):
    """(features, labels) of one corpus's messages; probes' over_probes left one out."""
    rows, labels = [], []
    probe_values = {p: topicality(assistant, p) for p in probes}
    for p, t in probe_values.items():
        others = max(o.semantic for q, o in probe_values.items() if q != p)
        rows.append(Topicality(t.semantic, t.question, t.semantic - others).vector())
        labels.append(0)
    for m in negatives:
        rows.append(topicality(assistant, m).vector())
        labels.append(0)
    for m in positives:
        rows.append(topicality(assistant, m).vector())
        labels.append(1)
    return np.array(rows), np.array(labels)


def fit(x: np.ndarray, y: np.ndarray) -> tuple[StandardScaler, LogisticRegression]:
    scaler = StandardScaler().fit(x)
    return scaler, LogisticRegression(C=1.0, class_weight="balanced", max_iter=5000).fit(scaler.transform(x), y)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mediqa", type=Path, default=REPO.parent / "shared" / "data" / "mediqa")
    parser.add_argument("--mediqa-index", type=Path)
    parser.add_argument("--write", action="store_true", help=f"write {MODEL_FILE}")
    args = parser.parse_args()
    started = time.perf_counter()
    service.OnTopicModel.load = staticmethod(lambda *a, **k: None)  # measure without the model being trained
    probes = OFF_TOPIC_PROBES + HARD_OFF_TOPIC_PROBES
    data = {}
    with tempfile.TemporaryDirectory() as work:
        bundled = Assistant(Settings(index_dir=Path(work) / "b", corpus_paths=(str(REPO / "corpus"),)), log=lambda m: None)
        data["bundled"] = measure(bundled, bundled_questions(), bundled_off_topic(), probes)
        mediqa = Assistant(Settings(index_dir=args.mediqa_index or Path(work) / "m",
                                    corpus_paths=(str(args.mediqa / "threads.jsonl.gz"),)),
                           embedder=bundled.embedder, log=lambda m: None)
        queries = json.loads((args.mediqa / "queries.json").read_text())["queries"]
        data["mediqa"] = measure(mediqa, [q["question"] for q in queries if q["set"] in ("alexa", "validation")], [],
                                 probes)
    print(f"features: {', '.join(Topicality.names())}")
    print("| fitted on | scored on | real questions kept (at 0.5) | lowest real probability | everyday messages refused |")
    print("|---|---|---|---|---|")
    for train, test in (("bundled", "mediqa"), ("mediqa", "bundled")):
        scaler, model = fit(*data[train])
        x, y = data[test]
        p = model.predict_proba(scaler.transform(x))[:, 1]
        print(f"| {train} | {test} | {np.mean(p[y == 1] >= 0.5):.3f} | {p[y == 1].min():.3f} | {np.mean(p[y == 0] < 0.5):.3f} |")
    x = np.concatenate([data[c][0] for c in data])
    y = np.concatenate([data[c][1] for c in data])
    scaler, model = fit(x, y)
    p = model.predict_proba(scaler.transform(x))[:, 1]
    threshold = THRESHOLD_SHARE * float(p[y == 1].min())
    print(f"fitted on both: threshold {threshold:.3f} ({THRESHOLD_SHARE} x the lowest real question's {p[y == 1].min():.3f})")
    for corpus, (xc, yc) in data.items():
        pc = model.predict_proba(scaler.transform(xc))[:, 1]
        print(f"  {corpus}: real questions kept {np.mean(pc[yc == 1] >= threshold):.3f} of {int(yc.sum())}, "
              f"everyday messages refused {np.mean(pc[yc == 0] < threshold):.3f} of {int((yc == 0).sum())}")
    print("weights (standardised): " + ", ".join(f"{n} {w:+.2f}" for n, w in zip(Topicality.names(), model.coef_[0])))
    if args.write:
        MODEL_FILE.write_text(json.dumps({
            "features": list(Topicality.names()),
            "mean": scaler.mean_.tolist(), "scale": scaler.scale_.tolist(), "coef": model.coef_[0].tolist(),
            "intercept": float(model.intercept_[0]), "threshold": threshold,
            "trained_on": {"positives": "bench/devset.json, quotes_dev*.json, MEDIQA alexa + validation",
                           "negatives": "assistant/off_topic_probes.py (both tuples), devset off-topic"},
            "trained": time.strftime("%Y-%m-%d"),
        }, indent=1) + "\n")
        print(f"written {MODEL_FILE}")
    print(f"({time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()
