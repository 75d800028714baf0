"""The data model: frozen dataclasses shared by every stage of the pipeline."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Author:
    """Who wrote an answer. Every field is optional: unknown stays None, never guessed."""

    name: str | None = None  # "Ronald Shelton, MD"
    title: str | None = None  # specialty with city: "Manhattan Dermatologic Surgeon"
    rating: float | None = None  # 4.9 (out of 5)
    reviews: int | None = None  # 39

    @property
    def is_empty(self) -> bool:
        return self.name is None and self.title is None and self.rating is None and self.reviews is None


@dataclass(frozen=True)
class Answer:
    id: str  # "<thread id>#<n>", n counting from 1 in page order
    text: str  # the exact answer body, whitespace normalised; quotes are substrings of it
    headline: str | None = None
    author: Author = field(default_factory=Author)


@dataclass(frozen=True)
class Thread:
    """One Q&A page: the patient's question and the physicians' answers."""

    id: str
    title: str
    answers: tuple[Answer, ...]
    question: str | None = None
    source: str | None = None  # the file it was read from


@dataclass(frozen=True)
class Problem:
    """Something wrong with the input, reported to the user with file and line."""

    path: str
    line: int | None
    message: str
    skipped: bool  # True: the file (or JSONL line) was not used; False: a warning only

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line is not None else self.path
        kind = "error" if self.skipped else "warning"
        return f"{where}: {kind}: {self.message}"
