"""Reading a corpus: pages and JSONL files, or folders of them, into threads.

Bad files are reported (file and line) and skipped; the rest is still read.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from assistant.corpus.jsonl import read_jsonl_lines
from assistant.corpus.page_parser import parse_page_text
from assistant.errors import CorpusError
from assistant.models import Author, Problem, Thread
from assistant.text_gate import InvalidTextError, check_encodable, clean_label, clean_text

PAGE_SUFFIXES = (".txt",)
JSONL_SUFFIXES = (".jsonl", ".jsonl.gz")  # a large export is often shipped gzipped


def _is_jsonl(path: Path) -> bool:
    return path.name.lower().endswith(JSONL_SUFFIXES)


def _is_corpus_file(path: Path) -> bool:
    return _is_jsonl(path) or path.suffix.lower() in PAGE_SUFFIXES

# A real page is about 6 KB; even a page with hundreds of answers stays far below this.
# Larger files are refused before they are read, so memory stays bounded.
DEFAULT_MAX_PAGE_BYTES = 5 * 1024 * 1024
# One JSONL thread line: generous for a thread with hundreds of long answers.
DEFAULT_MAX_JSONL_LINE_BYTES = 16 * 1024 * 1024


@dataclass
class CorpusReadResult:
    threads: list[Thread] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)

    @property
    def skipped_any(self) -> bool:
        return any(p.skipped for p in self.problems)


def corpus_files(paths: Iterable[str | os.PathLike]) -> tuple[list[Path], list[Problem]]:
    """The readable files under the given paths, in a stable order.

    Folders are walked recursively and only page and JSONL files are taken from them
    (a README beside the pages is not a page); a file named explicitly must be one.
    """
    files: list[Path] = []
    problems: list[Problem] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = sorted(
                p for p in path.rglob("*") if p.is_file() and _is_corpus_file(p)
            )
            files.extend(found)
        elif path.is_file():
            if _is_corpus_file(path):
                files.append(path)
            else:
                problems.append(
                    Problem(str(path), None, "not a page (.txt) or thread JSONL (.jsonl, .jsonl.gz) file; skipped", True)
                )
        else:
            problems.append(Problem(str(path), None, "no such file or folder", True))
    return files, problems


def read_corpus(
    paths: Iterable[str | os.PathLike],
    *,
    max_page_bytes: int = DEFAULT_MAX_PAGE_BYTES,
    max_jsonl_line_bytes: int = DEFAULT_MAX_JSONL_LINE_BYTES,
) -> CorpusReadResult:
    paths = list(paths)
    files, problems = corpus_files(paths)
    result = CorpusReadResult(problems=problems, files=files)
    seen_threads: dict[str, str] = {}  # id -> where it was read ("file:line")
    seen_answers: dict[str, str] = {}
    for path in files:
        for line, item in read_file(path, max_page_bytes=max_page_bytes, max_jsonl_line_bytes=max_jsonl_line_bytes):
            if isinstance(item, Problem):
                result.problems.append(item)
                continue
            where = f"{display_path(path)}:{line}" if line is not None else display_path(path)
            try:
                item = clean_thread(item)
            except InvalidTextError as exc:
                result.problems.append(Problem(display_path(path), line, f"{exc}; {'line' if line else 'file'} skipped", True))
                continue
            clash = _id_clash(item, seen_threads, seen_answers)
            if clash:
                result.problems.append(Problem(display_path(path), line, clash, True))
                continue
            if item.source == display_path(path):  # a page: named within its corpus, not on this server
                item = replace(item, source=source_label(path, paths))
            seen_threads[item.id] = where
            for answer in item.answers:
                seen_answers[answer.id] = item.id
            result.threads.append(item)
    return result


def read_file(
    path: Path, *, max_page_bytes: int, max_jsonl_line_bytes: int
) -> Iterator[tuple[int | None, Thread | Problem]]:
    """(line, Thread or Problem) for each thread of a file: its JSONL line, None for a page."""
    shown = display_path(path)
    try:
        if _is_jsonl(path):
            opener = gzip.open if path.name.lower().endswith(".gz") else open
            with opener(path, "rb") as stream:
                try:
                    yield from read_jsonl_lines(stream, shown, max_jsonl_line_bytes)
                except (gzip.BadGzipFile, EOFError, zlib.error) as exc:
                    # Lines read before the damage were used; the rest cannot be.
                    yield None, Problem(shown, None, f"damaged gzip data ({exc}); the rest of the file skipped", True)
            return
        thread, problems = parse_page_text(_read_page_text(path, shown, max_page_bytes), shown, path.stem)
    except CorpusError as exc:
        yield exc.line, Problem(exc.path, exc.line, f"{exc.message}; file skipped", True)
        return
    except OSError as exc:
        yield None, Problem(shown, None, f"cannot read file ({exc.strerror or exc}); skipped", True)
        return
    for problem in problems:
        yield problem.line, problem
    yield None, thread


def _read_page_text(path: Path, shown: str, max_bytes: int) -> str:
    size = path.stat().st_size
    if size > max_bytes:
        raise CorpusError(
            shown, None, f"file is {size} bytes, over the {max_bytes}-byte limit for one page (ASSISTANT_MAX_PAGE_BYTES)"
        )
    data = path.read_bytes()
    if not data.strip():
        raise CorpusError(shown, 1, "empty file")
    nul = data.find(b"\x00")
    if nul >= 0:
        raise CorpusError(shown, data.count(b"\n", 0, nul) + 1, "binary file (contains NUL bytes), not a page")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise CorpusError(shown, line, f"not UTF-8 text (byte 0x{data[exc.start]:02x} cannot be decoded)") from None


def clean_thread(thread: Thread) -> Thread:
    """A thread through the text gate (text_gate.py): labels without invisible characters,
    every text NFC without direction controls; InvalidTextError names a field it cannot take."""

    def label(value: str | None, field: str) -> str | None:
        return (clean_label(value, field) or None) if value is not None else None

    def text(value: str | None, field: str) -> str | None:
        return clean_text(value, field) if value is not None else None

    answers = []
    for n, answer in enumerate(thread.answers):
        where = f"answers[{n}]"
        check_encodable(answer.id, f"{where}.id")
        body = clean_text(answer.text, f"{where}.text")
        if not body.strip():
            raise InvalidTextError(f"{where}.text holds no visible text")
        author = answer.author
        answers.append(replace(
            answer,
            text=body,
            headline=label(answer.headline, f"{where}.headline"),
            author=Author(label(author.name, f"{where}.author.name"), label(author.title, f"{where}.author.title"),
                          author.rating, author.reviews),
        ))
    check_encodable(thread.id, "id")
    title = label(thread.title, "title")
    if not title:
        raise InvalidTextError("title holds no visible text")
    return replace(
        thread,
        title=title,
        question=text(thread.question, "question"),
        source=label(thread.source, "source"),
        url=text(thread.url, "url"),
        answers=tuple(answers),
    )


def _id_clash(thread: Thread, seen_threads: dict[str, str], seen_answers: dict[str, str]) -> str | None:
    if thread.id in seen_threads:
        return f"thread id {thread.id!r} was already read from {seen_threads[thread.id]}; this copy skipped"
    ids = [a.id for a in thread.answers]
    for answer_id in ids:
        if answer_id in seen_answers:
            owner = seen_answers[answer_id]
            return f"answer id {answer_id!r} already belongs to thread {owner!r} ({seen_threads[owner]}); thread skipped"
    if len(set(ids)) != len(ids):
        return f"thread {thread.id!r} repeats an answer id; thread skipped"
    return None


def source_label(path: Path, roots: list[str | os.PathLike]) -> str:
    """How a page is named to users: its path within the corpus folder it was read from
    ("corpus/000_x.txt"), or its file name; never where the server keeps it."""
    resolved = path.resolve()
    for root in map(Path, roots):
        root = root.resolve()
        if root.is_dir() and resolved.is_relative_to(root):
            return f"{root.name}/{resolved.relative_to(root).as_posix()}"
    return path.name


def display_path(path: Path) -> str:
    """The path relative to the working directory when it lies inside it (stable in output)."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return str(path)


def corpus_fingerprint(files: Iterable[Path]) -> str:
    """SHA-256 over the corpus files' relative names and contents: changes iff the corpus does."""
    digest = hashlib.sha256()
    for path in sorted(files, key=lambda p: display_path(p)):
        digest.update(path.name.encode() + b"\0")
        with path.open("rb") as f:
            digest.update(hashlib.file_digest(f, "sha256").digest())
    return digest.hexdigest()
