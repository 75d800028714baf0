"""Thumbs up/down on replies, with an optional comment, in a local JSONL file: one record
per reply (a later vote or comment replaces it), bounded in size and rate."""

from __future__ import annotations

import json
import os
import threading
import time
from collections import OrderedDict, deque
from pathlib import Path

# Sessions whose recent votes are remembered for the rate limit; the oldest are forgotten.
TRACKED_SESSIONS = 10_000
MAX_ANSWER_IDS = 50
MAX_COMMENT_CHARS = 500


class FeedbackLog:
    def __init__(self, path: Path, per_minute: int = 20, max_chars: int = 2000):
        self.path = Path(path)
        self.per_minute = per_minute
        self.max_chars = max_chars  # of the message; the searched text may hold a few messages
        self._lock = threading.Lock()
        self._recent: OrderedDict[str, deque[float]] = OrderedDict()

    def record(self, turn: dict, vote: str, session: str | None = None, reply_id: str | None = None,
               comment: str | None = None) -> dict | None:
        """Write the vote on one reply, replacing any earlier record of the same reply_id;
        None (nothing written) when the session has voted per_minute times in the last minute."""
        entry = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "reply_id": reply_id,
            "vote": vote,  # "up" or "down"
            "comment": comment.strip()[:MAX_COMMENT_CHARS] if comment and comment.strip() else None,
            "message": str(turn["message"])[: self.max_chars],
            "search_query": str(turn["search_query"])[: 4 * self.max_chars],
            "answer_ids": [str(q["answer_id"]) for q in turn["quotes"][:MAX_ANSWER_IDS]],
        }
        line = json.dumps(entry, ensure_ascii=False) + "\n"
        with self._lock:
            if session is not None and not self._allow(session):
                return None
            self.path.parent.mkdir(parents=True, exist_ok=True)
            if reply_id is None or not self.path.exists():
                with self.path.open("a", encoding="utf-8") as f:
                    f.write(line)
            else:
                self._replace(reply_id, line)
        return entry

    def _replace(self, reply_id: str, line: str) -> None:
        """Rewrite the file without the reply's earlier record, this one at the end; written
        aside and renamed into place, so a crash never leaves half a file."""
        kept = []
        with self.path.open(encoding="utf-8") as f:
            for old in f:
                try:
                    same = json.loads(old).get("reply_id") == reply_id
                except (ValueError, AttributeError):
                    same = False
                if not same:
                    kept.append(old)
        tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        with tmp.open("w", encoding="utf-8") as f:
            f.writelines(kept)
            f.write(line)
        os.replace(tmp, self.path)

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
