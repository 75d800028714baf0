"""Thumbs up/down on replies, with an optional comment, in a local SQLite file.

One row per reply (a later vote or comment on the same reply replaces it: an upsert, not
a rewrite of the file), bounded three ways, each of which holds however many session ids
a client invents (the browser picks its own):

- the size of one record: every text is cut to a number of UTF-8 bytes, not characters
  (a character can take four);
- the store: at most max_records rows and max_bytes of record text; past either, a vote
  is not kept and the voter is told so (a notice, not an error);
- the rate: votes per browser session per minute, and votes from everyone per minute.

A feedback.jsonl left by an earlier version is imported once into the database beside it
and renamed to feedback.jsonl.migrated.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
import uuid
from collections import OrderedDict, deque
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from assistant.models import Turn

# Sessions whose recent votes are remembered for the per-session rate; the oldest go first.
TRACKED_SESSIONS = 10_000
MAX_ANSWER_IDS = 50
MAX_COMMENT_CHARS = 500  # the comment box's own limit
# Bytes of UTF-8 kept of each text of a record: a message of 2,000 characters fits in
# 8,000 (four bytes each at worst); a follow-up's searched text (up to three messages
# joined) is cut to the same, so a record is at most about 18 KB.
MAX_MESSAGE_BYTES = 8_000
MAX_SEARCH_QUERY_BYTES = 8_000
MAX_COMMENT_BYTES = 2_000
# The store's bounds: 100,000 replies voted on, 64 MiB of record text (the file with
# SQLite's own overhead stays within about twice that).
MAX_RECORDS = 100_000
MAX_BYTES = 64 * 1024 * 1024


class Outcome(str, Enum):
    RECORDED = "recorded"
    SESSION_RATE = "session_rate"  # this session voted per_minute times in the last minute
    GLOBAL_RATE = "global_rate"  # everyone together voted global_per_minute times
    FULL = "full"  # the store holds max_records or max_bytes


@dataclass(frozen=True)
class FeedbackRecord:
    reply_id: str
    time: str
    vote: str  # "up" or "down"
    comment: str | None
    message: str
    search_query: str
    answer_ids: tuple[str, ...]

    @property
    def size(self) -> int:
        """Bytes of record text, counted against the store's max_bytes."""
        texts = (self.reply_id, self.time, self.vote, self.comment or "", self.message, self.search_query)
        return sum(len(t.encode("utf-8")) for t in texts) + sum(len(a.encode("utf-8")) for a in self.answer_ids)


def cut_to_bytes(text: str, limit: int) -> str:
    """At most limit bytes of UTF-8, never half a character."""
    return text.encode("utf-8")[:limit].decode("utf-8", errors="ignore")


class FeedbackStore:
    def __init__(self, path: Path, per_minute: int = 20, global_per_minute: int = 120,
                 max_records: int = MAX_RECORDS, max_bytes: int = MAX_BYTES):
        """path: the database; a path ending in .jsonl names an old log, imported into the
        database of the same name ending in .sqlite3."""
        path = Path(path)
        legacy = path if path.suffix == ".jsonl" else path.with_name("feedback.jsonl")
        self.path = path.with_suffix(".sqlite3") if path.suffix == ".jsonl" else path
        self.per_minute, self.global_per_minute = per_minute, global_per_minute
        self.max_records, self.max_bytes = max_records, max_bytes
        self._lock = threading.Lock()
        self._recent: OrderedDict[str, deque[float]] = OrderedDict()
        self._everyone: deque[float] = deque()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # One connection, used under the lock by every server thread.
        self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS feedback (reply_id TEXT PRIMARY KEY, time TEXT NOT NULL, "
            "vote TEXT NOT NULL, comment TEXT, message TEXT NOT NULL, search_query TEXT NOT NULL, "
            "answer_ids TEXT NOT NULL, bytes INTEGER NOT NULL)"
        )
        if legacy.is_file():
            self._import(legacy)
        self._count, self._bytes = self._db.execute("SELECT COUNT(*), COALESCE(SUM(bytes), 0) FROM feedback").fetchone()

    def record(self, turn: Turn, vote: str, session: str | None = None, reply_id: str | None = None,
               comment: str | None = None) -> Outcome:
        """Keep the vote (and comment) on one reply, replacing an earlier one on the same reply."""
        comment = comment.strip()[:MAX_COMMENT_CHARS] if comment and comment.strip() else None
        record = FeedbackRecord(
            reply_id=str(reply_id or uuid.uuid4().hex)[:64],
            time=time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            vote=vote,
            comment=cut_to_bytes(comment, MAX_COMMENT_BYTES) if comment else None,
            message=cut_to_bytes(turn.message, MAX_MESSAGE_BYTES),
            search_query=cut_to_bytes(turn.search_query.text, MAX_SEARCH_QUERY_BYTES),
            answer_ids=tuple(q.answer.id[:200] for q in turn.quotes[:MAX_ANSWER_IDS]),
        )
        with self._lock:
            outcome = self._rate(session)
            if outcome is not Outcome.RECORDED:
                return outcome
            old = self._db.execute("SELECT bytes FROM feedback WHERE reply_id = ?", (record.reply_id,)).fetchone()
            count = self._count + (0 if old else 1)
            size = self._bytes - (old[0] if old else 0) + record.size
            if count > self.max_records or size > self.max_bytes:
                return Outcome.FULL
            self._upsert(record)
            self._count, self._bytes = count, size
            return Outcome.RECORDED

    def records(self) -> list[FeedbackRecord]:
        """Every record, oldest vote first (for whoever reads the feedback)."""
        with self._lock:
            rows = self._db.execute(
                "SELECT reply_id, time, vote, comment, message, search_query, answer_ids FROM feedback ORDER BY rowid"
            ).fetchall()
        return [FeedbackRecord(*row[:6], tuple(json.loads(row[6]))) for row in rows]

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def _upsert(self, record: FeedbackRecord) -> None:
        # Deleted and inserted, not updated in place: the latest vote comes last in rowid order.
        self._db.execute("BEGIN IMMEDIATE")
        self._db.execute("DELETE FROM feedback WHERE reply_id = ?", (record.reply_id,))
        self._db.execute(
            "INSERT INTO feedback VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (record.reply_id, record.time, record.vote, record.comment, record.message, record.search_query,
             json.dumps(list(record.answer_ids), ensure_ascii=False), record.size),
        )
        self._db.execute("COMMIT")

    def _rate(self, session: str | None) -> Outcome:
        """Counts this vote against the rates, unless one of them is spent."""
        now = time.monotonic()
        while self._everyone and now - self._everyone[0] > 60:
            self._everyone.popleft()
        if len(self._everyone) >= self.global_per_minute:
            return Outcome.GLOBAL_RATE
        if session is not None:
            times = self._recent.pop(session, None) or deque()
            while times and now - times[0] > 60:
                times.popleft()
            self._recent[session] = times
            if len(self._recent) > TRACKED_SESSIONS:
                self._recent.popitem(last=False)
            if len(times) >= self.per_minute:
                return Outcome.SESSION_RATE
            times.append(now)
        self._everyone.append(now)
        return Outcome.RECORDED

    def _import(self, legacy: Path) -> None:
        """The records of an old feedback.jsonl (the last per reply wins; unreadable lines are
        skipped), then the file renamed so it is imported only once."""
        with legacy.open(encoding="utf-8", errors="replace") as f:
            for n, line in enumerate(f, start=1):
                try:
                    entry = json.loads(line)
                    record = FeedbackRecord(
                        reply_id=str(entry.get("reply_id") or f"imported-{legacy.name}-{n}")[:64],
                        time=str(entry.get("time") or ""),
                        vote=str(entry["vote"]),
                        comment=cut_to_bytes(str(entry["comment"]), MAX_COMMENT_BYTES) if entry.get("comment") else None,
                        message=cut_to_bytes(str(entry.get("message") or ""), MAX_MESSAGE_BYTES),
                        search_query=cut_to_bytes(str(entry.get("search_query") or ""), MAX_SEARCH_QUERY_BYTES),
                        answer_ids=tuple(str(a) for a in (entry.get("answer_ids") or [])[:MAX_ANSWER_IDS]),
                    )
                except (ValueError, KeyError, TypeError, AttributeError):
                    continue
                self._upsert(record)
        legacy.rename(legacy.with_name(legacy.name + ".migrated"))
