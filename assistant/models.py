"""The data model: frozen dataclasses shared by every stage of the pipeline."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from enum import Enum

import numpy as np

from assistant.errors import SettingsError
from assistant.text_gate import InvalidTextError, clean_text

# A physician's rating is "N out of 5 stars".
MIN_RATING, MAX_RATING = 0.0, 5.0


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
    source: str | None = None  # where it was read: "corpus/000_x.txt", or as the JSONL says
    url: str | None = None  # the original page's web address (http or https only), if known


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


@dataclass(frozen=True)
class Chunk:
    """A passage of an answer: text == answer.text[start:end]."""

    answer_id: str
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class SearchQuery:
    """What is actually searched for one message: the message, plus earlier context for a follow-up.

    parts are (text, weight) pairs, oldest first; text joins them and is shown to users.
    """

    text: str
    parts: tuple[tuple[str, float], ...]
    is_followup: bool = False
    # A message read alone that finds nothing may still lean on the conversation ("nobody
    # told me this could even happen!!"): how it reads with the topic before it.
    in_context: "SearchQuery | None" = None


@dataclass(frozen=True)
class SentenceMatch:
    """One sentence of a retrieved answer and how close it is to the message."""

    start: int  # offsets in the answer's text
    end: int
    query_cosine: float  # to the whole search query (a follow-up's conversation included)
    focus_cosine: float  # to what the message asks (QuestionFocus), the corpus's background words left out


@dataclass(frozen=True)
class QuestionFocus:
    """What a message asks, as opposed to the situation it describes: "how long does that
    last?" of "my eyelid droops after Botox, how long does that last?" (question_focus.py)."""

    text: str  # the asking words as embedded: the corpus's background words ("Botox") left out
    terms: tuple[str, ...]  # content terms of the asking words
    synonyms: tuple[str, ...]  # vocabulary synonyms of those terms (vocabulary.py)


@dataclass(frozen=True)
class Hit:
    """One retrieved answer, with the passage that matched it best."""

    answer: Answer
    thread: Thread
    passage: Chunk  # the passage that matched best
    score: float  # the fused ranking score
    relevance: float  # absolute evidence used for abstention (cosine similarity)
    sentences: tuple[SentenceMatch, ...] = ()  # every sentence of the answer, in order


@dataclass(frozen=True)
class Quote:
    """A verbatim span of one answer with its attribution."""

    answer: Answer
    thread: Thread
    start: int
    end: int
    score: float
    relevance: float

    @property
    def text(self) -> str:
        return self.answer.text[self.start : self.end]

    @property
    def starts_inside(self) -> bool:
        return self.start > 0

    @property
    def ends_inside(self) -> bool:
        return self.end < len(self.answer.text)


class Urgency(str, Enum):
    """How soon a message says the patient needs care (red_flags.py)."""

    EMERGENCY = "emergency"  # call emergency services now
    SAME_DAY = "same_day"  # contact the clinic that treated you today

    @property
    def rank(self) -> int:
        return 2 if self is Urgency.EMERGENCY else 1


@dataclass(frozen=True)
class RedFlag:
    """One sign of urgency recognised in a message."""

    urgency: Urgency
    sign: str  # what was recognised, e.g. "trouble swallowing"
    evidence: str  # "pattern" or "semantic"
    words: str  # the words of the message that showed it


@dataclass(frozen=True)
class Triage:
    urgency: Urgency | None  # the most urgent of the flags; None: no red flag
    flags: tuple[RedFlag, ...] = ()


# --- Filters on who answered: the physician's specialty and rating. A page signs each
# answer with a title that joins city and specialty ("Manhattan Dermatologic Surgeon") and
# a rating out of 5. A filter keeps the answers whose author satisfies it; an answer whose
# title or rating is unknown never satisfies a filter on it (unknown is not "at least 4.5").

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


@dataclass(frozen=True)
class Turn:
    """The reply to one message: fixed notices and quotes, nothing else."""

    message: str
    search_query: SearchQuery
    abstained: bool
    notices: tuple[str, ...]  # urgent notice first when there is one; the disclaimer last
    quotes: tuple[Quote, ...]
    triage: Triage = Triage(None)
    answer_filter: "AnswerFilter | None" = None  # the filter on who answered, if one was set

    @property
    def urgency(self) -> Urgency | None:
        return self.triage.urgency
