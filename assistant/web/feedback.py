"""Thumbs up/down on replies, appended to a local JSONL file."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path


class FeedbackLog:
    def __init__(self, path: Path):
        self.path = Path(path)
        self._lock = threading.Lock()

    def record(self, turn: dict, vote: str) -> dict:
        entry = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "vote": vote,  # "up" or "down"
            "message": turn["message"],
            "search_query": turn["search_query"],
            "answer_ids": [q["answer_id"] for q in turn["quotes"]],
        }
        line = json.dumps(entry, ensure_ascii=False) + "\n"
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a", encoding="utf-8") as f:
                f.write(line)
        return entry
