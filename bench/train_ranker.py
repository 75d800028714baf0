"""Train the learned ranking (assistant/ranker.json) and say how well it transfers.

    python -m bench.train_ranker [--mediqa ../shared/data/mediqa] [--write]

Training questions, all development data (never the held-out sets):
- the bundled pages: bench/devset.json (questions and follow-up conversations, graded
  0/1/2) and the quote sets bench/quotes_dev.json, quotes_dev_b.json (an answer with
  answering sentences is graded 2, the others 0: their authors read every answer);
- MEDIQA's alexa + validation questions (gain = NLM grade - 1; ungraded answers 0).

For each question the assistant gathers its candidates and their evidence once
(ranking.CandidateFeatures). Models are compared by 5-fold cross-validation grouped by
question (a question's candidates are never split), on the folds' left-out questions:
nDCG@5 on the bundled pages and nDCG@10 on MEDIQA, beside the hand-set weighted fusion
on the same candidates. Two learned models are compared with it: a linear one (a logistic regression on pairs of
candidates of the same question with different grades, the pairwise approach to
learning to rank) and LightGBM's LambdaRank (LAMBDARANK below). LambdaRank ships: on the
left-out questions it was the only one better than the hand-set blend on both corpora
(docs/search.md); --write fits it on all the training questions.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold

from assistant.evaluation.metrics import ndcg
from assistant.search.fusion import FusionMode
from assistant.search.ranking import RANKER_FILE, CandidateFeatures
from assistant.service import Assistant
from assistant.settings import Settings

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent


@dataclass
class Question:
    corpus: str  # "bundled" or "mediqa"
    messages: list[str]
    gains: dict[str, float]  # answer id -> gain
    answer_ids: list[str] | None = None  # the candidates, once gathered
    features: np.ndarray | None = None


def bundled_questions() -> list[Question]:
    dev = json.loads((BENCH / "devset.json").read_text())
    out = [Question("bundled", [q["message"]], {a: float(g) for a, g in q["relevance"].items()}) for q in dev["questions"]]
    out += [Question("bundled", c["messages"], {a: float(g) for a, g in c["relevance"].items()}) for c in dev["conversations"]]
    for name in ("quotes_dev.json", "quotes_dev_b.json"):
        for item in json.loads((BENCH / name).read_text())["items"]:
            out.append(Question("bundled", item["messages"], {p["answer"]: 2.0 for p in item["pairs"]}))
    return out


def mediqa_questions(folder: Path) -> list[Question]:
    queries = json.loads((folder / "queries.json").read_text())["queries"]
    return [Question("mediqa", [q["question"]], {a: float(g - 1) for a, g in q["grades"].items()})
            for q in queries if q["set"] in ("alexa", "validation")]


def gather(assistant: Assistant, questions: list[Question]) -> None:
    ids = [a.id for a in assistant.index.answers]
    for q in questions:
        found = assistant.candidate_features(q.messages)
        if found is None:
            q.answer_ids, q.features = [], np.zeros((0, len(CandidateFeatures.names())))
            continue
        answers, features = found
        q.answer_ids, q.features = [ids[a] for a in answers.tolist()], features.matrix()


def cutoff(q: Question) -> int:
    return 5 if q.corpus == "bundled" else 10


def pairs(questions: list[Question], mean, scale) -> tuple[np.ndarray, np.ndarray]:
    """Differences of standardised features of same-question candidates with different
    gains, labelled by which is better (both orders, so the classes balance)."""
    xs, ys = [], []
    for q in questions:
        x = (q.features - mean) / scale
        g = np.array([q.gains.get(a, 0.0) for a in q.answer_ids])
        better = np.argwhere(g[:, None] > g[None, :])
        if not len(better):
            continue
        d = x[better[:, 0]] - x[better[:, 1]]
        xs += [d, -d]
        ys += [np.ones(len(d)), np.zeros(len(d))]
    return np.concatenate(xs), np.concatenate(ys)


def fit_linear(questions: list[Question], c: float) -> dict:
    stacked = np.concatenate([q.features for q in questions])
    mean, scale = stacked.mean(axis=0), stacked.std(axis=0)
    scale[scale == 0] = 1.0
    x, y = pairs(questions, mean, scale)
    model = LogisticRegression(C=c, fit_intercept=False, max_iter=5000).fit(x, y)
    return {"mean": mean, "scale": scale, "coef": model.coef_[0]}


def linear_scores(model: dict, q: Question) -> np.ndarray:
    return ((q.features - model["mean"]) / model["scale"]) @ model["coef"]


# Stumps of two splits, many of them, each seeing part of the data: the training questions
# are few (219), and the model must carry to corpora it never saw (3 leaves kept the first
# answer as good as the hand-set blend on the left-out questions; 7 and 15 did not).
LAMBDARANK = dict(objective="lambdarank", n_estimators=500, learning_rate=0.03, num_leaves=3, min_child_samples=40,
                  colsample_bytree=0.8, subsample=0.8, subsample_freq=1, random_state=0, n_jobs=1, verbose=-1)


def fit_lambdarank(questions: list[Question]):
    import lightgbm

    x = np.concatenate([q.features for q in questions])
    y = np.concatenate([[int(round(q.gains.get(a, 0.0))) for a in q.answer_ids] for q in questions])
    ranker = lightgbm.LGBMRanker(**LAMBDARANK)
    ranker.fit(x, y, group=[len(q.answer_ids) for q in questions], feature_name=list(CandidateFeatures.names()))
    return ranker


SPLIT_KEYS = ("split_feature", "threshold", "decision_type", "left_child", "right_child")


def compact(model: dict) -> dict:
    """LightGBM's dump_model without what scoring does not read (gains, counts, weights)."""

    def node(n: dict) -> dict:
        if "leaf_value" in n:
            return {"leaf_value": n["leaf_value"]}
        return {k: node(n[k]) if k.endswith("_child") else n[k] for k in SPLIT_KEYS}

    return {"objective": model["objective"], "feature_names": model["feature_names"],
            "tree_info": [{"tree_structure": node(t["tree_structure"])} for t in model["tree_info"]]}


def order_by(q: Question, scores: np.ndarray) -> list[str]:
    return [q.answer_ids[i] for i in sorted(range(len(scores)), key=lambda i: (-scores[i], i))]


WEIGHTED_COLUMNS = ("semantic", "lexical")


def weighted_scores(q: Question) -> np.ndarray:
    from assistant.search.fusion import fuse

    names = CandidateFeatures.names()
    semantic, lexical = (q.features[:, names.index(n)] for n in WEIGHTED_COLUMNS)
    return fuse(FusionMode.WEIGHTED, semantic, lexical, ())


def cross_validate(questions: list[Question], c: float, with_lgbm: bool) -> dict[str, dict[str, list[float]]]:
    """{system: {corpus: left-out nDCG per question}} (and "<corpus> P@1": whether the
    first answer has the question's highest grade)."""
    groups = np.arange(len(questions))
    results: dict[str, dict[str, list[float]]] = {}

    def add(system: str, q: Question, scores: np.ndarray) -> None:
        order = order_by(q, scores)
        results.setdefault(system, {}).setdefault(q.corpus, []).append(ndcg(order, q.gains, cutoff(q)))
        results[system].setdefault(f"{q.corpus} P@1", []).append(q.gains.get(order[0], 0) >= max(q.gains.values()))

    for train, test in GroupKFold(n_splits=5).split(groups, groups=groups):
        train_q = [questions[i] for i in train if len(questions[i].answer_ids)]
        linear = fit_linear(train_q, c)
        lgbm = fit_lambdarank(train_q) if with_lgbm else None
        for i in test:
            q = questions[i]
            if not q.answer_ids:
                continue
            add("hand-set weighted", q, weighted_scores(q))
            add(f"learned linear (C={c})", q, linear_scores(linear, q))
            if lgbm is not None:
                add("LightGBM LambdaRank", q, lgbm.booster_.predict(q.features))
    return results


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mediqa", type=Path, default=REPO.parent / "shared" / "data" / "mediqa")
    parser.add_argument("--mediqa-index", type=Path, help="index folder for MEDIQA (default: a temporary one)")
    parser.add_argument("--c", type=float, nargs="*", default=[0.01, 1.0], help="the linear model's regularisation")
    parser.add_argument("--write", action="store_true", help=f"write {RANKER_FILE}")
    args = parser.parse_args()
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as work:
        # Weighted: the ranking being trained is not needed to gather its evidence.
        bundled = Assistant(Settings(index_dir=Path(work) / "bundled", corpus_paths=(str(REPO / "corpus"),), fusion="weighted"),
                            log=lambda m: None)
        questions = bundled_questions()
        gather(bundled, questions)
        if args.mediqa.exists():
            index = args.mediqa_index or Path(work) / "mediqa"
            mediqa = Assistant(Settings(index_dir=index, corpus_paths=(str(args.mediqa / "threads.jsonl.gz"),), fusion="weighted"),
                               embedder=bundled.embedder, log=lambda m: None)
            more = mediqa_questions(args.mediqa)
            gather(mediqa, more)
            questions += more
    counts = {c: sum(q.corpus == c for q in questions) for c in ("bundled", "mediqa")}
    print(f"{len(questions)} training questions {counts}; {len(CandidateFeatures.names())} features; "
          f"{sum(len(q.answer_ids) for q in questions)} candidates")
    print("| system | bundled nDCG@5 | bundled P@1 | MEDIQA nDCG@10 | MEDIQA P@1 |\n|---|---|---|---|---|")
    for i, c in enumerate(args.c):
        results = cross_validate(questions, c, i == 0)
        for system, by_corpus in results.items():
            if system != f"learned linear (C={c})" and i > 0:
                continue
            keys = ("bundled", "bundled P@1", "mediqa", "mediqa P@1")
            cells = [f"{np.mean(by_corpus[k]):.3f}" if k in by_corpus else "-" for k in keys]
            print(f"| {system} | " + " | ".join(cells) + " |")
    if args.write:
        ranker = fit_lambdarank([q for q in questions if q.answer_ids])
        RANKER_FILE.write_text(json.dumps(compact(ranker.booster_.dump_model())) + "\n")
        gains = sorted(zip(CandidateFeatures.names(), ranker.booster_.feature_importance("gain")), key=lambda w: -w[1])
        print("importance (gain): " + ", ".join(f"{n} {g:.0f}" for n, g in gains[:12]))
        print(f"written {RANKER_FILE} (LightGBM LambdaRank, {counts})")
    print(f"({time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()
