"""Reading the feedback database as whoever analyses it would: plain SQL, not the app's code."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path


def feedback_records(path: Path) -> list[dict]:
    """Every stored vote as a dict, oldest first; none when there is no database yet."""
    if not Path(path).exists():
        return []
    with sqlite3.connect(path) as db:
        db.row_factory = sqlite3.Row
        rows = db.execute("SELECT * FROM feedback ORDER BY rowid").fetchall()
    return [{**dict(row), "answer_ids": json.loads(row["answer_ids"])} for row in rows]
