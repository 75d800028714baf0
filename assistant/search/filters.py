"""Filters on who answered: the physician's specialty and rating.

A page signs each answer with a title that joins city and specialty ("Manhattan
Dermatologic Surgeon") and a rating out of 5. A filter keeps the answers whose author
satisfies it; an answer whose title or rating is unknown never satisfies a filter on it
(unknown is not "at least 4.5").
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import numpy as np

from assistant.errors import SettingsError
from assistant.corpus.jsonl import MAX_RATING, MIN_RATING
from assistant.models import Answer, Author
from assistant.text_gate import InvalidTextError, clean_text

MAX_SPECIALTY_CHARS = 100
_WORD = re.compile(r"[^\W_]+")  # letters and digits


def title_words(text: str) -> list[str]:
    """The words a specialty filter is matched on: casefolded, accents and dots taken off
    ("İstanbul", "istanbul" and "ISTANBUL" are one word; "México" is "mexico")."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return _WORD.findall("".join(ch for ch in decomposed if not unicodedata.combining(ch)))


@dataclass(frozen=True)
class AnswerFilter:
    """specialty: words that must each begin a word of the physician's title, in any case
    ("plastic surgeon", "dermatolog"); min_rating: the lowest rating kept."""

    specialty: str | None = None
    min_rating: float | None = None

    @classmethod
    def of(cls, specialty: str | None = None, min_rating: float | None = None) -> "AnswerFilter":
        """A filter from user input (blank: no filter on it); a value that makes no sense
        raises SettingsError naming it."""
        if specialty is not None and not isinstance(specialty, str):
            raise SettingsError("specialty must be text")
        try:
            specialty = clean_text(specialty or "", "specialty")
        except InvalidTextError as exc:
            raise SettingsError(str(exc)) from None
        words = _WORD.findall(specialty)
        if specialty.strip() and not words:  # "%" or '"': a filter on nothing is no filter, said so
            raise SettingsError(f"specialty {specialty.strip()[:40]!r} has no letters or digits to match a title with")
        specialty = " ".join(words) or None
        if specialty is not None and len(specialty) > MAX_SPECIALTY_CHARS:
            raise SettingsError(f"specialty must be at most {MAX_SPECIALTY_CHARS} characters")
        if min_rating is not None:
            if isinstance(min_rating, bool) or not isinstance(min_rating, (int, float)):
                raise SettingsError("min_rating must be a number")
            if not MIN_RATING <= min_rating <= MAX_RATING:  # NaN fails this too
                raise SettingsError(f"min_rating must be between {MIN_RATING:g} and {MAX_RATING:g}, not {min_rating}")
            min_rating = float(min_rating) if min_rating > MIN_RATING else None  # 0 keeps every rating, and unrated answers
        return cls(specialty, min_rating)

    @property
    def is_empty(self) -> bool:
        return self.specialty is None and self.min_rating is None

    def accepts(self, author: Author) -> bool:
        if self.min_rating is not None and (author.rating is None or author.rating < self.min_rating):
            return False
        if self.specialty is not None:
            words = title_words(author.title or "")
            if not all(any(w.startswith(x) for w in words) for x in title_words(self.specialty)):
                return False
        return True

    def mask(self, answers: list[Answer]) -> np.ndarray:
        """Which answers it keeps, as a boolean array in answer order."""
        return np.fromiter((self.accepts(a.author) for a in answers), dtype=bool, count=len(answers))

    def describe(self) -> str:
        parts = []
        if self.specialty:
            parts.append(f'specialty "{self.specialty}"')
        if self.min_rating is not None:
            parts.append(f"rating at least {self.min_rating:g}")
        return " and ".join(parts)


NO_FILTER = AnswerFilter()
