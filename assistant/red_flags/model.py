"""The triage model: two logistic regressions over the features of features.py, trained by
bench/train_red_flags.py on messages written blind (model.json says which, and how the
thresholds were chosen): one for "emergency", one for "same day" among the rest.

Applying a logistic regression is a weighted sum and a logistic function, computed here
with numpy from the committed coefficients (scikit-learn fits them; a test checks that
its predict_proba gives the same); nothing is unpickled.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from assistant.errors import ModelError
from assistant.red_flags.features import FEATURES

MODEL_FILE = Path(__file__).with_name("model.json")


@dataclass(frozen=True)
class Classifier:
    mean: np.ndarray  # standardisation of each feature
    scale: np.ndarray
    coef: np.ndarray
    intercept: float
    threshold: float  # a probability at or above it decides

    @classmethod
    def of(cls, record: dict) -> "Classifier":
        return cls(np.array(record["mean"], np.float64), np.array(record["scale"], np.float64),
                   np.array(record["coef"], np.float64), float(record["intercept"]), float(record["threshold"]))

    def probability(self, values: np.ndarray) -> float:
        z = float(((values - self.mean) / self.scale) @ self.coef + self.intercept)
        return 1.0 / (1.0 + np.exp(-z))


@dataclass(frozen=True)
class TriageModel:
    emergency: Classifier
    same_day: Classifier
    encoder: str  # the precision whose similarities it was trained on

    @classmethod
    def load(cls, path: Path = MODEL_FILE) -> "TriageModel":
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise ModelError(f"the triage model {path} cannot be read ({exc}); reinstall the package") from None
        if tuple(record.get("features", ())) != FEATURES:
            raise ModelError(
                f"the triage model {path} was trained on other features than this code computes; "
                "retrain it: python -m bench.train_red_flags"
            )
        return cls(Classifier.of(record["emergency"]), Classifier.of(record["same_day"]), record.get("encoder", ""))
