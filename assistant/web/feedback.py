"""Thumbs up/down on replies, appended to a local JSONL file, bounded in size and rate."""

from __future__ import annotations

import json
import threading
import time
from collections import OrderedDict, deque
from pathlib import Path

# Sessions whose recent votes are remembered for the rate limit; the oldest are forgotten.
TRACKED_SESSIONS = 10_000
MAX_ANSWER_IDS = 50


class FeedbackLog:
    def __init__(self, path: Path, per_minute: int = 20, max_chars: int = 2000):
        self.path = Path(path)
        self.per_minute = per_minute
        self.max_chars = max_chars  # of the message; the searched text may hold a few messages
        self._lock = threading.Lock()
        self._recent: OrderedDict[str, deque[float]] = OrderedDict()

    def record(self, turn: dict, vote: str, session: str | None = None) -> dict | None:
        """Append one vote; None (nothing written) when the session has voted per_minute
        times in the last minute."""
        entry = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "vote": vote,  # "up" or "down"
            "message": str(turn["message"])[: self.max_chars],
            "search_query": str(turn["search_query"])[: 4 * self.max_chars],
            "answer_ids": [str(q["answer_id"]) for q in turn["quotes"][:MAX_ANSWER_IDS]],
        }
        line = json.dumps(entry, ensure_ascii=False) + "\n"
        with self._lock:
            if session is not None and not self._allow(session):
                return None
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a", encoding="utf-8") as f:
                f.write(line)
        return entry

    def _allow(self, session: str) -> bool:
        now = time.monotonic()
        times = self._recent.pop(session, None) or deque()
        while times and now - times[0] > 60:
            times.popleft()
        allowed = len(times) < self.per_minute
        if allowed:
            times.append(now)
        self._recent[session] = times
        if len(self._recent) > TRACKED_SESSIONS:
            self._recent.popitem(last=False)
        return allowed
