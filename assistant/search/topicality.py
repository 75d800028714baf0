"""Is a message about this corpus at all? The decision to quote nothing, from several kinds
of evidence rather than one cosine floor.

A single floor on semantic evidence fails when some page half-matches an everyday
message ("my cat keeps scratching the couch" finds a page on cat scratch disease): set
above such messages it silences real questions. So a message is judged by its best
evidence, by how close it comes to a page's own question (a real question resembles the
questions the corpus answers), and by how far its evidence stands above what everyday
messages reach in this very corpus (relevance.py's probes, the harder ones included). A
logistic regression weighs them (trained by bench/train_abstention.py on real questions
and everyday messages of two corpora, topicality.json); it is used with the bundled
encoder only, whose similarities it knows. (The share of the message's rare words that
the best answer covers, and the share the corpus has no word for, were tried: they did
not separate the two kinds of message better; docs/search.md.)
"""

from __future__ import annotations

import json
from dataclasses import astuple, dataclass, fields
from pathlib import Path

import numpy as np

from assistant.errors import ModelError

MODEL_FILE = Path(__file__).with_name("topicality.json")


@dataclass(frozen=True)
class Topicality:
    semantic: float  # the best semantic evidence of any candidate answer
    question: float  # the best cosine to a candidate's thread question
    over_probes: float  # semantic minus the best evidence an everyday message reaches in this corpus

    @classmethod
    def names(cls) -> tuple[str, ...]:
        return tuple(f.name for f in fields(cls))

    def vector(self) -> np.ndarray:
        return np.array(astuple(self), dtype=np.float64)


@dataclass(frozen=True)
class OnTopicModel:
    mean: np.ndarray
    scale: np.ndarray
    coef: np.ndarray
    intercept: float
    threshold: float

    @classmethod
    def load(cls, path: Path = MODEL_FILE) -> "OnTopicModel":
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise ModelError(f"the topicality model {path} cannot be read ({exc}); reinstall the package") from None
        if tuple(record["features"]) != Topicality.names():
            raise ModelError(f"the topicality model {path} was trained on other evidence; python -m bench.train_abstention --write")
        return cls(np.array(record["mean"]), np.array(record["scale"]), np.array(record["coef"]),
                   float(record["intercept"]), float(record["threshold"]))

    def probability(self, topicality: Topicality) -> float:
        z = float(((topicality.vector() - self.mean) / self.scale) @ self.coef + self.intercept)
        return 1.0 / (1.0 + np.exp(-z))

    def accepts(self, topicality: Topicality) -> bool:
        return self.probability(topicality) >= self.threshold
