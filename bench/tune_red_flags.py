"""Choose the semantic red-flag threshold and margin for an encoder, on the development sets only.

    python -m bench.tune_red_flags [--precision int8]

Grid: threshold 0.54-0.70 by 0.02, margin 0-0.15 by 0.01, over bench/redflags_dev.json
and bench/redflags_dev_b.json (never the held-out set). Rule, as when the bf16 values were
chosen: no message that is not an emergency may be flagged by this evidence; among the
pairs that keep that, the most emergencies found by it alone; ties go to the higher
threshold, then the higher margin (the safer side against false alarms).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np

from assistant.embedding import create_embedder
from assistant.red_flags import RedFlagDetector

DEV_SETS = [Path("bench/redflags_dev.json"), Path("bench/redflags_dev_b.json")]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--precision", default="int8")
    args = parser.parse_args()
    messages = [m for path in DEV_SETS for m in json.loads(path.read_text())["messages"]]
    detector = RedFlagDetector(create_embedder(args.precision, 1))
    # Per message: each asserted clause's (similarity to an emergency, to an ordinary effect).
    scores = [[(e, o) for _, e, o in detector.semantic_scores([m["text"]])] for m in messages]
    emergency = np.array([m["expected"] == "emergency" for m in messages])
    results = []
    for threshold in np.round(np.arange(0.54, 0.7001, 0.02), 2):
        for margin in np.round(np.arange(0.0, 0.1501, 0.01), 2):
            flagged = np.array([any(e >= threshold and e - o >= margin for e, o in s) for s in scores])
            results.append((int((flagged & ~emergency).sum()), int((flagged & emergency).sum()), threshold, margin))
    clean = [r for r in results if r[0] == 0]
    best = max(clean, key=lambda r: (r[1], r[2], r[3]))
    print(f"encoder {detector.embedder.precision}; {len(messages)} development messages, {int(emergency.sum())} emergencies")
    print(f"chosen: threshold {best[2]:.2f}, margin {best[3]:.2f}: finds {best[1]} emergencies alone, no false alarm")
    shipped = next(r for r in results if abs(r[2] - 0.66) < 1e-6 and abs(r[3] - 0.12) < 1e-6)
    print(f"the bf16 values (0.66, 0.12) with this encoder: {shipped[1]} found, {shipped[0]} false alarms")


if __name__ == "__main__":
    main()
