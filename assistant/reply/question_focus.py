"""What a message asks, as opposed to the situation it describes.

"my upper eyelid is droopy after botox between my eyebrows, how long does that last?"
describes a situation and asks one thing. Every sentence of an answer in that thread
resembles the situation ("Most commonly the upper eyelid becomes droopy after Botox
injections in between the eyebrows"); the sentence that answers resembles the ask
("Muscle activity returns ... usually 3-4 months"). Retrieval needs the situation to
find the thread; choosing the words to quote from an answer needs the ask.

The ask is found by the shape of questions, not by topic: the clauses of a sentence
from the first one that opens like a question ("how", "can", "is there", "should")
to its end, or the last clause of a sentence that ends with "?"; failing those, a
sentence from a question word inside it ("if it wasn't the botox what else could ...").
A message with none of these (a statement: "my doctor never warned me this could
happen") is all ask.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from assistant.index.terms import WORD_RE, content_terms, stem
from assistant.models import QuestionFocus
from assistant.search.vocabulary import expansion_terms

_SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+|\n+")
_CLAUSE_BREAK = re.compile(r"\s*[,;:]\s*|\s+[-\u2013\u2014]+\s+")
_QUESTION_OPENING = re.compile(
    r"^(?:(?:and|but|so|or|ok|okay|then|also|please|now)\s+)*"
    r"(?:how|what|whats|why|when|which|who|where|can|could|will|would|should|shall|is|are|am|do|does|did|"
    r"has|have|was|were|may|might|must|any|anything|isnt|wont|cant|shouldnt|wouldnt|doesnt)\b",
    re.IGNORECASE,
)
_QUESTION_WORD = re.compile(r"\b(?:how|what|why|when|which|who|where)\b", re.IGNORECASE)


def asking_words(message: str) -> str:
    """The clauses of message that ask something; all of it when none does."""
    sentences = [s for s in _SENTENCE_BREAK.split(message.strip()) if s.strip()]
    asks = []
    for sentence in sentences:
        clauses = [c for c in _CLAUSE_BREAK.split(sentence) if c.strip()]
        first = next((i for i, c in enumerate(clauses) if _QUESTION_OPENING.match(c.strip())), None)
        if first is not None:
            asks.append(", ".join(clauses[first:]))
        elif sentence.rstrip().endswith("?"):
            asks.append(clauses[-1])
    if not asks:
        # Only now a question word inside a sentence ("if it wasnt the botox what else could
        # have caused ..."): beside a real question it is more often a conjunction ("my mouth
        # won't lift when I smile").
        for sentence in sentences:
            inner = _QUESTION_WORD.search(sentence)
            if inner and inner.start() > 0:
                asks.append(sentence[inner.start() :])
    return " ".join(asks).strip() or message.strip()


def focus_of(message: str, is_background: Callable[[str], bool]) -> QuestionFocus:
    """The focus of message; is_background(term) tells the corpus's background words
    ("Botox" in a corpus about Botox), left out of the embedded text: in an ask as short
    as "will botox ever work to even out my face?" that one word otherwise pulls the
    vector towards every sentence that names it."""
    ask = asking_words(message)
    kept = WORD_RE.sub(lambda m: "" if is_background(stem(m.group(0).split("'")[0])) else m.group(0), ask.lower())
    text = " ".join(kept.split()) if WORD_RE.search(kept) else ask
    return QuestionFocus(text, tuple(content_terms(ask)), tuple(expansion_terms(ask, is_background)))
