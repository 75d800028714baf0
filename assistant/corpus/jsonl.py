"""The thread JSONL format (DESIGN §4): one thread per line, the parser's own records."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import asdict
from typing import IO, Any
from urllib.parse import urlsplit

from assistant.models import MAX_RATING, MIN_RATING, Answer, Author, Problem, Thread


def thread_to_dict(thread: Thread) -> dict[str, Any]:
    return {
        "id": thread.id,
        "title": thread.title,
        "question": thread.question,
        "source": thread.source,
        "url": thread.url,
        "answers": [
            {
                "id": a.id,
                "headline": a.headline,
                "text": a.text,
                "author": asdict(a.author),
            }
            for a in thread.answers
        ],
    }


def write_threads(threads: Iterable[Thread], out: IO[str]) -> None:
    for thread in threads:
        out.write(json.dumps(thread_to_dict(thread), ensure_ascii=False) + "\n")


class RecordError(ValueError):
    """A JSON record that is not a valid thread; the message names the field."""




def thread_from_dict(record: Any) -> Thread:
    if not isinstance(record, dict):
        raise RecordError("a line must hold a JSON object")
    thread_id = _required_str(record, "id", "id")
    title = _required_str(record, "title", "title")
    answers_raw = record.get("answers")
    if not isinstance(answers_raw, list):
        raise RecordError("missing required field 'answers' (a list)")
    if not answers_raw:
        raise RecordError("'answers' is empty: a thread needs at least one answer to quote")
    answers = []
    for n, raw in enumerate(answers_raw):
        where = f"answers[{n}]"
        if not isinstance(raw, dict):
            raise RecordError(f"{where} must be an object")
        answers.append(
            Answer(
                id=_required_str(raw, "id", f"{where}.id"),
                text=_required_str(raw, "text", f"{where}.text"),
                headline=_optional(raw, "headline", str, f"{where}.headline"),
                author=_author(raw.get("author"), f"{where}.author"),
            )
        )
    return Thread(
        id=thread_id,
        title=title,
        question=_optional(record, "question", str, "question"),
        source=_optional(record, "source", str, "source"),
        url=_web_address(record),
        answers=tuple(answers),
    )


def _author(raw: Any, where: str) -> Author:
    if raw is None:
        return Author()
    if not isinstance(raw, dict):
        raise RecordError(f"{where} must be an object or null")
    rating = _optional(raw, "rating", (int, float), f"{where}.rating")
    if rating is not None and not MIN_RATING <= rating <= MAX_RATING:  # NaN fails this too
        raise RecordError(f"field '{where}.rating' must be between {MIN_RATING} and {MAX_RATING}, not {rating}")
    reviews = _optional(raw, "reviews", int, f"{where}.reviews")
    if reviews is not None and reviews < 0:
        raise RecordError(f"field '{where}.reviews' must not be negative, not {reviews}")
    return Author(
        name=_optional(raw, "name", str, f"{where}.name"),
        title=_optional(raw, "title", str, f"{where}.title"),
        rating=float(rating) if rating is not None else None,
        reviews=reviews,
    )


def _web_address(record: dict) -> str | None:
    """The optional `url`: only an absolute http(s) address is a link a browser may open."""
    url = _optional(record, "url", str, "url")
    if url is None:
        return None
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc or any(c.isspace() for c in url.strip()):
        raise RecordError(f"field 'url' must be an http:// or https:// address, not {url[:80]!r}")
    return url.strip()


def _required_str(record: dict, key: str, where: str) -> str:
    value = record.get(key)
    if value is None:
        raise RecordError(f"missing required field '{where}'")
    if not isinstance(value, str) or not value.strip():
        raise RecordError(f"field '{where}' must be a non-empty string")
    return value


def _optional(record: dict, key: str, kind, where: str):
    value = record.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, kind):
        raise RecordError(f"field '{where}' has the wrong type ({type(value).__name__})")
    return value


def read_jsonl(stream: IO[bytes], path: str, max_line_bytes: int) -> Iterator[Thread | Problem]:
    """Yield a Thread per good line and a Problem (with line number) per bad one."""
    for _, item in read_jsonl_lines(stream, path, max_line_bytes):
        yield item


def read_jsonl_lines(stream: IO[bytes], path: str, max_line_bytes: int) -> Iterator[tuple[int, Thread | Problem]]:
    """(line number, Thread or Problem) per non-empty line.

    Lines longer than max_line_bytes are skipped without being held in memory.
    """
    number = 0
    while True:
        line = stream.readline(max_line_bytes + 1)
        if not line:
            return
        number += 1
        if len(line) > max_line_bytes and not line.endswith(b"\n"):
            while (rest := stream.readline(1 << 20)) and not rest.endswith(b"\n"):
                pass
            yield number, Problem(path, number, f"line longer than {max_line_bytes} bytes; skipped", True)
            continue
        if not line.strip():
            continue
        try:
            record = json.loads(line.decode("utf-8"), parse_constant=_reject_constant)
        except UnicodeDecodeError as exc:
            yield number, Problem(path, number, f"not UTF-8 text ({exc.reason} at byte {exc.start}); line skipped", True)
            continue
        except json.JSONDecodeError as exc:
            yield number, Problem(path, number, f"invalid JSON ({exc.msg} at column {exc.colno}); line skipped", True)
            continue
        except RecordError as exc:
            yield number, Problem(path, number, f"{exc}; line skipped", True)
            continue
        try:
            yield number, thread_from_dict(record)
        except RecordError as exc:
            yield number, Problem(path, number, f"{exc}; line skipped", True)


def _reject_constant(name: str):
    raise RecordError(f"invalid JSON ({name} is not a number JSON allows)")
